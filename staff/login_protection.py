"""Admin login protection with django-axes: repeated failures lock the account from that address.

Settings: AXES_FAILURE_LIMIT and AXES_COOLOFF (see the `# --- roles ---` block of the settings).
"""

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.shortcuts import render


class LoginLockoutBackend(AxesStandaloneBackend):
    """Axes' check on every login that comes with a request (the admin's login form always
    does). A call without one (a shell, the test client's login()) has no address to lock and is
    left to the next backend, instead of failing."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def lockout_response(request, original_response=None, credentials=None):
    """The page shown while an account is locked: what happened, and for how long."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(
        request,
        "admin/lockout.html",
        {
            "failure_limit": settings.AXES_FAILURE_LIMIT,
            "minutes": minutes,
            "title": "",
        },
        status=settings.AXES_HTTP_RESPONSE_CODE,
    )
