"""On PostgreSQL, 200 readers at once lose no comment, no view, no impression and no click.
Each request runs in a thread with its own connection."""

import pytest
from django.test import Client
from django.urls import reverse

from comments.models import Comment, ModerationPolicy
from donations.models import DonationClick, PromptSectionStat
from tests.articles.factories import PublishedArticleFactory
from tests.comments.helpers import comment_data
from tests.donations.factories import DonationPromptFactory
from tests.harness import at_once

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group("many_connections"),
]

REQUESTS = 200
# PostgreSQL allows 100 connections by default, shared with whatever else runs: 40 threads,
# each with its own connection, closed when its request is done, in waves released together.
THREADS = 40


def test_200_comments_sent_at_once_are_each_stored_exactly_once():
    article = PublishedArticleFactory()
    policy = ModerationPolicy.load()
    # Every post also comes from its own address (below); the limit stays on but cannot bite.
    assert policy.rate_limit_count > 0
    url = reverse("comments:post", args=[article.pk])
    # The captchas are solved before the race, as readers' browsers would have them; the form
    # was shown a minute ago, past the minimum typing time.
    posts = [
        comment_data(
            name=f"Lecteur {number}",
            email=f"lecteur{number}@example.org",
            text=f"Commentaire numéro {number} sur la crue.",
        )
        for number in range(REQUESTS)
    ]

    def send(number):
        def request():
            address = f"10.1.{number // 200}.{number % 200 + 1}"
            return Client().post(url, posts[number], REMOTE_ADDR=address).status_code

        return request

    statuses = at_once([send(number) for number in range(REQUESTS)], threads=THREADS)

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

    statuses = at_once([read] * REQUESTS, threads=THREADS)

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

    statuses = at_once([click] * REQUESTS, threads=THREADS)

    assert statuses == [302] * REQUESTS
    assert DonationClick.objects.filter(prompt=prompt).count() == REQUESTS
    stat = PromptSectionStat.objects.get(prompt=prompt, section=article.section)
    assert stat.clicks == REQUESTS
