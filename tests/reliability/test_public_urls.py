"""Malformed query strings, huge page numbers and unknown languages on every public URL answer
4xx (or the normal page, when ignoring the bad parameter is right), never 500."""

import pytest
from captcha.models import CaptchaStore
from django.conf import settings
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import translation

from comments.services import unsubscribe_token
from tests.articles.factories import AuthorProfileFactory, PublishedArticleFactory, SectionFactory
from tests.comments.factories import ApprovedCommentFactory
from tests.donations.factories import DonationPromptFactory
from tests.pages.factories import PublishedPageFactory

pytestmark = pytest.mark.django_db

# Not public: the admin (its own login) and the language switch (a POST of a form); uploads are
# served before the URLs (tests/newsroom/test_security.py).
NOT_PUBLIC = {"admin", "media", "set_language"}

BAD_QUERIES = [
    "page=99999999999999999999",
    "page=-1",
    "page=0",
    "page=abc",
    "page=1e309",
    "page=%00",
    "page=1&page=2&page=",
    "comments_page=99999999999999999999",
    "comments_page=-1",
    "comments_page=abc",
    "period=%00%ff",
    "q=%ff%fe%00&q=x",
    "amount=1e999999&section=99999999999999999999999",
    "amount=NaN&section=-1",
    "language=xx",
    "%ff%fe=%c0%80",
    "a[]=1&a[b]=2&&&=&==",
    "%",
    "q=" + "x" * 8000,
    ";;;",
]
JUNK_LANGUAGES = ["xx", "zz-ZZ;q=2, *;q=x", "\x00\x7f", "fr-FR-x-" + "a" * 300, ",,,;q=;"]


def public_names(resolver=None, namespace=""):
    """Every named URL pattern a reader or a robot can reach, as "namespace:name"."""
    resolver = resolver or get_resolver()
    names = set()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            # The admin, and the desk's endpoints under it: staff only.
            if pattern.namespace in {"admin", "desk"}:
                continue
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names |= public_names(pattern, inner)
        elif isinstance(pattern, URLPattern) and pattern.name not in NOT_PUBLIC:
            names.add(f"{namespace}{pattern.name}")
    return names


@pytest.fixture
def newsroom():
    section = SectionFactory(slug="societe")
    author = AuthorProfileFactory(user__username="claire").user
    article = PublishedArticleFactory(section=section, author=author, slug="la-crue", tags=["eau"])
    comment = ApprovedCommentFactory(article=article)
    prompt = DonationPromptFactory()
    PublishedPageFactory(slug="mentions-legales")
    captcha = CaptchaStore.generate_key()
    return {
        "articles:home": [],
        "articles:section": ["societe"],
        "articles:author": ["claire"],
        "articles:tag": ["eau"],
        "articles:most_read": [],
        "articles:search": [],
        "articles:detail": ["la-crue"],
        "comments:post": [article.pk],
        "comments:reply": [comment.pk],
        "comments:answer": [comment.pk],
        "comments:report": [comment.pk],
        "comments:report_post": [comment.pk],
        "comments:unsubscribe": [unsubscribe_token("lea@example.org")],
        "donations:support": [],
        "donations:click": [prompt.pk],
        "pages:detail": ["mentions-legales"],
        "healthz": [],
        "robots_txt": [],
        "sitemap": [],
        "news_sitemap": [],
        "feed_rss": [],
        "feed_atom": [],
        "section_feed_rss": ["societe"],
        "section_feed_atom": ["societe"],
        "captcha-image": [captcha],
        "captcha-image-2x": [captcha],
        "captcha-audio": [captcha],
        "captcha-refresh": [],
    }


# Forms' endpoints that answer POST only (a GET is refused with 405).
POST_ONLY = {"comments:post", "comments:answer", "comments:report_post"}

# Without flite there is no audio captcha, and the refresh answers only to JavaScript: both
# answer 404 to a plain GET, which is their normal answer.
NOT_FOUND_WHEN_GOT_BY_A_PERSON = {"captcha-audio", "captcha-refresh"}


def urls_of(newsroom, language):
    """The URLs in one language; in English only those that have an English version."""
    with translation.override(language):
        urls = {name: reverse(name, args=args) for name, args in newsroom.items()}
    return {name: url for name, url in urls.items() if language == "fr" or url.startswith("/en/")}


def test_every_public_url_is_covered(newsroom):
    """A new public URL must be added here, and so to every check below."""
    assert public_names() == set(newsroom)


@pytest.mark.parametrize("language", ["fr", "en"])
def test_malformed_query_strings_never_cost_a_500(newsroom, language):
    client = Client(raise_request_exception=False)
    failures = []
    for name, url in urls_of(newsroom, language).items():
        method = client.post if name in POST_ONLY else client.get
        for query in BAD_QUERIES:
            response = method(f"{url}?{query}")
            if response.status_code >= 500:
                failures.append((name, query[:40], response.status_code))

    assert failures == []


def test_huge_or_wrong_page_numbers_answer_404(newsroom):
    client = Client(raise_request_exception=False)
    urls = urls_of(newsroom, "fr")
    for name in ["articles:home", "articles:section", "articles:author", "articles:tag"]:
        for page in ["99999999999999999999", "-1", "0", "abc", "1e309"]:
            assert client.get(f"{urls[name]}?page={page}").status_code == 404, (name, page)
        assert client.get(f"{urls[name]}?page=1").status_code == 200


def test_a_wrong_comments_page_shows_the_article(newsroom):
    client = Client(raise_request_exception=False)
    url = urls_of(newsroom, "fr")["articles:detail"]
    for page in ["99999999999999999999", "-1", "abc"]:
        response = client.get(f"{url}?comments_page={page}")

        assert response.status_code in {200, 404}


def test_unknown_language_prefixes_answer_404(newsroom):
    client = Client(raise_request_exception=False)
    for url in urls_of(newsroom, "fr").values():
        for prefix in ["/xx", "/zz-zz", "/en-xx", "/%ff"]:
            response = client.get(f"{prefix}{url}")

            assert response.status_code == 404, (prefix, url, response.status_code)


def test_junk_languages_in_headers_and_cookies_get_the_french_page(newsroom):
    client = Client(raise_request_exception=False)
    failures = []
    for name, url in urls_of(newsroom, "fr").items():
        if name in POST_ONLY:
            continue
        for junk in JUNK_LANGUAGES:
            client.cookies[settings.LANGUAGE_COOKIE_NAME] = junk
            response = client.get(url, HTTP_ACCEPT_LANGUAGE=junk)
            refused = response.status_code >= 400 and name not in NOT_FOUND_WHEN_GOT_BY_A_PERSON
            if refused or (response.get("Content-Language") not in {None, "fr"}):
                failures.append((name, junk[:20], response.status_code))

    assert failures == []


def test_the_comment_endpoint_refuses_a_get(newsroom):
    response = Client().get(urls_of(newsroom, "fr")["comments:post"])

    assert response.status_code == 405
