from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from . import page_cache
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
