from .keeping import keep_and_redirect, writing_admin
from .models import KeptForm


class KeepPostAfterSessionMiddleware:
    """A post of an admin form that arrives after its author's session ended: Django's admin
    would answer with the login page, and the text would be gone. The post is kept for this
    browser, and the login page leads back to the form filled with it.

    In process_view, after the CSRF middleware's: a post that fails the CSRF check is never
    seen here (desk.views.keep_refused_post handles those)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method != "POST":
            return None
        model_admin = writing_admin(request)
        if model_admin is None or model_admin.admin_site.has_permission(request):
            return None
        return keep_and_redirect(request, KeptForm.Reason.SESSION_ENDED)
