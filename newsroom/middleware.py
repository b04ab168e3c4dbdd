from csp.constants import NONCE, UNSAFE_INLINE
from csp.middleware import CSPMiddleware
from django.middleware.gzip import GZipMiddleware
from django.urls import reverse
from js_asset import Media

#: What is worth compressing: text. Photos and archives are compressed already.
COMPRESSIBLE_TYPES = (
    "text/",
    "application/json",
    "application/xml",
    "application/rss+xml",
    "application/atom+xml",
    "application/javascript",
    "image/svg+xml",
)


class TextCompressionMiddleware(GZipMiddleware):
    """Django's gzip compression, for text only.

    Django's middleware pads each compressed response with random bytes, the mitigation of the
    BREACH attack on pages that carry a secret (the CSRF token) next to what a visitor typed.
    Static files come compressed from whitenoise already; uploads are pictures.
    """

    def process_response(self, request, response):
        content_type = response.get("Content-Type", "")
        if not content_type.startswith(COMPRESSIBLE_TYPES):
            return response
        return super().process_response(request, response)


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
