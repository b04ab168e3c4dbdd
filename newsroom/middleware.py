from csp.constants import UNSAFE_INLINE
from csp.middleware import CSPMiddleware
from django.urls import reverse


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """
    The site-wide policy from settings, with inline styles allowed in the admin only.

    django-prose-editor's Tiptap injects a <style> element and writes style attributes as
    editors format text, and neither takes a nonce. Inline styles cannot run code, the admin is
    for staff only, and script-src stays 'self' there too, so the exception costs no script.
    """

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if not report_only and request.path_info.startswith(reverse("admin:index")):
            update = dict(parts.update or {})
            update["style-src"] = [*update.get("style-src", []), UNSAFE_INLINE]
            parts.update = update
        return parts
