"""Every public page, in French and in English, is valid HTML for the W3C Nu HTML Checker.

Run with `make validate` (it installs the checker, the `vnu-jar` package from npm, and runs it
with the machine's Java). The pages are those of the demo newsroom, saved as a reader's browser
receives them, plus the comment form after each kind of mistake and the 404 and 503 pages.
"""

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import translation
from taggit.models import Tag

from articles.models import Article, Section
from comments.models import Comment, ModerationPolicy
from comments.services import unsubscribe_token
from operations.outage import outage_response
from pages.models import Page
from tests.comments.helpers import comment_data

pytestmark = [pytest.mark.validate, pytest.mark.django_db(transaction=True)]

VNU_JAR = Path(__file__).resolve().parents[2] / "node_modules/vnu-jar/build/dist/vnu.jar"
READER = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"


def comment(article, **fields):
    return reverse("comments:post", args=[article.pk]), comment_data(**fields)


def reader_pages(language):
    """(name, HTML) of every page a reader can reach, in `language`."""
    # Each language's reader comes from its own address, so that neither meets the other's
    # rate limit.
    address = {"fr": "192.0.2.10", "en": "192.0.2.20"}[language]
    reader = Client(HTTP_USER_AGENT=READER, HTTP_ACCEPT_LANGUAGE=language, REMOTE_ADDR=address)
    pages = []

    def get(name, url, expected=200):
        response = reader.get(url)
        assert response.status_code == expected, (name, url, response.status_code)
        pages.append((name, response.content))

    def post(name, client, url, data, expected=200):
        response = client.post(url, data)
        assert response.status_code == expected, (name, url, response.status_code)
        pages.append((name, response.content))

    with translation.override(language):
        get("home", reverse("articles:home"))
        for section in Section.objects.all():
            get(f"section-{section.slug}", section.get_absolute_url())
        for article in Article.objects.published():
            get(f"article-{article.slug}", article.get_absolute_url())
        # A crawler's copy of an article: its form asks for a captcha challenge first.
        crawler = Client(HTTP_USER_AGENT=GOOGLEBOT, HTTP_ACCEPT_LANGUAGE=language)
        response = crawler.get(
            Article.objects.published().filter(comments_open=True)[0].get_absolute_url()
        )
        assert response.status_code == 200
        pages.append(("article-for-a-crawler", response.content))
        authors = {article.author for article in Article.objects.published()}
        for author in authors:
            get(f"author-{author.username}", reverse("articles:author", args=[author.username]))
        for tag in Tag.objects.filter(article__in=Article.objects.published()).distinct():
            get(f"tag-{tag.slug}", reverse("articles:tag", args=[tag.slug]))
        for period in ("day", "week"):
            get(f"most-read-{period}", reverse("articles:most_read") + f"?period={period}")
        get("search-results", reverse("articles:search") + "?q=rivière")
        get("search-nothing", reverse("articles:search") + "?q=xylophone")
        get("search-empty", reverse("articles:search") + "?q=")
        get("support", reverse("donations:support"))
        for page in Page.objects.published():
            get(f"page-{page.slug}", page.get_absolute_url())
        get("not-found", "/cette-page-n-existe-pas/", expected=404)

        article = Article.objects.published().filter(comments_open=True).first()
        url, data = comment(article, name="")
        post("comment-without-name", reader, url, data)
        url, data = comment(article, text="")
        post("comment-without-text", reader, url, data)
        url, data = comment(article, captcha_1="WRONG")
        post("comment-wrong-captcha", reader, url, data)
        url, data = comment(article, refresh_captcha="1")
        post("comment-new-captcha", reader, url, data)
        url, data = comment(article, text=f"Un premier avis, envoyé deux fois ({language}).")
        Client(HTTP_USER_AGENT=READER, REMOTE_ADDR="192.0.2.99").post(url, data)
        url, data = comment(article, text=f"Un premier avis, envoyé deux fois ({language}).")
        post("comment-duplicate", reader, url, data)
        strict = Client(enforce_csrf_checks=True, HTTP_USER_AGENT=READER)
        url, data = comment(article)
        post("comment-expired-form", strict, url, data, expected=403)
        url, data = comment(article, text=f"Un avis qui attend un modérateur ({language}).")
        response = reader.post(url, data, follow=True)
        pages.append(("article-after-comment", response.content))
        policy = ModerationPolicy.load()
        limit, policy.rate_limit_count = policy.rate_limit_count, 1
        policy.save()
        url, data = comment(article, text=f"Encore un avis, au-delà de la limite ({language}).")
        post("comment-rate-limited", reader, url, data, expected=429)
        policy.rate_limit_count = limit
        policy.save()

        published = Comment.objects.approved().filter(article__in=Article.objects.published())
        reported = published.first()
        get("report", reverse("comments:report", args=[reported.pk]))
        post(
            "report-without-reason", reader, reverse("comments:report_post", args=[reported.pk]), {}
        )
        token = unsubscribe_token(f"lecteur-{language}@example.org")
        get("unsubscribe", reverse("comments:unsubscribe", args=[token]))
        post("unsubscribed", reader, reverse("comments:unsubscribe", args=[token]), {})

        request = RequestFactory().post(url, {"name": "Mathilde", "text": "Mon avis."})
        request.resolver_match = type("Match", (), {"view_name": "comments:post"})()
        pages.append(("outage", outage_response(request).content))
    return pages


def checker_errors(files):
    """The Nu HTML Checker's errors for `files`, as "file:line: message" lines."""
    java = shutil.which("java")
    assert java, "Java is needed to run the Nu HTML Checker"
    assert VNU_JAR.exists(), "run `make validate`, which installs the checker (npm's vnu-jar)"
    result = subprocess.run(
        [java, "-jar", str(VNU_JAR), "--errors-only", "--format", "json", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    messages = json.loads(result.stderr or "{}").get("messages", [])
    return [
        f"{Path(message['url']).name}:{message.get('lastLine', '?')}: {message['message']}"
        for message in messages
    ]


def test_every_public_page_is_valid_html(tmp_path, settings):
    settings.DEBUG = False
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115 - closed at exit
    files = []
    for language in ("fr", "en"):
        for name, content in reader_pages(language):
            path = tmp_path / f"{language}-{name}.html"
            path.write_bytes(content)
            files.append(path)

    # Both languages of every page listed in the docstring, the demo's articles included.
    assert len(files) > 50
    errors = checker_errors(files)

    assert not errors, f"{len(errors)} errors in {len(files)} pages:\n" + "\n".join(errors)
