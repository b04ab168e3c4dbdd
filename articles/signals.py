from django.conf import settings
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver
from taggit.models import Tag

from photos.models import Photo

from . import caching, page_cache
from .list_cache import forget_lists
from .models import Article, AuthorProfile, Section, SectionQuerySet

# The fields of an account that show on readers' pages: the byline falls back to the name.
NAME_FIELDS = {"first_name", "last_name", "username"}


def now_and_on_commit(forget):
    """`forget()` at once, and again once the change commits: a page rendered in between read
    the rows as they were before it, under the version the first call started."""
    forget()
    transaction.on_commit(forget)


@receiver([post_save, post_delete], sender=Section)
def forget_section_navigation(sender, **kwargs):
    """Every page's header lists the sections: a change must show at once."""
    SectionQuerySet.forget_navigation()
    now_and_on_commit(page_cache.forget_all)


@receiver([post_save, post_delete], sender=AuthorProfile)
def forget_bylines(sender, **kwargs):
    """Article pages and lists show their author's byline, author pages the profile."""
    now_and_on_commit(page_cache.forget_all)


@receiver([post_save, post_delete], sender=settings.AUTH_USER_MODEL)
def forget_renamed_bylines(sender, update_fields=None, **kwargs):
    """An author without a byline signs with their account's name. A login, which saves only
    the time of the last one, changes nothing readers see."""
    if update_fields is None or NAME_FIELDS & set(update_fields):
        now_and_on_commit(page_cache.forget_all)


@receiver([post_save, post_delete], sender=Article)
def forget_list_counts(sender, **kwargs):
    """A published, changed, unpublished or deleted article changes the lists: their totals,
    boxes and shared renderings (list_pages)."""
    now_and_on_commit(forget_lists)


@receiver(m2m_changed, sender=Article.tags.through)
def forget_tag_lists(sender, action, **kwargs):
    """An article's tags decide the tag pages it shows on. Tags are written after the article
    is saved (the admin saves them with the form's other relations)."""
    if action in {"post_add", "post_remove", "post_clear"}:
        now_and_on_commit(forget_lists)


@receiver([post_save, post_delete], sender=Tag)
def forget_renamed_tag(sender, **kwargs):
    """A tag's page shows its name."""
    now_and_on_commit(forget_lists)


# What an article shows of the photo library: the fields a save must write for it to change.
PHOTO_FIELDS = {"body", "photo", "photo_caption", "photo_credit"}


@receiver(post_save, sender=Article)
def record_photo_uses(sender, instance, raw=False, update_fields=None, **kwargs):
    """The library learns which photos the article shows. A restored backup brings its own
    record; a save of other fields (a workflow step) changes none."""
    if raw or (update_fields is not None and not PHOTO_FIELDS & set(update_fields)):
        return
    instance.record_photo_uses()


@receiver(post_save, sender=Photo)
def follow_the_library(sender, instance, raw=False, **kwargs):
    """A photo's new caption or credit shows at once on every article that uses it, and is
    what search finds."""
    caching.replace_photo_generation()
    if raw:
        return
    for article in Article.objects.using_photo(instance).select_related("photo"):
        article.record_photo_uses()


@receiver(post_delete, sender=Photo)
def forget_a_deleted_photo(sender, **kwargs):
    # Only an unused photo can be deleted; a rendering that listed it is stale all the same.
    caching.replace_photo_generation()
