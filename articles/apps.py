from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = _("Articles")

    def ready(self):
        # The tag library declares the article page's reader slots (page_cache), which must be
        # known before the first page is shared: Django would load it only with a template.
        from django.db.models.signals import post_migrate

        from . import signals  # noqa: F401 - connects the cache invalidation receivers
        from .templatetags import articles  # noqa: F401 - declares the reader slots

        post_migrate.connect(keep_search_index, sender=self, dispatch_uid="articles.fulltext")


def keep_search_index(sender, using="default", **kwargs):
    """SQLite remakes a table whose columns a migration changes, and drops its triggers with it:
    put back the full-text index's triggers (and refill the index) whenever they are missing."""
    from django.db import connections

    from . import fulltext

    fulltext.install(connections[using])
