from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PhotosConfig(AppConfig):
    """The photo library: photos with their description, renditions, and where each is used."""

    name = "photos"
    verbose_name = _("Photo library")

    def ready(self):
        from . import signals  # noqa: F401
