"""Readers' reports of published comments: the page, the threshold, dismissal, the limits."""

import re
from functools import partial
from unittest import mock

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.db import IntegrityError
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from comments.forms import new_timestamp
from comments.models import Comment, CommentReport, ModerationPolicy
from comments.privacy import purge_report_addresses
from tests.articles.factories import StaffUserFactory
from tests.harness import at_once

from .factories import ApprovedCommentFactory, CommentReportFactory, PendingCommentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def comment(article):
    return ApprovedCommentFactory(article=article, name="Bruno", text="Un avis tranché.")


@pytest.fixture
def moderator(db):
    user = StaffUserFactory(username="nadia")
    user.user_permissions.add(
        Permission.objects.get(content_type__app_label="comments", codename="change_comment")
    )
    return user


def report(comment, reader, reason="abuse", **kwargs):
    return comment.report(reason=reason, reporter=CommentReport.reporter_for(reader), **kwargs)


def report_url(comment, language="fr", send=False):
    with translation.override(language):
        return reverse("comments:report_post" if send else "comments:report", args=[comment.pk])


def report_data(**overrides):
    return {"reason": "abuse", "note": "", "website": "", "timestamp": new_timestamp(), **overrides}


# --- The rule ---------------------------------------------------------------------------------


def test_three_reports_take_a_comment_down(comment, policy):
    report(comment, "reader-1")
    report(comment, "reader-2")
    comment.refresh_from_db()
    assert comment.status == Comment.Status.APPROVED

    report(comment, "reader-3", reason="spam")

    comment.refresh_from_db()
    assert comment.status == Comment.Status.PENDING
    assert comment.taken_down_at is not None
    assert comment.reasons_display() == ["retiré après 3 signalements"]
    assert comment.moderated_by is None


def test_one_report_of_personal_information_is_enough(comment, policy):
    report(comment, "reader-1", reason=CommentReport.Reason.PERSONAL)

    comment.refresh_from_db()
    assert comment.status == Comment.Status.PENDING


def test_thresholds_come_from_the_policy(comment, policy):
    policy.report_threshold = 0
    policy.personal_report_threshold = 2
    policy.save()
    for number in range(5):
        report(comment, f"reader-{number}")
    report(comment, "reader-p1", reason="personal")
    comment.refresh_from_db()
    assert comment.status == Comment.Status.APPROVED

    report(comment, "reader-p2", reason="personal")
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PENDING


def test_a_takedown_changes_the_listing_at_once(client, comment, policy):
    page = client.get(comment.article.get_absolute_url())
    assert "Un avis tranché." in page.content.decode()

    for number in range(3):
        report(comment, f"reader-{number}")

    page = client.get(comment.article.get_absolute_url())
    assert "Un avis tranché." not in page.content.decode()


def test_one_report_per_reader(comment, policy):
    report(comment, "reader-1")

    with pytest.raises(CommentReport.AlreadyReported):
        report(comment, "reader-1", reason="spam")

    assert comment.reports.count() == 1


def test_the_database_refuses_a_second_report_by_the_same_reader(comment):
    CommentReportFactory(comment=comment, reporter="a" * 64)
    with pytest.raises(IntegrityError):
        CommentReportFactory(comment=comment, reporter="a" * 64)


def test_a_race_between_two_reports_of_one_reader_is_told_not_a_crash(comment, policy):
    # Their two requests both found no earlier report; the database refuses the second row.
    report(comment, "reader-1")
    with (
        mock.patch("django.db.models.QuerySet.exists", return_value=False),
        pytest.raises(CommentReport.AlreadyReported),
    ):
        report(comment, "reader-1")
    assert comment.reports.count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.xdist_group("many_connections")
def test_simultaneous_reports_are_counted_exactly(article):
    comment = ApprovedCommentFactory(article=article)
    ModerationPolicy.load()

    def attempt(reader):
        try:
            report(Comment.objects.get(pk=comment.pk), reader)
        except CommentReport.AlreadyReported:
            return "again"
        return "ok"

    # The same reader twice at once, and six others.
    results = at_once(
        [partial(attempt, "twice")] * 2 + [partial(attempt, f"r{n}") for n in range(6)]
    )

    assert sorted(results) == ["again"] + ["ok"] * 7
    assert comment.reports.count() == 7
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PENDING
    assert comment.spam_reasons == [{"rule": "reports", "detail": "3"}]


def test_only_published_comments_can_be_taken_down(article, policy):
    pending = PendingCommentFactory(article=article)
    report(pending, "reader-1", reason="personal")
    pending.refresh_from_db()
    assert pending.taken_down_at is None


# --- Dismissal --------------------------------------------------------------------------------


def test_dismissed_reports_never_take_the_comment_down_again(comment, moderator, policy):
    report(comment, "reader-1")
    report(comment, "reader-2")

    assert comment.dismiss_reports(by=moderator) == 2
    report(comment, "reader-3")
    report(comment, "reader-4")

    comment.refresh_from_db()
    assert comment.status == Comment.Status.APPROVED
    dismissed = comment.reports.exclude(dismissed_at=None)
    assert {r.dismissed_by for r in dismissed} == {moderator}

    report(comment, "reader-5")
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PENDING


def test_approving_a_comment_taken_down_dismisses_its_reports(comment, moderator, policy):
    for number in range(3):
        report(comment, f"reader-{number}")
    comment.refresh_from_db()

    comment.approve(by=moderator)

    assert not comment.reports.undismissed().exists()
    assert comment.moderated_by == moderator
    report(comment, "reader-9")
    comment.refresh_from_db()
    assert comment.is_public


def test_only_moderators_dismiss_reports(comment):
    journalist = StaffUserFactory(username="claire")
    CommentReportFactory(comment=comment)

    with pytest.raises(PermissionDenied):
        comment.dismiss_reports(by=journalist)
    assert comment.reports.undismissed().count() == 1


# --- The page, without JavaScript -------------------------------------------------------------


def test_every_published_comment_links_to_its_report_page(client, comment):
    page = client.get(comment.article.get_absolute_url())

    assert f'href="{report_url(comment)}"' in page.content.decode()
    assert "Signaler" in page.content.decode()


@pytest.mark.parametrize(
    ("language", "legend", "button"),
    [
        ("fr", "Quel est le problème avec ce commentaire ?", "Envoyer le signalement"),
        ("en", "What is wrong with this comment?", "Send the report"),
    ],
)
def test_the_report_page(client, comment, language, legend, button):
    response = client.get(report_url(comment, language))

    assert response.status_code == 200
    assert response["Cache-Control"].startswith("max-age=0")
    html = response.content.decode()
    assert f"<legend>{legend}</legend>" in html
    assert button in html
    assert html.count('type="radio"') == 5
    assert f'action="{report_url(comment, language, send=True)}"' in html


def test_no_report_page_for_a_comment_not_published(client, article):
    pending = PendingCommentFactory(article=article)
    assert client.get(report_url(pending)).status_code == 404
    assert client.post(report_url(pending, send=True), report_data()).status_code == 404


def test_reporting_goes_back_to_the_article_with_a_message(client, comment):
    response = client.post(
        report_url(comment, send=True), report_data(note="Insultant."), follow=True
    )

    assert (
        response.redirect_chain[0][0]
        == f"{comment.article.get_absolute_url()}#comment-{comment.pk}"
    )
    assert "Merci : la rédaction va relire ce commentaire." in response.content.decode()
    [made] = comment.reports.all()
    assert (made.reason, made.note, made.ip_address) == ("abuse", "Insultant.", "127.0.0.1")
    cookie = client.cookies["newsroom_reader"]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"
    assert made.reporter == CommentReport.reporter_for(
        client.get("/").wsgi_request.get_signed_cookie("newsroom_reader", salt="comments.reader")
    )


def test_a_second_report_from_the_same_browser_is_thanked_not_counted(client, comment):
    client.post(report_url(comment, send=True), report_data())
    response = client.post(report_url(comment, send=True), report_data(reason="spam"), follow=True)

    assert response.status_code == 200
    assert "Vous avez déjà signalé ce commentaire" in response.content.decode()
    assert comment.reports.count() == 1


def test_the_report_that_reaches_the_threshold_leaves_the_page(client, comment, policy):
    CommentReportFactory(comment=comment)
    CommentReportFactory(comment=comment)

    response = client.post(report_url(comment, send=True), report_data())

    assert response["Location"].endswith("#comments")
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PENDING


@pytest.mark.parametrize(
    ("language", "message"),
    [("fr", "Veuillez choisir une raison."), ("en", "Please choose a reason.")],
)
def test_a_report_without_reason_shows_the_form_with_its_error(client, comment, language, message):
    response = client.post(report_url(comment, language, send=True), report_data(reason=""))

    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert 'aria-describedby="id_reason_error"' in html
    assert 'id="id_reason_error"' in html
    assert not comment.reports.exists()


def test_a_note_too_long_is_refused(client, comment):
    response = client.post(report_url(comment, send=True), report_data(note="x" * 501))

    assert response.status_code == 200
    assert re.search(r'id="id_note_error"', response.content.decode())
    assert not comment.reports.exists()


def test_reports_need_the_form_token(comment):
    strict = Client(enforce_csrf_checks=True)
    assert strict.post(report_url(comment, send=True), report_data()).status_code == 403
    assert strict.get(report_url(comment, send=True)).status_code == 405


def test_robots_are_thanked_and_forgotten(client, comment):
    client.post(report_url(comment, send=True), report_data(website="http://spam.example"))
    client.post(report_url(comment, send=True), report_data(timestamp="forged"))

    assert not comment.reports.exists()


def test_reports_are_limited_per_address(client, article, policy):
    policy.reports_per_hour = 2
    policy.save()
    comments = ApprovedCommentFactory.create_batch(3, article=article)
    CommentReportFactory(comment=comments[0], ip_address="127.0.0.1")
    CommentReportFactory(
        comment=comments[0],
        ip_address="127.0.0.1",
        created_at=timezone.now() - timezone.timedelta(hours=2),
    )
    client.post(report_url(comments[1], send=True), report_data())

    response = client.post(report_url(comments[2], send=True), report_data())

    assert response.status_code == 429
    assert "Vous avez envoyé 2 signalements dans la dernière heure" in response.content.decode()
    assert not comments[2].reports.exists()
    # Another address is not concerned.
    other = Client(REMOTE_ADDR="192.0.2.77")
    assert other.post(report_url(comments[2], send=True), report_data()).status_code == 302


# --- The moderation queue ---------------------------------------------------------------------


def test_the_queue_shows_reported_comments_with_their_reasons(admin_client, article, policy):
    under = ApprovedCommentFactory(article=article, name="Sous-le-seuil")
    CommentReportFactory(comment=under, reason="off_topic", note="Rien à voir.")
    down = ApprovedCommentFactory(article=article, name="Retiré")
    for number in range(3):
        report(down, f"reader-{number}", reason="abuse")
    ApprovedCommentFactory(article=article, name="Tranquille")

    url = reverse("admin:comments_comment_changelist")
    response = admin_client.get(url, {"reported": "yes", "status": "all"})

    html = response.content.decode()
    assert "Sous-le-seuil" in html
    assert "Retiré" in html
    assert "Tranquille" not in html
    assert "Hors sujet — Rien à voir." in html
    assert "3 signalements :" in html
    assert "retiré après 3 signalements" in html
    assert "Écarter les signalements" in html

    pending = admin_client.get(url).content.decode()
    assert "Retiré" in pending
    assert "Sous-le-seuil" not in pending


def test_the_reported_filter_shows_every_status(admin_client, comment):
    CommentReportFactory(comment=comment)
    response = admin_client.get(reverse("admin:comments_comment_changelist"))

    assert "?reported=yes&amp;status=all" in response.content.decode()


def test_the_queue_reads_reports_in_one_query(admin_client, article, django_assert_max_num_queries):
    for _number in range(10):
        CommentReportFactory(comment=ApprovedCommentFactory(article=article))
    url = reverse("admin:comments_comment_changelist")
    admin_client.get(url, {"reported": "yes", "status": "all"})  # warm up the session
    with django_assert_max_num_queries(14):
        admin_client.get(url, {"reported": "yes", "status": "all"})


def test_a_moderator_dismisses_reports_from_the_queue(admin_client, comment):
    CommentReportFactory(comment=comment)

    admin_client.post(reverse("admin:comments_comment_decide", args=[comment.pk, "dismiss"]))

    assert not comment.reports.undismissed().exists()
    assert comment.reports.get().dismissed_by.username == "admin"


def test_the_change_page_lists_every_report(admin_client, comment, moderator):
    CommentReportFactory(comment=comment, reason="spam", note="Publicité.")
    comment.dismiss_reports(by=moderator)
    CommentReportFactory(comment=comment, reason="personal")

    html = admin_client.get(
        reverse("admin:comments_comment_change", args=[comment.pk])
    ).content.decode()

    assert "Indésirable · Publicité. · écarté par nadia" in html
    assert "Informations personnelles · — · en attente" in html


# --- Privacy ----------------------------------------------------------------------------------


def test_report_addresses_are_purged_with_the_comments(comment, settings):
    old = CommentReportFactory(
        comment=comment, created_at=timezone.now() - timezone.timedelta(days=91)
    )
    recent = CommentReportFactory(comment=comment)

    assert purge_report_addresses() == 1
    old.refresh_from_db()
    recent.refresh_from_db()
    assert old.ip_address is None
    assert recent.ip_address == "192.0.2.30"


def test_maintenance_purges_report_addresses(comment, capsys):
    report_ = CommentReportFactory(
        comment=comment, created_at=timezone.now() - timezone.timedelta(days=100)
    )

    call_command("purge_comment_data")

    report_.refresh_from_db()
    assert report_.ip_address is None
