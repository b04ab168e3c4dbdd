import datetime
from functools import partial

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.utils import timezone

from comments.models import Comment, NotificationThrottle
from comments.services import moderators, notify_moderators
from operations.models import Job
from tests.articles.factories import StaffUserFactory, UserFactory
from tests.harness import at_once, run_jobs

from .helpers import comment_data, post_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def moderator(db):
    user = StaffUserFactory(username="nadia", email="nadia@example.org")
    user.user_permissions.add(
        Permission.objects.get(content_type__app_label="comments", codename="change_comment")
    )
    return user


def test_moderators_are_those_who_can_work_the_queue(moderator):
    superuser = UserFactory(username="root", is_superuser=True, is_staff=True)
    StaffUserFactory(username="claire")  # a journalist: staff, cannot moderate
    UserFactory(username="nomail", is_superuser=True, email="")
    UserFactory(username="gone", is_superuser=True, is_active=False)

    assert set(moderators()) == {moderator, superuser}


def test_new_pending_comment_emails_moderators_after_commit(
    client, article, moderator, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        client.post(post_url(article), comment_data())

    assert len(callbacks) == 1
    # The reader's request only queued the email: the worker sends it.
    assert Job.objects.get().task_path == "comments.tasks.notify_moderators"
    assert mailoutbox == []
    assert run_jobs() == 1
    [email] = mailoutbox
    assert email.to == ["nadia@example.org"]
    assert email.subject == "[L'Écho du Val] Des commentaires attendent la modération"
    assert "http://testserver/admin/comments/comment/?status=pending" in email.body
    assert "1 commentaire" in email.body or "Un commentaire" in email.body


def test_no_email_before_the_comment_is_committed(client, article, moderator, mailoutbox):
    # Inside the test's transaction nothing commits: nothing may be sent.
    client.post(post_url(article), comment_data())

    assert Comment.objects.count() == 1
    assert mailoutbox == []


def test_at_most_one_email_per_period(
    article, moderator, mailoutbox, django_capture_on_commit_callbacks, settings
):
    settings.COMMENTS_NOTIFY_EVERY_MINUTES = 15
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(post_url(article), comment_data(text="Un"))
        client.post(post_url(article), comment_data(text="Deux"))
    run_jobs()

    assert len(mailoutbox) == 1

    NotificationThrottle.objects.update(
        last_sent_at=timezone.now() - datetime.timedelta(minutes=16)
    )
    with django_capture_on_commit_callbacks(execute=True):
        client.post(post_url(article), comment_data(text="Trois"))
    run_jobs()

    assert len(mailoutbox) == 2
    assert "3 commentaires" in mailoutbox[1].body


def test_spam_sends_no_email(
    client, article, moderator, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(post_url(article), comment_data(website="bot"))
    run_jobs()

    assert Comment.objects.get().status == "spam"
    assert not Job.objects.exists()
    assert mailoutbox == []


def test_nothing_the_reader_typed_reaches_a_header(
    client, article, moderator, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            post_url(article),
            comment_data(name="Eve\r\nBcc: victim@example.org", email="eve@example.org"),
        )

    assert response.status_code == 302
    run_jobs()
    [email] = mailoutbox
    headers = str(email.message()).split("\n\n", 1)[0]
    assert "victim" not in headers
    assert "Eve" not in headers
    assert "eve@example.org" not in headers
    assert email.to == ["nadia@example.org"]


def test_a_dead_mail_server_loses_nothing_and_shows_no_error(
    article, moderator, settings, django_capture_on_commit_callbacks
):
    # The real SMTP backend against a closed port on this machine.
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    client = Client(raise_request_exception=True)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(post_url(article), comment_data(), follow=True)

    assert response.status_code == 200
    assert "Votre commentaire est en attente de modération" in response.content.decode()
    assert Comment.objects.pending().count() == 1
    run_jobs()
    # The failed send does not count against the throttle, and the job tries again later.
    assert NotificationThrottle.objects.get().last_sent_at is None
    job = Job.objects.get()
    assert (job.status, job.attempts) == ("READY", 1)
    assert job.exception_class_path == "builtins.ConnectionRefusedError"


def test_notify_raises_for_its_job_to_try_again(moderator, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9
    from tests.comments.factories import PendingCommentFactory

    PendingCommentFactory()

    with pytest.raises(ConnectionRefusedError):
        notify_moderators(queue_url="http://testserver/admin/")
    assert NotificationThrottle.objects.get().last_sent_at is None


def test_throttle_is_claimed_once(db):
    every = datetime.timedelta(minutes=15)

    assert NotificationThrottle.acquire("k", every=every) is True
    assert NotificationThrottle.acquire("k", every=every) is False
    assert (
        NotificationThrottle.acquire(
            "k", every=every, now=timezone.now() + datetime.timedelta(minutes=16)
        )
        is True
    )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_never_both_send():
    NotificationThrottle.objects.create(key="race")
    every = datetime.timedelta(minutes=15)

    results = at_once([partial(NotificationThrottle.acquire, "race", every=every)] * 6)

    assert sorted(results) == [False] * 5 + [True]
