from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from articles import page_cache

from .models import Comment, CommenterNotice, ModerationPolicy, forget_listing
from .tasks import notify_commenters_on_commit


@receiver([post_save, post_delete], sender=ModerationPolicy)
def forget_cached_policy(sender, **kwargs):
    ModerationPolicy.forget_cached()
    # The policy decides whether article pages show the form at all. Its first save, with the
    # defaults, changes nothing that a page was rendered with.
    if not kwargs.get("created"):
        page_cache.forget_all()


@receiver([post_save, post_delete], sender=Comment)
def forget_comment_listing(sender, instance, **kwargs):
    """An approved, taken-down, edited or erased comment shows at once under its article."""
    forget_listing(instance.article_id)


@receiver(post_save, sender=Comment)
def tell_commenters(sender, instance, created, raw=False, **kwargs):
    """A comment a moderator publishes, or an answer that becomes public, by a reader or the
    newsroom (whatever made it public): the commenters who asked hear of it once it commits."""
    if not raw:
        notices = CommenterNotice.record_for(instance, created=created)
        if notices:
            notify_commenters_on_commit(notices)
    instance._saved_status = instance.status
