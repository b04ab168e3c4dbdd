"""When the database is unreachable, readers get a friendly 503 in their language, a comment
being sent is given back to be copied, and the site recovers by itself when the database
returns."""

import html
import json
import re
import urllib.parse

import pytest
from django.db import connection

from tests.articles.factories import PublishedArticleFactory
from tests.harness import printed_json, python
from tests.servers import Gunicorn, TcpProxy

FRENCH_TITLE = "Le site est momentanément indisponible"
ENGLISH_TITLE = "The site is briefly unavailable"
FRENCH_NOT_SAVED = "Votre commentaire n'a pas été enregistré."
ENGLISH_NOT_SAVED = "Your comment was not saved."

HOSTILE_NAME = 'Zoé "<b>'
HOSTILE_TEXT = "Ligne 1\nLigne 2 </textarea><script>alert(1)</script> fin"

# Nothing listens on port 9 of the loopback: every query fails to connect.
NO_DATABASE = {"DATABASE_URL": "postgres://postgres@127.0.0.1:9/nowhere"}

REQUESTS_WITH_NO_DATABASE = """
import json, sys
from django.test import Client
from django.urls import reverse
from django.utils import translation

client = Client(raise_request_exception=False)
answers = {}
for language in ("fr", "en"):
    with translation.override(language):
        urls = {
            "home": reverse("articles:home"),
            "article": reverse("articles:detail", args=["une-enquete"]),
            "search": reverse("articles:search") + "?q=eau",
            "comment": reverse("comments:post", args=[1]),
        }
    for name, url in urls.items():
        if name == "comment":
            response = client.post(url, json.loads(sys.argv[1]))
        else:
            response = client.get(url)
        answers[f"{name}_{language}"] = {
            "status": response.status_code,
            "retry_after": response.get("Retry-After"),
            "cache_control": response.get("Cache-Control"),
            "body": response.content.decode(),
        }
print(json.dumps(answers))
"""


def text_of(page):
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def kept_comment(page):
    """The name and text given back in the page, as the reader's browser shows them."""
    name = re.search(r'id="kept-comment-name"[^>]*value="([^"]*)"', page)
    text = re.search(r'<textarea id="kept-comment-text"[^>]*>(.*?)</textarea>', page, re.S)
    return (
        html.unescape(name.group(1)) if name else None,
        html.unescape(text.group(1)) if text else None,
    )


@pytest.fixture(scope="module")
def answers_without_database():
    posted = {"name": HOSTILE_NAME, "text": HOSTILE_TEXT, "captcha_0": "x", "captcha_1": "y"}
    return printed_json(python(REQUESTS_WITH_NO_DATABASE, json.dumps(posted), env=NO_DATABASE))


@pytest.mark.parametrize("page", ["home", "article", "search", "comment"])
def test_every_reader_page_answers_503_in_french_without_database(answers_without_database, page):
    answer = answers_without_database[f"{page}_fr"]

    assert answer["status"] == 503
    assert answer["retry_after"] == "30"
    assert answer["cache_control"] == "no-store"
    assert '<html lang="fr">' in answer["body"]
    assert f"<h1>{FRENCH_TITLE}</h1>" in answer["body"]
    assert "Le site reviendra de lui-même" in text_of(answer["body"])


@pytest.mark.parametrize("page", ["home", "article", "search", "comment"])
def test_every_reader_page_answers_503_in_english_under_en(answers_without_database, page):
    answer = answers_without_database[f"{page}_en"]

    assert answer["status"] == 503
    assert '<html lang="en">' in answer["body"]
    assert f"<h1>{ENGLISH_TITLE}</h1>" in answer["body"]
    assert 'href="/en/"' in answer["body"]


@pytest.mark.parametrize(
    ("language", "message"), [("fr", FRENCH_NOT_SAVED), ("en", ENGLISH_NOT_SAVED)]
)
def test_a_comment_sent_without_database_is_given_back_to_copy(
    answers_without_database, language, message
):
    body = answers_without_database[f"comment_{language}"]["body"]

    assert message in text_of(body)
    assert kept_comment(body) == (HOSTILE_NAME, HOSTILE_TEXT)
    # Given back as text: the reader's markup is escaped, never run.
    assert "<script>" not in body
    assert "&lt;/textarea&gt;&lt;script&gt;" in body


@pytest.mark.parametrize("page", ["home", "article", "search"])
def test_a_page_that_is_not_a_comment_gives_nothing_back(answers_without_database, page):
    body = answers_without_database[f"{page}_fr"]["body"]

    assert kept_comment(body) == (None, None)
    assert FRENCH_NOT_SAVED not in text_of(body)


# --- Recovery, for real: gunicorn talking to PostgreSQL through a proxy we unplug -------------


@pytest.fixture
def unpluggable_site(tmp_path):
    """gunicorn serving the test database through a TCP proxy, as a production site would with
    its persistent connections (CONN_MAX_AGE) and CONN_HEALTH_CHECKS."""
    db = connection.settings_dict
    proxy = TcpProxy((db["HOST"] or "127.0.0.1", int(db["PORT"] or 5432))).start()
    credentials = urllib.parse.quote(db["USER"]) + (
        f":{urllib.parse.quote(db['PASSWORD'])}" if db["PASSWORD"] else ""
    )
    database_url = f"postgres://{credentials}@127.0.0.1:{proxy.port}/{db['NAME']}"
    try:
        with Gunicorn(tmp_path / "gunicorn.log", env={"DATABASE_URL": database_url}) as site:
            yield proxy, site
    finally:
        proxy.stop()


def csrf_token(page):
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_pages_fail_politely_while_the_database_is_away_and_recover_by_themselves(
    unpluggable_site,
):
    proxy, site = unpluggable_site
    article = PublishedArticleFactory(title="Crue de la rivière", slug="crue-de-la-riviere")
    french, english = article.get_absolute_url(), f"/en{article.get_absolute_url()}"

    status, page = site.get(french)
    assert status == 200
    assert "Crue de la rivière" in page
    token = csrf_token(page)

    proxy.stop()
    assert site.get(french)[0] == 503
    assert FRENCH_TITLE in site.get(french)[1]
    assert ENGLISH_TITLE in site.get(english)[1]
    # The reader loaded the form before the outage and sends their comment during it.
    form = {"csrfmiddlewaretoken": token, "name": "Odile", "text": "Le pont est <fermé> ?"}
    status, page = site.get(
        f"/commentaires/envoyer/{article.pk}/", urllib.parse.urlencode(form).encode()
    )
    assert status == 503
    assert FRENCH_NOT_SAVED in text_of(page)
    assert kept_comment(page) == ("Odile", "Le pont est <fermé> ?")

    proxy.start()
    # No restart, no retry: the very next request after the database returns is served.
    status, page = site.get(french)
    assert status == 200
    assert "Crue de la rivière" in page
    assert site.get(english)[0] == 200


CSRF_FAILURE_WITH_NO_DATABASE = """
import json
from django.test import Client

client = Client(enforce_csrf_checks=True, raise_request_exception=False)
response = client.post("/commentaires/envoyer/1/", {"name": "Zoé", "text": "Mon texte"})
print(json.dumps({"status": response.status_code, "body": response.content.decode()}))
"""


def test_an_expired_form_sent_without_database_still_gives_the_comment_back():
    # The CSRF failure view runs inside the CSRF middleware, outside any view: the 500 handler
    # is what must recognise the database error there.
    answer = printed_json(python(CSRF_FAILURE_WITH_NO_DATABASE, env=NO_DATABASE))

    assert answer["status"] == 503
    assert FRENCH_NOT_SAVED in text_of(answer["body"])
    assert kept_comment(answer["body"]) == ("Zoé", "Mon texte")
