"""When the database goes away: a friendly 503 instead of a crash, and no reader's words lost.

Every page needs the database, so while it is unreachable the reader gets a short page in their
own language saying the site is back in a moment, with Retry-After for browsers and crawlers.
A reader who was sending a comment gets their name and text back on that page, ready to copy.

Nothing here touches the database, and the page does not extend base.html (whose navigation
reads the sections). Recovery needs no action: Django closes a connection that failed at the end
of the request, and CONN_HEALTH_CHECKS checks a persistent one before reusing it, so the first
request after the database returns is served normally.
"""

import logging
import sys

from django.db.utils import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.views import defaults

logger = logging.getLogger(__name__)

#: Seconds a client is asked to wait before trying again.
RETRY_AFTER_SECONDS = 30

COMMENT_VIEW = "comments:post"


def posted_comment(request):
    """The name and text of a comment being sent, or None for any other request."""
    match = getattr(request, "resolver_match", None)
    if request.method != "POST" or match is None or match.view_name != COMMENT_VIEW:
        return None
    try:
        data = request.POST
    except Exception:  # a body too large or malformed must not turn the 503 into a 500
        logger.warning("Could not read a comment sent during a database outage", exc_info=True)
        return None
    name, text = data.get("name", ""), data.get("text", "")
    if not (name or text):
        return None
    return {"name": name, "text": text}


DATABASE_ERRORS = (OperationalError, InterfaceError)


def outage_response(request):
    """The 503 page, with the comment being sent (if any) given back to the reader."""
    logger.error(
        "Database unreachable: answering 503 to %s", request.path, exc_info=sys.exception()
    )
    # No request in the context: the context processors (user, messages) would query.
    content = render_to_string("503.html", {"comment": posted_comment(request)})
    response = HttpResponse(content, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    # Never kept by a shared cache: the page must go away as soon as the database is back.
    response["Cache-Control"] = "no-store"
    return response


class DatabaseOutageMiddleware:
    """Answers 503 with templates/503.html when a view fails because the database is down."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, DATABASE_ERRORS):
            return None
        return outage_response(request)


def server_error(request):
    """handler500: a database error raised outside a view (in a middleware, or in the CSRF
    failure view the CSRF middleware calls) still gets the outage page, not a 500."""
    if isinstance(sys.exception(), DATABASE_ERRORS):
        return outage_response(request)
    return defaults.server_error(request)
