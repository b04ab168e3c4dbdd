from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommentsConfig(AppConfig):
    name = "comments"
    verbose_name = _("Comments")

    def ready(self):
        from . import page_slots, signals  # noqa: F401 - signals connects the cache receivers

        page_slots.connect()
