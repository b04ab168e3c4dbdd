"""Whatever the pages cache, a reader sees a change at once.

The article page is shared between readers (articles/page_cache.py) and its body kept for a day
(templates/articles/article_detail.html); the lists keep their totals and the cards' comment
counts in the cache; donation prompts are drawn per reader. These tests load each page once
(filling whatever cache there is), make the change the way the newsroom makes it, and load the
page again.
"""

import datetime

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.articles.factories import (
    EditorFactory,
    ModeratorFactory,
    PublishedArticleFactory,
    ScheduledArticleFactory,
)
from tests.comments.factories import ApprovedCommentFactory, PendingCommentFactory
from tests.donations.factories import DonationPromptFactory

pytestmark = pytest.mark.django_db

BROWSER = "Mozilla/5.0 (X11; Linux x86_64; rv:130.0) Gecko/20100101 Firefox/130.0"


def page(url):
    response = Client(headers={"user-agent": BROWSER}).get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_a_comment_shows_as_soon_as_a_moderator_approves_it():
    article = PublishedArticleFactory()
    comment = PendingCommentFactory(article=article, text="Le pont sera-t-il rouvert avant l'été ?")
    url = article.get_absolute_url()
    assert "Le pont sera-t-il rouvert" not in page(url)

    comment.approve(by=ModeratorFactory())

    html = page(url)
    assert "Le pont sera-t-il rouvert avant l&#x27;été ?" in html
    assert "1 commentaire" in html


def test_a_comment_taken_down_disappears_at_once():
    article = PublishedArticleFactory()
    comment = ApprovedCommentFactory(article=article, text="Un commentaire publié trop vite.")
    url = article.get_absolute_url()
    assert "Un commentaire publié trop vite." in page(url)

    comment.reject(by=ModeratorFactory())

    assert "Un commentaire publié trop vite." not in page(url)


def test_an_edited_article_shows_at_once_on_its_page_and_the_home_page():
    article = PublishedArticleFactory(
        title="La crue de mars", body="<p>Le niveau monte de vingt centimètres.</p>"
    )
    url = article.get_absolute_url()
    assert "vingt centimètres" in page(url)
    assert "La crue de mars" in page(reverse("articles:home"))

    article.title = "La crue de mars, bilan"
    article.body = "<p>Le niveau est monté de quarante centimètres.</p>"
    article.save()

    html = page(url)
    assert "quarante centimètres" in html
    assert "vingt centimètres" not in html
    assert "La crue de mars, bilan" in html
    assert "La crue de mars, bilan" in page(reverse("articles:home"))


def test_an_unpublished_article_leaves_the_pages_at_once():
    article = PublishedArticleFactory(title="Une brève retirée")
    url = article.get_absolute_url()
    assert "Une brève retirée" in page(reverse("articles:home"))
    page(url)

    article.take_step("unpublish", by=EditorFactory())

    assert Client(headers={"user-agent": BROWSER}).get(url).status_code == 404
    assert "Une brève retirée" not in page(reverse("articles:home"))


def test_a_new_donation_prompt_shows_at_once_and_leaves_when_switched_off():
    article = PublishedArticleFactory()
    url = article.get_absolute_url()
    assert "Soutenez la rédaction du Val" not in page(url)

    prompt = DonationPromptFactory(message="Soutenez la rédaction du Val dès {minimum}.")

    assert "Soutenez la rédaction du Val" in page(url)

    prompt.is_active = False
    prompt.save()

    assert "Soutenez la rédaction du Val" not in page(url)


def test_a_list_counts_a_new_article_at_once_and_a_scheduled_one_within_the_minute():
    PublishedArticleFactory.create_batch(12)
    assert "Page 1 sur" not in page(reverse("articles:home"))

    PublishedArticleFactory()
    assert "Page 1 sur 2" in page(reverse("articles:home"))

    ScheduledArticleFactory.create_batch(
        12, published_at=timezone.now() + datetime.timedelta(seconds=5)
    )
    assert "Page 1 sur 2" in page(reverse("articles:home"))
    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=70)):
        assert "Page 1 sur 3" in page(reverse("articles:home"))


def test_a_cards_comment_count_follows_the_moderators_decisions_at_once():
    article = PublishedArticleFactory()
    ApprovedCommentFactory(article=article)
    pending = PendingCommentFactory(article=article)
    assert "1 commentaire" in page(reverse("articles:home"))

    pending.approve(by=ModeratorFactory())
    assert "2 commentaires" in page(reverse("articles:home"))

    pending.reject(by=ModeratorFactory())
    assert "1 commentaire" in page(reverse("articles:home"))


def most_read_box(html):
    return html.split('class="most-read"')[1].split("</section>")[0]


def test_the_most_read_box_follows_readers_within_the_minute_and_edits_at_once():
    PublishedArticleFactory.create_batch(5, view_count=10)
    rising = PublishedArticleFactory(title="La crue de la Vézère", view_count=0)
    assert "La crue de la Vézère" not in most_read_box(page(reverse("articles:home")))

    for _ in range(20):
        page(rising.get_absolute_url())
    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=70)):
        assert "La crue de la Vézère" in most_read_box(page(reverse("articles:home")))

    rising.title = "La crue de la Vézère : la décrue commence"
    rising.save()
    assert "la décrue commence" in most_read_box(page(reverse("articles:home")))
