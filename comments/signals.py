from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from articles import page_cache

from .models import Comment, ModerationPolicy, forget_listing


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
