"""Helpers for the reader-side tests: a browser's client and an editor who may preview."""

from django.contrib.auth.models import Permission
from django.test import Client

from tests.articles.factories import StaffUserFactory

BROWSER = "Mozilla/5.0 (X11; Linux x86_64; rv:130.0) Gecko/20100101 Firefox/130.0"
GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"


def reader_client(**kwargs):
    """A client that looks like a reader's browser (the test client sends no user agent)."""
    return Client(headers={"user-agent": BROWSER}, **kwargs)


def make_editor(**kwargs):
    """Staff who may change articles, and so preview them."""
    user = StaffUserFactory(**kwargs)
    user.user_permissions.add(
        Permission.objects.get(content_type__app_label="articles", codename="change_article")
    )
    return user


def editor_client():
    client = reader_client()
    client.force_login(make_editor())
    return client
