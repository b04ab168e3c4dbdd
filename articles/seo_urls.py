"""Language-neutral URLs that crawlers and feed readers expect at the site root.

Feeds and sitemaps are served in the newsroom's own language and link to its pages. The
sitemap of every page (`/sitemap.xml`) gathers several apps' sitemaps: newsroom/urls.py wires it.
"""

from django.contrib.sitemaps.views import sitemap
from django.urls import path
from django.views.generic import TemplateView

from .feeds import LatestArticlesAtomFeed, LatestArticlesFeed, SectionAtomFeed, SectionFeed
from .list_pages import served_whole
from .sitemaps import NewsSitemap

urlpatterns = [
    path(
        "robots.txt",
        TemplateView.as_view(template_name="robots.txt", content_type="text/plain"),
        name="robots_txt",
    ),
    path(
        "sitemap-news.xml",
        sitemap,
        {"sitemaps": {"news": NewsSitemap}, "template_name": "articles/sitemap_news.xml"},
        name="news_sitemap",
    ),
    # Feed readers ask again every few minutes: a feed is the same for everyone, kept whole with
    # an ETag (and the Last-Modified the feed sets), so that they get 304 Not Modified while
    # nothing changed, and the feed is built once per change (list_pages.served_whole).
    path("feeds/rss/", served_whole(LatestArticlesFeed()), name="feed_rss"),
    path("feeds/atom/", served_whole(LatestArticlesAtomFeed()), name="feed_atom"),
    path("feeds/<slug:slug>/rss/", served_whole(SectionFeed()), name="section_feed_rss"),
    path(
        "feeds/<slug:slug>/atom/",
        served_whole(SectionAtomFeed()),
        name="section_feed_atom",
    ),
]
