"""Repeated failed admin logins lock the account from that address for a while (django-axes)."""

import pytest
from django.conf import settings
from django.urls import reverse

from tests.articles.factories import StaffUserFactory

pytestmark = pytest.mark.django_db

LOGIN = reverse("admin:login")


def attempt(client, username, password, address="203.0.113.5"):
    return client.post(
        LOGIN,
        {"username": username, "password": password, "next": reverse("admin:index")},
        REMOTE_ADDR=address,
    )


def test_after_the_limit_the_right_password_is_refused_with_a_clear_message(client):
    StaffUserFactory(username="hugo")
    assert settings.AXES_FAILURE_LIMIT == 5
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = attempt(client, "hugo", "wrong")
        assert response.status_code == 200  # the login form again, with its usual error
        assert "Veuillez compléter correctement les champs" in response.content.decode()

    locked = attempt(client, "hugo", "wrong")
    after = attempt(client, "hugo", "password")

    for response in (locked, after):
        assert response.status_code == 429
        content = response.content.decode()
        assert "<h1>Connexion bloquée</h1>" in content
        assert "Le mot de passe était faux 5 fois de suite." in content
        assert "bloquée pendant 15 minutes" in content
    assert "_auth_user_id" not in client.session


def test_the_lock_is_for_that_account_from_that_address_only(client):
    StaffUserFactory(username="hugo")
    StaffUserFactory(username="claire")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, "hugo", "wrong")

    assert attempt(client, "hugo", "password").status_code == 429
    # The same person from another address, and another account from the same one, get in.
    assert attempt(client, "hugo", "password", address="198.51.100.9").status_code == 302
    client.logout()
    assert attempt(client, "claire", "password").status_code == 302


def test_the_lock_ends_after_the_cool_off(client, settings):
    import datetime

    import time_machine
    from django.utils import timezone

    StaffUserFactory(username="hugo")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, "hugo", "wrong")
    assert attempt(client, "hugo", "password").status_code == 429

    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=16)):
        assert attempt(client, "hugo", "password").status_code == 302


def test_a_login_below_the_limit_clears_the_failures(client):
    StaffUserFactory(username="hugo")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        attempt(client, "hugo", "wrong")
    assert attempt(client, "hugo", "password").status_code == 302
    client.logout()

    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert attempt(client, "hugo", "wrong").status_code == 200


def test_the_test_clients_login_still_works_without_a_request(client):
    StaffUserFactory(username="hugo")

    assert client.login(username="hugo", password="password")
