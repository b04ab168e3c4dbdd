from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = _("Articles")

    def ready(self):
        # The tag library declares the article page's reader slots (page_cache), which must be
        # known before the first page is shared: Django would load it only with a template.
        from . import signals  # noqa: F401 - connects the cache invalidation receivers
        from .templatetags import articles  # noqa: F401 - declares the reader slots
