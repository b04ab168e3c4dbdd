"""Arbitrary text and malformed posts at the comment form and the search box always get a page
with a clear message or a success, never a 500."""

from urllib.parse import quote_from_bytes

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from comments.models import Comment, ModerationPolicy
from tests.articles.factories import PublishedArticleFactory
from tests.comments.helpers import signed_timestamp, solved_captcha

pytestmark = pytest.mark.django_db

# Modest: each example is a real request through the whole stack.
HOSTILE = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

TRICKY_CHARACTERS = [
    "\x00",  # NUL
    "\u202e",  # right-to-left override
    "\u200f",  # right-to-left mark
    "\u2067",  # right-to-left isolate
    "\u200b",  # zero-width space
    "\u200d",  # zero-width joiner
    "\ufeff",  # byte order mark
    "\ufffd",  # replacement character
    "\U0001f600",  # outside the basic plane
    "\u0645\u0631\u062d\u0628\u0627",  # Arabic
    "\r\n",
    "\t",
    "<",
    "&",
    '"',
]

reader_text = st.one_of(
    st.text(),
    st.lists(st.sampled_from(TRICKY_CHARACTERS)).map("".join),
    st.lists(st.one_of(st.text(max_size=20), st.sampled_from(TRICKY_CHARACTERS))).map("".join),
    # Sizes well past every limit, built cheaply.
    st.builds(
        lambda text, times: text * times, st.text(min_size=1, max_size=10), st.integers(1, 40_000)
    ),
)
# What a form field can be in a post: one value, several, or none.
field_value = st.one_of(reader_text, st.lists(reader_text, min_size=2, max_size=3), st.none())


@pytest.fixture
def article():
    policy = ModerationPolicy.load()
    # Posts arrive by the dozen from one test address: the rate limit (tested in tests/comments)
    # would answer 429 to most of them and hide the rest of the form's behaviour.
    policy.rate_limit_count = 0
    policy.save()
    return PublishedArticleFactory()


def assert_answered(response):
    """A success (a redirect to the comment) or a page saying what is wrong, never a 500."""
    assert response.status_code < 500, response.content[-3000:]
    if response.status_code == 200:
        content = response.content.decode()
        assert 'class="errorlist' in content or 'role="alert"' in content, content[-3000:]


@HOSTILE
@given(name=field_value, email=field_value, text=field_value, captcha_ok=st.booleans())
def test_any_text_in_the_comment_form_gets_an_answer(article, name, email, text, captcha_ok):
    client = Client(raise_request_exception=False)
    key, answer = solved_captcha() if captcha_ok else ("forged", "x")
    data = {"timestamp": signed_timestamp(), "website": "", "captcha_0": key, "captcha_1": answer}
    for field, value in [("name", name), ("email", email), ("text", text)]:
        if value is not None:
            data[field] = value
    before = Comment.objects.count()

    response = client.post(reverse("comments:post", args=[article.pk]), data)

    assert_answered(response)
    # Stored exactly when the reader was told it went through.
    assert Comment.objects.count() == before + (response.status_code == 302)


CONTENT_TYPES = [
    "application/x-www-form-urlencoded",
    "application/x-www-form-urlencoded; charset=latin-1",
    "application/x-www-form-urlencoded; charset=nonsense",
    "multipart/form-data; boundary=BoUnDaRy",
    "multipart/form-data",
    "multipart/form-data; boundary=",
    "text/plain",
    "application/json",
    "application/xml",
    "",
    "garbage/\x00",
]

raw_body = st.one_of(
    st.binary(max_size=4000),
    # Form-looking bodies with invalid UTF-8 and stray percent signs.
    st.lists(
        st.tuples(st.binary(max_size=30), st.binary(max_size=200)).map(
            lambda pair: pair[0] + b"=" + pair[1]
        ),
        max_size=8,
    ).map(b"&".join),
    # Multipart bodies cut anywhere.
    st.builds(
        lambda head, cut: (
            b'--BoUnDaRy\r\nContent-Disposition: form-data; name="text"\r\n\r\n'
            + head
            + b"\r\n--BoUnDaRy--\r\n"
        )[:cut],
        st.binary(max_size=300),
        st.integers(0, 400),
    ),
)


@HOSTILE
@given(body=raw_body, content_type=st.sampled_from(CONTENT_TYPES))
def test_a_malformed_post_to_the_comment_form_gets_an_answer(article, body, content_type):
    client = Client(raise_request_exception=False)

    response = client.generic(
        "POST", reverse("comments:post", args=[article.pk]), body, content_type=content_type
    )

    assert response.status_code < 500, response.content[-3000:]


@HOSTILE
@given(query=reader_text)
def test_any_text_in_the_search_box_gets_a_page(query):
    client = Client(raise_request_exception=False)

    response = client.get(reverse("articles:search"), {"q": query})

    assert response.status_code == 200
    content = response.content.decode()
    assert "<h1>" in content


@HOSTILE
@given(raw=st.binary(max_size=600))
def test_any_bytes_in_the_search_query_string_get_a_page(raw):
    client = Client(raise_request_exception=False)

    response = client.get(
        f"{reverse('articles:search')}?q={quote_from_bytes(raw)}&{quote_from_bytes(raw)}"
    )

    assert response.status_code in {200, 400}


def test_a_search_with_nul_bytes_says_what_is_wrong(client):
    response = client.get(reverse("articles:search"), {"q": "eau\x00"})

    assert response.status_code == 200
    assert "Votre recherche contient des caractères que nous ne savons pas lire." in (
        response.content.decode()
    )


def test_a_comment_with_nul_bytes_says_what_is_wrong(client, article):
    key, answer = solved_captcha()
    data = {"name": "Zoé\x00", "text": "Un\x00texte", "website": "", "captcha_0": key}
    data["captcha_1"] = answer

    response = client.post(reverse("comments:post", args=[article.pk]), data)

    assert response.status_code == 200
    assert 'class="errorlist' in response.content.decode()
    assert Comment.objects.count() == 0
