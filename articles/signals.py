from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from photos.models import Photo

from . import caching, page_cache
from .list_cache import forget_lists
from .models import Article, AuthorProfile, Section, SectionQuerySet


@receiver([post_save, post_delete], sender=Section)
def forget_section_navigation(sender, **kwargs):
    """Every page's header lists the sections: a change must show at once."""
    SectionQuerySet.forget_navigation()
    page_cache.forget_all()


@receiver([post_save, post_delete], sender=AuthorProfile)
def forget_bylines(sender, **kwargs):
    """Article pages show their author's byline."""
    page_cache.forget_all()


@receiver([post_save, post_delete], sender=Article)
def forget_list_counts(sender, **kwargs):
    """A published, unpublished or deleted article changes the lists' totals and boxes."""
    forget_lists()


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
