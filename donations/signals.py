from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from .models import DonationPrompt, forget_cached_prompts


@receiver([post_save, post_delete], sender=DonationPrompt)
@receiver(m2m_changed, sender=DonationPrompt.sections.through)
def forget_prompts(sender, **kwargs):
    """A new, edited or retargeted prompt shows on article pages at once."""
    forget_cached_prompts()
