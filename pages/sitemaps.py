from django.contrib.sitemaps import Sitemap
from django.utils import translation

from .models import Page


class PageSitemap(Sitemap):
    """Each published page once, at its address in its own language."""

    priority = 0.3
    changefreq = "monthly"

    def items(self):
        return Page.objects.published().only("slug", "language", "updated_at")

    def location(self, page):
        with translation.override(page.language):
            return page.get_absolute_url()

    def lastmod(self, page):
        return page.updated_at
