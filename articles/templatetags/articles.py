import datetime
import json

from babel import Locale
from babel.core import get_global
from django import template
from django.conf import settings
from django.contrib.humanize.templatetags.humanize import intcomma
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.core.serializers.json import DjangoJSONEncoder
from django.http import QueryDict
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse, translate_url
from django.utils import timezone, translation
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import ngettext

from articles import body, caching, list_cache, page_cache
from articles.models import Article, Section
from photos import specs
from photos.models import Photo

register = template.Library()

# The characters that could end a <script> element or open a comment inside it, as JSON
# escapes (the same as Django's json_script), so a title holding "</script>" stays data.
_JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.inclusion_tag("includes/section_nav.html", takes_context=True)
def section_nav(context):
    """The sections, for the site header: every page shows them, so they come from the cache."""
    return {"sections": Section.objects.for_navigation(), "request": context.get("request")}


def views_label(count):
    """ "1 view", "1,234 views" in the reader's language."""
    return ngettext("%(views)s view", "%(views)s views", count) % {"views": intcomma(count)}


# Filled once the reader's view is counted, so that the count includes it.
views_slot = page_cache.ReaderSlot(
    "views", lambda request, page: escape(views_label(page.view_count)), after_writes=True
)
path_slot = page_cache.ReaderSlot("path", lambda request, page: escape(request.get_full_path()))


def messages_html(messages):
    """The messages waiting for the reader (a "thank you" after a comment), or "" for none."""
    if not messages:
        return ""
    return render_to_string("includes/messages.html", {"messages": messages})


# In a page shared between readers, each reader gets the messages waiting for them: read from
# their cookie, or their session when it overflowed there, and shown once.
messages_slot = page_cache.ReaderSlot(
    "messages", lambda request, page: messages_html(get_messages(request))
)


@register.simple_tag(takes_context=True)
@messages_slot.tag
def reader_messages(context):
    """The messages waiting for this reader."""
    return messages_html(context.get("messages"))


@register.simple_tag(takes_context=True)
@views_slot.tag
def article_views(context, article):
    """The article's view count."""
    return views_label(article.view_count)


@register.simple_tag(takes_context=True)
@path_slot.tag
def current_path(context):
    """This request's path and query string."""
    return context["request"].get_full_path()


@register.inclusion_tag("articles/includes/most_read.html", takes_context=True)
def most_read(context, days=7, limit=5):
    """The most read of the articles published within the last `days` days."""
    articles = list_cache.cached(
        f"articles:most-read:{days}:{limit}",
        lambda: list(
            Article.objects.most_read(datetime.timedelta(days=days)).for_listing()[:limit]
        ),
    )
    return {"articles": articles, "days": days, "request": context.get("request")}


@register.simple_tag(takes_context=True)
def page_url(context, number):
    """The current URL's query string with `page` set to `number` (search terms kept)."""
    query = context["request"].GET.copy()
    query["page"] = number
    return "?" + query.urlencode()


@register.simple_tag(takes_context=True)
def absolute_url(context, path):
    return context["request"].build_absolute_uri(path)


@register.simple_tag(takes_context=True)
def canonical_url(context, article):
    """The absolute URL of the article with the interface in the article's own language.

    An article is written in one language; the same text inside the other language's interface
    is not another page for search engines, so both point at the one whose interface matches
    the text (README, "Languages").
    """
    with translation.override(article.language):
        return context["request"].build_absolute_uri(article.get_absolute_url())


#: The query parameters that make a list page another page; anything else (a campaign's utm_*)
#: is left out of the addresses given to search engines.
LIST_PARAMETERS = ("page", "period", "q")


@register.inclusion_tag("includes/language_alternates.html", takes_context=True)
def language_alternates(context):
    """The page in every language of the interface, for search engines (`hreflang`), with the
    newsroom's own language as the default."""
    request = context["request"]
    query = QueryDict(mutable=True)
    for name in LIST_PARAMETERS:
        if name in request.GET:
            query[name] = request.GET[name]
    path = request.path + (f"?{query.urlencode()}" if query else "")
    alternates = [
        (code, request.build_absolute_uri(translate_url(path, code)))
        for code, _name in settings.LANGUAGES
    ]
    default = dict(alternates)[settings.LANGUAGE_CODE]
    return {"alternates": alternates, "default": default}


@register.simple_tag
def lang_attr(language=None):
    """` lang="xx"` on an element whose content is in `language` (by default the newsroom's
    own, as for section names) inside a page in another language; nothing otherwise."""
    language = language or settings.LANGUAGE_CODE
    if language == translation.get_language():
        return ""
    return format_html(' lang="{}"', language)


@register.filter
def og_locale(language):
    """The Open Graph locale of a language code: "fr" → "fr_FR"."""
    likely = get_global("likely_subtags").get(language, language)
    locale = Locale.parse(likely)
    return f"{locale.language}_{locale.territory}" if locale.territory else locale.language


@register.simple_tag(takes_context=True)
def social_image_url(context, article):
    """The absolute URL of the article's 1200×630 link-preview rendition, or "" without one."""
    if article.photo is None:
        return ""
    return context["request"].build_absolute_uri(article.photo.social.url)


@register.simple_tag
def social_image_size():
    """(width, height) of the link-preview rendition."""
    return specs.SOCIAL_SIZE


@register.filter
def iso_datetime(moment):
    """ISO 8601 in the newsroom's time zone, to the second: what `<time datetime>`, sitemaps
    and Open Graph expect (HTML allows at most three digits of a second; Django's "c" format
    writes six)."""
    if not moment:
        return ""
    return timezone.localtime(moment).replace(microsecond=0).isoformat()


@register.simple_tag(takes_context=True)
def article_json_ld(context, article):
    """The article as schema.org NewsArticle data, in a JSON-LD script element."""
    request = context["request"]
    url = canonical_url(context, article)
    with translation.override(article.language):
        author_url = article.get_author_url()
        home_url = reverse("articles:home")
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "url": url,
        "headline": article.title,
        "description": article.standfirst,
        "inLanguage": article.language,
        "articleSection": article.section.name,
        "dateModified": iso_datetime(article.updated_at),
        "author": [
            {
                "@type": "Person",
                "name": article.byline,
                "url": request.build_absolute_uri(author_url),
            }
        ],
        "publisher": {
            "@type": "NewsMediaOrganization",
            "name": settings.NEWSROOM_NAME,
            "url": request.build_absolute_uri(home_url),
            "logo": {
                "@type": "ImageObject",
                "url": request.build_absolute_uri(static(settings.NEWSROOM_LOGO)),
                "width": settings.NEWSROOM_LOGO_SIZE[0],
                "height": settings.NEWSROOM_LOGO_SIZE[1],
            },
        },
    }
    keywords = [name for name, _slug in article.tag_list]
    if keywords:
        data["keywords"] = keywords
    if article.published_at:
        data["datePublished"] = iso_datetime(article.published_at)
    # Every photo the article shows, its lead photo first (as link previews show it).
    images = [social_image_url(context, article)] if getattr(article, "photo", None) else []
    lead_id = getattr(article, "photo_id", None)
    images += [
        request.build_absolute_uri(url)
        for pk, url in body_media(article)["photos"]
        if pk != lead_id
    ]
    if images:
        data["image"] = images
    payload = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False)
    return format_html(
        '<script type="application/ld+json">{}</script>',
        mark_safe(payload.translate(_JSON_SCRIPT_ESCAPES)),  # noqa: S308 - escaped just above
    )


# --- The article's text ------------------------------------------------------------------------

# A shared article page shows the library's photos: it is current only while they are unchanged.
page_cache.register_version_key(lambda article_id: caching.PHOTO_GENERATION_KEY)

#: Names the shape of what body_media() stores: change it with the shape.
BODY_KEY_PREFIX = "articles:body:v1"


def body_media(article):
    """The article's text as readers get it (articles.body.render), whether it shows videos,
    and the address of each photo it shows (its largest JPEG rendition, for structured data).

    What the text adds in words (a video's notice and links, a table's name) is in the
    article's language, like the text around it, which carries that language's `lang`. Kept in
    the cache under the article's saved state and the photo library's generation: a page that
    is served again, whatever its photos, galleries and videos, runs no query for them. Making
    the copy fetches every photo in one query.
    """
    key = ":".join(
        [BODY_KEY_PREFIX, str(article.pk), article.version_token, caching.photo_generation()]
    )
    media = cache.get(key)
    if media is None:
        ids = body.photo_ids(article.body)
        photos = Photo.objects.in_bulk(ids) if ids else {}
        with translation.override(article.language):
            html = body.render(article.body, photos)
        media = {
            "html": html,
            "has_videos": bool(body.embeds_in(article.body)),
            "photos": [
                (pk, photos[pk].rendition(photos[pk].rendition_widths()[-1]).url)
                for pk in ids
                if pk in photos
            ],
        }
        cache.set(key, media, timeout=24 * 60 * 60)
    return media


@register.simple_tag
def article_body(article):
    """The article's text, with its photos, galleries, videos, pull quotes and tables (see
    articles.body), and the script of the videos' play buttons when it shows any."""
    media = body_media(article)
    if not media["has_videos"]:
        return media["html"]
    # The script's address is not kept with the text: it changes with each deployment.
    return format_html('{}<script src="{}" defer></script>', media["html"], static("js/embeds.js"))


@register.simple_tag
def photo_generation():
    """The photo library's generation, for the key of a fragment cache that shows photos:
    `{% photo_generation as photos %}{% cache 600 name article.pk photos %}`."""
    return caching.photo_generation()
