"""Production hardening: the deploy check, the response headers and how uploads are served."""

import gzip
import re
import secrets
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from tests.articles.factories import PublishedArticleFactory, StaffUserFactory
from tests.comments.factories import ApprovedCommentFactory
from tests.donations.factories import DonationPromptFactory

from .test_settings import run_manage

# The documented production environment (README, "Running in production").
PRODUCTION_ENV = {
    "DEBUG": "false",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "news.example.org",
    "CSRF_TRUSTED_ORIGINS": "https://news.example.org",
    "SECURE_SSL_REDIRECT": "true",
    "SECURE_HSTS_SECONDS": "31536000",
    "SECURE_HSTS_PRELOAD": "true",
    "SECURE_COOKIES": "true",
}


#: The players' origins, and nothing else, may be framed (articles/embeds.py).
EMBED_PLAYERS = [
    "https://www.youtube-nocookie.com",
    "https://player.vimeo.com",
    "https://www.dailymotion.com",
]


def deploy_check(**overrides):
    env = PRODUCTION_ENV | overrides
    return run_manage("check", "--deploy", "--fail-level", "WARNING", **env)


@pytest.mark.parametrize("proxy", ["false", "true"])
def test_deploy_check_passes_with_no_warning_in_production(proxy):
    result = deploy_check(BEHIND_TLS_PROXY=proxy)

    assert result.returncode == 0, result.stderr
    assert "WARNING" not in result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


@pytest.mark.parametrize(
    ("override", "check_id"),
    [
        ({"SECURE_HSTS_SECONDS": "0"}, "security.W004"),
        ({"SECURE_HSTS_PRELOAD": "false"}, "security.W021"),
        ({"SECURE_SSL_REDIRECT": "false"}, "security.W008"),
        ({"SECURE_COOKIES": "false"}, "security.W012"),
        ({"SECURE_COOKIES": "false"}, "security.W016"),
        ({"SECRET_KEY": "too-short"}, "security.W009"),
        ({"DEBUG": "true"}, "security.W018"),
    ],
)
def test_deploy_check_warns_when_a_protection_is_off(override, check_id):
    result = deploy_check(**override)

    assert result.returncode != 0
    assert check_id in result.stderr


def warnings_of(result):
    return set(re.findall(r"\((security\.W\d+|operations\.[EW]\d+)\)", result.stderr))


# The README's HSTS steps ("Running in production"), each with the warnings it says to expect.
HSTS_STEPS = [
    # A first deployment: an hour, this domain only, no preloading.
    (
        {"SECURE_HSTS_SECONDS": "3600", "SECURE_HSTS_PRELOAD": "false"},
        {"security.W005", "security.W021"},
    ),
    # Once HTTPS has held: a year, still this domain only.
    (
        {"SECURE_HSTS_SECONDS": "31536000", "SECURE_HSTS_PRELOAD": "false"},
        {"security.W005", "security.W021"},
    ),
    # Every subdomain on HTTPS too.
    (
        {
            "SECURE_HSTS_SECONDS": "31536000",
            "SECURE_HSTS_INCLUDE_SUBDOMAINS": "true",
            "SECURE_HSTS_PRELOAD": "false",
        },
        {"security.W021"},
    ),
    # Preloaded (which covers the subdomains): clean.
    ({"SECURE_HSTS_SECONDS": "31536000", "SECURE_HSTS_PRELOAD": "true"}, set()),
]


@pytest.mark.parametrize(("step", "expected"), HSTS_STEPS)
def test_each_documented_hsts_step_gives_the_warnings_the_readme_names(step, expected):
    result = deploy_check(**step)

    assert warnings_of(result) == expected
    assert (result.returncode == 0) == (not expected)


def test_preloading_without_the_subdomains_is_refused():
    result = deploy_check(SECURE_HSTS_PRELOAD="true", SECURE_HSTS_INCLUDE_SUBDOMAINS="false")

    assert "operations.E003" in result.stderr
    assert result.returncode != 0


# --- Response headers ---------------------------------------------------------------------------


@pytest.fixture
def production_headers(settings):
    """What the production environment turns on, over the test suite's plain-HTTP defaults."""
    settings.SECURE_HSTS_SECONDS = 31_536_000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True
    settings.SESSION_COOKIE_SECURE = True
    settings.CSRF_COOKIE_SECURE = True
    settings.LANGUAGE_COOKIE_SECURE = True
    return settings


def parse_csp(header):
    policy = {}
    for directive in filter(None, (part.strip() for part in header.split(";"))):
        name, *sources = directive.split()
        policy[name] = set(sources)
    return policy


def assert_hardening_headers(response):
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


def reader_pages():
    """Every kind of reader page, with a comment and a donation prompt filling their slots."""
    article = PublishedArticleFactory(title="Le pont rouvre")
    article.tags.add("travaux")
    ApprovedCommentFactory(article=article)
    DonationPromptFactory()
    return [
        reverse("articles:home"),
        article.get_absolute_url(),
        article.section.get_absolute_url(),
        reverse("articles:author", kwargs={"username": article.author.username}),
        reverse("articles:tag", kwargs={"slug": "travaux"}),
        reverse("articles:most_read"),
        reverse("articles:search") + "?q=pont",
        reverse("donations:support"),
    ]


@pytest.mark.django_db
def test_reader_pages_carry_the_hardening_headers_and_a_strict_policy(client, production_headers):
    for url in reader_pages():
        response = client.get(url, secure=True)

        assert response.status_code == 200, url
        assert_hardening_headers(response)
        assert parse_csp(response["Content-Security-Policy"]) == {
            "default-src": {"'self'"},
            "script-src": {"'self'"},
            "style-src": {"'self'"},
            "img-src": {"'self'", "data:"},
            "object-src": {"'none'"},
            "base-uri": {"'self'"},
            "form-action": {"'self'"},
            "frame-ancestors": {"'none'"},
            # The video players articles show, loaded when a reader presses play.
            "frame-src": set(EMBED_PLAYERS),
        }


@pytest.mark.django_db
def test_admin_allows_inline_styles_but_never_inline_scripts(client, production_headers):
    response = client.get(reverse("admin:login"), secure=True)

    assert response.status_code == 200
    assert_hardening_headers(response)
    policy = parse_csp(response["Content-Security-Policy"])
    assert policy["script-src"] == {"'self'"}
    assert policy["style-src"] == {"'self'", "'unsafe-inline'"}
    assert policy["frame-ancestors"] == {"'none'"}


@pytest.mark.django_db
def test_session_and_csrf_cookies_are_secure_and_out_of_scripts_reach(client, production_headers):
    StaffUserFactory(username="editor", is_superuser=True)
    login_url = reverse("admin:login")

    page = client.get(login_url, secure=True)
    client.post(login_url, {"username": "editor", "password": "password"}, secure=True)

    csrf = page.cookies[production_headers.CSRF_COOKIE_NAME]
    session = client.cookies[production_headers.SESSION_COOKIE_NAME]
    assert csrf["secure"] is True
    assert csrf["httponly"] is True
    assert session["secure"] is True
    assert session["httponly"] is True
    assert session["samesite"] == "Lax"


@pytest.mark.django_db
def test_the_language_cookie_is_secure_and_out_of_scripts_reach(client, production_headers):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"}, secure=True)

    cookie = response.cookies[production_headers.LANGUAGE_COOKIE_NAME]
    assert cookie.value == "en"
    assert cookie["secure"] is True
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"


class InlineCodeFinder(HTMLParser):
    """Collects what a script-src 'self' / style-src 'self' policy would block on a page."""

    DATA_SCRIPT_TYPES = {"application/ld+json", "application/json"}

    def __init__(self, nonce=None):
        super().__init__()
        self.nonce = nonce
        self.blocked = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        for name in attributes:
            if name == "style" or name.startswith("on"):
                self.blocked.append(f"<{tag} {name}=…>")
        if (
            tag == "script"
            and "src" not in attributes
            and attributes.get("type") not in self.DATA_SCRIPT_TYPES
            and (self.nonce is None or attributes.get("nonce") != self.nonce)
        ):
            self.blocked.append("<script> without src")
        if tag == "style":
            self.blocked.append("<style>")
        href = attributes.get("href") or ""
        if href.strip().lower().startswith("javascript:"):
            self.blocked.append(f"<{tag} href=javascript:…>")


def inline_code(html, nonce=None):
    finder = InlineCodeFinder(nonce)
    finder.feed(html)
    return finder.blocked


def test_the_inline_code_finder_spots_what_the_policy_blocks():
    html = (
        '<p style="color:red" onclick="x()">a</p><script>alert(1)</script><style>p{}</style>'
        '<a href="javascript:x()">b</a>'
        '<script type="application/ld+json">{}</script><script src="/static/js/a.js"></script>'
    )

    assert inline_code(html) == [
        "<p style=…>",
        "<p onclick=…>",
        "<script> without src",
        "<style>",
        "<a href=javascript:…>",
    ]


@pytest.mark.django_db
def test_reader_pages_hold_no_inline_script_or_style(client):
    for url in reader_pages():
        response = client.get(url)

        assert response.status_code == 200, url
        assert inline_code(response.content.decode()) == [], url


@pytest.mark.django_db
def test_admin_pages_run_only_the_scripts_django_wrote(client):
    client.force_login(StaffUserFactory(username="chief", is_superuser=True))
    article = PublishedArticleFactory()

    for url in [
        reverse("admin:index"),
        reverse("admin:articles_article_changelist"),
        reverse("admin:articles_article_add"),
        reverse("admin:articles_article_change", args=[article.pk]),
        reverse("admin:comments_comment_changelist"),
        reverse("admin:comments_comment_change", args=[ApprovedCommentFactory(article=article).pk]),
        reverse("admin:donations_donationprompt_add"),
        reverse("admin:donations_donationprompt_change", args=[DonationPromptFactory().pk]),
    ]:
        response = client.get(url)

        assert response.status_code == 200, url
        script_src = parse_csp(response["Content-Security-Policy"])["script-src"]
        nonces = [source[7:-1] for source in script_src if source.startswith("'nonce-")]
        assert script_src - {f"'nonce-{nonce}'" for nonce in nonces} == {"'self'"}, url
        # Inline styles are allowed in the admin (see newsroom.middleware); scripts are not,
        # except those Django wrote with this response's nonce (the editor's import map).
        scripts = [item for item in inline_code(response.text, *nonces) if "style" not in item]
        assert scripts == [], url


def test_an_inline_script_needs_the_responses_nonce():
    html = '<script nonce="abc">x()</script><script nonce="forged">y()</script>'

    assert inline_code(html, "abc") == ["<script> without src"]
    assert inline_code(html) == ["<script> without src", "<script> without src"]


@pytest.mark.django_db
def test_the_article_editor_loads_its_import_map_with_the_nonce(client):
    client.force_login(StaffUserFactory(username="chief", is_superuser=True))

    response = client.get(reverse("admin:articles_article_add"))

    (nonce,) = [
        source[7:-1]
        for source in parse_csp(response["Content-Security-Policy"])["script-src"]
        if source.startswith("'nonce-")
    ]
    assert f'<script type="importmap" nonce="{nonce}">' in response.text
    assert len(nonce) >= 16


# --- Uploaded media -----------------------------------------------------------------------------

HTML_PAYLOAD = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    (tmp_path / "articles").mkdir()
    return tmp_path


def assert_inert(response):
    assert response["X-Content-Type-Options"] == "nosniff"
    policy = parse_csp(response["Content-Security-Policy"])
    assert "sandbox" in policy
    assert policy["default-src"] == {"'none'"}
    assert "script-src" not in policy
    assert "Content-Encoding" not in response


def test_html_disguised_as_a_jpeg_is_served_as_an_inert_image(client, media_root):
    (media_root / "articles" / "portrait.jpg").write_bytes(HTML_PAYLOAD)

    response = client.get("/media/articles/portrait.jpg")

    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["Content-Disposition"] == 'inline; filename="portrait.jpg"'
    assert_inert(response)


@pytest.mark.parametrize(
    "name", ["page.html", "page.htm", "logo.svg", "tool.js", "page.html.gz", "noextension"]
)
def test_anything_but_a_picture_is_an_opaque_download(client, media_root, name):
    (media_root / "articles" / name).write_bytes(HTML_PAYLOAD)

    response = client.get(f"/media/articles/{name}")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"] == f'attachment; filename="{name}"'
    assert_inert(response)


@pytest.mark.parametrize(
    ("name", "content_type"),
    [("a.png", "image/png"), ("a.JPEG", "image/jpeg"), ("a.webp", "image/webp")],
)
def test_pictures_are_shown_inline_with_the_type_of_their_extension(
    client, media_root, name, content_type
):
    (media_root / "articles" / name).write_bytes(b"\x89PNG\r\n")

    response = client.get(f"/media/articles/{name}")

    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"] == f'inline; filename="{name}"'
    assert_inert(response)


def test_media_outside_the_upload_directory_is_not_served(client, media_root):
    (media_root.parent / "secret.jpg").write_bytes(b"secret")

    response = client.get("/media/../secret.jpg")

    assert response.status_code == 400
    assert b"secret" not in response.content


def test_photos_are_cached_for_a_year_whatever_the_readers_language_or_cookies(client, media_root):
    (media_root / "articles" / "photo.webp").write_bytes(b"RIFF\x00\x00\x00\x00WEBP")

    response = client.get(
        "/media/articles/photo.webp", HTTP_ACCEPT_LANGUAGE="en", HTTP_COOKIE="sessionid=x"
    )

    assert response.status_code == 200
    assert response["Cache-Control"] == "public, max-age=31536000, immutable"
    assert "Vary" not in response
    assert not response.cookies


def test_a_missing_photo_is_a_404_that_costs_no_query(
    db, client, media_root, django_assert_num_queries
):
    with django_assert_num_queries(0):
        response = client.get("/media/articles/gone.jpg")

    assert response.status_code == 404


# --- Features, compression, the lead photo ------------------------------------------------------


@pytest.mark.django_db
def test_every_page_denies_the_browser_features_the_site_never_uses(client):
    article = PublishedArticleFactory()

    for url in [reverse("articles:home"), article.get_absolute_url(), reverse("admin:login")]:
        policy = client.get(url)["Permissions-Policy"]
        features = dict(part.strip().split("=") for part in policy.split(","))
        for feature in ["camera", "microphone", "geolocation", "payment", "usb"]:
            assert features[feature] == "()", (url, feature)


@pytest.mark.django_db
def test_only_the_video_players_may_be_framed_and_get_what_a_player_needs(client, settings):
    article = PublishedArticleFactory()

    for url in [article.get_absolute_url(), reverse("admin:login")]:
        response = client.get(url)
        assert parse_csp(response["Content-Security-Policy"])["frame-src"] == set(EMBED_PLAYERS)
        policy = response["Permissions-Policy"]
        features = dict(part.strip().split("=", 1) for part in policy.split(","))
        for feature in ["autoplay", "encrypted-media", "fullscreen", "picture-in-picture"]:
            allowed = features[feature].strip("()").split()
            assert allowed == ["self", *(f'"{origin}"' for origin in EMBED_PLAYERS)], feature
        denied = set(settings.PERMISSIONS_POLICY) - {
            "autoplay",
            "encrypted-media",
            "fullscreen",
            "picture-in-picture",
        }
        assert denied
        for feature in denied:
            assert features[feature] == "()", feature


def test_the_newsrooms_peertube_instances_join_the_players():
    result = run_manage(
        "shell",
        "-c",
        "from django.conf import settings as s; "
        "print(s.CONTENT_SECURITY_POLICY['DIRECTIVES']['frame-src']); "
        "print(s.PERMISSIONS_POLICY['autoplay'])",
        DEBUG="true",
        ARTICLES_PEERTUBE_HOSTS="video.example.org,Tube.Example.net",
    )

    assert result.returncode == 0, result.stderr
    expected = [*EMBED_PLAYERS, "https://video.example.org", "https://tube.example.net"]
    assert result.stdout.splitlines()[-2:] == [str(expected), str(["self", *expected])]


@pytest.mark.django_db
def test_pages_are_compressed_and_padded_against_breach(client):
    article = PublishedArticleFactory(body="<p>" + "Un long article. " * 200 + "</p>")

    first = client.get(article.get_absolute_url(), HTTP_ACCEPT_ENCODING="gzip")
    second = client.get(article.get_absolute_url(), HTTP_ACCEPT_ENCODING="gzip")

    assert first["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in first["Vary"]
    assert "Un long article." in gzip.decompress(first.content).decode()
    # Django's mitigation of BREACH: each compressed page is padded with random bytes, so its
    # length says nothing about what it holds.
    assert first.content[:10] == second.content[:10]
    assert first.content != second.content


@pytest.mark.django_db
def test_photos_are_not_compressed_again(client, media_root):
    (media_root / "articles" / "photo.jpg").write_bytes(b"\xff\xd8" + b"x" * 5000)

    response = client.get("/media/articles/photo.jpg", HTTP_ACCEPT_ENCODING="gzip")

    assert "Content-Encoding" not in response


@pytest.mark.django_db
def test_the_lead_photo_is_fetched_first():
    from tests.articles.reader import reader_client

    article = PublishedArticleFactory(with_image=True)

    page = reader_client().get(article.get_absolute_url()).content.decode()

    (lead,) = re.findall(r"<img [^>]*>", page.split('class="article__figure"', 1)[1])[:1]
    assert 'fetchpriority="high"' in lead
    assert 'loading="lazy"' not in lead
