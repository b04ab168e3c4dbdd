from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import ModerationPolicy


@receiver([post_save, post_delete], sender=ModerationPolicy)
def forget_cached_policy(sender, **kwargs):
    ModerationPolicy.forget_cached()
