"""Uploaded photos and their renditions, served by the application itself (SERVE_MEDIA).

They are answered before the session, language and CSRF layers, as static files are by
whitenoise: an upload is the same for every visitor, in every language, so it carries no
`Vary` on cookies or languages and may be cached for a year.
"""

from pathlib import PurePosixPath

from django.conf import settings
from django.http import Http404, HttpResponseNotFound
from django.utils.http import content_disposition_header
from django.views.static import serve

#: A year, in seconds.
UPLOAD_MAX_AGE = 365 * 24 * 60 * 60

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


def serve_upload(request, path):
    """An upload, served so that a file disguised as an image can never run as a page or script."""
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
    # An upload never changes under its name (a new photo gets a new name, and so do its
    # renditions): browsers and proxies may keep it for a year.
    response["Cache-Control"] = f"public, max-age={UPLOAD_MAX_AGE}, immutable"
    return response


class MediaMiddleware:
    """Answers GET and HEAD requests under MEDIA_URL with `serve_upload`, when SERVE_MEDIA is
    on. A missing file is a bare 404: it is asked for by an <img>, not read by a person, and
    answering it costs no database query."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.prefix = settings.MEDIA_URL if settings.SERVE_MEDIA else None

    def __call__(self, request):
        if (
            self.prefix
            and request.path_info.startswith(self.prefix)
            and request.method in ("GET", "HEAD")
        ):
            try:
                return serve_upload(request, request.path_info.removeprefix(self.prefix))
            except Http404:
                return HttpResponseNotFound(b"Not found", content_type="text/plain")
        return self.get_response(request)
