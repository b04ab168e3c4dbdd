"""The article page shared between readers (articles/page_cache.py).

The first reader's visit renders the page with placeholders; the next readers get it from the
cache with their own view count, CSRF token, captcha, form start time, donation prompt and
return address filled in. These tests read the pages as readers do and check that nothing of
one reader reaches another, that a shared page works like a rendered one, and that any change
shows at once.
"""

import datetime
import random
import re

import pytest
import time_machine
from captcha.models import CaptchaStore
from django.contrib.messages import constants as message_levels
from django.contrib.messages.storage.cookie import CookieStorage
from django.db import connection
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles import page_cache
from comments.forms import read_timestamp
from comments.models import Comment, ModerationPolicy
from comments.views import SESSION_KEY
from donations.models import PromptSectionStat
from donations.templatetags import donations as donation_tags
from donations.views import CLICKED_COOKIE
from tests.articles.factories import PublishedArticleFactory, StaffUserFactory
from tests.comments.factories import ApprovedCommentFactory, PendingCommentFactory
from tests.donations.factories import DonationPromptFactory

from .reader import BROWSER, reader_client

pytestmark = pytest.mark.django_db


def read(url, client=None):
    response = (client or reader_client()).get(url)
    assert response.status_code == 200
    return response.content.decode()


def field_value(html, name):
    match = re.search(rf'name="{name}"[^>]* value="([^"]*)"', html)
    assert match, f"no {name} in the page"
    return match.group(1)


def views(html):
    return re.search(r'<span class="article__views">([^<]*)</span>', html).group(1)


def served_from_shell(url, client=None):
    """The page, and whether it came from the shared rendering (no article SELECT)."""
    with CaptureQueriesContext(connection) as queries:
        html = read(url, client)
    selects = [q["sql"] for q in queries if q["sql"].startswith("SELECT")]
    return html, not any("articles_article" in sql for sql in selects)


def csrf_tokens(html):
    return re.findall(r'name="csrfmiddlewaretoken" value="([^"]*)"', html)


@pytest.fixture
def shells(monkeypatch):
    """The HTML of every shell the article page keeps for later readers, in order."""
    stored = []
    store = page_cache.store

    def keep(request, slug, article, html, versions):
        stored.append(html)
        store(request, slug, article, html, versions)

    monkeypatch.setattr(page_cache, "store", keep)
    return stored


# Every part of the article page that belongs to one reader. A new one is declared as a
# page_cache.ReaderSlot, added here and checked in the test after.
READER_SLOTS = {
    "views",
    "path",
    "csrf",
    "captcha",
    "timestamp",
    "donation",
    "messages",
    "own_comments",
}


def test_the_declared_reader_slots_are_the_ones_checked_here():
    assert set(page_cache.reader_slots()) == READER_SLOTS


def test_a_shell_holds_a_placeholder_for_every_reader_slot(shells):
    DonationPromptFactory()
    read(PublishedArticleFactory().get_absolute_url())

    [shell] = shells
    placeholders = [slot.placeholder for slot in page_cache.reader_slots().values()]
    for placeholder in placeholders:
        assert placeholder in shell
    # Nothing else in it looks like a placeholder: an undeclared one would stay on the page.
    assert shell.count("nrslot") == sum(shell.count(placeholder) for placeholder in placeholders)


def give_waiting_comment(client, comment):
    """`client` is the reader who sent `comment`, as the comment view remembers it."""
    session = client.session
    session[SESSION_KEY] = [*session.get(SESSION_KEY, []), comment.pk]
    session.save()


def give_message(client, text):
    """A message waiting for the reader, in the cookie Django's messages keep it in."""
    storage = CookieStorage(RequestFactory().get("/"))
    storage.add(message_levels.SUCCESS, text)
    response = HttpResponse()
    storage.update(response)
    client.cookies[CookieStorage.cookie_name] = response.cookies[CookieStorage.cookie_name].value


def test_two_readers_of_one_shell_each_get_their_own_parts(shells):
    prompt = DonationPromptFactory(heading="Soutenez la rédaction")
    article = PublishedArticleFactory()
    url = article.get_absolute_url()
    first_reader = reader_client(enforce_csrf_checks=True)
    second_reader = reader_client(enforce_csrf_checks=True)
    # The first reader, whose visit renders the shell, sent a comment and has a message waiting.
    give_waiting_comment(
        first_reader, PendingCommentFactory(article=article, text="Mon avis en attente")
    )
    give_message(first_reader, "Merci pour votre commentaire")
    started = timezone.now()

    def impressions():
        return PromptSectionStat.objects.get(prompt=prompt, section=article.section).impressions

    with time_machine.travel(started, tick=False):
        first, first_shared = served_from_shell(f"{url}?utm_source=a", first_reader)
    shown = [impressions()]
    with time_machine.travel(started + datetime.timedelta(seconds=30), tick=False):
        second, second_shared = served_from_shell(f"{url}?utm_source=b", second_reader)
    shown.append(impressions())

    # One rendering, kept for the second reader after it was filled for the first.
    assert len(shells) == 1
    assert (first_shared, second_shared) == (False, True)
    assert "nrslot" not in first
    assert "nrslot" not in second
    # The view count, with each reader's own view.
    assert [views(first), views(second)] == ["1 vue", "2 vues"]
    # The address the language switcher returns to.
    assert field_value(first, "next") == f"{url}?utm_source=a"
    assert field_value(second, "next") == f"{url}?utm_source=b"
    # A captcha challenge of their own, stored.
    keys = [field_value(page, "captcha_0") for page in (first, second)]
    assert keys[0] != keys[1]
    assert CaptchaStore.objects.filter(hashkey__in=keys).count() == 2
    # The form's start time: when each reader was shown the form.
    start_times = [read_timestamp(field_value(page, "timestamp")) for page in (first, second)]
    assert start_times == pytest.approx([started.timestamp(), started.timestamp() + 30], abs=0.01)
    # Their own waiting comment and their message, for the first reader alone, and never in
    # the shell.
    assert "Mon avis en attente" in first
    assert "Merci pour votre commentaire" in first
    for page in (second, shells[0]):
        assert "Mon avis en attente" not in page
        assert "Merci pour votre commentaire" not in page
    # The donation prompt, drawn and counted for each.
    assert "Soutenez la rédaction" in first
    assert "Soutenez la rédaction" in second
    assert shown == [1, 2]
    # The CSRF token of every form on the page: one per reader, which only that reader's
    # cookie accepts.
    [first_token] = set(csrf_tokens(first))
    [second_token] = set(csrf_tokens(second))
    assert first_token != second_token

    def switch_language(reader, token, next_url):
        return reader.post(
            reverse("set_language"),
            {"csrfmiddlewaretoken": token, "language": "fr", "next": next_url},
        )

    assert switch_language(first_reader, second_token, f"{url}?utm_source=a").status_code == 403
    assert switch_language(second_reader, first_token, f"{url}?utm_source=b").status_code == 403
    for reader, token, page in [
        (first_reader, first_token, first),
        (second_reader, second_token, second),
    ]:
        response = switch_language(reader, token, field_value(page, "next"))
        assert response.status_code == 302
        assert response["Location"] == field_value(page, "next")


def test_readers_of_one_shell_each_get_their_own_draw_between_prompts(monkeypatch, shells):
    monkeypatch.setattr(donation_tags, "rng", random.Random(20241105))
    article = PublishedArticleFactory()
    DonationPromptFactory(heading="Rare", weight=1)
    DonationPromptFactory(heading="Fréquent", weight=3)
    url = article.get_absolute_url()

    pages = [read(url) for _ in range(30)]

    assert len(shells) == 1
    shown = {
        heading: sum(f">{heading}</h2>" in page for page in pages)
        for heading in ("Rare", "Fréquent")
    }
    # Both come up (the seed makes it repeatable; either one alone in 30 draws is under 0.02%),
    # and each showing is counted once, for the prompt shown.
    assert shown["Rare"] > 0
    assert shown["Fréquent"] > 0
    assert shown["Rare"] + shown["Fréquent"] == 30
    impressions = PromptSectionStat.objects.filter(section=article.section).values_list(
        "prompt__heading", "impressions"
    )
    assert dict(impressions) == shown


def test_each_reader_gets_their_own_count_token_captcha_and_start_time():
    article = PublishedArticleFactory()
    url = article.get_absolute_url()

    first = read(url)
    second, shared = served_from_shell(url)
    third, _ = served_from_shell(url)

    assert shared
    assert [views(first), views(second), views(third)] == ["1 vue", "2 vues", "3 vues"]
    keys = [field_value(page, "captcha_0") for page in (first, second, third)]
    assert len(set(keys)) == 3
    assert CaptchaStore.objects.filter(hashkey__in=keys).count() == 3
    assert f"/captcha/image/{keys[2]}/" in third
    tokens = [field_value(page, "csrfmiddlewaretoken") for page in (first, second, third)]
    assert len(set(tokens)) == 3
    assert all(read_timestamp(field_value(page, "timestamp")) for page in (first, second, third))
    for page in (first, second, third):
        assert "nrslot" not in page
    article.refresh_from_db()
    assert article.view_count == 3


def test_a_shared_page_is_the_page_a_full_render_gives(settings):
    article = PublishedArticleFactory(tags=["eau"])
    ApprovedCommentFactory.create_batch(3, article=article)
    DonationPromptFactory(heading="Soutenez la rédaction")
    url = article.get_absolute_url()
    read(url)
    shared, from_shell = served_from_shell(url)

    settings.ARTICLE_PAGE_CACHE_SECONDS = 0
    rendered = read(url)

    def without_reader_parts(html):
        for name in ("csrfmiddlewaretoken", "captcha_0", "timestamp"):
            html = html.replace(field_value(html, name), "")
        html = re.sub(r"/captcha/image/\w+/", "", html)
        return html.replace(views(html), "")

    assert from_shell
    assert without_reader_parts(shared) == without_reader_parts(rendered)


def test_a_reader_comments_from_a_shared_page(settings):
    ModerationPolicy.objects.update_or_create(pk=1, defaults={"min_seconds_to_submit": 5})
    article = PublishedArticleFactory()
    url = article.get_absolute_url()
    read(url)
    client = Client(headers={"user-agent": BROWSER}, enforce_csrf_checks=True)
    html, shared = served_from_shell(url, client)
    key = field_value(html, "captcha_0")

    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=30)):
        response = client.post(
            reverse("comments:post", args=[article.pk]),
            {
                "csrfmiddlewaretoken": field_value(html, "csrfmiddlewaretoken"),
                "name": "Inès",
                "text": "Le marché reprend-il samedi ?",
                "captcha_0": key,
                "captcha_1": CaptchaStore.objects.get(hashkey=key).response,
                "timestamp": field_value(html, "timestamp"),
                "website": "",
            },
        )

    assert shared
    assert response.status_code == 302, response.content.decode()[:500]
    comment = Comment.objects.get()
    assert comment.status == Comment.Status.PENDING
    # Now with a session, the reader sees their comment waiting; other readers do not.
    assert "Le marché reprend-il samedi ?" in read(url, client)
    assert "Le marché reprend-il samedi ?" not in read(url)


def test_an_edit_shows_at_once_and_the_count_stays_exact():
    article = PublishedArticleFactory(title="Le pont ferme")
    url = article.get_absolute_url()
    read(url)
    read(url)

    article.title = "Le pont rouvre"
    article.save()
    html, shared = served_from_shell(url)

    assert not shared
    assert "Le pont rouvre" in html
    assert views(html) == "3 vues"
    assert served_from_shell(url)[1]
    article.refresh_from_db()
    assert article.view_count == 4


def test_an_unpublished_article_is_gone_at_once_and_counts_nothing():
    article = PublishedArticleFactory()
    url = article.get_absolute_url()
    read(url)
    read(url)

    article.take_step("unpublish", by=StaffUserFactory(is_superuser=True))

    assert reader_client().get(url).status_code == 404
    article.refresh_from_db()
    assert article.view_count == 2


def test_a_renamed_section_and_closed_comments_show_at_once():
    article = PublishedArticleFactory(section__name="Vie locale")
    url = article.get_absolute_url()
    read(url)
    assert served_from_shell(url)[1]

    article.section.name = "Vallée"
    article.section.save()
    html = read(url)
    assert ">Vallée</a>" in html

    policy = ModerationPolicy.load()
    policy.close_after_days = 1
    policy.save()
    with time_machine.travel(timezone.now() + datetime.timedelta(days=2)):
        html = read(url)
    assert "Les commentaires sont fermés" in html
    assert 'name="captcha_0"' not in html


def test_comments_close_on_time_on_a_shared_page():
    policy = ModerationPolicy.load()
    policy.close_after_days = 1
    policy.save()
    published = timezone.now() - datetime.timedelta(days=1) + datetime.timedelta(minutes=2)
    article = PublishedArticleFactory(published_at=published)
    url = article.get_absolute_url()
    read(url)
    assert 'name="captcha_0"' in served_from_shell(url)[0]

    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=3)):
        html = read(url)

    assert 'name="captcha_0"' not in html
    assert "Les commentaires sont fermés" in html


def test_each_page_of_comments_is_its_own_page(settings):
    settings.COMMENTS_PER_PAGE = 2
    article = PublishedArticleFactory()
    for text in ("Premier avis", "Deuxième avis", "Troisième avis"):
        ApprovedCommentFactory(article=article, text=text)
    url = article.get_absolute_url()

    for _ in range(2):
        first = read(url)
        second = read(f"{url}?comments_page=2")

    assert "Troisième avis" in second
    assert "Troisième avis" not in first


def test_the_language_switcher_returns_each_reader_to_their_own_address():
    article = PublishedArticleFactory()
    url = article.get_absolute_url()
    read(url)

    html, shared = served_from_shell(f'{url}?utm_source=lettre&x="><script>')

    assert shared
    assert field_value(html, "next") == f"{url}?utm_source=lettre&amp;x=%22%3E%3Cscript%3E"
    assert "<script>" not in html.split('name="next"')[1][:200]


def test_english_readers_share_an_english_page():
    article = PublishedArticleFactory()
    url = f"/en/article/{article.slug}/"
    read(url)
    html, shared = served_from_shell(url)

    assert shared
    assert views(html) == "2 views"
    assert '<html lang="en">' in html


def test_each_reader_gets_their_own_draw_of_the_donation_prompt():
    prompt = DonationPromptFactory(heading="Soutenez la rédaction")
    article = PublishedArticleFactory()
    url = article.get_absolute_url()
    read(url)
    html, shared = served_from_shell(url)

    snoozed = reader_client()
    snoozed.cookies[CLICKED_COOKIE] = "1"
    quiet = read(url, snoozed)

    assert shared
    assert "Soutenez la rédaction" in html
    assert "Soutenez la rédaction" not in quiet
    stat = PromptSectionStat.objects.get(prompt=prompt, section=article.section)
    assert stat.impressions == 2


def test_staff_never_get_the_shared_page():
    article = PublishedArticleFactory()
    url = article.get_absolute_url()
    read(url)
    staff = reader_client()
    staff.force_login(StaffUserFactory(is_superuser=True))

    _, shared = served_from_shell(url, staff)

    assert not shared
    article.refresh_from_db()
    assert article.view_count == 2


def test_a_reader_cannot_plant_a_placeholder():
    article = PublishedArticleFactory()
    ApprovedCommentFactory(article=article, text="nrslotviews nrslotcsrf")
    url = article.get_absolute_url()
    read(url)

    assert "nrslotviews nrslotcsrf" in read(url)
    assert page_cache.reader_slots()["views"].placeholder not in read(url)
