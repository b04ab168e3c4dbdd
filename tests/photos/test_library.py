"""The photo library in the admin: thumbnails, search, where each photo is used, and no
deleting a photo in use."""

import html

import pytest
from django.urls import reverse

from photos.models import Photo
from tests.articles.factories import ArticleFactory, EditorFactory, PublishedArticleFactory

from .factories import PhotoFactory

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:photos_photo_changelist")


@pytest.fixture
def editor(client):
    user = EditorFactory(username="hugo")
    client.force_login(user)
    return user


def test_the_library_lists_thumbnails_searchable_by_caption_credit_and_alt(client, editor):
    bridge = PhotoFactory(caption="La passerelle du Moulin", credit="Claire Mercier")
    PhotoFactory(caption="Le marché du jeudi")

    page = client.get(CHANGELIST, {"q": "passerelle"})

    assert [photo.pk for photo in page.context["cl"].result_list] == [bridge.pk]
    assert f'src="{bridge.thumbnail.url}"' in page.content.decode()


def test_each_photo_says_where_it_is_used_with_links(client, editor):
    photo = PhotoFactory()
    lead = PublishedArticleFactory(title="La crue", photo=photo)
    inside = ArticleFactory(
        title="Le bilan", body=f'<p>Texte.</p><figure data-photo="{photo.pk}"></figure>'
    )

    listing = client.get(CHANGELIST).content.decode()
    page = client.get(reverse("admin:photos_photo_change", args=[photo.pk])).content.decode()

    assert "2 articles" in listing
    for article in (lead, inside):
        link = reverse("admin:articles_article_change", args=[article.pk])
        assert f'<a href="{link}">{article.title}</a>' in page


def test_a_photo_in_use_is_not_deleted_and_the_page_says_where_it_is_used(client, editor):
    photo = PhotoFactory(caption="Le pont")
    article = PublishedArticleFactory(title="La crue", photo=photo)

    page = client.get(reverse("admin:photos_photo_delete", args=[photo.pk]))
    client.post(reverse("admin:photos_photo_delete", args=[photo.pk]), {"post": "yes"})

    text = html.unescape(page.content.decode())
    assert "La crue" in text
    assert reverse("admin:articles_article_change", args=[article.pk]) in text
    assert Photo.objects.filter(pk=photo.pk).exists()


def test_a_photo_no_longer_used_can_be_deleted(client, editor):
    photo = PhotoFactory()
    article = PublishedArticleFactory(photo=photo)
    article.photo = None
    article.save()

    response = client.post(reverse("admin:photos_photo_delete", args=[photo.pk]), {"post": "yes"})

    assert response.status_code == 302
    assert not Photo.objects.filter(pk=photo.pk).exists()


def test_an_upload_is_recorded_with_who_sent_it(client, editor):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.photos.images import jpeg_bytes

    client.post(
        reverse("admin:photos_photo_add"),
        {
            "image": SimpleUploadedFile("halle.jpg", jpeg_bytes()),
            "alt_text": "La halle",
            "caption": "",
            "credit": "",
            "source": "Archives municipales, CC BY 4.0",
        },
    )

    photo = Photo.objects.get()
    assert photo.uploaded_by == editor
    assert photo.source == "Archives municipales, CC BY 4.0"
