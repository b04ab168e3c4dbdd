"""The comments an address sent lately, counted in the shared cache: a reader under the
allowance (nearly every reader) is let through without a COUNT over the comments table.

The policy's rule stays the one in the database (`ModerationPolicy.rate_limited`: no more than
`rate_limit_count` comments in the last `rate_limit_minutes`); the cache only proves, when it
can, that an address is under it. Each address has a counter per window-long bucket of time; the
current bucket and the one before cover the whole window, so their sum is at least what the
address sent in the window. Under the allowance: through, without a query. At or over it, or
whenever the cache cannot vouch for its counts (down, emptied, or counting for less than two
windows yet), the database counts, exactly as before: the limit falls back to the database, it
never fails open.

The counters need a cache whose `incr` is atomic across the server's processes (Redis,
memcached); with any other (files, a process's own memory) the database always counts.
"""

import time
from functools import partial

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

# Caches whose counters every worker shares, and whose `incr` is atomic.
SHARED_COUNTERS = {
    "django_redis.cache.RedisCache",
    "django.core.cache.backends.redis.RedisCache",
    "django.core.cache.backends.memcached.PyMemcacheCache",
    "django.core.cache.backends.memcached.PyLibMCCache",
}


def counts_in_cache():
    return settings.CACHES["default"]["BACKEND"] in SHARED_COUNTERS


def _keys(ip_address, window, now):
    """The key saying since when counters of this window length are kept, and the keys of the
    current and previous buckets of the address."""
    bucket = int(now // window)
    counters = [f"comments:sent:{window}:{ip_address}:{b}" for b in (bucket, bucket - 1)]
    return f"comments:sent-counted-since:{window}", counters, bucket * window


def rate_limited(policy, ip_address):
    """`policy.rate_limited(ip_address)`, without its query when the cache proves the address
    is under the allowance."""
    if not policy.rate_limit_count or not ip_address:
        return False
    if counts_in_cache() and _surely_under(policy, ip_address):
        return False
    return policy.rate_limited(ip_address)


def _surely_under(policy, ip_address):
    window = policy.rate_limit_minutes * 60
    if window <= 0:
        return False
    now = time.time()
    since_key, counters, current_start = _keys(ip_address, window, now)
    values = cache.get_many([since_key, *counters])
    since = values.get(since_key)
    if since is None:
        # Counting starts now (the cache is new, was emptied, or is down): the database
        # counts until the counters cover two whole buckets.
        cache.add(since_key, now, timeout=None)
        return False
    if since > current_start - window:
        return False
    return sum(values.get(key, 0) for key in counters) < policy.rate_limit_count


def record_sent_on_commit(policy, ip_address):
    """Count a comment the address sends, once it is committed."""
    if counts_in_cache():
        transaction.on_commit(partial(record_sent, policy, ip_address), robust=True)


def record_sent(policy, ip_address):
    """Count a comment the address sent."""
    if not policy.rate_limit_count or not ip_address or not counts_in_cache():
        return
    window = policy.rate_limit_minutes * 60
    if window <= 0:
        return
    _since_key, (current, _previous), _start = _keys(ip_address, window, time.time())
    # Kept while it may still be the previous bucket, and a little longer.
    lifetime = 2 * window + 60
    if cache.add(current, 1, timeout=lifetime):
        return
    try:
        cache.incr(current)
    except ValueError:
        # Expired between the two calls.
        cache.add(current, 1, timeout=lifetime)
