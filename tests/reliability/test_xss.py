"""Every vector of tests/reliability/xss_vectors.txt, typed into every field a reader or a
journalist fills, comes out inert on the article page and in the admin: no script but ours, no
event handler, no javascript: URL, and the text shown escaped, as typed."""

from decimal import Decimal
from urllib.parse import urlencode

import pytest
from django.urls import reverse

from comments.forms import clean_reader_text
from comments.models import Comment, ModerationPolicy
from donations.models import DonationClick
from tests.articles.factories import PublishedArticleFactory, SectionFactory
from tests.comments.helpers import comment_data
from tests.donations.factories import DonationPromptFactory
from tests.photos.factories import PhotoFactory

from .inert import Page, hazards, load_vectors

pytestmark = pytest.mark.django_db

VECTORS = load_vectors()

# Hostile addresses that are still valid email addresses (a quoted local part may hold markup).
HOSTILE_EMAILS = [
    "\"<script>alert('XSS')</script>\"@example.org",
    "\"<img/src=x/onerror=alert('XSS')>\"@example.org",
    "\"onmouseover=alert('XSS')\"@example.org",
    '"javascript:alert(1)"@example.org',
    '"{{7*7}}"@example.org',
]


def test_the_corpus_holds_at_least_100_distinct_vectors():
    assert len(VECTORS) >= 100
    assert len(set(VECTORS)) == len(VECTORS)


def test_the_checker_sees_a_live_vector():
    """The checks below would see a vector that got through unescaped."""
    assert hazards("<p><img src=x onerror=alert(1)></p>")
    assert hazards("<script>alert(1)</script>")
    assert hazards('<a href=" java\tscript:alert(1)">x</a>')
    assert hazards('<script type="application/ld+json">{"a": "</script><script>x"}</script>')
    assert not hazards('<script src="/static/js/site.js" defer></script><p>&lt;script&gt;</p>')


def comment_post(article, vector, email, number):
    return comment_data(name=vector[:80], email=email, text=vector)


@pytest.fixture
def hostile_articles(client):
    """One published article per vector, the vector in every field a journalist types, and one
    comment sent through the real form with the vector as name, text (and a hostile email)."""
    policy = ModerationPolicy.load()
    # The per-address limit would refuse the 6th comment: each test post comes from its own
    # address anyway, and the limit has its own tests in tests/comments.
    policy.rate_limit_count = 0
    policy.save()
    section = SectionFactory(name="Société", slug="societe")
    first = PublishedArticleFactory(
        section=section,
        photo=PhotoFactory(image__width=64, image__height=48, image__filename="photo.jpg"),
    )
    articles = []
    for number, vector in enumerate(VECTORS):
        article = PublishedArticleFactory(
            section=section,
            title=vector[:200],
            slug=f"hostile-{number}",
            standfirst=vector,
            body=f"<p>{vector}</p>{vector}",
            # The library's photo, described with the vector for this article.
            photo=first.photo,
            photo_alt=vector[:250],
            photo_caption=vector[:300],
            photo_credit=vector[:150],
            tags=[vector[:100]],
        )
        email = HOSTILE_EMAILS[number % len(HOSTILE_EMAILS)]
        response = client.post(
            reverse("comments:post", args=[article.pk]),
            comment_post(article, vector, email, number),
            REMOTE_ADDR=f"10.0.{number // 250}.{number % 250 + 1}",
        )
        assert response.status_code == 302, (vector, response.content.decode()[-2000:])
        articles.append((vector, article))
    assert Comment.objects.count() == len(VECTORS)
    Comment.objects.update(status=Comment.Status.APPROVED)
    return articles


def test_every_vector_is_inert_on_the_article_page_and_in_the_admin(
    client, admin_client, hostile_articles
):
    """Built once (it is the slow part), then read as a reader and as a moderator."""
    problems = []
    for vector, article in hostile_articles:
        response = client.get(article.get_absolute_url())
        content = response.content.decode()
        page = Page(content)
        found = hazards(content)
        if response.status_code != 200:
            found.append(f"status {response.status_code}")
        # Shown as typed: the text of the page holds each field, escaped in the HTML.
        for field, value in [
            ("title", vector[:200]),
            ("standfirst", vector),
            ("caption", vector[:300]),
            ("credit", vector[:150]),
            ("tag", vector[:100]),
            ("comment name", clean_reader_text(vector[:80], keep_newlines=False)),
            ("comment text", clean_reader_text(vector, keep_newlines=True)),
        ]:
            if value not in page.text:
                found.append(f"{field} not shown as text")
        if vector[:250] not in page.attribute_values("img", "alt"):
            found.append("image alt not kept as the attribute's value")
        if found:
            problems.append((vector, found))

    assert problems == []
    assert_inert_in_the_comment_admin(admin_client)
    assert_inert_in_the_article_admin_list(admin_client)


def assert_inert_in_the_comment_admin(admin_client):
    problems = []
    changelist = reverse("admin:comments_comment_changelist")
    for page_number in range(len(VECTORS) // 50 + 1):
        response = admin_client.get(f"{changelist}?p={page_number + 1}&status=all")
        found = hazards(response.content.decode())
        if response.status_code != 200 or found:
            problems.append((f"change list page {page_number + 1}", response.status_code, found))
    for comment in Comment.objects.all():
        response = admin_client.get(reverse("admin:comments_comment_change", args=[comment.pk]))
        content = response.content.decode()
        page = Page(content)
        found = hazards(content)
        if comment.text not in page.text:
            found.append("text not shown as text")
        if comment.name not in page.attribute_values("input", "value"):
            found.append("name not kept as the input's value")
        if comment.email not in page.attribute_values("input", "value"):
            found.append("email not kept as the input's value")
        if response.status_code != 200 or found:
            problems.append((comment.text, response.status_code, found))

    assert problems == []


def assert_inert_in_the_article_admin_list(admin_client):
    problems = []
    changelist = reverse("admin:articles_article_changelist")
    for page_number in range(len(VECTORS) // 100 + 1):
        response = admin_client.get(f"{changelist}?p={page_number + 1}")
        content = response.content.decode()
        found = hazards(content)
        if response.status_code != 200 or found:
            problems.append((page_number + 1, response.status_code, found))
    text = Page(admin_client.get(f"{changelist}?all=").content.decode()).text
    missing = [vector for vector in VECTORS if vector[:200] not in text]

    assert problems == []
    assert missing == []


@pytest.mark.parametrize("vector", VECTORS)
def test_a_vector_in_the_search_box_is_shown_escaped(client, vector):
    query = " ".join(vector.split())
    response = client.get(reverse("articles:search") + "?" + urlencode({"q": vector}))
    content = response.content.decode()

    assert response.status_code == 200
    assert hazards(content) == []
    assert query in Page(content).text


@pytest.fixture
def prompt():
    return DonationPromptFactory(destination_url="https://dons.example.org/echo-du-val")


def test_vectors_in_a_donation_click_never_leave_the_destination(client, prompt):
    url = reverse("donations:click", args=[prompt.pk])
    for vector in VECTORS:
        response = client.get(f"{url}?{urlencode({'amount': vector, 'section': vector})}")

        assert response.status_code == 302
        assert response["Location"] == "https://dons.example.org/echo-du-val"
    # Each click is counted, and nothing the reader sent was kept as its amount.
    assert DonationClick.objects.filter(prompt=prompt).count() == len(VECTORS)
    assert set(DonationClick.objects.values_list("amount", flat=True)) == {None}


def test_a_valid_amount_still_reaches_the_destination(client, prompt):
    url = reverse("donations:click", args=[prompt.pk])
    response = client.get(f"{url}?amount=10")

    assert response["Location"] == "https://dons.example.org/echo-du-val?montant=10"
    assert DonationClick.objects.get().amount == Decimal("10.00")
