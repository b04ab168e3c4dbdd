"""Crawlers and readers with a session on the shared article page (articles/page_cache.py).

A crawler gets the page every reader gets, with nothing counted and no captcha challenge stored
for it; a reader with a session (who sent a comment, or has a message waiting) gets it too, with
their own parts filled in. Only staff get pages rendered for them alone.
"""

import datetime

import pytest
import time_machine
from captcha.models import CaptchaStore
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from donations.models import PromptSectionStat
from tests.articles.factories import PublishedArticleFactory, StaffUserFactory
from tests.comments.factories import ApprovedCommentFactory, PendingCommentFactory
from tests.donations.factories import DonationPromptFactory

from . import test_page_cache
from .reader import GOOGLEBOT, editor_client, reader_client
from .test_page_cache import (
    field_value,
    give_message,
    give_waiting_comment,
    read,
    served_from_shell,
    views,
)

# The shells the article page keeps, as a fixture here too.
shells = test_page_cache.shells

pytestmark = pytest.mark.django_db


def crawler():
    return Client(headers={"user-agent": GOOGLEBOT})


@pytest.fixture
def article():
    article = PublishedArticleFactory()
    ApprovedCommentFactory(article=article, text="Un avis publié")
    DonationPromptFactory(heading="Soutenez la rédaction")
    return article


def impressions(article):
    return sum(
        PromptSectionStat.objects.filter(section=article.section).values_list(
            "impressions", flat=True
        )
    )


# --- Crawlers ----------------------------------------------------------------------------------


@pytest.mark.parametrize("shell_exists", [False, True], ids=["no shell yet", "from the shell"])
def test_a_crawler_counts_nothing_and_stores_no_challenge(article, shell_exists, shells):
    url = article.get_absolute_url()
    if shell_exists:
        read(url)
    article.refresh_from_db()
    seen, shown, challenges = article.view_count, impressions(article), CaptchaStore.objects.count()

    html = read(url, crawler())

    # Served from the shell when there is one; otherwise rendered, and kept for the next.
    assert len(shells) == 1
    article.refresh_from_db()
    assert article.view_count == seen
    assert impressions(article) == shown
    assert CaptchaStore.objects.count() == challenges
    # The same page as a reader's: the article, its comments, the count as it stands.
    assert article.title in html
    assert "Un avis publié" in html
    assert views(html) == ("1 vue" if shell_exists else "0 vue")
    assert "nrslot" not in html


def test_a_crawler_is_served_the_shell_in_one_query(article, django_assert_num_queries):
    url = article.get_absolute_url()
    read(url)
    client = crawler()

    # Whether the shell is still current, and the count it shows, in one SELECT.
    with django_assert_num_queries(1):
        response = client.get(url)

    assert response.status_code == 200


def test_a_crawler_first_leaves_the_shell_for_readers(article):
    url = article.get_absolute_url()
    read(url, crawler())

    html, shared = served_from_shell(url)

    assert shared
    key = field_value(html, "captcha_0")
    assert CaptchaStore.objects.filter(hashkey=key).exists()
    assert views(html) == "1 vue"


def test_a_crawler_sees_an_edit_at_once(article, shells):
    url = article.get_absolute_url()
    read(url)
    article.title = "Le pont rouvre"
    article.save()

    html = read(url, crawler())

    assert len(shells) == 2
    assert "Le pont rouvre" in html
    article.refresh_from_db()
    assert article.view_count == 1


def test_a_crawler_gets_no_page_of_an_unpublished_article(article):
    url = article.get_absolute_url()
    read(url)
    article.status = article.Status.DRAFT
    article.save()

    assert crawler().get(url).status_code == 404


def test_a_crawlers_form_asks_for_a_challenge_before_sending(article):
    url = article.get_absolute_url()
    read(url)

    html, _ = served_from_shell(url, crawler())

    assert 'name="captcha_0"' not in html
    assert 'name="captcha_1"' not in html
    assert "/captcha/image/" not in html
    assert 'aria-describedby="comment-captcha-ask"' in html
    assert 'id="comment-captcha-ask"' in html
    assert 'name="refresh_captcha"' in html
    assert "Afficher les caractères à recopier" in html


@pytest.mark.parametrize("button", ["send", "refresh_captcha"])
def test_a_form_sent_without_a_challenge_keeps_the_text_and_gives_one(article, button):
    # What someone taken for a crawler does with the form: "Show the characters to copy", or
    # sends it straight away.
    url = article.get_absolute_url()
    read(url)
    client = crawler()
    html, _ = served_from_shell(url, client)
    posted = {
        "csrfmiddlewaretoken": field_value(html, "csrfmiddlewaretoken"),
        "name": "Inès",
        "text": "Le marché reprend-il samedi ?",
        "timestamp": field_value(html, "timestamp"),
        "website": "",
    }
    if button == "refresh_captcha":
        posted["refresh_captcha"] = "1"

    response = client.post(reverse("comments:post", args=[article.pk]), posted)

    page = response.content.decode()
    assert response.status_code == 200
    assert "Le marché reprend-il samedi ?" in page
    key = field_value(page, "captcha_0")
    assert CaptchaStore.objects.filter(hashkey=key).exists()
    assert article.comments.filter(status__in=["pending", "spam"]).count() == 0


# --- Readers with a session --------------------------------------------------------------------


def test_a_reader_with_a_session_sees_their_waiting_comment_on_the_shared_page(article):
    url = article.get_absolute_url()
    author = reader_client()
    give_waiting_comment(author, PendingCommentFactory(article=article, text="Mon avis"))
    other_article = PublishedArticleFactory()
    give_waiting_comment(author, PendingCommentFactory(article=other_article, text="Ailleurs"))
    read(url)

    html, shared = served_from_shell(url, author)
    other, other_shared = served_from_shell(url)

    assert shared
    assert other_shared
    assert "Mon avis" in html
    assert "En attente de modération" in html
    # Their comment on another article stays on that one.
    assert "Ailleurs" not in html
    assert "Mon avis" not in other
    assert "Un avis publié" in html


def test_a_reader_with_a_session_is_served_the_shell_with_their_writes_alone(
    article, django_capture_on_commit_callbacks
):
    url = article.get_absolute_url()
    author = reader_client()
    give_waiting_comment(author, PendingCommentFactory(article=article, text="Mon avis"))
    # The first visit stores a batch of captcha challenges, handed out once committed.
    with django_capture_on_commit_callbacks(execute=True):
        read(url)

    def statements_of(queries):
        # The savepoints stand for the transaction, which is the test's own here.
        return [q["sql"].split()[0] for q in queries if "SAVEPOINT" not in q["sql"]]

    with CaptureQueriesContext(connection) as first_visit:
        first = read(url, author)
    with CaptureQueriesContext(connection) as next_visit:
        again = read(url, author)

    # The session comes from the cache. Their waiting comments are read once, then kept under
    # the article's comments version; the view and the prompt's impression are two UPDATEs, or
    # one statement on PostgreSQL.
    writes = ["WITH"] if connection.vendor == "postgresql" else ["UPDATE", "UPDATE"]
    assert statements_of(first_visit) == ["SELECT", *writes]
    assert statements_of(next_visit) == writes
    assert "Mon avis" in first
    assert "Mon avis" in again


def test_a_reader_sees_their_message_once_from_the_shared_page(article):
    url = article.get_absolute_url()
    read(url)
    reader = reader_client()
    give_message(reader, "Votre commentaire attend un modérateur")

    first, shared = served_from_shell(url, reader)
    second, _ = served_from_shell(url, reader)

    assert shared
    assert "Votre commentaire attend un modérateur" in first
    assert 'class="messages" role="status"' in first
    assert "Votre commentaire attend un modérateur" not in second
    assert 'class="messages"' not in second


def test_a_reader_with_a_session_counts_once_and_gets_a_challenge(article):
    url = article.get_absolute_url()
    reader = reader_client()
    give_waiting_comment(reader, PendingCommentFactory(article=article))
    read(url)

    html, shared = served_from_shell(url, reader)

    assert shared
    assert views(html) == "2 vues"
    assert CaptchaStore.objects.filter(hashkey=field_value(html, "captcha_0")).exists()


def test_a_comment_once_approved_leaves_the_readers_own_list(article):
    url = article.get_absolute_url()
    author = reader_client()
    comment = PendingCommentFactory(article=article, text="Mon avis")
    give_waiting_comment(author, comment)
    read(url, author)

    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=1)):
        comment.approve(by=StaffUserFactory(is_superuser=True))
        html = read(url, author)

    assert html.count("Mon avis") == 1
    assert "En attente de modération" not in html


# --- Staff -------------------------------------------------------------------------------------


def test_staff_get_pages_rendered_for_them_alone(article):
    url = article.get_absolute_url()
    read(url)
    editor = editor_client()

    _, shared = served_from_shell(url, editor)
    draft = PublishedArticleFactory(status="draft")
    preview = editor.get(draft.get_absolute_url())

    assert not shared
    assert preview.status_code == 200
    assert "no-cache" in preview["Cache-Control"]
    # The preview was kept for no one.
    assert reader_client().get(draft.get_absolute_url()).status_code == 404
