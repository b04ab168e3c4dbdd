"""Pages of articles whose total comes from the cache."""

import hashlib
import uuid

from django.core.cache import cache
from django.core.paginator import Paginator
from django.utils.functional import cached_property

VERSION_KEY = "articles:count-version"
# Long enough to spare the count on a busy front page, short enough that a scheduled article
# coming due is counted within the minute.
COUNT_SECONDS = 60


def forget_counts():
    """Every cached total becomes unreachable: an article was saved or deleted."""
    cache.set(VERSION_KEY, uuid.uuid4().hex, timeout=None)


def count_key_for(request):
    """Names the list a request shows (path and filters, not the page number)."""
    filters = sorted((name, value) for name, value in request.GET.items() if name != "page")
    digest = hashlib.sha256(f"{request.path}?{filters}".encode()).hexdigest()[:32]
    return f"articles:count:{digest}"


class CachedCountPaginator(Paginator):
    """Counting every published article costs more than the rest of a list page once the
    archive holds years of them. The total is kept `COUNT_SECONDS` at most and dropped when an
    article is saved; only the number of pages can lag, the list itself is always read live."""

    def __init__(self, *args, count_key, **kwargs):
        super().__init__(*args, **kwargs)
        self.count_key = count_key

    @cached_property
    def count(self):
        version = cache.get_or_set(VERSION_KEY, lambda: uuid.uuid4().hex, timeout=None)
        key = f"{self.count_key}:{version}"
        total = cache.get(key)
        if total is None:
            total = super().count
            cache.set(key, total, timeout=COUNT_SECONDS)
        return total
