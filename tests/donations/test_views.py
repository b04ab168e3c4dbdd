from decimal import Decimal
from functools import partial

import pytest
from django.db import connection
from django.db.backends.signals import connection_created
from django.test import Client
from django.test.utils import CaptureQueriesContext

from donations.models import DonationClick, PromptSectionStat
from donations.views import CLICKED_COOKIE
from tests.articles.factories import PublishedArticleFactory, SectionFactory
from tests.articles.reader import reader_client
from tests.donations.factories import (
    DonationPromptFactory,
    InactivePromptFactory,
    PromptSectionStatFactory,
)
from tests.harness import at_once

pytestmark = pytest.mark.django_db

DESTINATION = "https://dons.example.org/echo-du-val"


def click_url(prompt, query=""):
    return f"/soutenir/{prompt.pk}/donner/{query}"


# --- the article page -------------------------------------------------------------------------


def test_article_page_shows_the_prompt(client):
    article = PublishedArticleFactory()
    DonationPromptFactory(heading="Soutien", message="À partir de {minimum}.")

    response = client.get(article.get_absolute_url())

    assert response.status_code == 200
    html = response.content.decode()
    assert '<h2 class="donation__heading"' in html
    assert "À partir de 5\xa0€." in html


def article_page_queries(client, article):
    # A reader's browser: a crawler's visit counts no impression.
    client = reader_client()
    client.get(article.get_absolute_url())  # warm whatever the page caches
    with CaptureQueriesContext(connection) as queries:
        assert client.get(article.get_absolute_url()).status_code == 200
    return [q["sql"] for q in queries.captured_queries]


def test_article_page_query_count_does_not_grow_with_the_number_of_prompts(client, seeded_draw):
    article = PublishedArticleFactory()
    first = DonationPromptFactory()
    PromptSectionStatFactory(prompt=first, section=article.section)
    with_one = article_page_queries(client, article)

    for prompt in DonationPromptFactory.create_batch(25):
        PromptSectionStatFactory(prompt=prompt, section=article.section)
    with_many = article_page_queries(client, article)

    assert len(with_many) == len(with_one)
    # The eligible prompts come from the cache: only the impression is written (on PostgreSQL,
    # in the statement that counts the view).
    assert len([sql for sql in with_many if "donations_" in sql]) == 1


@pytest.fixture
def every_statement():
    """The SQL every database connection opened meanwhile runs, whichever thread opened it."""
    statements = []

    def record(execute, sql, params, many, context):
        statements.append(sql)
        return execute(sql, params, many, context)

    def watch(sender, connection, **kwargs):
        # A thread's connection object opens again after each request: watched once.
        if record not in connection.execute_wrappers:
            connection.execute_wrappers.append(record)

    connection_created.connect(watch)
    yield statements
    connection_created.disconnect(watch)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.xdist_group("many_connections")
def test_readers_of_the_shared_page_at_once_each_count_one_view_and_one_impression(
    every_statement,
):
    article = PublishedArticleFactory()
    prompt = DonationPromptFactory()
    url = article.get_absolute_url()
    # The first reader renders the page that the next ones share.
    assert reader_client().get(url).status_code == 200
    readers = 200

    responses = at_once((partial(reader_client().get, url) for _ in range(readers)), threads=40)

    assert [response.status_code for response in responses] == [200] * readers
    article.refresh_from_db()
    assert article.view_count == readers + 1
    stat = PromptSectionStat.objects.get(prompt=prompt, section=article.section)
    assert stat.impressions == readers + 1
    # Each shared page wrote its view and its impression in one statement, committed without
    # waiting for the disk.
    together = [
        sql
        for sql in every_statement
        if sql.startswith("WITH viewed AS") and "donations_promptsectionstat" in sql
    ]
    assert len(together) == readers
    assert all("synchronous_commit" in sql for sql in together)
    assert not [sql for sql in every_statement if sql.startswith(("BEGIN", "COMMIT"))]


# --- the click endpoint -----------------------------------------------------------------------


def test_click_counts_the_amount_and_goes_to_the_destination_with_it(client):
    prompt = DonationPromptFactory(destination_url=DESTINATION, amount_parameter="montant")
    section = SectionFactory()

    response = client.get(click_url(prompt, f"?amount=10&section={section.pk}"))

    assert response.status_code == 302
    assert response["Location"] == f"{DESTINATION}?montant=10"
    assert "no-cache" in response["Cache-Control"]
    click = DonationClick.objects.get()
    assert (click.prompt, click.section, click.amount) == (prompt, section, Decimal("10.00"))
    stat = PromptSectionStat.objects.get()
    assert (stat.section, stat.impressions, stat.clicks) == (section, 0, 1)


def test_click_on_the_button_carries_no_amount(client):
    prompt = DonationPromptFactory(destination_url=DESTINATION)

    response = client.get(click_url(prompt))

    assert response["Location"] == DESTINATION
    assert DonationClick.objects.get().amount is None
    assert PromptSectionStat.objects.get().section is None


def test_destination_without_amount_parameter_gets_none(client):
    prompt = DonationPromptFactory(destination_url=DESTINATION, amount_parameter="")

    response = client.get(click_url(prompt, "?amount=20"))

    assert response["Location"] == DESTINATION
    assert DonationClick.objects.get().amount == Decimal("20")


def test_click_sets_the_recently_clicked_cookie(client, settings):
    settings.DONATIONS_SNOOZE_DAYS = 3
    prompt = DonationPromptFactory()

    response = client.get(click_url(prompt, "?amount=5"))

    cookie = response.cookies[CLICKED_COOKIE]
    assert cookie["max-age"] == 3 * 24 * 60 * 60
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"


def test_no_cookie_when_the_pause_is_switched_off(client, settings):
    settings.DONATIONS_SNOOZE_DAYS = 0

    response = client.get(click_url(DonationPromptFactory()))

    assert CLICKED_COOKIE not in response.cookies


def test_after_a_click_the_reader_sees_no_prompt_on_articles(client):
    article = PublishedArticleFactory()
    prompt = DonationPromptFactory(heading="Soutien du Val")
    assert "Soutien du Val" in client.get(article.get_absolute_url()).content.decode()

    client.get(click_url(prompt, "?amount=10"))

    assert "Soutien du Val" not in client.get(article.get_absolute_url()).content.decode()


@pytest.mark.parametrize(
    "query",
    [
        "?next=https://evil.example/",
        "?url=https://evil.example/&amount=10",
        "?amount=//evil.example",
        "?amount=10@evil.example",
        "?amount=https://evil.example/",
        "?amount=10&montant=999&redirect=//evil.example",
        "?amount=10%0d%0aLocation:%20https://evil.example/",
        "?section=https://evil.example/",
    ],
)
def test_click_never_redirects_anywhere_but_the_destination(client, query):
    prompt = DonationPromptFactory(destination_url=DESTINATION, amount_parameter="montant")

    response = client.get(click_url(prompt, query))

    assert response.status_code == 302
    assert response["Location"] in {DESTINATION, f"{DESTINATION}?montant=10"}


@pytest.mark.parametrize(
    "amount", ["abc", "-5", "0", "4.99", "NaN", "Infinity", "1e9", "10.001", "99999999999"]
)
def test_a_bad_amount_goes_to_the_destination_without_it(client, amount):
    prompt = DonationPromptFactory(destination_url=DESTINATION, minimum_amount=Decimal("5"))

    response = client.get(click_url(prompt), {"amount": amount})

    assert response["Location"] == DESTINATION
    assert DonationClick.objects.get().amount is None


@pytest.mark.parametrize("section", ["abc", "999999", "-1", "99999999999999999999999"])
def test_a_bad_section_is_dropped(client, section):
    prompt = DonationPromptFactory(destination_url=DESTINATION)

    response = client.get(click_url(prompt), {"section": section, "amount": "10"})

    assert response["Location"] == f"{DESTINATION}?montant=10"
    assert DonationClick.objects.get().section is None


def test_unknown_prompt_is_a_404_page(client):
    response = client.get("/soutenir/999999/donner/?amount=10")

    assert response.status_code == 404
    assert "Page introuvable" in response.content.decode()
    assert not DonationClick.objects.exists()


def test_a_click_is_a_get_link(client):
    prompt = DonationPromptFactory()

    assert client.post(click_url(prompt)).status_code == 405


def test_a_prompt_that_ended_still_takes_its_late_clicks_to_the_destination(client):
    prompt = InactivePromptFactory(destination_url=DESTINATION)

    assert client.get(click_url(prompt))["Location"] == DESTINATION


def test_a_destination_saved_around_validation_is_never_followed(client):
    prompt = DonationPromptFactory(destination_url="http://evil.example/")

    response = client.get(click_url(prompt, "?amount=10"))

    assert response["Location"] == "/soutenir/"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.xdist_group("many_connections")
def test_clicks_are_counted_exactly_under_concurrency():
    prompt = DonationPromptFactory(destination_url=DESTINATION)
    section = SectionFactory()
    url = click_url(prompt, f"?amount=10&section={section.pk}")
    clicks = 50

    responses = at_once(partial(Client().get, url) for _ in range(clicks))

    assert [response.status_code for response in responses] == [302] * clicks
    stat = PromptSectionStat.objects.get()
    assert (stat.section, stat.clicks) == (section, clicks)
    assert DonationClick.objects.filter(prompt=prompt, amount=10).count() == clicks


# --- the support page -------------------------------------------------------------------------


def test_support_page_in_french_shows_the_prompt_in_full(client):
    prompt = DonationPromptFactory(
        heading="Soutien",
        message="Soutenez-nous à partir de seulement {minimum}.\nChaque don compte.",
        suggested_amounts="5, 10, 20",
    )

    response = client.get("/soutenir/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Nous soutenir</h1>" in html
    assert "<p>Soutenez-nous à partir de seulement 5\xa0€.<br>Chaque don compte.</p>" in html
    for amount in (5, 10, 20):
        assert f'href="/soutenir/{prompt.pk}/donner/?amount={amount}"' in html
        assert f"Donner {amount}\xa0€</a>" in html
    assert PromptSectionStat.objects.get(section=None).impressions == 1


def test_support_page_in_english(client):
    DonationPromptFactory(message="From {minimum}.", currency="USD")

    response = client.get("/en/support/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Support us</h1>" in html
    assert "From $5." in html
    assert "Give $20</a>" in html


def test_support_page_without_a_campaign_is_friendly(client):
    InactivePromptFactory()

    french = client.get("/soutenir/").content.decode()
    english = client.get("/en/support/").content.decode()

    assert "Aucune campagne de dons n'est en cours" in french
    assert "No fundraising campaign is running at the moment" in english
    assert 'class="donation__amount"' not in french


def test_support_page_shows_even_after_a_click(client):
    prompt = DonationPromptFactory(heading="Soutien du Val")
    client.get(click_url(prompt))

    assert "Soutien du Val" in client.get("/soutenir/").content.decode()
