from functools import partial

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from articles.models import Article
from tests.articles.factories import (
    ArticleFactory,
    PublishedArticleFactory,
    ScheduledArticleFactory,
    StaffUserFactory,
)
from tests.harness import at_once

from .reader import BROWSER, GOOGLEBOT, editor_client, reader_client

pytestmark = pytest.mark.django_db


def views_of(article):
    return Article.objects.values_list("view_count", flat=True).get(pk=article.pk)


def test_each_reader_view_adds_exactly_one_reloads_included():
    article = PublishedArticleFactory()
    client = reader_client()

    for _ in range(3):
        client.get(article.get_absolute_url())

    assert views_of(article) == 3


def test_the_page_shows_the_live_count_including_this_view_in_french():
    article = PublishedArticleFactory(view_count=1233)

    response = reader_client().get(article.get_absolute_url())

    assert '<span class="article__views">1\u202f234 vues</span>' in response.content.decode()
    assert views_of(article) == 1234


def test_the_count_is_read_live_not_from_the_cached_page():
    article = PublishedArticleFactory()
    url = article.get_absolute_url()
    reader_client().get(url)
    # Views recorded elsewhere meanwhile (another process, another server).
    Article.objects.filter(pk=article.pk).update(view_count=41)

    response = reader_client().get(url)

    assert '<span class="article__views">42 vues</span>' in response.content.decode()


# The page shows the count after this visit's own view: stored + 1.
@pytest.mark.parametrize(
    ("language", "stored", "shown"),
    [
        ("fr", 0, "1 vue"),
        ("fr", 1, "2 vues"),
        ("fr", 1233, "1\u202f234 vues"),
        ("fr", 999_999, "1\u202f000\u202f000 vues"),
        ("en", 0, "1 view"),
        ("en", 1233, "1,234 views"),
    ],
)
def test_the_count_is_localised(language, stored, shown):
    article = PublishedArticleFactory(view_count=stored)
    with translation.override(language):
        url = article.get_absolute_url()

    page = reader_client().get(url).content.decode()

    assert f'<span class="article__views">{shown}</span>' in page


@pytest.mark.parametrize(
    "user_agent",
    [
        GOOGLEBOT,
        "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
        "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
        "curl/8.5.0",
        "python-requests/2.32.3",
        "",
    ],
)
def test_crawlers_bots_and_scripts_do_not_count(user_agent):
    article = PublishedArticleFactory()

    response = Client(headers={"user-agent": user_agent}).get(article.get_absolute_url())

    assert response.status_code == 200
    assert views_of(article) == 0


def test_a_browser_counts():
    article = PublishedArticleFactory()

    Client(headers={"user-agent": BROWSER}).get(article.get_absolute_url())

    assert views_of(article) == 1


def test_head_requests_do_not_count():
    article = PublishedArticleFactory()

    response = reader_client().head(article.get_absolute_url())

    assert response.status_code == 200
    assert views_of(article) == 0


def test_staff_previews_do_not_count():
    draft = ArticleFactory()
    scheduled = ScheduledArticleFactory()
    client = editor_client()

    for article in (draft, scheduled):
        assert client.get(article.get_absolute_url()).status_code == 200

    assert views_of(draft) == 0
    assert views_of(scheduled) == 0


def test_staff_reading_a_published_article_count_like_any_reader():
    article = PublishedArticleFactory()
    client = reader_client()
    client.force_login(StaffUserFactory())

    client.get(article.get_absolute_url())

    assert views_of(article) == 1


def test_refused_requests_do_not_count():
    draft = ArticleFactory()

    assert reader_client().get(draft.get_absolute_url()).status_code == 404
    assert views_of(draft) == 0


def test_a_view_writes_only_the_count():
    article = PublishedArticleFactory()

    with CaptureQueriesContext(connection) as queries:
        reader_client().get(article.get_absolute_url())

    writes = [q["sql"] for q in queries if q["sql"].startswith("UPDATE") and "articles" in q["sql"]]
    assert len(writes) == 1
    assert writes[0].startswith(
        'UPDATE "articles_article" SET view_count = view_count + 1 WHERE id = '
    )


def test_a_view_never_overwrites_an_editors_concurrent_change():
    article = PublishedArticleFactory(title="Titre d'origine", view_count=10)
    # The reader's request has loaded the article...
    readers_copy = Article.objects.get(pk=article.pk)
    # ...when an editor saves a correction...
    editors_copy = Article.objects.get(pk=article.pk)
    editors_copy.title = "Titre corrigé"
    editors_copy.save()
    # ...and only then is the view recorded.
    readers_copy.record_view()

    article.refresh_from_db()
    assert article.title == "Titre corrigé"
    assert article.view_count == 11


def test_a_view_through_the_page_keeps_an_editors_change():
    article = PublishedArticleFactory(title="Titre d'origine")
    Article.objects.filter(pk=article.pk).update(title="Titre corrigé")

    reader_client().get(article.get_absolute_url())

    article.refresh_from_db()
    assert article.title == "Titre corrigé"
    assert article.view_count == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.xdist_group("many_connections")
def test_fifty_concurrent_readers_add_exactly_fifty_views():
    article = PublishedArticleFactory()
    url = article.get_absolute_url()
    readers = [reader_client() for _ in range(50)]

    responses = at_once(partial(reader.get, url) for reader in readers)

    assert [response.status_code for response in responses] == [200] * 50
    assert views_of(article) == 50


def test_an_editors_save_never_writes_back_a_stale_view_count():
    article = PublishedArticleFactory()
    editors_copy = Article.objects.get(pk=article.pk)
    for _ in range(3):
        article.record_view()

    editors_copy.title = "Titre corrigé"
    editors_copy.save()

    article.refresh_from_db()
    assert article.title == "Titre corrigé"
    assert article.view_count == 3


def test_no_index_covers_the_view_count():
    """Every view updates the count: were it indexed, PostgreSQL would add an entry to each of
    the table's indexes on every view instead of updating the row in place."""
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, Article._meta.db_table)

    indexed = [
        name for name, c in constraints.items() if c["index"] and "view_count" in c["columns"]
    ]
    assert indexed == []
