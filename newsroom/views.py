"""The CSRF failure page: a form sent after its token expired goes back to the app it belongs
to, which shows it again with what was typed."""

from comments import views as comments
from desk import views as desk


def csrf_failure(request, reason=""):
    """An admin form that holds writing is kept for its author (desk); a reader's comment is
    shown again (comments, which gives Django's own page for anything else)."""
    return desk.keep_refused_post(request, reason) or comments.csrf_failure(request, reason)
