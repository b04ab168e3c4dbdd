"""Old WordPress addresses answer a permanent redirect to their new page (wordpress.models).

It costs nothing on other requests: only an answer that is a 404, or the front page asked for
one of WordPress's short links (`/?p=12`, `/?page_id=5`, `/?cat=3`, `/?tag=x`,
`/?attachment_id=7`), looks for a redirect, in one indexed query.
"""

import re

from django.http import HttpResponsePermanentRedirect

from .models import Redirect

#: The query parameters WordPress's short links use.
SHORT_LINK_PARAMETERS = ("p", "page_id", "attachment_id", "cat", "tag", "feed")


def _short_links(request):
    return [
        f"{name}={request.GET[name]}"
        for name in SHORT_LINK_PARAMETERS
        if name in request.GET and len(request.GET[name]) <= 90
    ]


def _redirect(request):
    path = re.sub(r"/{2,}", "/", request.path)
    redirect = Redirect.objects.matching(path, _short_links(request))
    return HttpResponsePermanentRedirect(redirect.new_path) if redirect else None


class WordPressRedirectMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path == "/" and request.method in {"GET", "HEAD"} and _short_links(request):
            found = _redirect(request)
            if found is not None:
                return found
        response = self.get_response(request)
        if response.status_code == 404 and request.method in {"GET", "HEAD"}:
            return _redirect(request) or response
        return response
