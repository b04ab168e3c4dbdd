from functools import partial

from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver

from .models import Photo


@receiver(post_delete, sender=Photo)
def delete_the_files(sender, instance, **kwargs):
    """A deleted photo leaves no file behind, in the media folder or the bucket: its original
    and renditions are deleted by a job once the deletion commits (never if it is rolled back).
    Only an unused photo can be deleted (PhotoUse protects the others)."""
    from .tasks import delete_files

    transaction.on_commit(partial(delete_files.enqueue, instance.stored_names()), robust=True)
