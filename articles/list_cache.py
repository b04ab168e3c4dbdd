"""What article lists keep in the cache: their totals, the "most read" box, and the moment the
next scheduled article comes out.

The totals and the box cost more than the rest of a list page once the archive holds years of
articles, and both may lag a little: they are kept `LIST_SECONDS` at most, and dropped whenever
an article is saved or deleted (see signals) or a scheduled one comes out (`next_publication`).
The shared renderings of the list pages (list_pages) are built from them, and are never served
past the moment the cached values they show would have been computed again (`noting_expiry`).
"""

import contextlib
import contextvars
import datetime
import hashlib

from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import Min
from django.utils import timezone
from django.utils.functional import cached_property

from . import caching
from .models import Article

VERSION_KEY = "articles:list-version"
# Names the shape of what `cached` stores: change it with the shape.
CACHED_KEY_PREFIX = "articles:list-cached:v2"
NEXT_PUBLICATION_KEY_PREFIX = "articles:next-publication:v1"
# Long enough to spare the work on a busy front page, short enough that a story read by
# everyone climbs the "most read" box within the minute.
LIST_SECONDS = 60
# How long the moment of the next publication is kept: it changes with the lists' version.
NEXT_PUBLICATION_SECONDS = 24 * 60 * 60

# The earliest expiry of the cached values read inside `noting_expiry()`, or None outside it.
_noted = contextvars.ContextVar("articles_list_cache_noted", default=None)


def forget_lists():
    """Every cached total and box becomes unreachable: an article was saved or deleted."""
    caching.replace_version(VERSION_KEY)


class Expiry:
    """The earliest moment one of the cached values read so far is computed again."""

    def __init__(self):
        self.moment = None

    def note(self, moment):
        if self.moment is None or moment < self.moment:
            self.moment = moment


@contextlib.contextmanager
def noting_expiry():
    """Inside it, each value `cached` gives notes its expiry in the `Expiry` yielded: a page
    rendered from them is stale no later than that."""
    expiry = Expiry()
    token = _noted.set(expiry)
    try:
        yield expiry
    finally:
        _noted.reset(token)


def cached(name, compute):
    """`compute()`, from the cache under `name` and the current version of the lists."""
    key = f"{CACHED_KEY_PREFIX}:{name}:{caching.version(VERSION_KEY)}"
    entry = cache.get(key)
    if entry is None:
        entry = (compute(), timezone.now() + datetime.timedelta(seconds=LIST_SECONDS))
        cache.set(key, entry, timeout=LIST_SECONDS)
    value, expires_at = entry
    expiry = _noted.get()
    if expiry is not None:
        expiry.note(expires_at)
    return value


def next_publication():
    """When the next scheduled article comes out, or None: the lists change then, with nothing
    saved. One query per version of the lists.

    The first call after that moment treats it as a publication: the lists' cached copies are
    dropped (`forget_lists`), and the next scheduled article is looked up.
    """
    key = f"{NEXT_PUBLICATION_KEY_PREFIX}:{caching.version(VERSION_KEY)}"
    entry = cache.get(key)
    if entry is not None:
        (moment,) = entry
        if moment is None or moment > timezone.now():
            return moment
        forget_lists()
        key = f"{NEXT_PUBLICATION_KEY_PREFIX}:{caching.version(VERSION_KEY)}"
    moment = Article.objects.scheduled().aggregate(first=Min("published_at"))["first"]
    # In a tuple: None is a value here (nothing scheduled), not a missing entry.
    cache.set(key, (moment,), timeout=NEXT_PUBLICATION_SECONDS)
    return moment


def count_key_for(request):
    """Names the list a request shows (path and filters, not the page number)."""
    filters = sorted((name, value) for name, value in request.GET.items() if name != "page")
    digest = hashlib.sha256(f"{request.path}?{filters}".encode()).hexdigest()[:32]
    return f"articles:count:{digest}"


class CachedCountPaginator(Paginator):
    """A paginator whose total comes from the cache: only the number of pages can lag."""

    def __init__(self, *args, count_key, **kwargs):
        super().__init__(*args, **kwargs)
        self.count_key = count_key

    @cached_property
    def count(self):
        return cached(self.count_key, lambda: Paginator.count.func(self))
