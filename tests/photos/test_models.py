import pytest
from django.db import IntegrityError, transaction

from photos.models import Photo, PhotoUse
from tests.articles.factories import ArticleFactory

from .factories import PhotoFactory

pytestmark = pytest.mark.django_db


def test_the_database_refuses_a_photo_without_alternative_text():
    with pytest.raises(IntegrityError), transaction.atomic():
        PhotoFactory(alt_text="")


def test_a_photo_records_its_size():
    photo = PhotoFactory()

    photo.refresh_from_db()
    assert (photo.width, photo.height) == (1600, 900)


def test_search_finds_every_word_in_the_description_whatever_the_case():
    bridge = PhotoFactory(caption="La passerelle du Moulin", credit="Claire Mercier")
    PhotoFactory(caption="Le marché du jeudi", alt_text="Des étals")

    assert list(Photo.objects.search("PASSERELLE mercier")) == [bridge]
    assert list(Photo.objects.search("passerelle étals")) == []


def test_what_uses_a_photo_is_recorded_once_each():
    photo, other = PhotoFactory(), PhotoFactory()
    article = ArticleFactory(photo=photo)

    PhotoUse.objects.record(article, [photo.pk, other.pk, photo.pk, 999_999])

    assert photo.used_in() == [article]
    assert other.used_in() == [article]
    assert PhotoUse.objects.of(article).count() == 2

    PhotoUse.objects.record(article, [other.pk])

    assert photo.used_in() == []
    assert Photo.objects.with_use_count().get(pk=other.pk).use_count == 1
