import uuid

from django.core.cache import cache
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


def _database_is_up():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except DatabaseError:
        return False


def _cache_is_up():
    # The cache backend swallows connection errors (see settings), so a round trip is the only
    # way to tell a working cache from a silent one.
    key, value = "healthz", uuid.uuid4().hex
    try:
        cache.set(key, value, timeout=10)
        return cache.get(key) == value
    except Exception:  # any cache failure means "down" here
        return False


@never_cache
@require_GET
def healthz(request):
    """200 when the database and the cache answer; 503 naming what is down."""
    checks = {
        "database": "ok" if _database_is_up() else "down",
        "cache": "ok" if _cache_is_up() else "down",
    }
    healthy = all(state == "ok" for state in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "down", "checks": checks},
        status=200 if healthy else 503,
    )
