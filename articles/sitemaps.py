"""Sitemaps for search engines: every page readers can reach, and the Google News sitemap.

The front page and the sections are listed in every language of the interface, each with its
alternates (`hreflang`); an article once, in its own language (README, "Languages").
"""

import datetime

from django.contrib.sitemaps import Sitemap
from django.db.models import OuterRef, Subquery
from django.urls import reverse
from django.utils import translation

from .models import Article, Section

#: Google News only wants articles published in the last two days.
NEWS_WINDOW = datetime.timedelta(hours=48)


class InEveryLanguage:
    i18n = True
    alternates = True
    x_default = True


class InTheArticlesLanguage:
    def location(self, article):
        with translation.override(article.language):
            return article.get_absolute_url()


class HomeSitemap(InEveryLanguage, Sitemap):
    changefreq = "hourly"
    priority = 1.0

    def items(self):
        return ["articles:home"]

    def location(self, item):
        return reverse(item)

    def lastmod(self, item):
        latest = Article.objects.published().order_by("-updated_at").first()
        return latest.updated_at if latest else None


class SectionSitemap(InEveryLanguage, Sitemap):
    changefreq = "hourly"
    priority = 0.8

    def items(self):
        latest_update = (
            Article.objects.published()
            .filter(section=OuterRef("pk"))
            .order_by("-updated_at")
            .values("updated_at")[:1]
        )
        return Section.objects.annotate(last_update=Subquery(latest_update))

    def lastmod(self, section):
        return section.last_update


class ArticleSitemap(InTheArticlesLanguage, Sitemap):
    priority = 0.6

    def items(self):
        return Article.objects.published().only("slug", "language", "updated_at", "published_at")

    def lastmod(self, article):
        return article.updated_at


class NewsSitemap(InTheArticlesLanguage, Sitemap):
    """The articles of the last 48 hours, for Google News (rendered by sitemap_news.xml)."""

    limit = 1000

    def items(self):
        return Article.objects.published_since(NEWS_WINDOW).only(
            "slug", "title", "language", "updated_at", "published_at"
        )

    def lastmod(self, article):
        return article.updated_at


SITEMAPS = {"home": HomeSitemap, "sections": SectionSitemap, "articles": ArticleSitemap}
