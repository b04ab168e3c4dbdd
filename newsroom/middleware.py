from csp.constants import NONCE, UNSAFE_INLINE
from csp.middleware import CSPMiddleware
from django.urls import reverse
from js_asset import Media


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """
    The site-wide policy from settings, with two admin-only additions that keep its editor
    working without allowing any script an attacker could write into a page.

    - django-prose-editor loads its modules through an inline <script type="importmap">, which
      script-src 'self' blocks. Admin form media are rendered with this request's nonce, and the
      admin's script-src lists that nonce: only the tags Django itself wrote carry it.
    - Tiptap (inside the editor) injects a <style> element and writes style attributes as
      editors format text, and takes no nonce for them. Inline styles cannot run code and the
      admin is for staff only, so the admin's style-src allows them. Never for scripts.
    """

    def _is_admin(self, request):
        return request.path_info.startswith(reverse("admin:index"))

    def process_template_response(self, request, response):
        media = (response.context_data or {}).get("media")
        if media is not None and self._is_admin(request):
            response.context_data["media"] = Media.from_media(media, nonce=request.csp_nonce)
        return response

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if not report_only and self._is_admin(request):
            update = dict(parts.update or {})
            update["script-src"] = [*update.get("script-src", []), NONCE]
            update["style-src"] = [*update.get("style-src", []), UNSAFE_INLINE]
            parts.update = update
        return parts
