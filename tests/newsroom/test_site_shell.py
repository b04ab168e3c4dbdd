import pytest
from django.urls import reverse
from django.utils import translation

from tests.articles.factories import PublishedArticleFactory

pytestmark = pytest.mark.django_db


def test_home_page_is_french_by_default(client):
    article = PublishedArticleFactory(title="Le pont rouvre")

    response = client.get("/")

    assert response.status_code == 200
    assert response["Content-Language"] == "fr"
    assert '<html lang="fr">' in response.content.decode()
    assert "Aller au contenu" in response.content.decode()
    assert article.title in response.content.decode()


def test_home_page_is_english_when_asked(client):
    response = client.get("/en/")

    assert response.status_code == 200
    assert response["Content-Language"] == "en"
    assert "Skip to content" in response.content.decode()


def test_browser_language_alone_does_not_leave_french_urls(client):
    response = client.get("/", headers={"accept-language": "en"})

    assert response.status_code in {200, 302}


def test_language_switcher_switches_to_english(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"}, follow=True)

    assert response.redirect_chain[-1][0] == "/en/"
    assert "Skip to content" in response.content.decode()


def test_unknown_page_is_a_friendly_404_in_both_languages(client):
    french = client.get("/nulle-part/")
    english = client.get("/en/nowhere/")

    assert french.status_code == 404
    assert "Page introuvable" in french.content.decode()
    assert english.status_code == 404
    assert "Page not found" in english.content.decode()


def test_support_url_is_translated():
    with translation.override("fr"):
        assert reverse("donations:support") == "/soutenir/"
    with translation.override("en"):
        assert reverse("donations:support") == "/en/support/"


def test_admin_pages_carry_the_newsroom_icon(client):
    response = client.get(reverse("admin:login"))

    assert '<link rel="icon" href="/static/favicon.svg"' in response.content.decode()
