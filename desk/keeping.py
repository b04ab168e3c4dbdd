"""Keeping a refused admin post (expired CSRF token, ended session) for whoever posted it."""

import secrets
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.http import HttpResponseRedirect
from django.urls import reverse

from .forms import posted_data
from .models import KeptForm

#: A signed cookie with a random id: a form kept while logged out goes back to this browser only.
BROWSER_COOKIE = "desk_browser"
BROWSER_SALT = "desk.browser"


def browser_id(request):
    return request.get_signed_cookie(BROWSER_COOKIE, default="", salt=BROWSER_SALT)


def writing_admin(request):
    """The ModelAdmin whose add or change form this request is for, when that admin keeps its
    forms (KeepsWriting); None for any other request."""
    match = getattr(request, "resolver_match", None)
    if match is None or not (match.url_name or "").endswith(("_add", "_change")):
        return None
    model_admin = getattr(match.func, "model_admin", None)
    return model_admin if getattr(model_admin, "keeps_writing", False) else None


def from_own_site(request):
    """Whether the post came from a page of this site: its Origin header (or, without one, its
    Referer) names this very host. Anything else could be a page elsewhere planting text."""
    origin = request.headers.get("Origin")
    if origin is None:
        referer = urlsplit(request.headers.get("Referer", ""))
        origin = f"{referer.scheme}://{referer.netloc}" if referer.netloc else ""
    if not origin or origin == "null":
        return False
    return origin == f"{request.scheme}://{request.get_host()}"


def keep_and_redirect(request, reason):
    """Keeps the post and sends its author to the form again, filled with it: at once when
    still logged in to the admin, through the login page otherwise. None when a logged-out
    post finds no room (KeptForm.LOGGED_OUT_PER_HOUR): the admin then answers as it would."""
    browser = browser_id(request) or secrets.token_urlsafe(24)
    logged_in = request.user.is_authenticated and request.user.is_active and request.user.is_staff
    if not logged_in and not KeptForm.has_room_for_logged_out():
        return None
    kept = KeptForm.keep(
        path=request.path,
        data=posted_data(request.POST),
        had_files=bool(request.FILES),
        reason=reason,
        user=request.user if logged_in else None,
        browser_id=browser,
    )
    target = kept.get_absolute_url()
    if not logged_in:
        target = f"{reverse('admin:login')}?{urlencode({'next': target})}"
    response = HttpResponseRedirect(target, status=303)
    response.set_signed_cookie(
        BROWSER_COOKIE,
        browser,
        salt=BROWSER_SALT,
        max_age=settings.DESK_KEPT_FORM_HOURS * 3600,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
    return response
