import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.utils.http import content_disposition_header
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django.views.static import serve


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


# Raster formats that browsers only ever decode as pictures. SVG is left out on purpose: it is a
# document that can carry script.
INLINE_MEDIA_TYPES = {
    ".avif": "image/avif",
    ".gif": "image/gif",
    ".jpeg": "image/jpeg",
    ".jpg": "image/jpeg",
    ".png": "image/png",
    ".webp": "image/webp",
}


def serve_media(request, path):
    """Serve an upload so that a file disguised as an image can never run as a page or script."""
    response = serve(request, path, document_root=settings.MEDIA_ROOT)
    # The type comes from the extension alone, and anything that is not a picture is handed
    # over as an opaque download: never HTML, SVG or script, whatever the file holds.
    content_type = INLINE_MEDIA_TYPES.get(PurePosixPath(path).suffix.lower())
    if content_type is None:
        response["Content-Type"] = "application/octet-stream"
        response["Content-Disposition"] = content_disposition_header(
            as_attachment=True, filename=PurePosixPath(path).name
        )
    else:
        response["Content-Type"] = content_type
    # `serve` announces gzip for names ending in .gz: the bytes must go out exactly as stored.
    if "Content-Encoding" in response:
        del response["Content-Encoding"]
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    return response
