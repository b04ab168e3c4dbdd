import datetime
import io
import json

import pytest
from captcha.models import CaptchaStore
from django.core.management import CommandError, call_command
from django.utils import timezone

from comments.models import Comment
from tests.comments.factories import ApprovedCommentFactory, PendingCommentFactory

from .helpers import comment_data, post_url

pytestmark = pytest.mark.django_db


def test_a_posted_comment_records_the_address_seen_through_the_proxy(client, article, settings):
    settings.TRUSTED_PROXIES = ["127.0.0.1"]

    client.post(post_url(article), comment_data(), headers={"x-forwarded-for": "198.51.100.20"})

    assert Comment.objects.get().ip_address == "198.51.100.20"


def test_purge_command_forgets_old_addresses_only(settings):
    settings.COMMENTS_PURGE_AFTER_DAYS = 30
    old = PendingCommentFactory(created_at=timezone.now() - datetime.timedelta(days=31))
    recent = PendingCommentFactory(created_at=timezone.now() - datetime.timedelta(days=29))

    call_command("purge_comment_data", stdout=io.StringIO())

    old.refresh_from_db()
    recent.refresh_from_db()
    assert (old.ip_address, old.user_agent) == (None, "")
    assert recent.ip_address == "192.0.2.10"
    assert recent.user_agent


def test_purge_command_takes_a_number_of_days(capsys):
    PendingCommentFactory(created_at=timezone.now() - datetime.timedelta(days=8))

    call_command("purge_comment_data", "--days", "7")

    assert "1 comment(s)" in capsys.readouterr().out
    assert Comment.objects.get().ip_address is None


def test_maintenance_command_cleans_captchas_and_purges(capsys):
    expired = CaptchaStore.objects.create(
        challenge="ABCD", response="abcd", expiration=timezone.now() - datetime.timedelta(hours=2)
    )
    CaptchaStore.generate_key()
    PendingCommentFactory(created_at=timezone.now() - datetime.timedelta(days=400))

    call_command("comments_maintenance")

    assert not CaptchaStore.objects.filter(pk=expired.pk).exists()
    assert CaptchaStore.objects.count() == 1
    assert Comment.objects.get().ip_address is None
    assert "Comment maintenance done." in capsys.readouterr().out


def test_export_command_prints_everything_by_email(capsys):
    ApprovedCommentFactory(email="zoe@example.org", text="Premier")
    PendingCommentFactory(email="Zoe@Example.org", text="Second")
    PendingCommentFactory(email="autre@example.org", text="Pas à elle")

    call_command("commenter_data", "export", "zoe@example.org")

    data = json.loads(capsys.readouterr().out)
    assert [c["text"] for c in data["comments"]] == ["Premier", "Second"]
    assert set(data["comments"][0]) >= {"name", "email", "ip_address", "user_agent", "article"}


def test_erase_command_needs_confirmation_then_deletes_everything():
    PendingCommentFactory.create_batch(2, email="zoe@example.org")
    other = PendingCommentFactory(email="autre@example.org")

    with pytest.raises(CommandError, match="2 comment"):
        call_command("commenter_data", "erase", "zoe@example.org")
    assert Comment.objects.count() == 3

    call_command("commenter_data", "erase", "ZOE@example.org", "--yes", stdout=io.StringIO())

    assert list(Comment.objects.all()) == [other]


def test_email_is_never_shown_publicly(client, article):
    ApprovedCommentFactory(article=article, email="secret@example.org")

    assert "secret@example.org" not in client.get(article.get_absolute_url()).content.decode()
