"""Point 4 of issue #8, on PostgreSQL: 200 readers at once lose no comment, no view, no
impression and no click. Each request runs in its own thread with its own connection."""

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from captcha.models import CaptchaStore
from django.core import signing
from django.db import connection
from django.test import Client
from django.urls import reverse

from comments.forms import TIMESTAMP_SALT
from comments.models import Comment, ModerationPolicy
from donations.models import DonationClick, PromptSectionStat
from tests.articles.factories import PublishedArticleFactory
from tests.donations.factories import DonationPromptFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

REQUESTS = 200
# PostgreSQL allows 100 connections by default, shared with whatever else runs: 40 threads,
# each with its own connection, closed when its request is done.
THREADS = 40


def at_once(requests):
    """Run the callables REQUESTS at a time in THREADS threads; each wave starts together."""
    barrier = threading.Barrier(THREADS)

    def run(request):
        try:
            barrier.wait(timeout=60)
            return request()
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        return list(pool.map(run, requests))


def test_200_comments_sent_at_once_are_each_stored_exactly_once():
    article = PublishedArticleFactory()
    policy = ModerationPolicy.load()
    # Every post also comes from its own address (below); the limit stays on but cannot bite.
    assert policy.rate_limit_count > 0
    url = reverse("comments:post", args=[article.pk])
    # The captchas are solved before the race, as readers' browsers would have them; the form
    # was shown a minute ago, past the minimum typing time.
    posts = []
    for number in range(REQUESTS):
        key = CaptchaStore.generate_key()
        posts.append(
            {
                "name": f"Lecteur {number}",
                "email": f"lecteur{number}@example.org",
                "text": f"Commentaire numéro {number} sur la crue.",
                "captcha_0": key,
                "captcha_1": CaptchaStore.objects.get(hashkey=key).response,
                "website": "",
                "timestamp": signing.dumps(time.time() - 60, salt=TIMESTAMP_SALT),
            }
        )

    def send(number):
        def request():
            address = f"10.1.{number // 200}.{number % 200 + 1}"
            return Client().post(url, posts[number], REMOTE_ADDR=address).status_code

        return request

    statuses = at_once([send(number) for number in range(REQUESTS)])

    assert statuses == [302] * REQUESTS
    texts = list(Comment.objects.values_list("text", flat=True))
    assert sorted(texts) == sorted(post["text"] for post in posts)
    assert len(set(texts)) == REQUESTS


def test_200_readers_at_once_count_200_views_and_200_impressions():
    article = PublishedArticleFactory()
    prompt = DonationPromptFactory()
    url = article.get_absolute_url()

    def read():
        return Client().get(url, HTTP_USER_AGENT="Mozilla/5.0 Firefox/128.0").status_code

    statuses = at_once([read] * REQUESTS)

    assert statuses == [200] * REQUESTS
    article.refresh_from_db()
    assert article.view_count == REQUESTS
    # The first impressions race to create the counter's row: still exactly one row, exact.
    stat = PromptSectionStat.objects.get(prompt=prompt, section=article.section)
    assert stat.impressions == REQUESTS


def test_200_clicks_at_once_are_each_counted():
    prompt = DonationPromptFactory()
    article = PublishedArticleFactory()
    url = reverse("donations:click", args=[prompt.pk])

    def click():
        response = Client().get(url, {"amount": "10", "section": article.section_id})
        return response.status_code

    statuses = at_once([click] * REQUESTS)

    assert statuses == [302] * REQUESTS
    assert DonationClick.objects.filter(prompt=prompt).count() == REQUESTS
    stat = PromptSectionStat.objects.get(prompt=prompt, section=article.section)
    assert stat.clicks == REQUESTS
