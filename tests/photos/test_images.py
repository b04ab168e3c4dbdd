import io
import os

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile
from django.forms import ValidationError
from PIL import Image

from photos import specs
from photos.images import PhotoUploadField
from tests.articles.factories import ArticleFactory

from .factories import PhotoFactory
from .images import has_metadata, image_bytes, jpeg_bytes, png_bomb


def clean(content, name="photo.jpg"):
    return PhotoUploadField(required=False).clean(SimpleUploadedFile(name, content))


def refusal(content, name="photo.jpg"):
    with pytest.raises(ValidationError) as caught:
        clean(content, name)
    return caught.value.error_list[0]


@pytest.mark.parametrize(("fmt", "extension"), [("JPEG", "jpg"), ("PNG", "png"), ("WEBP", "webp")])
def test_jpeg_png_and_webp_are_accepted(fmt, extension):
    upload = clean(image_bytes(fmt), name=f"Photo du marché.{extension}")

    assert upload.name == f"Photo du marché.{extension}"
    assert Image.open(upload).format == fmt
    assert Image.open(upload).size == (120, 80)


def test_a_file_named_jpg_is_renamed_after_its_real_format():
    upload = clean(image_bytes("PNG"), name="photo.jpg")

    assert upload.name == "photo.png"
    assert upload.content_type == "image/png"


def test_a_non_image_is_refused_with_a_clear_message():
    error = refusal(b"%PDF-1.4 this is a document, not a photo", name="photo.jpg")

    assert error.code == "not_image"
    assert error.message == (
        "Ce fichier n'est pas une image. Envoyez une photo au format JPEG, PNG ou WebP."
    )


def test_an_image_in_another_format_is_refused():
    error = refusal(image_bytes("GIF", mode="P"), name="anim.gif")

    assert error.code == "bad_format"
    assert error.message % error.params == (
        "Les images au format GIF ne sont pas acceptées. Envoyez un fichier JPEG, PNG ou WebP."
    )


def test_a_truncated_jpeg_is_refused_as_damaged():
    whole = jpeg_bytes(size=(800, 600))

    error = refusal(whole[: len(whole) // 2])

    assert error.code == "damaged"
    assert error.message.startswith("Cette image est abîmée ou incomplète")


def test_a_decompression_bomb_is_refused_without_being_decoded():
    error = refusal(png_bomb(), name="bomb.png")

    assert error.code == "too_many_pixels"
    assert error.message % error.params == (
        "Cette image a trop de pixels pour être traitée sans risque (plus de 40 millions). "
        "Réduisez-la et envoyez-la de nouveau."
    )


def test_a_bomb_between_pillows_warning_and_error_limits_is_refused_too():
    # 10 000 × 10 000 is above Pillow's warning threshold and below its error threshold.
    assert refusal(png_bomb(10_000, 10_000), name="bomb.png").code == "too_many_pixels"


def test_the_pixel_limit_is_a_setting(settings):
    settings.ARTICLES_IMAGE_MAX_PIXELS = 120 * 80

    assert clean(image_bytes("PNG", size=(120, 80)), name="ok.png")
    error = refusal(image_bytes("PNG", size=(121, 80)), name="big.png")
    assert error.code == "too_many_pixels"
    assert error.params == {"limit": "0.0096"}


def test_the_size_limit_is_a_setting(settings):
    content = image_bytes("PNG")
    settings.ARTICLES_IMAGE_MAX_BYTES = len(content)
    assert clean(content, name="ok.png")

    settings.ARTICLES_IMAGE_MAX_BYTES = len(content) - 1
    error = refusal(content, name="heavy.png")

    assert error.code == "too_heavy"


def test_a_large_upload_streamed_to_disk_is_checked_the_same_way():
    content = jpeg_bytes(orientation=6, gps=True)
    upload = TemporaryUploadedFile("photo.jpg", "image/jpeg", len(content), None)
    upload.write(content)
    upload.seek(0)

    cleaned = PhotoUploadField().clean(upload)

    assert Image.open(cleaned).size == (200, 400)


def test_an_accepted_photo_is_stored_upright_and_without_metadata():
    upload = clean(jpeg_bytes(size=(400, 200), orientation=6, gps=True, camera=True))

    image = Image.open(upload)
    # Orientation 6 means "turn 90° clockwise to display": the left (red) half is now on top.
    assert image.size == (200, 400)
    assert image.getpixel((100, 20))[0] > 200  # red
    assert image.getpixel((100, 380))[2] > 200  # blue
    assert not has_metadata(image)


@pytest.mark.django_db
def test_renditions_are_upright_and_stripped_even_when_the_original_is_not():
    # Stored without the upload form (as an import would): the original keeps its EXIF.
    photo = PhotoFactory(
        image=ContentFile(
            jpeg_bytes(size=(1000, 500), orientation=6, gps=True, camera=True), name="gps.jpg"
        )
    )
    assert has_metadata(Image.open(photo.image.path))

    social = Image.open(photo.social.path)
    rendition = Image.open(io.BytesIO(photo.renditions()[2].file.read()))

    assert social.size == (1200, 630)
    assert rendition.format == "JPEG" or rendition.format == "WEBP"
    assert rendition.size[0] < rendition.size[1]  # upright: portrait, as the camera meant it
    assert not has_metadata(social)
    assert not has_metadata(rendition)


@pytest.mark.django_db
def test_the_picture_offers_webp_and_jpeg_at_each_width():
    photo = PhotoFactory()  # 1600 × 900

    picture = photo.picture

    webp = picture["webp_srcset"].split(", ")
    jpeg = picture["jpeg_srcset"].split(", ")
    assert [candidate.split()[1] for candidate in webp] == ["480w", "800w", "1200w", "1600w"]
    assert [candidate.split()[1] for candidate in jpeg] == ["480w", "800w", "1200w", "1600w"]
    assert all(candidate.split()[0].endswith(".webp") for candidate in webp)
    assert all(candidate.split()[0].endswith(".jpg") for candidate in jpeg)
    assert (picture["width"], picture["height"]) == (800, 450)
    assert picture["src"].endswith(".jpg")
    with Image.open(photo.image.storage.path(picture["src"].removeprefix("/media/"))) as image:
        assert image.size == (800, 450)


@pytest.mark.django_db
def test_an_articles_lead_picture_is_its_photos_with_the_columns_sizes():
    article = ArticleFactory(with_image=True)

    assert article.picture == {**article.photo.picture, "sizes": specs.RENDITION_SIZES}
    assert ArticleFactory().picture is None


@pytest.mark.django_db
def test_a_small_photo_is_never_upscaled():
    photo = PhotoFactory(image=SimpleUploadedFile("small.jpg", jpeg_bytes(size=(600, 300))))

    picture = photo.picture

    assert [c.split()[1] for c in picture["jpeg_srcset"].split(", ")] == ["480w", "600w"]
    assert (picture["width"], picture["height"]) == (600, 300)


@pytest.mark.django_db
def test_renditions_are_generated_once_and_reused():
    photo = PhotoFactory()
    first = photo.picture["src"]
    path = photo.image.storage.path(first.removeprefix("/media/"))
    made_at = os.stat(path).st_mtime_ns

    again = type(photo).objects.get(pk=photo.pk).picture["src"]

    assert again == first
    assert os.stat(path).st_mtime_ns == made_at
