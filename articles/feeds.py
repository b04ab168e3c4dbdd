"""RSS 2.0 and Atom feeds of the latest articles, for the whole site and for each section.

The feeds live at language-neutral URLs (see `seo_urls.py`) and link to the French pages, the
language the newsroom writes in.
"""

import copy

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from .models import Article, Section


class LatestArticlesFeed(Feed):
    """The latest published articles, as RSS 2.0."""

    limit = 20

    def get_feed(self, obj, request):
        # One Feed instance serves every request: give this request's copy the request, so item
        # methods can build absolute URLs without sharing state between threads.
        feed = copy.copy(self)
        feed.request = request
        return super(LatestArticlesFeed, feed).get_feed(obj, request)

    def title(self, obj=None):
        return settings.NEWSROOM_NAME

    def link(self, obj=None):
        return reverse("articles:home")

    def description(self, obj=None):
        return settings.NEWSROOM_TAGLINE or _("The latest articles from %(name)s") % {
            "name": settings.NEWSROOM_NAME
        }

    def articles(self, obj):
        return Article.objects.published()

    def items(self, obj=None):
        return self.articles(obj).for_listing().prefetch_related("tags")[: self.limit]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.standfirst

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_author_name(self, item):
        return item.byline

    def item_author_link(self, item):
        return self.request.build_absolute_uri(item.get_author_url())

    def item_categories(self, item):
        return [tag.name for tag in item.tags.all()]


class LatestArticlesAtomFeed(LatestArticlesFeed):
    feed_type = Atom1Feed

    def subtitle(self, obj=None):
        return self.description(obj)


class SectionFeed(LatestArticlesFeed):
    """The latest published articles of one section, as RSS 2.0."""

    def get_object(self, request, slug):
        return get_object_or_404(Section, slug=slug)

    def title(self, obj):
        return f"{obj.name} · {settings.NEWSROOM_NAME}"

    def link(self, obj):
        return obj.get_absolute_url()

    def description(self, obj):
        return obj.description or _("The latest articles in %(section)s") % {"section": obj.name}

    def articles(self, obj):
        return super().articles(obj).in_section(obj)


class SectionAtomFeed(SectionFeed):
    feed_type = Atom1Feed

    def subtitle(self, obj):
        return self.description(obj)
