import pytest
from django.urls import reverse
from django.utils import translation

from pages.models import Page
from tests.articles.factories import PublishedArticleFactory
from tests.photos.factories import PhotoFactory

from .factories import FooterPageFactory, PageFactory, PublishedPageFactory

pytestmark = pytest.mark.django_db


def test_a_published_page_in_french_and_english(client):
    PublishedPageFactory(
        title="Mentions légales", slug="mentions-legales", body="<p>Éditeur : L'Écho du Val.</p>"
    )

    french = client.get("/page/mentions-legales/")
    english = client.get("/en/page/mentions-legales/")

    for response in (french, english):
        assert response.status_code == 200
        assert response.templates[0].name == "pages/page_detail.html"
    assert '<h1 class="article__title">Mentions légales</h1>' in french.content.decode()
    # Around an English interface, the French text says it is French; both name the French
    # address as the page.
    assert '<h1 class="article__title" lang="fr">Mentions légales</h1>' in english.content.decode()
    canonical = '<link rel="canonical" href="http://testserver/page/mentions-legales/">'
    assert canonical in french.content.decode()
    assert canonical in english.content.decode()
    assert "<p>Éditeur : L'Écho du Val.</p>" in french.content.decode().replace("&#x27;", "'")


def test_a_draft_is_not_found(client):
    PageFactory(slug="brouillon")

    assert client.get("/page/brouillon/").status_code == 404


def test_the_page_shows_its_photos_with_their_captions(client):
    photo = PhotoFactory(caption="La rédaction au complet.")
    PublishedPageFactory(
        slug="equipe", body=f'<figure data-photo="{photo.pk}" data-width="text"></figure>'
    )

    response = client.get("/page/equipe/")

    assert "La rédaction au complet." in response.content.decode()
    assert "<img" in response.content.decode()


def test_the_footer_links_its_pages_on_every_page(client):
    FooterPageFactory(title="Mentions légales", slug="mentions-legales", order=2)
    FooterPageFactory(title="À propos", slug="a-propos", order=1)
    PublishedPageFactory(title="Ailleurs", slug="ailleurs")

    response = client.get("/")
    english = client.get("/en/")

    html = response.content.decode()
    assert html.index('href="/page/a-propos/"') < html.index('href="/page/mentions-legales/"')
    assert "Ailleurs" not in html
    assert 'href="/en/page/a-propos/" lang="fr"' in english.content.decode()


def test_a_page_change_shows_at_once_in_the_shared_article_pages_footer(client):
    article = PublishedArticleFactory()
    first = client.get(article.get_absolute_url())
    assert "À propos" not in first.content.decode()

    page = FooterPageFactory(title="À propos", slug="a-propos")

    assert 'href="/page/a-propos/"' in client.get(article.get_absolute_url()).content.decode()
    page.is_published = False
    page.save()
    assert 'href="/page/a-propos/"' not in client.get(article.get_absolute_url()).content.decode()


def test_the_footer_costs_no_query_once_read(client, django_assert_max_num_queries):
    FooterPageFactory(title="À propos", slug="a-propos")
    client.get("/")

    with django_assert_max_num_queries(0):
        Page.objects.for_footer()


def test_the_sitemap_lists_published_pages_in_their_language(client):
    PublishedPageFactory(slug="mentions-legales")
    PublishedPageFactory(slug="about-us", language="en")
    PageFactory(slug="brouillon")

    xml = client.get(reverse("sitemap")).content.decode()

    assert "<loc>http://testserver/page/mentions-legales/</loc>" in xml
    assert "<loc>http://testserver/en/page/about-us/</loc>" in xml
    assert "brouillon" not in xml


def test_the_address_is_translated():
    with translation.override("en"):
        assert reverse("pages:detail", kwargs={"slug": "x"}) == "/en/page/x/"
