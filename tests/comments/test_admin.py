import datetime
import json
import re

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from comments.models import Comment, ModerationPolicy
from tests.articles.factories import PublishedArticleFactory, StaffUserFactory
from tests.comments.factories import (
    ApprovedCommentFactory,
    PendingCommentFactory,
    SpamCommentFactory,
)

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:comments_comment_changelist"


def grant(user, *codenames):
    user.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="comments", codename__in=codenames)
    )
    return user


@pytest.fixture
def moderator(db):
    return grant(StaffUserFactory(username="nadia"), "view_comment", "change_comment")


@pytest.fixture
def moderator_client(client, moderator):
    client.force_login(moderator)
    return client


def rows(response):
    return [str(c.pk) for c in response.context["cl"].result_list]


def test_queue_opens_on_pending_oldest_first(moderator_client):
    now = timezone.now()
    newer = PendingCommentFactory(created_at=now)
    older = PendingCommentFactory(created_at=now - datetime.timedelta(hours=2))
    ApprovedCommentFactory()
    SpamCommentFactory()

    response = moderator_client.get(reverse(CHANGELIST))

    assert rows(response) == [str(older.pk), str(newer.pk)]


def test_queue_filters_other_statuses_and_all(moderator_client):
    approved = ApprovedCommentFactory()
    spam = SpamCommentFactory()
    PendingCommentFactory()

    assert rows(moderator_client.get(reverse(CHANGELIST) + "?status=approved")) == [
        str(approved.pk)
    ]
    assert rows(moderator_client.get(reverse(CHANGELIST) + "?status=spam")) == [str(spam.pk)]
    assert len(rows(moderator_client.get(reverse(CHANGELIST) + "?status=all"))) == 3


def test_queue_filters_by_article(moderator_client):
    mine = PendingCommentFactory()
    PendingCommentFactory()

    queue = moderator_client.get(reverse(CHANGELIST))
    response = moderator_client.get(reverse(CHANGELIST) + f"?article={mine.article_id}")

    # The filter offers the articles with comments waiting, and keeps the chosen one's comments.
    assert mine.article.title in queue.content.decode()
    assert rows(response) == [str(mine.pk)]


def test_article_filter_lists_only_the_busiest_articles_and_shrugs_off_junk(moderator_client):
    busy = PublishedArticleFactory(title="Beaucoup de commentaires")
    PendingCommentFactory.create_batch(3, article=busy)
    quiet = PublishedArticleFactory(title="Aucun commentaire en attente")
    ApprovedCommentFactory(article=quiet)

    page = moderator_client.get(reverse(CHANGELIST)).content.decode()
    junk = moderator_client.get(reverse(CHANGELIST) + "?article=abc")

    assert "Beaucoup de commentaires" in page
    assert "Aucun commentaire en attente" not in page
    assert junk.status_code == 200
    assert rows(junk) == []


@pytest.mark.parametrize(
    ("term", "field"),
    [("Zoé", "name"), ("zoe@", "email"), ("passerelle", "text"), ("198.51.100.7", "ip_address")],
)
def test_queue_search(moderator_client, term, field):
    wanted = PendingCommentFactory(
        name="Zoé", email="zoe@example.org", text="La passerelle", ip_address="198.51.100.7"
    )
    PendingCommentFactory(
        name="Paul", email="paul@example.org", text="Autre", ip_address="192.0.2.1"
    )

    response = moderator_client.get(reverse(CHANGELIST), {"q": term})

    assert rows(response) == [str(wanted.pk)]


def test_rows_show_article_name_excerpt_score_reasons_and_buttons(moderator_client):
    comment = PendingCommentFactory(
        name="Zoé",
        text="Voir https://a.example et https://b.example",
        spam_score=4,
        spam_reasons=[{"rule": "links", "detail": "2"}],
    )

    content = moderator_client.get(reverse(CHANGELIST)).content.decode()

    assert comment.article.title in content
    assert "Zoé" in content
    assert "Voir https://a.example" in content
    assert "2 liens" in content
    for decision in ("approve", "reject", "spam"):
        url = reverse("admin:comments_comment_decide", args=[comment.pk, decision])
        assert f'formaction="{url}"' in content


def test_changelist_queries_do_not_grow_with_rows(moderator_client, moderator):
    def queries():
        with CaptureQueriesContext(connection) as context:
            moderator_client.get(reverse(CHANGELIST) + "?status=all")
        return len(context.captured_queries)

    PendingCommentFactory.create_batch(2)
    few = queries()
    for comment in PendingCommentFactory.create_batch(20):
        comment.reject(by=moderator)
    many = queries()

    assert few == many


@pytest.mark.parametrize(
    ("decision", "status"), [("approve", "approved"), ("reject", "rejected"), ("spam", "spam")]
)
def test_one_click_decision_records_who_and_when(moderator_client, moderator, decision, status):
    comment = PendingCommentFactory()
    url = reverse("admin:comments_comment_decide", args=[comment.pk, decision])

    response = moderator_client.post(
        url, headers={"referer": "http://testserver/admin/x/?status=pending"}
    )

    assert response.status_code == 302
    assert response["Location"] == "http://testserver/admin/x/?status=pending"
    comment.refresh_from_db()
    assert comment.status == status
    assert comment.moderated_by == moderator
    assert comment.moderated_at is not None


def test_one_click_never_redirects_to_another_site(moderator_client):
    comment = PendingCommentFactory()
    url = reverse("admin:comments_comment_decide", args=[comment.pk, "approve"])

    response = moderator_client.post(url, headers={"referer": "https://evil.example/"})

    assert response["Location"] == reverse(CHANGELIST)


def test_one_click_needs_post_and_the_permission(client):
    comment = PendingCommentFactory()
    url = reverse("admin:comments_comment_decide", args=[comment.pk, "approve"])
    viewer = grant(StaffUserFactory(), "view_comment")
    client.force_login(viewer)

    assert client.get(url).status_code == 405
    assert client.post(url).status_code == 403
    comment.refresh_from_db()
    assert comment.status == "pending"


@pytest.mark.parametrize(
    ("action", "status"),
    [
        ("approve_selected", "approved"),
        ("reject_selected", "rejected"),
        ("mark_spam_selected", "spam"),
    ],
)
def test_bulk_decisions_record_who_and_when(moderator_client, moderator, action, status):
    chosen = PendingCommentFactory.create_batch(3)
    untouched = PendingCommentFactory()

    response = moderator_client.post(
        reverse(CHANGELIST),
        {"action": action, "_selected_action": [c.pk for c in chosen]},
        follow=True,
    )

    assert "3 commentaires" in response.content.decode()
    for comment in chosen:
        comment.refresh_from_db()
        assert comment.status == status
        assert comment.moderated_by == moderator
        assert comment.moderated_at is not None
    untouched.refresh_from_db()
    assert untouched.status == "pending"


def test_editing_the_status_in_the_form_records_the_moderator(moderator_client, moderator):
    comment = PendingCommentFactory()
    url = reverse("admin:comments_comment_change", args=[comment.pk])

    moderator_client.post(
        url,
        {"name": comment.name, "email": comment.email, "text": comment.text, "status": "approved"},
    )

    comment.refresh_from_db()
    assert comment.status == "approved"
    assert comment.moderated_by == moderator


def test_policy_admin_is_one_editable_page(admin_client):
    response = admin_client.get(reverse("admin:comments_moderationpolicy_changelist"))
    policy = ModerationPolicy.load()
    assert response["Location"] == reverse(
        "admin:comments_moderationpolicy_change", args=[policy.pk]
    )

    admin_client.post(
        reverse("admin:comments_moderationpolicy_change", args=[policy.pk]),
        {
            "hold_all": "on",
            "max_links": 3,
            "moderation_words": "maire\nélection",
            "disallowed_words": "casino",
            "use_honeypot": "on",
            "min_seconds_to_submit": 4,
            "close_after_days": 30,
            "rate_limit_count": 3,
            "rate_limit_minutes": 5,
            "report_threshold": 4,
            "personal_report_threshold": 1,
            "reports_per_hour": 10,
        },
    )

    policy.refresh_from_db()
    assert policy.max_links == 3
    assert (
        policy.moderation_words == "maire\r\nélection"
        or policy.moderation_words == "maire\nélection"
    )
    assert policy.close_after_days == 30
    assert admin_client.get(reverse("admin:comments_moderationpolicy_add")).status_code == 403


def test_export_action_downloads_everything_by_email(admin_client):
    mine = PendingCommentFactory(email="zoe@example.org", text="Un")
    PendingCommentFactory(email="ZOE@example.org", text="Deux", article=PublishedArticleFactory())
    PendingCommentFactory(email="autre@example.org")

    response = admin_client.post(
        reverse(CHANGELIST) + "?status=all",
        {"action": "export_commenters", "_selected_action": [mine.pk]},
    )

    assert response["Content-Type"] == "application/json; charset=utf-8"
    data = json.loads(response.content)
    [commenter] = data["commenters"]
    assert sorted(c["text"] for c in commenter["comments"]) == ["Deux", "Un"]
    assert commenter["comments"][0]["ip_address"] == "192.0.2.10"


def test_erase_action_deletes_everything_by_email(admin_client):
    mine = PendingCommentFactory(email="zoe@example.org")
    ApprovedCommentFactory(email="zoe@example.org")
    other = PendingCommentFactory(email="autre@example.org")

    response = admin_client.post(
        reverse(CHANGELIST) + "?status=all",
        {"action": "erase_commenters", "_selected_action": [mine.pk]},
        follow=True,
    )

    assert list(Comment.objects.all()) == [other]
    assert "2 commentaires effacés" in response.content.decode()


def test_privacy_actions_are_hidden_from_plain_moderators(moderator_client):
    PendingCommentFactory()

    content = moderator_client.get(reverse(CHANGELIST)).content.decode()

    assert re.search(r'value="approve_selected"', content)
    assert 'value="export_commenters"' not in content
    assert 'value="erase_commenters"' not in content
