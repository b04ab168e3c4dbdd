"""The admin index opens on each role's work."""

import datetime
import html

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from tests.articles.factories import (
    ArticleFactory,
    InReviewArticleFactory,
    PublishedArticleFactory,
    ScheduledArticleFactory,
)
from tests.comments.factories import PendingCommentFactory

pytestmark = pytest.mark.django_db

INDEX = reverse("admin:index")


def panel(response, name):
    """The text of one dashboard panel, or None when the page does not show it."""
    page = html.unescape(response.content.decode())
    start = page.find(f'id="dashboard-{name}"')
    if start == -1:
        return None
    return page[start : page.find("</table>", start)]


def test_a_journalist_sees_their_drafts_and_what_came_back_with_the_note(client, people, colleague):
    claire, hugo = people["journalist"], people["editor"]
    ArticleFactory(author=claire, title="Mon brouillon")
    ArticleFactory(author=colleague, title="Le brouillon de Louis")
    returned = InReviewArticleFactory(author=claire, title="Budget 2025")
    returned.take_step("send_back", by=hugo, note="Les chiffres de la voirie sont à revérifier.")
    unpublished = PublishedArticleFactory(author=claire, title="Erreur de date")
    unpublished.take_step("unpublish", by=hugo)
    resubmitted = InReviewArticleFactory(author=claire, title="Déjà corrigé")
    resubmitted.take_step("send_back", by=hugo)
    resubmitted.take_step("submit_for_review", by=claire)
    client.force_login(claire)

    response = client.get(INDEX)

    drafts = panel(response, "drafts")
    assert "Mon brouillon" in drafts
    assert "Le brouillon de Louis" not in drafts
    assert "Budget 2025" not in drafts  # shown once, with what happened to it
    came_back = panel(response, "returned")
    assert "Budget 2025" in came_back
    assert f"Renvoyé à l'auteur par {hugo.get_full_name()}" in came_back
    assert "Les chiffres de la voirie sont à revérifier." in came_back
    assert "Erreur de date" in came_back
    assert "Dépublié" in came_back
    assert "Déjà corrigé" not in came_back
    assert panel(response, "in-review") is None
    assert panel(response, "moderation") is None


def test_an_editor_sees_what_waits_for_review_oldest_first_and_what_is_scheduled(
    client, people, colleague
):
    with time_machine.travel(timezone.now() - datetime.timedelta(hours=5)):
        InReviewArticleFactory(author=colleague, title="Attend depuis longtemps")
    InReviewArticleFactory(author=colleague, title="Vient d'arriver")
    ScheduledArticleFactory(title="Sort demain")
    ArticleFactory(title="Un simple brouillon")
    client.force_login(people["editor"])

    response = client.get(INDEX)

    waiting = panel(response, "in-review")
    assert waiting.index("Attend depuis longtemps") < waiting.index("Vient d'arriver")
    assert "Un simple brouillon" not in waiting
    assert "Sort demain" in panel(response, "scheduled")
    assert panel(response, "moderation") is None


def test_a_moderator_sees_the_pending_count_and_the_oldest_waiting(client, people):
    old = PendingCommentFactory(
        name="Odile B.", created_at=timezone.now() - datetime.timedelta(hours=3)
    )
    PendingCommentFactory(name="Julien")
    client.force_login(people["moderator"])

    response = client.get(INDEX)

    queue = panel(response, "moderation")
    assert '?status=pending">2</a>' in queue
    assert f"Odile B. sur « {old.article.title} »" in queue
    assert "en attente depuis 3\xa0heures" in queue
    assert reverse("admin:comments_comment_change", args=[old.pk]) in queue
    # Said once on the page, in the moderator's panel.
    assert response.content.decode().count("?status=pending") == 1
    assert panel(response, "drafts") is None
    assert panel(response, "in-review") is None


def test_everyone_sees_the_most_read_of_the_day_and_week_and_what_they_mean(client, people):
    now = timezone.now()
    PublishedArticleFactory(
        title="Du jour", published_at=now - datetime.timedelta(hours=2), view_count=10
    )
    PublishedArticleFactory(
        title="Lu hier", published_at=now - datetime.timedelta(days=2), view_count=500
    )
    PublishedArticleFactory(
        title="Trop ancien", published_at=now - datetime.timedelta(days=9), view_count=9000
    )

    for role in ("journalist", "editor", "moderator", "superuser"):
        client.force_login(people[role])
        response = client.get(INDEX)
        today = panel(response, "most-read-day")
        week = panel(response, "most-read-week")
        assert "Du jour" in today
        assert "Lu hier" not in today
        assert "10 vues" in today
        assert week.index("Lu hier") < week.index("Du jour")
        assert "Trop ancien" not in week
        assert "Parmi les articles publiés ces 7 derniers jours" in week


def test_the_dashboard_costs_the_same_queries_with_many_articles(
    client, people, django_assert_max_num_queries
):
    client.force_login(people["superuser"])
    InReviewArticleFactory(author=people["superuser"]).take_step("send_back", by=people["editor"])
    client.get(INDEX)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(INDEX)
    for _ in range(15):
        InReviewArticleFactory(author=people["superuser"]).take_step(
            "send_back", by=people["editor"]
        )
        ScheduledArticleFactory()
        PublishedArticleFactory()
    with django_assert_max_num_queries(len(few)):
        client.get(INDEX)
