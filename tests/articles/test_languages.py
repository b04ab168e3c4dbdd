"""Each text is marked with the language it is written in, and search engines are told which
page is which: an article has a language of its own, the interface around it another."""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from tests.articles.factories import PublishedArticleFactory, SectionFactory

from .reader import reader_client

pytestmark = pytest.mark.django_db


def page(url, language="fr"):
    with translation.override(language):
        return reader_client().get(url).content.decode()


def url_in(language, name, **kwargs):
    with translation.override(language):
        return reverse(name, kwargs=kwargs or None)


def element(html, css_class):
    return re.search(rf'<[a-z0-9]+ class="{css_class}"[^>]*>', html).group(0)


@pytest.fixture
def french():
    return PublishedArticleFactory(
        slug="la-crue",
        title="La crue",
        standfirst="La rivière déborde.",
        language="fr",
        with_image=True,
        tags=["eau"],
        section=SectionFactory(name="Vie locale", slug="vie-locale"),
    )


@pytest.fixture
def english():
    return PublishedArticleFactory(
        slug="the-flood", title="The flood", standfirst="The river rises.", language="en"
    )


def test_a_french_article_in_the_english_interface_is_marked_french(french):
    html = page(url_in("en", "articles:detail", slug="la-crue"), "en")

    assert '<html lang="en">' in html
    for part in ["article__title", "article__standfirst", "article__body", "article__tags"]:
        assert 'lang="fr"' in element(html, part), part
    assert 'lang="fr"' in element(html, "article__figure")
    # The section's name is the newsroom's, in French too.
    assert '<a href="/en/section/vie-locale/" lang="fr">Vie locale</a>' in html


def test_an_english_article_in_the_french_interface_is_marked_english(english):
    html = page(url_in("fr", "articles:detail", slug="the-flood"))

    assert '<html lang="fr">' in html
    assert 'lang="en"' in element(html, "article__title")
    assert 'lang="en"' in element(html, "article__body")


def test_text_in_the_pages_own_language_carries_no_mark(french):
    html = page(french.get_absolute_url())

    for part in ["article__title", "article__standfirst", "article__body", "article__tags"]:
        assert "lang=" not in element(html, part), part
    assert '<a href="/rubrique/vie-locale/">Vie locale</a>' in html


def test_list_pages_mark_each_card_with_its_articles_language(french, english):
    html = page(url_in("en", "articles:home"), "en")

    assert re.search(r'<h2 class="card__title[^"]*" lang="fr"><a href="[^"]+">La crue', html)
    assert re.search(r'<h2 class="card__title[^"]*"><a href="[^"]+">The flood', html)


@pytest.mark.parametrize("interface", ["fr", "en"])
def test_the_canonical_page_of_an_article_is_the_one_in_its_language(french, english, interface):
    french_page = page(url_in(interface, "articles:detail", slug="la-crue"), interface)
    english_page = page(url_in(interface, "articles:detail", slug="the-flood"), interface)

    assert '<link rel="canonical" href="http://testserver/article/la-crue/">' in french_page
    assert '<link rel="canonical" href="http://testserver/en/article/the-flood/">' in english_page
    # One page per article for search engines: no language alternates.
    assert "hreflang" not in french_page
    assert '"inLanguage": "en"' in english_page
    assert '<meta property="og:locale" content="en_US">' in english_page


@pytest.mark.parametrize("interface", ["fr", "en"])
def test_list_pages_name_their_version_in_each_language(french, interface):
    html = page(url_in(interface, "articles:section", slug="vie-locale") + "?page=1&utm_x=1")

    assert (
        '<link rel="alternate" hreflang="fr" href="http://testserver/rubrique/vie-locale/?page=1">'
        in html
    )
    assert (
        '<link rel="alternate" hreflang="en" '
        'href="http://testserver/en/section/vie-locale/?page=1">' in html
    )
    assert (
        '<link rel="alternate" hreflang="x-default" '
        'href="http://testserver/rubrique/vie-locale/?page=1">' in html
    )
    alternates = re.findall(r'<link rel="alternate" hreflang[^>]*>', html)
    assert len(alternates) == 3
    assert not any("utm_x" in link for link in alternates)


def test_the_journalist_sets_the_language_in_the_admin(admin_client):
    from articles.models import Article

    response = admin_client.get(reverse("admin:articles_article_add"))

    assert 'name="language"' in response.content.decode()
    assert Article._meta.get_field("language").default == "fr"
