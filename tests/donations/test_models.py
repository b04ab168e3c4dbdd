import datetime
import random
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from articles.models import Article
from donations.formatting import format_amount
from donations.models import DonationPrompt, PromptSectionStat, draw, parse_amounts
from tests.articles.factories import PublishedArticleFactory, SectionFactory
from tests.donations.factories import (
    DonationPromptFactory,
    EndedPromptFactory,
    InactivePromptFactory,
    PromptSectionStatFactory,
    ScheduledPromptFactory,
)

pytestmark = pytest.mark.django_db

NOON = datetime.datetime(2026, 11, 20, 12, 0, tzinfo=datetime.UTC)


# --- what is eligible -----------------------------------------------------------------------


def test_active_honours_the_flag():
    on = DonationPromptFactory()
    InactivePromptFactory()

    assert list(DonationPrompt.objects.active()) == [on]


def test_active_honours_the_dates_on_both_sides():
    running = DonationPromptFactory(
        starts_at=NOON - datetime.timedelta(days=1), ends_at=NOON + datetime.timedelta(days=1)
    )
    DonationPromptFactory(starts_at=NOON + datetime.timedelta(minutes=1))
    DonationPromptFactory(ends_at=NOON)

    assert list(DonationPrompt.objects.active(now=NOON)) == [running]


@pytest.mark.parametrize(
    ("moment", "shown"),
    [
        (NOON - datetime.timedelta(seconds=1), False),
        (NOON, True),
        (NOON + datetime.timedelta(days=7) - datetime.timedelta(seconds=1), True),
        (NOON + datetime.timedelta(days=7), False),
    ],
)
def test_a_campaign_starts_and_ends_on_the_second(moment, shown):
    prompt = DonationPromptFactory(starts_at=NOON, ends_at=NOON + datetime.timedelta(days=7))

    with time_machine.travel(moment, tick=False):
        assert (prompt in DonationPrompt.objects.active()) is shown
        assert prompt.is_live() is shown


def test_factories_for_each_state():
    assert not ScheduledPromptFactory().is_live()
    assert not EndedPromptFactory().is_live()
    assert not InactivePromptFactory().is_live()
    assert DonationPromptFactory().is_live()


def test_eligible_follows_the_target_sections():
    culture, sport = SectionFactory(slug="culture"), SectionFactory(slug="sport")
    everywhere = DonationPromptFactory()
    culture_only = DonationPromptFactory(sections=[culture])
    two_sections = DonationPromptFactory(sections=[culture, sport])

    assert set(DonationPrompt.objects.eligible(section=culture)) == {
        everywhere,
        culture_only,
        two_sections,
    }
    assert set(DonationPrompt.objects.eligible(section=sport)) == {everywhere, two_sections}
    assert list(DonationPrompt.objects.eligible(section=SectionFactory())) == [everywhere]
    # One row per prompt, however many sections it targets.
    assert DonationPrompt.objects.eligible(section=culture.pk).count() == 3


def test_eligible_excludes_inactive_and_out_of_dates_prompts_of_the_section():
    section = SectionFactory()
    InactivePromptFactory(sections=[section])
    ScheduledPromptFactory(sections=[section])
    EndedPromptFactory(sections=[section])

    assert not DonationPrompt.objects.eligible(section=section).exists()


def test_support_page_prefers_the_prompt_for_the_whole_site_then_the_heaviest():
    section = SectionFactory()
    DonationPromptFactory(weight=10, sections=[section])
    light = DonationPromptFactory(weight=1)
    heavy = DonationPromptFactory(weight=3)
    InactivePromptFactory(weight=50)

    assert list(DonationPrompt.objects.for_support_page())[:2] == [heavy, light]


# --- rotation -----------------------------------------------------------------------------


def test_draw_follows_the_weights_over_many_draws():
    one = DonationPromptFactory(weight=1)
    three = DonationPromptFactory(weight=3)
    prompts = list(DonationPrompt.objects.order_by("pk"))
    rng = random.Random(42)

    draws = [draw(prompts, rng=rng) for _ in range(4000)]

    # Expected 1000 / 3000; a fixed seed makes the result repeatable, and the bound (more
    # than 5 standard deviations, 27 draws) would hold for almost any seed.
    assert abs(draws.count(one) - 1000) < 140
    assert draws.count(one) + draws.count(three) == 4000


def test_draw_of_nothing_is_none():
    assert draw([]) is None


# --- the rules the database enforces ----------------------------------------------------------


@pytest.mark.parametrize(
    "fields",
    [
        {"weight": 0},
        {"minimum_amount": Decimal("0")},
        {"starts_at": NOON, "ends_at": NOON},
        {"placement": "after_paragraph", "paragraph_number": None},
    ],
)
def test_database_refuses_impossible_prompts(fields):
    with pytest.raises(IntegrityError), transaction.atomic():
        DonationPromptFactory(**fields)


def test_one_stats_row_per_prompt_and_section_and_one_for_the_support_page():
    stat = PromptSectionStatFactory()
    PromptSectionStatFactory(prompt=stat.prompt, section=None)

    with pytest.raises(IntegrityError), transaction.atomic():
        PromptSectionStatFactory(prompt=stat.prompt, section=stat.section)
    with pytest.raises(IntegrityError), transaction.atomic():
        PromptSectionStatFactory(prompt=stat.prompt, section=None)


# --- validation -------------------------------------------------------------------------------


def test_parse_amounts():
    assert parse_amounts("5, 10,20 , 7.50") == [
        Decimal("5"),
        Decimal("10"),
        Decimal("20"),
        Decimal("7.50"),
    ]
    assert parse_amounts("") == []


@pytest.mark.parametrize("value", ["5, dix", "0, 5", "-5", "5.001", "NaN", "1,2,3,4,5,6,7"])
def test_parse_amounts_refuses_what_is_not_a_short_list_of_positive_amounts(value):
    with pytest.raises(ValidationError):
        parse_amounts(value)


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"destination_url": "http://dons.example.org/"}, "destination_url"),
        ({"destination_url": "javascript:alert(1)"}, "destination_url"),
        ({"suggested_amounts": "2, 10", "minimum_amount": Decimal("5")}, "suggested_amounts"),
        ({"starts_at": NOON, "ends_at": NOON - datetime.timedelta(hours=1)}, "ends_at"),
        ({"placement": "after_paragraph", "paragraph_number": None}, "paragraph_number"),
        ({"amount_parameter": "montant&next=x"}, "amount_parameter"),
    ],
)
def test_full_clean_explains_mistakes(fields, field):
    prompt = DonationPromptFactory.build(**fields)

    with pytest.raises(ValidationError) as error:
        prompt.full_clean()

    assert field in error.value.message_dict


def test_a_good_prompt_validates():
    DonationPromptFactory.build(
        placement="after_paragraph", paragraph_number=3, starts_at=NOON, ends_at=None
    ).full_clean()


# --- money in the reader's language -----------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "amount", "currency", "expected"),
    [
        ("fr", "5", "EUR", "5\xa0€"),
        ("fr", "7.50", "EUR", "7,50\xa0€"),
        ("fr", "1000", "EUR", "1\u202f000\xa0€"),
        ("fr", "5", "CAD", "5\xa0$"),
        ("fr", "5", "USD", "5\xa0$US"),
        ("fr", "5", "CHF", "5\xa0CHF"),
        ("en", "5", "USD", "$5"),
        ("en", "5", "EUR", "€5"),
        ("en", "7.50", "EUR", "€7.50"),
        ("en", "1000", "GBP", "£1,000"),
        ("en", "5", "CAD", "$5"),
    ],
)
def test_amounts_are_written_as_each_language_writes_money(language, amount, currency, expected):
    with translation.override(language):
        assert format_amount(Decimal(amount), currency) == expected


def test_the_message_shows_the_minimum_in_the_active_language():
    prompt = DonationPromptFactory.build(
        message="Soutenez-nous à partir de seulement {minimum}. Merci.", currency="EUR"
    )

    with translation.override("fr"):
        assert prompt.message_text == "Soutenez-nous à partir de seulement 5\xa0€. Merci."
    with translation.override("en"):
        assert prompt.message_text == "Soutenez-nous à partir de seulement €5. Merci."


# --- links ------------------------------------------------------------------------------------


def test_destination_takes_the_amount_where_it_accepts_one():
    prompt = DonationPromptFactory.build(
        destination_url="https://pay.example.org/give?campaign=val&montant=1",
        amount_parameter="montant",
    )

    assert prompt.destination_for(Decimal("10.00")) == (
        "https://pay.example.org/give?campaign=val&montant=10"
    )
    assert prompt.destination_for(Decimal("7.5")) == (
        "https://pay.example.org/give?campaign=val&montant=7.50"
    )
    assert prompt.destination_for(None) == "https://pay.example.org/give?campaign=val&montant=1"


def test_destination_without_amount_parameter_is_left_alone():
    prompt = DonationPromptFactory.build(
        destination_url="https://pay.example.org/val", amount_parameter=""
    )

    assert prompt.destination_for(Decimal("10")) == "https://pay.example.org/val"


def test_click_url_is_our_own_endpoint():
    prompt = DonationPromptFactory()
    section = SectionFactory()

    assert prompt.click_url(amount=Decimal("10.00"), section=section) == (
        f"/soutenir/{prompt.pk}/donner/?amount=10&section={section.pk}"
    )


# --- counting ---------------------------------------------------------------------------------


def test_impressions_and_clicks_are_counted_per_section_and_for_the_support_page():
    prompt = DonationPromptFactory()
    culture, sport = SectionFactory(), SectionFactory()

    for _ in range(3):
        prompt.record_impression(section=culture)
    prompt.record_impression(section=sport)
    prompt.record_impression(section=None)
    prompt.record_click(section=culture, amount=Decimal("10"))
    prompt.record_click(section=None, amount=None)

    stats = {s.section_id: (s.impressions, s.clicks) for s in prompt.section_stats.all()}
    assert stats == {culture.pk: (3, 1), sport.pk: (1, 0), None: (1, 1)}
    assert list(prompt.clicks.values_list("section", "amount").order_by("pk")) == [
        (culture.pk, Decimal("10.00")),
        (None, None),
    ]


def test_an_impression_is_one_update_once_the_row_exists(django_assert_num_queries):
    stat = PromptSectionStatFactory(impressions=41)

    with django_assert_num_queries(1):
        stat.prompt.record_impression(section=stat.section)

    stat.refresh_from_db()
    assert stat.impressions == 42


def test_bump_adds_to_a_row_created_by_someone_else_meanwhile():
    """The losing side of the creation race: its INSERT fails, and it adds instead."""
    stat = PromptSectionStatFactory(impressions=5)
    rows = PromptSectionStat.objects.filter(pk=stat.pk)

    with transaction.atomic():
        # What a concurrent request sees: no row yet for its UPDATE, then a unique violation.
        with pytest.raises(IntegrityError), transaction.atomic():
            PromptSectionStat.objects.create(prompt=stat.prompt, section=stat.section)
        PromptSectionStat.objects.bump(stat.prompt, stat.section, impressions=1)

    assert rows.get().impressions == 6


# The impression an article page shows goes with the reader's view (articles.page_cache): one
# statement on PostgreSQL, a transaction on SQLite; never without the view.


@pytest.mark.parametrize("in_section", [True, False])
def test_an_impression_counts_with_the_view_creating_its_row_the_first_time(in_section):
    article = PublishedArticleFactory(view_count=7)
    prompt = DonationPromptFactory()
    section = article.section if in_section else None

    for expected_views in (8, 9):
        views = Article.count_view(article.pk, along_with=[prompt.impression(section=section)])
        assert views == expected_views

    stat = PromptSectionStat.objects.get()
    assert (stat.prompt, stat.section, stat.impressions, stat.clicks) == (prompt, section, 2, 0)


def test_no_impression_when_the_view_does_not_count():
    article = PublishedArticleFactory()
    stat = PromptSectionStatFactory(section=article.section, impressions=3)
    Article.objects.filter(pk=article.pk).update(title="Corrigé", updated_at=timezone.now())

    views = Article.count_view(
        article.pk,
        if_unchanged_since=article.updated_at,
        along_with=[stat.prompt.impression(section=article.section)],
    )

    assert views is None
    stat.refresh_from_db()
    assert stat.impressions == 3


@pytest.mark.postgres
def test_on_postgresql_the_view_and_the_impression_are_one_statement(django_assert_num_queries):
    article = PublishedArticleFactory()
    stat = PromptSectionStatFactory(section=article.section, impressions=41)

    with django_assert_num_queries(1):
        views = Article.count_view(
            article.pk, along_with=[stat.prompt.impression(section=article.section)]
        )

    assert views == 1
    stat.refresh_from_db()
    assert stat.impressions == 42


@pytest.mark.postgres
def test_on_postgresql_a_prompt_deleted_since_its_draw_counts_nothing_and_breaks_nothing():
    article = PublishedArticleFactory()
    prompt = DonationPromptFactory()
    impression = prompt.impression(section=article.section)
    DonationPrompt.objects.filter(pk=prompt.pk).delete()

    assert Article.count_view(article.pk, along_with=[impression]) == 1
    assert not PromptSectionStat.objects.exists()


def test_with_stats_sums_in_the_database():
    prompt = DonationPromptFactory()
    PromptSectionStatFactory(prompt=prompt, impressions=300, clicks=6)
    PromptSectionStatFactory(prompt=prompt, impressions=100, clicks=2)
    PromptSectionStatFactory(prompt=prompt, section=None, impressions=0, clicks=1)
    unseen = DonationPromptFactory()

    stats = {p.pk: p for p in DonationPrompt.objects.with_stats()}

    assert stats[prompt.pk].total_impressions == 400
    assert stats[prompt.pk].total_clicks == 9
    assert stats[prompt.pk].click_rate == pytest.approx(2.25)
    assert (stats[unseen.pk].total_impressions, stats[unseen.pk].click_rate) == (0, None)


def test_activate_and_deactivate():
    prompts = DonationPromptFactory.create_batch(2, is_active=False)

    assert DonationPrompt.objects.filter(pk__in=[p.pk for p in prompts]).activate() == 2
    assert DonationPrompt.objects.active().count() == 2
    DonationPrompt.objects.deactivate()
    assert not DonationPrompt.objects.active().exists()


def test_str_and_urls():
    stat = PromptSectionStatFactory(prompt__name="Appel d'automne", section__name="Culture")
    support = PromptSectionStatFactory(prompt=stat.prompt, section=None)

    assert str(stat) == "Appel d'automne · Culture"
    with translation.override("fr"):
        assert str(support) == "Appel d'automne · Page de soutien"
    assert stat.prompt.get_absolute_url() == (
        f"/admin/donations/donationprompt/{stat.prompt.pk}/preview/"
    )
