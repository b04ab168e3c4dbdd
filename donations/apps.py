from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DonationsConfig(AppConfig):
    name = "donations"
    verbose_name = _("Donations")

    def ready(self):
        # The tag library declares the donation prompt's part of the shared article page
        # (articles.page_cache), which must be known before the first page is shared: Django
        # would load it only with a template.
        from . import signals  # noqa: F401 - connects the cache receivers
        from .templatetags import donations  # noqa: F401 - declares the page's reader slot
