from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import Section, SectionQuerySet


@receiver([post_save, post_delete], sender=Section)
def forget_section_navigation(sender, **kwargs):
    """Every page's header lists the sections: a change must show at once."""
    SectionQuerySet.forget_navigation()
