"""The photo library's background jobs: a photo's renditions, made once its upload commits so
that its first reader waits for none (a rendition missing when a page asks for it is still made
then, as always)."""

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
