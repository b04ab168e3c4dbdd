"""An article's photos come from the library: what the library says shows at once everywhere."""

import pytest

from articles.models import Article
from tests.photos.factories import PhotoFactory

from .factories import PublishedArticleFactory
from .reader import reader_client

pytestmark = pytest.mark.django_db


def test_the_article_shows_the_librarys_description_unless_it_has_its_own():
    photo = PhotoFactory(alt_text="Le pont", caption="Le pont sous la crue", credit="C. M.")
    article = PublishedArticleFactory(photo=photo, photo_credit="Photo de lecteur")

    assert article.photo_alt_text == "Le pont"
    assert article.photo_caption_text == "Le pont sous la crue"
    assert article.photo_credit_text == "Photo de lecteur"


def test_a_new_caption_in_the_library_shows_at_once_on_every_article_that_uses_it(settings):
    settings.ARTICLE_PAGE_CACHE_SECONDS = 600
    photo = PhotoFactory(caption="Le pont sous la crue")
    articles = [PublishedArticleFactory(photo=photo) for _ in range(2)]
    for article in articles:
        # Served twice: the second comes from the shared rendering.
        reader_client().get(article.get_absolute_url())
        assert "Le pont sous la crue" in reader_client().get(article.get_absolute_url()).text

    photo.caption = "Le pont, samedi matin"
    photo.save()

    for article in articles:
        page = reader_client().get(article.get_absolute_url()).text
        assert "Le pont, samedi matin" in page
        assert "Le pont sous la crue" not in page


def test_search_finds_an_article_by_the_captions_of_its_photos_as_they_are_now():
    photo = PhotoFactory(caption="Le pont sous la crue", credit="Claire Mercier")
    inside = PhotoFactory(caption="La digue", credit="Archives")
    article = PublishedArticleFactory(
        photo=photo, body=f'<p>Texte.</p><figure data-photo="{inside.pk}"></figure>'
    )

    assert list(Article.objects.search("digue archives")) == [article]
    assert list(Article.objects.search("mercier")) == [article]

    photo.caption = "Le viaduc"
    photo.save()

    assert list(Article.objects.search("viaduc")) == [article]
    assert list(Article.objects.search("pont")) == []
