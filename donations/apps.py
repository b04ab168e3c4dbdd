from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DonationsConfig(AppConfig):
    name = "donations"
    verbose_name = _("Donations")

    def ready(self):
        from . import page_slots, signals  # noqa: F401 - signals connects the cache receivers

        page_slots.connect()
