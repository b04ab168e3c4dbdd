"""Uploads that lie about their type are refused through the article admin, and nothing of them
is stored."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from articles.models import Article
from tests.articles.factories import SectionFactory

pytestmark = pytest.mark.django_db

NOT_AN_IMAGE = "Ce fichier n'est pas une image. Envoyez une photo au format JPEG, PNG ou WebP."


def gif_bytes():
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buffer, format="GIF")
    return buffer.getvalue()


DISGUISED = {
    "html.jpg": (
        b"<!DOCTYPE html><html><script>alert(document.cookie)</script></html>",
        "image/jpeg",
    ),
    "shell.php.jpg": (b"<?php system($_GET['c']); ?>", "image/jpeg"),
    "shell.jpg": (b"\xff\xd8\xff\xe0<?php system($_GET['c']); ?>", "image/jpeg"),
    "logo.png": (
        b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)">'
        b"<script>alert(1)</script></svg>",
        "image/png",
    ),
    "page.webp": (b"RIFF\x10\x00\x00\x00WEBP<script>alert(1)</script>", "image/webp"),
    "empty.jpg": (b"", "image/jpeg"),
}


@pytest.fixture
def editor(client):
    user = get_user_model().objects.create_superuser("ines", "ines@example.org", "password")
    client.force_login(user)
    return user


def article_form(image):
    return {
        "title": "Le marché de Noël",
        "slug": "le-marche-de-noel",
        "standfirst": "",
        "body": "<p>Texte.</p>",
        "new_photo": image,
        "photo_alt": "Une photo",
        "photo_caption": "",
        "photo_credit": "",
        "language": "fr",
        "section": SectionFactory().pk,
        "tags": "",
        "published_at_0": "",
        "published_at_1": "",
    }


def stored_files(settings):
    from pathlib import Path

    return sorted(p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file())


@pytest.mark.parametrize("name", DISGUISED)
def test_a_file_lying_about_its_type_is_refused(client, editor, settings, name):
    content, content_type = DISGUISED[name]
    before = stored_files(settings)
    upload = SimpleUploadedFile(name, content, content_type=content_type)

    response = client.post(reverse("admin:articles_article_add"), article_form(upload))

    assert response.status_code == 200
    assert Article.objects.count() == 0
    page = response.content.decode()
    assert "errorlist" in page
    assert stored_files(settings) == before


def test_a_gif_named_jpg_is_refused_as_a_format_we_do_not_serve(client, editor):
    upload = SimpleUploadedFile("photo.jpg", gif_bytes(), content_type="image/jpeg")

    response = client.post(reverse("admin:articles_article_add"), article_form(upload))

    assert Article.objects.count() == 0
    assert "GIF" in response.content.decode()


def test_an_html_file_named_jpg_is_told_it_is_not_an_image(client, editor):
    upload = SimpleUploadedFile("photo.jpg", DISGUISED["html.jpg"][0], content_type="image/jpeg")

    response = client.post(reverse("admin:articles_article_add"), article_form(upload))

    assert NOT_AN_IMAGE in response.content.decode().replace("&#x27;", "'")
