"""What a reader's browser sends to the comment form, for the tests that post to it."""

import time

from captcha.models import CaptchaStore
from django.core import signing
from django.urls import reverse
from django.utils import translation

from comments.forms import TIMESTAMP_SALT


def solved_captcha():
    """A fresh captcha and its right answer, read from the store as the image would show it."""
    key = CaptchaStore.generate_key()
    return key, CaptchaStore.objects.get(hashkey=key).response


def signed_timestamp(seconds_ago=60):
    """The form's hidden start time, as the server signs it, for a form shown `seconds_ago`."""
    return signing.dumps(time.time() - seconds_ago, salt=TIMESTAMP_SALT)


def comment_data(**overrides):
    """What a reader's browser posts, with a solved captcha and a form shown a minute ago."""
    key, answer = solved_captcha()
    data = {
        "name": "Mathilde",
        "email": "mathilde@example.org",
        "text": "Merci pour cet article très complet.",
        "captcha_0": key,
        "captcha_1": answer,
        "website": "",
        "timestamp": signed_timestamp(),
    }
    data.update(overrides)
    return data


def post_url(article, language="fr"):
    with translation.override(language):
        return reverse("comments:post", args=[article.pk])
