import datetime

import pytest
import time_machine
from django.db import connection
from django.template import Context, Template
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from donations.models import PromptSectionStat
from donations.views import CLICKED_COOKIE
from tests.articles.factories import PublishedArticleFactory, SectionFactory
from tests.donations.factories import (
    AfterParagraphPromptFactory,
    DonationPromptFactory,
    EndedPromptFactory,
    InactivePromptFactory,
    PromptSectionStatFactory,
    ScheduledPromptFactory,
)

pytestmark = pytest.mark.django_db

SLOT = Template("{% load donations %}{% donation_prompt article %}")


def render_slot(article, *, cookies=None, language="fr"):
    request = RequestFactory().get(article.get_absolute_url())
    request.COOKIES.update(cookies or {})
    with translation.override(language):
        return SLOT.render(Context({"article": article, "request": request}))


def test_the_prompt_shows_as_readers_see_it():
    article = PublishedArticleFactory()
    prompt = DonationPromptFactory(
        heading="Soutien",
        message="Soutenez-nous à partir de seulement {minimum}.\nMerci.",
        suggested_amounts="5, 10, 20",
        button_label="Faire un don",
    )
    section = article.section.pk

    html = render_slot(article)

    assert f'<aside class="donation" aria-labelledby="donation-{prompt.pk}-heading">' in html
    assert f'<h2 class="donation__heading" id="donation-{prompt.pk}-heading">Soutien</h2>' in html
    assert "<p>Soutenez-nous à partir de seulement 5\xa0€.<br>Merci.</p>" in html
    for amount in (5, 10, 20):
        assert (
            f'<a class="donation__amount" href="/soutenir/{prompt.pk}/donner/'
            f'?amount={amount}&amp;section={section}" rel="nofollow">Donner {amount}\xa0€</a>'
        ) in html
    assert (
        f'<a class="donation__button" href="/soutenir/{prompt.pk}/donner/?section={section}" '
        'rel="nofollow">Faire un don</a>'
    ) in html
    # Plain links: nothing needs JavaScript, and this placement loads none.
    assert "<script" not in html


def test_the_prompt_speaks_english_to_english_readers():
    article = PublishedArticleFactory()
    DonationPromptFactory(currency="USD", message="From only {minimum}.")

    html = render_slot(article, language="en")

    assert "<p>From only $5.</p>" in html
    assert "Give $10</a>" in html
    assert "Choose an amount:" in html


def test_reader_text_is_escaped():
    article = PublishedArticleFactory()
    DonationPromptFactory(heading="<b>Soutien</b>", message="<script>x</script>")

    html = render_slot(article)

    assert "&lt;b&gt;Soutien&lt;/b&gt;" in html
    assert "&lt;script&gt;x&lt;/script&gt;" in html


def test_shows_on_articles_of_targeted_sections_and_not_elsewhere():
    culture, sport = SectionFactory(), SectionFactory()
    DonationPromptFactory(heading="Pour la culture", sections=[culture])

    assert "Pour la culture" in render_slot(PublishedArticleFactory(section=culture))
    assert render_slot(PublishedArticleFactory(section=sport)).strip() == ""


def test_a_prompt_without_sections_shows_everywhere():
    DonationPromptFactory(heading="Partout")

    for section in SectionFactory.create_batch(3):
        assert "Partout" in render_slot(PublishedArticleFactory(section=section))


@pytest.mark.parametrize(
    "factory", [InactivePromptFactory, ScheduledPromptFactory, EndedPromptFactory]
)
def test_switched_off_or_out_of_dates_prompts_do_not_show(factory):
    article = PublishedArticleFactory()
    factory()

    assert render_slot(article).strip() == ""
    assert not PromptSectionStat.objects.exists()


def test_a_scheduled_campaign_appears_when_its_time_comes():
    article = PublishedArticleFactory()
    prompt = ScheduledPromptFactory(heading="Campagne de Noël")

    assert "Campagne de Noël" not in render_slot(article)
    with time_machine.travel(prompt.starts_at + datetime.timedelta(seconds=1)):
        assert "Campagne de Noël" in render_slot(article)


def test_each_showing_is_counted_in_the_article_section():
    article = PublishedArticleFactory()
    prompt = DonationPromptFactory()

    for _ in range(3):
        render_slot(article)

    stat = PromptSectionStat.objects.get()
    assert (stat.prompt, stat.section, stat.impressions, stat.clicks) == (
        prompt,
        article.section,
        3,
        0,
    )


def test_a_reader_who_just_clicked_sees_no_prompt_and_costs_no_query():
    article = PublishedArticleFactory()
    DonationPromptFactory()

    with CaptureQueriesContext(connection) as queries:
        html = render_slot(article, cookies={CLICKED_COOKIE: "1"})

    assert html.strip() == ""
    assert len(queries) == 0
    assert not PromptSectionStat.objects.exists()


def test_rotation_follows_the_weights_over_many_requests(seeded_draw):
    article = PublishedArticleFactory()
    DonationPromptFactory(heading="Rare", weight=1)
    DonationPromptFactory(heading="Fréquent", weight=4)

    shown = [render_slot(article) for _ in range(1000)]

    rare = sum("Rare" in html for html in shown)
    # Expected 200 of 1000; the seed makes it repeatable, the bound is over 5 standard deviations.
    assert abs(rare - 200) < 65
    assert rare + sum("Fréquent" in html for html in shown) == 1000
    assert sorted(PromptSectionStat.objects.values_list("impressions", flat=True)) == [
        rare,
        1000 - rare,
    ]


def test_the_slot_costs_one_update_whatever_the_number_of_prompts(seeded_draw):
    article = PublishedArticleFactory()
    for prompt in DonationPromptFactory.create_batch(30):
        PromptSectionStatFactory(prompt=prompt, section=article.section)
    render_slot(article)  # the first showing fills the cache

    with CaptureQueriesContext(connection) as queries:
        render_slot(article)

    # The eligible prompts come from the cache; the chosen one's counter is the only write.
    assert [q["sql"].split()[0] for q in queries.captured_queries] == ["UPDATE"]


def test_a_new_prompt_shows_at_once_despite_the_cache(seeded_draw):
    article = PublishedArticleFactory()
    assert "<aside" not in render_slot(article)  # nothing to show, and that is cached

    DonationPromptFactory(heading="Soutenez-nous")

    assert "Soutenez-nous" in render_slot(article)


def test_an_edited_or_retargeted_prompt_shows_at_once_despite_the_cache(seeded_draw):
    article = PublishedArticleFactory()
    prompt = DonationPromptFactory(heading="Avant")
    assert "Avant" in render_slot(article)

    prompt.heading = "Après"
    prompt.save()
    assert "Après" in render_slot(article)

    prompt.sections.add(SectionFactory())
    assert "<aside" not in render_slot(article)


def test_a_scheduled_start_and_end_apply_on_time_despite_the_cache(seeded_draw):
    article = PublishedArticleFactory()
    now = timezone.now()
    DonationPromptFactory(
        heading="Campagne de décembre",
        starts_at=now + datetime.timedelta(minutes=1),
        ends_at=now + datetime.timedelta(minutes=2),
    )
    assert "<aside" not in render_slot(article)

    with time_machine.travel(now + datetime.timedelta(seconds=61), tick=False):
        assert "Campagne de décembre" in render_slot(article)
    with time_machine.travel(now + datetime.timedelta(seconds=121), tick=False):
        assert "<aside" not in render_slot(article)


def test_after_paragraph_placement_is_marked_for_the_enhancement_script():
    article = PublishedArticleFactory()
    AfterParagraphPromptFactory(paragraph_number=2)

    html = render_slot(article)

    assert 'data-donation-paragraph="2"' in html
    assert '<script src="/static/js/donations.js" defer></script>' in html
    # Without JavaScript it stays in the slot after the body: the markup is whole.
    assert html.count("<aside") == 1
