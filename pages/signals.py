from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from articles import page_cache

from .models import Page, PageQuerySet


@receiver([post_save, post_delete], sender=Page)
def forget_footer(sender, **kwargs):
    """Every page's footer lists the footer's pages, the shared article page's too: a change
    must show at once."""
    PageQuerySet.forget_footer()
    page_cache.forget_all()


@receiver(post_save, sender=Page)
def record_photo_uses(sender, instance, raw=False, **kwargs):
    if not raw:
        instance.record_photo_uses()
