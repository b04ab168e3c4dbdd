"""What article lists keep in the cache: their totals and the "most read" box.

Both cost more than the rest of a list page once the archive holds years of articles, and
both may lag a little: they are kept `LIST_SECONDS` at most, and dropped whenever an article
is saved or deleted (see signals). The articles of a list page themselves are always read live.
"""

import hashlib

from django.core.cache import cache
from django.core.paginator import Paginator
from django.utils.functional import cached_property

from . import caching

VERSION_KEY = "articles:list-version"
# Long enough to spare the work on a busy front page, short enough that a scheduled article
# coming due is counted, and a story read by everyone climbs the "most read" box, within the
# minute.
LIST_SECONDS = 60


def forget_lists():
    """Every cached total and box becomes unreachable: an article was saved or deleted."""
    caching.replace_version(VERSION_KEY)


def cached(name, compute):
    """`compute()`, from the cache under `name` and the current version of the lists."""
    key = f"{name}:{caching.version(VERSION_KEY)}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, timeout=LIST_SECONDS)
    return value


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
