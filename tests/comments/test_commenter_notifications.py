"""The emails commenters ask for: their comment published, an answer; throttled, in their
language, with a one-click unsubscribe."""

import re
from io import StringIO
from smtplib import SMTPException
from unittest import mock

import pytest
import time_machine
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from comments.models import (
    Comment,
    CommenterNotice,
    CommenterOptOut,
    NotificationThrottle,
    address_hash,
)
from comments.privacy import erase_commenter_data, export_commenter_data
from comments.services import unsubscribe_token
from operations.models import Job
from tests.articles.factories import StaffUserFactory
from tests.harness import run_jobs

from .factories import ApprovedCommentFactory, PendingCommentFactory
from .helpers import comment_data, post_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def moderator(db):
    user = StaffUserFactory(username="nadia")
    user.user_permissions.add(
        Permission.objects.get(content_type__app_label="comments", codename="change_comment"),
        Permission.objects.get(content_type__app_label="comments", codename="answer_comment"),
    )
    return user


@pytest.fixture
def asking(article):
    """A published comment whose author wants to hear of answers, in French."""
    return ApprovedCommentFactory(
        article=article,
        email="lea@example.org",
        notify_on_reply=True,
        notify_on_publish=True,
        language="fr",
    )


def send_digests():
    """The hourly cron line queues the digests (`send_commenter_notices`); the worker sends."""
    call_command("send_commenter_notices", stdout=StringIO())
    run_jobs()


def reply_to(parent, **fields):
    reply = PendingCommentFactory(email="autre@example.org", **fields)
    parent.place_reply(reply)
    reply.save()
    return reply


def unsubscribe_link(email):
    return re.search(r"https://testserver(/\S+)", email.body[email.body.index("-- ") :]).group(1)


# --- The form ---------------------------------------------------------------------------------


def test_the_form_offers_two_unticked_boxes(client, article):
    html = client.get(article.get_absolute_url()).content.decode()

    assert "Prévenez-moi quand mon commentaire est publié" in html
    assert "Prévenez-moi quand quelqu&#x27;un me répond" in html
    assert 'name="notify_on_publish"' in html
    assert "checked" not in html.split("comment-notices")[1][:600]
    assert "Ils demandent votre adresse e-mail" in html


def test_the_choices_are_stored_with_the_page_language(client, article):
    client.post(
        post_url(article, "en"),
        comment_data(notify_on_publish="on", notify_on_reply="on", email="Lea@Example.org"),
    )

    comment = Comment.objects.get()
    assert (comment.notify_on_publish, comment.notify_on_reply) == (True, True)
    assert comment.language == "en"
    assert comment.email == "lea@example.org"


def test_the_boxes_need_an_email(client, article):
    response = client.post(post_url(article), comment_data(email="", notify_on_reply="on"))

    assert "Veuillez donner votre adresse e-mail" in response.content.decode()
    assert not Comment.objects.exists()


# --- Published --------------------------------------------------------------------------------


def test_approval_tells_the_author_after_commit(
    article, moderator, mailoutbox, django_capture_on_commit_callbacks
):
    comment = PendingCommentFactory(article=article, notify_on_publish=True, language="fr")

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        comment.approve(by=moderator)
    assert mailoutbox == []
    for callback in callbacks:
        callback()
    # The commit queued the email; the worker sends it.
    assert Job.objects.get().task_path == "comments.tasks.send_commenter_notices"
    assert mailoutbox == []
    assert run_jobs() == 1

    [email] = mailoutbox
    assert email.to == [comment.email]
    assert email.subject == "[L'Écho du Val] Votre commentaire est publié"
    assert f"https://testserver{article.get_absolute_url()}#comment-{comment.pk}" in email.body
    assert email.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert re.fullmatch(
        r"<https://testserver/commentaires/\S+/>", email.extra_headers["List-Unsubscribe"]
    )
    assert not CommenterNotice.objects.exists()


def test_no_email_without_asking(article, moderator, mailoutbox, committed):
    comment = PendingCommentFactory(article=article)
    with committed():
        comment.approve(by=moderator)
    assert mailoutbox == []


def test_rejection_and_reapproval_after_takedown_send_nothing(
    article, moderator, mailoutbox, committed
):
    comment = PendingCommentFactory(article=article, notify_on_publish=True)
    with committed():
        comment.reject(by=moderator)
        comment.taken_down_at = timezone.now()
        comment.approve(by=moderator)
    assert mailoutbox == []


def test_emails_go_in_the_readers_language(article, moderator, mailoutbox, committed):
    comment = PendingCommentFactory(article=article, notify_on_publish=True, language="en")
    with committed():
        comment.approve(by=moderator)

    [email] = mailoutbox
    assert email.subject == "[L'Écho du Val] Your comment is published"
    assert "is published" in email.body
    assert "https://testserver/en/comments/unsubscribe/" in email.body


# --- Answers ----------------------------------------------------------------------------------


def test_an_approved_reply_tells_the_author_of_the_comment(
    asking, moderator, mailoutbox, committed
):
    reply = reply_to(asking, name="Marc", text="Je ne suis pas d'accord.")
    assert mailoutbox == []

    with committed():
        reply.approve(by=moderator)

    [email] = mailoutbox
    assert email.to == ["lea@example.org"]
    assert email.subject == "[L'Écho du Val] Quelqu'un a répondu à votre commentaire"
    assert "Marc a répondu à votre commentaire" in email.body
    assert "Je ne suis pas d'accord." in email.body


def test_the_newsroom_answer_is_marked(asking, moderator, mailoutbox, committed):
    with committed():
        asking.answer("Merci, nous corrigeons.", by=moderator)

    [email] = mailoutbox
    assert email.subject == "[L'Écho du Val] La rédaction a répondu à votre commentaire"
    assert "pour la rédaction" in email.body


def test_answering_oneself_sends_nothing(asking, moderator, mailoutbox, committed):
    reply = reply_to(asking)
    reply.email = "lea@example.org"
    reply.save()
    with committed():
        reply.approve(by=moderator)
    assert mailoutbox == []


# --- Throttle and digest ----------------------------------------------------------------------


def test_a_second_notice_within_the_hour_waits_for_the_digest(
    asking, moderator, mailoutbox, committed
):
    first, second, third = (reply_to(asking, name=name) for name in ("Marc", "Inès", "Paul"))
    with committed():
        first.approve(by=moderator)
    with committed():
        second.approve(by=moderator)
        third.approve(by=moderator)
    assert len(mailoutbox) == 1
    assert CommenterNotice.objects.count() == 2

    send_digests()
    assert len(mailoutbox) == 1  # the hour has not passed

    with time_machine.travel(timezone.now() + timezone.timedelta(minutes=61)):
        send_digests()

    assert len(mailoutbox) == 2
    digest = mailoutbox[1]
    assert "Inès a répondu" in digest.body
    assert "Paul a répondu" in digest.body
    assert digest.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert not CommenterNotice.objects.exists()


def test_the_next_notice_after_the_hour_takes_the_waiting_ones_along(
    asking, moderator, mailoutbox, committed
):
    first, second, third = (reply_to(asking, name=name) for name in ("Marc", "Inès", "Paul"))
    with committed():
        first.approve(by=moderator)
    with committed():
        second.approve(by=moderator)
    later = timezone.now() + timezone.timedelta(minutes=61)
    with time_machine.travel(later), committed():
        third.approve(by=moderator)

    assert len(mailoutbox) == 2
    assert "Marc" in mailoutbox[0].body
    assert "Inès" not in mailoutbox[0].body
    assert "Inès" in mailoutbox[1].body
    assert "Paul" in mailoutbox[1].body


def test_the_throttle_counts_per_thread(article, moderator, mailoutbox, committed):
    one = ApprovedCommentFactory(article=article, email="lea@example.org", notify_on_reply=True)
    two = ApprovedCommentFactory(article=article, email="lea@example.org", notify_on_reply=True)
    with committed():
        reply_to(one).approve(by=moderator)
        reply_to(two).approve(by=moderator)
    assert len(mailoutbox) == 2


# --- Unsubscribing ----------------------------------------------------------------------------


def test_unsubscribe_page_then_button(client, asking, moderator, mailoutbox, committed):
    with committed():
        reply_to(asking).approve(by=moderator)
    link = unsubscribe_link(mailoutbox[0])

    page = client.get(link)
    assert page.status_code == 200
    assert "Ne plus recevoir nos e-mails" in page.content.decode()
    assert not CommenterOptOut.covers("lea@example.org")

    done = client.post(link)
    assert done.status_code == 200
    assert "nous n'écrirons plus jamais à cette adresse" in done.content.decode()
    assert CommenterOptOut.covers(" LEA@example.org ")


def test_one_click_unsubscribe_from_a_mail_client(asking):
    mail_client = Client(enforce_csrf_checks=True)
    with mock.patch("django.conf.settings.NEWSROOM_URL", "https://testserver"):
        from comments.services import unsubscribe_url

        link = unsubscribe_url("lea@example.org", "fr").removeprefix("https://testserver")

    response = mail_client.post(link, {"List-Unsubscribe": "One-Click"})

    assert response.status_code == 200
    assert CommenterOptOut.covers("lea@example.org")
    assert CommenterOptOut.objects.get().address_hash != "lea@example.org"


def test_a_forged_token_unsubscribes_nobody(client):
    token = unsubscribe_token("lea@example.org")
    assert client.post(f"/commentaires/desinscription/{token}x/").status_code == 404
    assert not CommenterOptOut.objects.exists()


def test_an_unsubscribed_address_is_never_written_to(
    client, asking, moderator, mailoutbox, committed
):
    client.post(f"/commentaires/desinscription/{unsubscribe_token('lea@example.org')}/")

    with committed():
        reply_to(asking).approve(by=moderator)
    send_digests()

    assert mailoutbox == []
    assert not CommenterNotice.objects.exists()


# --- Failures ---------------------------------------------------------------------------------


def test_a_failing_mail_server_fails_no_request_and_its_job_tries_again(
    admin_client, asking, mailoutbox, django_capture_on_commit_callbacks, caplog
):
    from django.urls import reverse

    reply = reply_to(asking)
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse("admin:comments_comment_decide", args=[reply.pk, "approve"])
        )
    assert response.status_code == 302
    reply.refresh_from_db()
    assert reply.is_public

    with mock.patch(
        "django.core.mail.backends.locmem.EmailBackend.send_messages",
        side_effect=SMTPException("down"),
    ):
        run_jobs()
    assert "failed on try 1 of 5" in caplog.text
    # Kept, and sent by the job's next try.
    assert CommenterNotice.objects.count() == 1
    job = Job.objects.get()
    assert job.exception_class_path == "smtplib.SMTPException"
    with time_machine.travel(job.run_after):
        assert run_jobs() == 1
    assert len(mailoutbox) == 1
    assert Job.objects.get().status == "SUCCESSFUL"


# --- Privacy ----------------------------------------------------------------------------------


def test_export_has_the_choices_and_the_opt_out(
    asking, moderator, django_capture_on_commit_callbacks
):
    CommenterNotice.objects.create(
        email="lea@example.org", thread=asking, comment=asking, kind="reply", language="fr"
    )
    CommenterOptOut.add(address_hash("lea@example.org"))

    data = export_commenter_data("lea@example.org")

    [comment] = data["comments"]
    assert (comment["notify_on_publish"], comment["notify_on_reply"], comment["language"]) == (
        True,
        True,
        "fr",
    )
    assert data["emails"]["unsubscribed"] is True
    assert [notice["kind"] for notice in data["emails"]["waiting"]] == ["reply"]


def test_erasure_keeps_the_opt_out_only(asking):
    CommenterNotice.objects.create(
        email="lea@example.org", thread=asking, comment=asking, kind="published"
    )
    NotificationThrottle.objects.create(key=f"reader:{address_hash('lea@example.org')[:24]}:1")
    CommenterOptOut.add(address_hash("lea@example.org"))

    erase_commenter_data("lea@example.org")

    assert not CommenterNotice.objects.exists()
    assert not NotificationThrottle.objects.filter(key__startswith="reader:").exists()
    assert CommenterOptOut.covers("lea@example.org")
