"""The list pages shared between readers (articles/list_pages.py).

The front page, section, author and tag pages and the most read are rendered once as a shell
and served to the next readers with their own parts (the form's token, the address the
language switcher returns to, the messages waiting for them) filled in, without a query. These
tests read the pages as readers do, check that nothing of one reader reaches another, and that
every change that shows on a list shows at once.
"""

import datetime
import re

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from articles import list_pages, page_cache
from articles.models import Article
from tests.articles.factories import (
    AuthorProfileFactory,
    EditorFactory,
    InReviewArticleFactory,
    ModeratorFactory,
    PublishedArticleFactory,
    ScheduledArticleFactory,
    SectionFactory,
    StaffUserFactory,
)
from tests.comments.factories import PendingCommentFactory

from .reader import GOOGLEBOT, editor_client, reader_client
from .test_page_cache import give_message

pytestmark = pytest.mark.django_db


def read(url, client=None):
    response = (client or reader_client()).get(url)
    assert response.status_code == 200
    return response.content.decode()


def queries_of(url, client=None):
    """The page and the SQL its request ran."""
    with CaptureQueriesContext(connection) as captured:
        html = read(url, client)
    return html, [query["sql"] for query in captured.captured_queries]


def field_value(html, name):
    match = re.search(rf'name="{name}"[^>]* value="([^"]*)"', html)
    assert match, f"no {name} in the page"
    return match.group(1)


@pytest.fixture
def shells(monkeypatch):
    """The HTML of every shell rendered, in order."""
    rendered = []
    render_shell = page_cache.render_shell

    def keep(*args, **kwargs):
        html = render_shell(*args, **kwargs)
        rendered.append(html)
        return html

    monkeypatch.setattr(page_cache, "render_shell", keep)
    return rendered


@pytest.fixture
def newsroom():
    """A section, an author and a tag, each with a published article, and the addresses of
    their pages and the front page."""
    section = SectionFactory(name="Environnement")
    author = StaffUserFactory(username="claire", first_name="Claire", last_name="Dubois")
    PublishedArticleFactory(
        title="Le barrage en travaux", section=section, author=author, tags=["crue"]
    )
    return {
        "section": section,
        "author": author,
        "pages": {
            "home": reverse("articles:home"),
            "section": section.get_absolute_url(),
            "author": reverse("articles:author", kwargs={"username": "claire"}),
            "tag": reverse("articles:tag", kwargs={"slug": "crue"}),
        },
    }


def warmed(urls):
    """Each page read twice, so that the second reading comes from its shell."""
    for url in urls:
        read(url)
        assert queries_of(url)[1] == [], url


# --- Served from the shell ------------------------------------------------------------------------


LIST_PAGES = ["home", "section", "author", "tag", "most_read", "most_read_day", "home_page_2"]


@pytest.mark.parametrize("page", LIST_PAGES)
def test_a_list_pages_second_visit_runs_no_query(newsroom, page, django_assert_num_queries):
    PublishedArticleFactory.create_batch(12, section=newsroom["section"], tags=["crue"])
    url = {
        **newsroom["pages"],
        "most_read": reverse("articles:most_read"),
        "most_read_day": reverse("articles:most_read") + "?period=day",
        "home_page_2": reverse("articles:home") + "?page=2",
    }[page]
    first = read(url)

    with django_assert_num_queries(0):
        second = read(url)

    assert second == first.replace(
        field_value(first, "csrfmiddlewaretoken"), field_value(second, "csrfmiddlewaretoken")
    )
    assert "nrslot" not in second


def test_a_crawler_gets_the_shared_list_page_too():
    PublishedArticleFactory(title="Le barrage en travaux")
    read(reverse("articles:home"))

    _html, queries = queries_of(reverse("articles:home"))
    crawler_html, crawler_queries = queries_of(
        reverse("articles:home"), Client(headers={"user-agent": GOOGLEBOT})
    )

    assert (queries, crawler_queries) == ([], [])
    assert "Le barrage en travaux" in crawler_html


@pytest.mark.parametrize(
    "query",
    ["?utm_source=lettre", "?page=01", "?page=1&page=1", "?period=day", "?q=barrage"],
)
def test_an_address_with_other_parameters_is_rendered_for_its_reader_alone(query, shells):
    PublishedArticleFactory(title="Le barrage en travaux")
    url = reverse("articles:home") + query
    read(url)

    html, queries = queries_of(url)

    assert shells == []
    assert queries
    assert "Le barrage en travaux" in html
    assert field_value(html, "next") == url.replace("&", "&amp;")


def test_staff_get_list_pages_rendered_for_them(shells):
    PublishedArticleFactory()
    client = editor_client()

    read(reverse("articles:home"), client)

    assert shells == []


# --- Each reader's own parts ----------------------------------------------------------------------


def test_two_readers_of_one_list_shell_each_get_their_own_parts(shells):
    PublishedArticleFactory(title="Le barrage en travaux")
    url = reverse("articles:home")
    first_reader = reader_client(enforce_csrf_checks=True)
    second_reader = reader_client(enforce_csrf_checks=True)
    give_message(first_reader, "Merci pour votre soutien")

    first = read(url, first_reader)
    second, queries = queries_of(url, second_reader)

    [shell] = shells
    assert queries == []
    for name in ("csrf", "path", "messages"):
        assert page_cache.reader_slots()[name].placeholder in shell
    # The message, for the first reader alone, never in the shell.
    assert "Merci pour votre soutien" in first
    assert "Merci pour votre soutien" not in second
    assert "Merci pour votre soutien" not in shell
    # The address the language switcher returns to, each reader's own.
    assert field_value(first, "next") == field_value(second, "next") == url
    # The token of the language switcher's form: one per reader, which only their cookie takes.
    first_token = field_value(first, "csrfmiddlewaretoken")
    second_token = field_value(second, "csrfmiddlewaretoken")
    assert first_token != second_token

    def switch_language(reader, token):
        return reader.post(
            reverse("set_language"),
            {"csrfmiddlewaretoken": token, "language": "en", "next": url},
        )

    assert switch_language(first_reader, second_token).status_code == 403
    assert switch_language(second_reader, first_token).status_code == 403
    assert switch_language(first_reader, first_token).status_code == 302
    assert switch_language(second_reader, second_token).status_code == 302


def test_each_language_and_page_has_its_own_shell(shells):
    PublishedArticleFactory.create_batch(13)
    home = reverse("articles:home")
    with translation.override("en"):
        english_home = reverse("articles:home")

    first = [read(home), read(home + "?page=2"), read(english_home)]
    again = [read(home), read(home + "?page=2"), read(english_home)]

    assert len(shells) == 3
    assert again == [
        page.replace(
            field_value(page, "csrfmiddlewaretoken"), field_value(same, "csrfmiddlewaretoken")
        )
        for page, same in zip(first, again, strict=True)
    ]
    assert 'aria-current="page">Page 1 sur 2' in again[0]
    assert 'aria-current="page">Page 2 sur 2' in again[1]
    assert 'aria-current="page">Page 1 of 2' in again[2]
    assert [field_value(page, "next") for page in again] == [
        home,
        f"{home}?page=2",
        english_home,
    ]


# --- Changes show at once -------------------------------------------------------------------------


def test_a_publication_and_an_unpublication_show_at_once_on_every_list(newsroom):
    editor = EditorFactory()
    article = InReviewArticleFactory(
        title="La crue de mars",
        section=newsroom["section"],
        author=newsroom["author"],
        tags=["crue"],
    )
    pages = newsroom["pages"]
    warmed(pages.values())
    for url in pages.values():
        assert "La crue de mars" not in read(url)

    article.take_step("publish", by=editor)

    for name, url in pages.items():
        assert "La crue de mars" in read(url), name

    article.take_step("unpublish", by=editor)

    for name, url in pages.items():
        assert "La crue de mars" not in read(url), name


def test_an_edited_title_shows_at_once(newsroom):
    article = Article.objects.get(title="Le barrage en travaux")
    warmed(newsroom["pages"].values())

    article.title = "Le barrage rouvert"
    article.save()

    for name, url in newsroom["pages"].items():
        assert "Le barrage rouvert" in read(url), name


def test_a_scheduled_article_appears_when_its_time_comes(newsroom):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        ScheduledArticleFactory(
            title="Le bilan de la crue",
            section=newsroom["section"],
            author=newsroom["author"],
            tags=["crue"],
            published_at=start + datetime.timedelta(seconds=30),
        )
        warmed(newsroom["pages"].values())

    # Just before, still served from the shells, without it.
    with time_machine.travel(start + datetime.timedelta(seconds=29), tick=False):
        for url in newsroom["pages"].values():
            html, queries = queries_of(url)
            assert queries == []
            assert "Le bilan de la crue" not in html

    with time_machine.travel(start + datetime.timedelta(seconds=31), tick=False):
        for name, url in newsroom["pages"].items():
            assert "Le bilan de la crue" in read(url), name


def test_a_scheduled_publication_counts_in_the_pagination_at_once():
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        PublishedArticleFactory.create_batch(12)
        ScheduledArticleFactory(published_at=start + datetime.timedelta(seconds=30))
        home = reverse("articles:home")
        read(home)
        assert "Page 1 sur 2" not in read(home)

    with time_machine.travel(start + datetime.timedelta(seconds=31), tick=False):
        assert "Page 1 sur 2" in read(home)


def test_a_renamed_section_shows_at_once(newsroom):
    warmed(newsroom["pages"].values())

    newsroom["section"].name = "Climat"
    newsroom["section"].save()

    for name, url in newsroom["pages"].items():
        # In the header's navigation of every page, on the cards, and as the section's title.
        assert ">Climat</a>" in read(url), name
    assert "<h1>Climat</h1>" in read(newsroom["pages"]["section"])


def test_an_author_profile_and_name_show_at_once(newsroom):
    url = newsroom["pages"]["author"]
    warmed([url])

    AuthorProfileFactory(user=newsroom["author"], byline="C. Dubois", job_title="Reporter")

    html = read(url)
    assert "Articles de C. Dubois" in html
    assert "Reporter" in html

    newsroom["author"].author_profile.delete()
    read(url)
    newsroom["author"].first_name = "Clara"
    newsroom["author"].save()

    assert "Articles de Clara Dubois" in read(url)


def test_a_login_leaves_the_shared_pages_alone(newsroom, client):
    warmed(newsroom["pages"].values())

    client.force_login(newsroom["author"])
    newsroom["author"].last_login = timezone.now()
    newsroom["author"].save(update_fields=["last_login"])

    for url in newsroom["pages"].values():
        assert queries_of(url)[1] == []


def test_an_approved_comment_counts_on_the_cards_at_once(newsroom):
    article = Article.objects.get(title="Le barrage en travaux")
    comment = PendingCommentFactory(article=article)
    moderator = ModeratorFactory()
    warmed(newsroom["pages"].values())
    for url in newsroom["pages"].values():
        assert "1 commentaire" not in read(url)

    comment.approve(by=moderator)

    for name, url in newsroom["pages"].items():
        assert "1 commentaire" in read(url), name


def test_a_tag_given_or_renamed_shows_at_once(newsroom):
    article = PublishedArticleFactory(title="Les digues", section=newsroom["section"])
    url = newsroom["pages"]["tag"]
    warmed([url])

    article.tags.add("crue")
    html = read(url)
    assert "Les digues" in html

    tag = article.tags.get()
    tag.name = "Crues"
    tag.save()
    assert "Articles sur le thème «\xa0Crues\xa0»" in read(url)


def test_the_most_read_ranking_lags_a_minute_at_most(newsroom):
    slow = PublishedArticleFactory(title="Le marché du samedi")
    fast = PublishedArticleFactory(title="La route coupée")
    Article.count_view(slow.pk)
    home = reverse("articles:home")
    most_read = reverse("articles:most_read")

    def ranking(html, marker):
        part = html[html.index(marker) :]
        return part.index("Le marché du samedi") < part.index("La route coupée")

    start = timezone.now()
    with time_machine.travel(start, tick=False):
        assert ranking(read(home), 'id="most-read-title"')
        assert ranking(read(most_read), "<h1>")
        for _ in range(3):
            Article.count_view(fast.pk)
    with time_machine.travel(start + datetime.timedelta(seconds=30), tick=False):
        # A change elsewhere renders the front page again, with the box kept since `start`.
        newsroom["section"].save()
        assert ranking(read(home), 'id="most-read-title"')
    with time_machine.travel(start + datetime.timedelta(seconds=61), tick=False):
        assert not ranking(read(home), 'id="most-read-title"')
        assert not ranking(read(most_read), "<h1>")


# --- Feeds ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["feed_rss", "feed_atom"])
def test_a_feed_shows_a_publication_at_once_and_answers_304_while_unchanged(newsroom, name):
    editor = EditorFactory()
    article = InReviewArticleFactory(title="La crue de mars", section=newsroom["section"])
    url = reverse(name)
    first = reader_client().get(url)
    unchanged = reader_client().get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert (unchanged.status_code, unchanged.content) == (304, b"")

    article.take_step("publish", by=editor)
    published = reader_client().get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert published.status_code == 200
    assert "La crue de mars" in published.content.decode()
    again = reader_client().get(url, HTTP_IF_NONE_MATCH=published["ETag"])
    assert again.status_code == 304

    article.take_step("unpublish", by=editor)
    unpublished = reader_client().get(url, HTTP_IF_NONE_MATCH=published["ETag"])
    assert unpublished.status_code == 200
    assert "La crue de mars" not in unpublished.content.decode()


def test_a_list_shell_is_kept_per_address_and_language(rf):
    request = rf.get("/", {"page": "2"})
    other = rf.get("/", {"page": "3"})

    assert list_pages.shell_key(request, {"page": list_pages.page_number}) != list_pages.shell_key(
        other, {"page": list_pages.page_number}
    )
    assert (
        list_pages.shell_key(rf.get("/", {"page": "٢"}), {"page": list_pages.page_number}) is None
    )
