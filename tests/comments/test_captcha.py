"""The captcha as a reader's browser gets it: valid markup, a declared size, a small image."""

import io
import re

import pytest
from captcha.models import CaptchaStore
from django.urls import reverse
from PIL import Image

from tests.articles.reader import reader_client

from .helpers import comment_data, post_url

pytestmark = pytest.mark.django_db


def hidden_key_input(html):
    return re.search(r'<input type="hidden" name="captcha_0"[^>]*>', html).group(0)


def test_the_image_declares_its_size(article, settings):
    html = reader_client().get(article.get_absolute_url()).content.decode()

    width, height = settings.CAPTCHA_IMAGE_SIZE
    assert re.search(rf'<img src="/captcha/image/\w+/" width="{width}" height="{height}"', html), (
        html
    )


def test_after_a_failure_the_hidden_key_carries_none_of_the_answers_attributes(article):
    response = reader_client().post(post_url(article), comment_data(captcha_1="FAUX"))
    html = response.content.decode()

    key = hidden_key_input(html)
    assert "required" not in key
    assert "autocomplete" not in key
    assert "aria-" not in key
    answer = re.search(r'<input type="text" name="captcha_1"[^>]*>', html).group(0)
    assert 'aria-invalid="true"' in answer
    assert "required" in answer


def test_the_image_is_a_small_grey_png(article):
    key = CaptchaStore.generate_key()

    response = reader_client().get(reverse("captcha-image", args=[key]))

    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    image = Image.open(io.BytesIO(response.content))
    assert image.mode in ("L", "P")
    assert len(image.getcolors()) <= 8
    # The library's full-colour PNG of the same challenge is about three times as heavy.
    assert len(response.content) < 6_000


def test_an_expired_challenge_is_gone(article):
    response = reader_client().get(reverse("captcha-image", args=["0" * 40]))

    assert response.status_code == 410
