import pytest

from pages.models import Page
from photos.models import PhotoUse
from tests.photos.factories import PhotoFactory

from .factories import FooterPageFactory, PageFactory, PublishedPageFactory

pytestmark = pytest.mark.django_db


def test_the_body_goes_through_the_articles_allow_list():
    page = PageFactory(
        body='<p onclick="x()">Éditeur<script>alert(1)</script> <a href="javascript:x">lien</a></p>'
    )

    assert page.body == '<p>Éditeur <a rel="noopener">lien</a></p>'


def test_the_slug_comes_from_the_title_when_empty():
    assert PageFactory(title="Mentions légales", slug="").slug == "mentions-legales"


def test_published_leaves_drafts_out():
    published = PublishedPageFactory()
    PageFactory()

    assert list(Page.objects.published()) == [published]


def test_the_footer_lists_published_footer_pages_in_order():
    second = FooterPageFactory(title="Mentions légales", order=2)
    first = FooterPageFactory(title="À propos", order=1)
    PublishedPageFactory(title="Pas dans le pied de page")
    PageFactory(title="Brouillon", show_in_footer=True)

    assert Page.objects.for_footer() == [first, second]


def test_the_footer_costs_one_query_then_none_until_a_page_changes(django_assert_num_queries):
    page = FooterPageFactory(title="À propos")
    with django_assert_num_queries(1):
        Page.objects.for_footer()
    with django_assert_num_queries(0):
        Page.objects.for_footer()

    page.title = "Qui sommes-nous"
    page.save()

    assert [p.title for p in Page.objects.for_footer()] == ["Qui sommes-nous"]
    page.delete()
    assert Page.objects.for_footer() == []


def test_the_library_knows_which_photos_a_page_shows():
    photo = PhotoFactory()
    page = PageFactory(body=f'<figure data-photo="{photo.pk}" data-width="text"></figure>')

    assert list(PhotoUse.objects.of(page).values_list("photo", flat=True)) == [photo.pk]
    page.body = "<p>Sans photo.</p>"
    page.save()
    assert not PhotoUse.objects.of(page).exists()


def test_str_and_address():
    page = PageFactory(title="À propos", slug="a-propos")

    assert (str(page), page.get_absolute_url()) == ("À propos", "/page/a-propos/")
