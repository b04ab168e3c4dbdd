import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from articles.models import Article, Section
from staff.demo_accounts import DEMO_ACCOUNTS

pytestmark = pytest.mark.django_db


def snapshot():
    from django.apps import apps

    return {
        model._meta.label: model.objects.count()
        for app in ("articles", "comments", "donations", "auth")
        for model in apps.get_app_config(app).get_models()
        # A database's own search index, where there is one, follows the articles.
        if model._meta.managed
    }


def test_demo_content_builds_a_newsroom(capsys):
    call_command("load_demo")

    assert Section.objects.count() >= 4
    assert Article.objects.published().count() >= 4
    assert Article.objects.drafts().exists()
    assert Article.objects.scheduled().exists()
    assert all(article.photo for article in Article.objects.published())
    output = capsys.readouterr().out
    for account in DEMO_ACCOUNTS:
        assert f"{account.username} / {account.password}" in output


def test_demo_logins_work(client):
    call_command("load_demo")

    for account in DEMO_ACCOUNTS:
        assert client.login(username=account.username, password=account.password)
        assert get_user_model().objects.get(username=account.username).is_staff


def test_demo_content_is_idempotent():
    call_command("load_demo")
    first = snapshot()

    call_command("load_demo")

    assert snapshot() == first
