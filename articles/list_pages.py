"""The lists of articles (front page, sections, authors, tags, most read), rendered once and
served to every visitor but staff with their own parts filled in.

The same mechanism as the article page's (page_cache): a visit renders the page as a *shell*,
with the placeholder of a `page_cache.ReaderSlot` wherever something belongs to one request
(the CSRF token and the return address of the language switcher, the messages waiting for the
reader); the next visitors get the shell with their own parts, and the same rule decides who
shares it (`page_cache.is_shareable`). A list page counts nothing, so serving it from a shell
runs no SQL at all (but for reading the session of a visitor who has one).

A shell is kept per language, address and query string, and only for the page's own
parameters in their one written form (`?page=2`, `?period=day`): any other query string (a
campaign's `utm_source`, `?page=02`) gets the page rendered for it alone, so that made-up
addresses cannot fill the cache, and a shell never shows one reader's parameters to another.

Correctness does not rest on expiry. A shell records the version keys it was rendered under and
is served only while they are unchanged:

- the lists' version (list_cache), replaced when an article is saved or deleted (published,
  changed, unpublished), when its tags change, and when a scheduled article comes out;
- the site-wide generation (page_cache), replaced when a section, an author profile or name,
  a footer page or the moderation policy changes;
- for each article shown, the keys its own page depends on (its comments, whose count the card
  shows; the photo library).

And it is never served past the moment the next scheduled article comes out, nor past the
moment one of the cached values it shows (a total, the "most read" box) would have been
computed again: the "most read" ranking lags by `list_cache.LIST_SECONDS` at most, as it did
before, and so does every shell, at most.
"""

import datetime
import functools
import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.utils.http import parse_http_date_safe, quote_etag, urlencode
from django.utils.translation import get_language
from django.views.decorators.http import conditional_page

from . import caching, list_cache, page_cache

# Names the shape of ListShell below: change it with the shape.
SHELL_KEY_PREFIX = "articles:list-shell:v1"


def page_number(value):
    """Whether `value` is a page number as the list's own links write it (or "last")."""
    return value == "last" or (
        len(value) <= 6 and value.isascii() and value.isdigit() and value == str(int(value))
    )


@dataclass
class ListShell:
    html: str
    versions: dict
    expires_at: datetime.datetime


def shell_key(request, parameters):
    """The key of the shell that may answer `request`, or None when it is rendered for it
    alone: not shareable, or with a query string other than the page's own `parameters`
    ({name: check of a value}) in their one written form."""
    if not page_cache.is_shareable(request):
        return None
    query = []
    for name in sorted(request.GET):
        values = request.GET.getlist(name)
        accepts = parameters.get(name)
        if accepts is None or len(values) != 1 or not accepts(values[0]):
            return None
        query.append((name, values[0]))
    # The host too: the page's alternate addresses for search engines are absolute.
    address = f"{request.scheme}://{request.get_host()}{request.path}?{urlencode(query)}"
    digest = hashlib.sha256(address.encode()).hexdigest()[:32]
    return f"{SHELL_KEY_PREFIX}:{get_language()}:{digest}"


# The shells this process served last, unpickled; checked like the cache's on each use.
_local_shells = caching.ProcessCopies(limit=200)


def serve(request, key):
    """The page for this reader from the shell at `key`, or None when there is no current one."""
    shell = _local_shells.get(key)
    if shell is None or not _is_current(shell):
        shell = cache.get(key)
        if shell is None or not _is_current(shell):
            return None
        _local_shells.keep(key, shell)
    return page_cache.fill(shell.html, request, _page())


def _page():
    # What a slot's filler knows of a list page: no article, nothing counted.
    return page_cache.Page(article_id=None, section_id=None, counted=False)


def _is_current(shell):
    if shell.expires_at <= timezone.now():
        return False
    return cache.get_many(list(shell.versions)) == shell.versions


class Rendering:
    """A list page rendered as a shell for the next readers, under the state read when it is
    made: make it before reading the articles, so that a change made meanwhile leaves the shell
    stale at once, inside `list_cache.noting_expiry()`, whose `expiry` the shell keeps to."""

    def __init__(self, lifetime, expiry):
        # First: when a scheduled article has just come out, it replaces the lists' version.
        coming = list_cache.next_publication()
        self.versions = caching.versions([page_cache.GENERATION_KEY, list_cache.VERSION_KEY])
        moments = [timezone.now() + datetime.timedelta(seconds=lifetime), coming]
        self.expires_at = min(filter(None, moments))
        self.lifetime = lifetime
        self.expiry = expiry

    def render(self, template_name, context, request, key, articles):
        """The page for this request, from a shell kept at `key` for the next readers.
        `articles` are those it shows, read after this rendering started and before the
        template runs (which reads what each card shows of them, its comment count)."""
        names = {name for article in articles for name in page_cache.version_names(article.pk)}
        versions = {**self.versions, **caching.versions(sorted(names - set(self.versions)))}
        html = page_cache.render_shell(template_name, context, request)
        expires_at = min(filter(None, [self.expires_at, self.expiry.moment]))
        cache.set(key, ListShell(html, versions, expires_at), timeout=self.lifetime)
        return page_cache.fill(html, request, _page())


class SharedListMixin:
    """For a ListView of articles: readers who may share a page (page_cache.is_shareable) get it
    from a shell (see the module's docstring)."""

    #: The query parameters that make another page, with the check of their values.
    shared_parameters = {"page": page_number}

    def shared_lifetime(self):
        """How long a shell of the page may be served at most."""
        return min(settings.ARTICLE_PAGE_CACHE_SECONDS, list_cache.LIST_SECONDS)

    def get(self, request, *args, **kwargs):
        self.shell_key = shell_key(request, self.shared_parameters)
        if self.shell_key is None:
            return super().get(request, *args, **kwargs)
        html = serve(request, self.shell_key)
        if html is not None:
            return HttpResponse(html)
        with list_cache.noting_expiry() as expiry:
            self.rendering = Rendering(self.shared_lifetime(), expiry)
            return super().get(request, *args, **kwargs)

    def render_to_response(self, context, **response_kwargs):
        if self.shell_key is None:
            return super().render_to_response(context, **response_kwargs)
        html = self.rendering.render(
            self.get_template_names(),
            context,
            self.request,
            self.shell_key,
            articles=context["object_list"],
        )
        return HttpResponse(html, **response_kwargs)


# --- Feeds: the same for everyone, kept whole ---------------------------------------------------

WHOLE_KEY_PREFIX = "articles:whole-response:v1"


@dataclass
class WholeResponse:
    content: bytes
    content_type: str
    etag: str
    last_modified: str | None
    versions: dict
    expires_at: datetime.datetime


def served_whole(view):
    """A view whose answer is the same for everyone (a feed), kept whole under the same
    versions and expiry as the list pages, with an `ETag` (and the view's `Last-Modified`):
    a feed reader asking again while nothing changed gets `304 Not Modified` from the kept copy,
    and the feed is built only when an article, a section or a photo changed. A query string
    (none is the feed's own) gets the view's own answer, conditional all the same."""
    conditional = conditional_page(view)

    @functools.wraps(view)
    def whole(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD") or request.GET:
            return conditional(request, *args, **kwargs)
        address = f"{request.scheme}://{request.get_host()}{request.path}"
        digest = hashlib.sha256(address.encode()).hexdigest()[:32]
        key = f"{WHOLE_KEY_PREFIX}:{get_language()}:{digest}"
        kept = _local_wholes.get(key)
        if kept is None or not _is_current(kept):
            kept = cache.get(key)
            if kept is None or not _is_current(kept):
                kept = _keep_whole(view, request, args, kwargs, key)
                if isinstance(kept, HttpResponse):
                    return kept  # not a feed to keep: a 404, say
            _local_wholes.keep(key, kept)
        response = HttpResponse(kept.content, content_type=kept.content_type)
        response.headers["ETag"] = kept.etag
        last_modified = None
        if kept.last_modified:
            response.headers["Last-Modified"] = kept.last_modified
            last_modified = parse_http_date_safe(kept.last_modified)
        return get_conditional_response(
            request, etag=kept.etag, last_modified=last_modified, response=response
        )

    return whole


def _keep_whole(view, request, args, kwargs, key):
    lifetime = min(settings.ARTICLE_PAGE_CACHE_SECONDS, list_cache.LIST_SECONDS)
    coming = list_cache.next_publication()
    versions = caching.versions(
        [page_cache.GENERATION_KEY, list_cache.VERSION_KEY, caching.PHOTO_GENERATION_KEY]
    )
    with list_cache.noting_expiry() as expiry:
        response = view(request, *args, **kwargs)
    if response.status_code != 200 or response.streaming or not lifetime:
        return response
    content = response.content
    moments = [timezone.now() + datetime.timedelta(seconds=lifetime), coming, expiry.moment]
    kept = WholeResponse(
        content=content,
        content_type=response.headers["Content-Type"],
        etag=quote_etag(hashlib.md5(content, usedforsecurity=False).hexdigest()),
        last_modified=response.headers.get("Last-Modified"),
        versions=versions,
        expires_at=min(filter(None, moments)),
    )
    cache.set(key, kept, timeout=lifetime)
    return kept


# What this process served last, checked like the cache's copy on every use.
_local_wholes = caching.ProcessCopies(limit=50)
