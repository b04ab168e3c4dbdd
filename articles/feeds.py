"""RSS 2.0 and Atom feeds of the latest articles, for the whole site and for each section.

The feeds live at language-neutral URLs (see `seo_urls.py`), in the newsroom's own language;
each entry links to its article in the article's language. Every entry carries its photo (an RSS
`enclosure` or Atom `enclosure` link, and Media RSS's `media:content` with its caption and
credit), and the channel the newsroom's logo, as news aggregators and feed readers expect.
Each entry also carries the article's text (RSS `content:encoded`, Atom `content`), as
articles.body writes it for feeds: every address absolute, and videos as links to their pages.
"""

import copy

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.core.cache import cache
from django.shortcuts import get_object_or_404
from django.templatetags.static import static
from django.urls import reverse
from django.utils import translation
from django.utils.feedgenerator import Atom1Feed, Enclosure, Rss201rev2Feed
from django.utils.translation import gettext as _

from photos.models import Photo

from . import body, caching
from .models import Article, Section

MEDIA_RSS = "http://search.yahoo.com/mrss/"
CONTENT_MODULE = "http://purl.org/rss/1.0/modules/content/"
#: Names the shape of what LatestArticlesFeed.contents() stores: change it with the shape.
FEED_BODY_KEY_PREFIX = "articles:feed-body:v1"


class MediaFeedMixin:
    """A feed generator that writes each entry's photo as Media RSS `media:content`."""

    def root_attributes(self):
        return {**super().root_attributes(), "xmlns:media": MEDIA_RSS}

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        photo = item.get("photo")
        if not photo:
            return
        handler.startElement(
            "media:content",
            {
                "url": photo["url"],
                "type": photo["type"],
                "medium": "image",
                "width": str(photo["width"]),
                "height": str(photo["height"]),
                "fileSize": str(photo["length"]),
            },
        )
        if photo["caption"]:
            handler.addQuickElement("media:description", photo["caption"], {"type": "plain"})
        if photo["credit"]:
            handler.addQuickElement("media:credit", photo["credit"])
        handler.endElement("media:content")


class NewsRssFeed(MediaFeedMixin, Rss201rev2Feed):
    def rss_attributes(self):
        return {
            **super().rss_attributes(),
            "xmlns:media": MEDIA_RSS,
            "xmlns:content": CONTENT_MODULE,
        }

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        if item.get("content"):
            handler.addQuickElement("content:encoded", item["content"])

    def root_attributes(self):
        # RSS declares its namespaces on <rss> (rss_attributes), not on <channel>.
        return Rss201rev2Feed.root_attributes(self)

    def add_root_elements(self, handler):
        super().add_root_elements(handler)
        logo = self.feed.get("logo")
        if logo:
            handler.startElement("image", {})
            handler.addQuickElement("url", logo["url"])
            handler.addQuickElement("title", self.feed["title"])
            handler.addQuickElement("link", self.feed["link"])
            handler.addQuickElement("width", str(logo["width"]))
            handler.addQuickElement("height", str(logo["height"]))
            handler.endElement("image")


class NewsAtomFeed(MediaFeedMixin, Atom1Feed):
    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        if item.get("content"):
            handler.addQuickElement("content", item["content"], {"type": "html"})

    def add_root_elements(self, handler):
        super().add_root_elements(handler)
        logo = self.feed.get("logo")
        if logo:
            handler.addQuickElement("icon", logo["url"])
            handler.addQuickElement("logo", logo["url"])


class LatestArticlesFeed(Feed):
    """The latest published articles, as RSS 2.0."""

    feed_type = NewsRssFeed
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
        articles = list(self.articles(obj).for_listing().prefetch_related("tags")[: self.limit])
        self._photos = Article.syndicated_photos(articles)
        self._contents = self.contents(articles)
        return articles

    def contents(self, articles):
        """{article id: its text as feeds carry it} (articles.body.render_for_feed, in the
        article's language), from the cache under each article's saved state, the photo
        library's generation and the article's address; the photos of those missing from the
        cache are fetched in one query."""
        generation = caching.photo_generation()
        links, keys = {}, {}
        for article in articles:
            links[article.pk] = self.request.build_absolute_uri(self.item_link(article))
            keys[article.pk] = ":".join(
                [
                    FEED_BODY_KEY_PREFIX,
                    str(article.pk),
                    article.version_token,
                    generation,
                    links[article.pk],
                ]
            )
        contents = cache.get_many(list(keys.values()))
        missing = [article for article in articles if keys[article.pk] not in contents]
        if missing:
            ids = {pk for article in missing for pk in body.photo_ids(article.body)}
            photos = Photo.objects.in_bulk(ids) if ids else {}
            fresh = {}
            for article in missing:
                with translation.override(article.language):
                    fresh[keys[article.pk]] = str(
                        body.render_for_feed(article.body, photos, links[article.pk])
                    )
            cache.set_many(fresh, timeout=24 * 60 * 60)
            contents.update(fresh)
        return {pk: contents[key] for pk, key in keys.items()}

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

    def item_link(self, item):
        with translation.override(item.language):
            return item.get_absolute_url()

    def photo(self, item):
        photo = self._photos.get(item.pk)
        if photo is None:
            return None
        return {
            **photo,
            "url": self.request.build_absolute_uri(photo["url"]),
            "caption": item.photo_caption_text,
            "credit": item.photo_credit_text,
        }

    def item_enclosures(self, item):
        photo = self.photo(item)
        if photo is None:
            return []
        return [Enclosure(photo["url"], str(photo["length"]), photo["type"])]

    def item_extra_kwargs(self, item):
        return {"photo": self.photo(item), "content": self._contents.get(item.pk)}

    def feed_extra_kwargs(self, obj):
        width, height = settings.NEWSROOM_LOGO_SIZE
        return {
            "logo": {
                "url": self.request.build_absolute_uri(static(settings.NEWSROOM_LOGO)),
                "width": width,
                "height": height,
            }
        }


class LatestArticlesAtomFeed(LatestArticlesFeed):
    feed_type = NewsAtomFeed

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
    feed_type = NewsAtomFeed

    def subtitle(self, obj):
        return self.description(obj)
