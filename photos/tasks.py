"""The photo library's background jobs: a photo's renditions, made once its upload commits so
that its first reader waits for none (a rendition missing when a page asks for it is still made
then, as always); a deleted photo's files, removed from the media storage once the deletion
commits (retried like any job when the store is away)."""

from django.core.files.storage import storages
from django_tasks import task

from .models import Photo


@task()
def make_renditions(photo_id):
    """Make every rendition of a photo that is not made yet; returns how many it has."""
    photo = Photo.objects.filter(pk=photo_id).first()
    if photo is None:
        # Deleted before its turn came.
        return 0
    renditions = photo.renditions()
    for rendition in renditions:
        rendition.generate()
    return len(renditions)


@task()
def delete_files(names):
    """Delete a deleted photo's files (its original and renditions) from the media storage;
    returns how many were there."""
    storage = storages["default"]
    deleted = 0
    for name in names:
        if storage.exists(name):
            storage.delete(name)
            deleted += 1
    return deleted
