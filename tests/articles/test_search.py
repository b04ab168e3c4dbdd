import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from tests.articles.factories import (
    ArticleFactory,
    PublishedArticleFactory,
    ScheduledArticleFactory,
)
from tests.photos.factories import PhotoFactory

from .reader import reader_client

pytestmark = pytest.mark.django_db


def search(query, **params):
    response = reader_client().get(reverse("articles:search"), {"q": query, **params})
    assert response.status_code == 200
    return response


def titles(response):
    return {article.title for article in response.context["object_list"]}


@pytest.fixture
def newsroom():
    PublishedArticleFactory(
        title="La passerelle du Moulin rouvre",
        standfirst="Fermée depuis la crue.",
        body="<p>Les commerçants du quai respirent.</p>",
    )
    PublishedArticleFactory(
        title="Sécheresse dans la vallée",
        standfirst="Les agriculteurs partagent l'eau de la rivière.",
        body="<p>Un accord inédit entre les exploitants.</p>",
    )
    PublishedArticleFactory(
        title="Le festival de jazz",
        standfirst="Trois jours de concerts.",
        body="<p>La passerelle servira de scène flottante.</p>",
    )
    ArticleFactory(title="Brouillon sur la passerelle")
    ScheduledArticleFactory(title="La passerelle inaugurée demain")


def test_search_matches_titles_standfirsts_and_bodies_of_published_articles(newsroom):
    assert titles(search("passerelle")) == {
        "La passerelle du Moulin rouvre",
        "Le festival de jazz",
    }
    assert titles(search("agriculteurs")) == {"Sécheresse dans la vallée"}
    assert titles(search("commerçants")) == {"La passerelle du Moulin rouvre"}


def test_every_word_must_match(newsroom):
    assert titles(search("passerelle jazz")) == {"Le festival de jazz"}


def test_search_says_how_many_articles_match(newsroom):
    page = search("passerelle").content.decode()

    assert "2 articles correspondent à «\u00a0passerelle\u00a0»." in page


def test_no_match_answers_a_clear_message(newsroom):
    page = search("hippopotame").content.decode()

    assert "Aucun article ne correspond à «\u00a0hippopotame\u00a0»." in page


@pytest.mark.parametrize("query", ["", "   ", "\t\n"])
def test_an_empty_search_invites_the_reader_to_type(newsroom, query):
    response = search(query)

    assert list(response.context["object_list"]) == []
    assert "Tapez un ou plusieurs mots" in response.content.decode()


def test_the_search_page_without_any_query():
    response = reader_client().get("/recherche/")

    assert response.status_code == 200
    assert "Tapez un ou plusieurs mots" in response.content.decode()


@pytest.mark.parametrize(
    "query",
    [
        "!!!&&&|||",
        "'\"\\;--",
        "a & | ! ( ) : * <-> ''",
        "le la les de",
        "<script>alert(1)</script>",
        "%_%",
        "\u202e\U0001f600 ∑",
        "-passerelle",
        '"passerelle du"',
        "passerelle OR jazz",
    ],
)
def test_garbage_queries_answer_a_page_never_an_error(newsroom, query):
    response = search(query)

    assert "<script>alert(1)</script>" not in response.content.decode()


def test_a_huge_query_is_refused_with_a_message(newsroom):
    response = search("passerelle " * 500)

    page = response.content.decode()
    assert list(response.context["object_list"]) == []
    assert "Votre recherche est trop longue" in page
    assert 'aria-invalid="true"' in page
    assert 'aria-describedby="search-page-q-errors"' in page


def test_a_query_with_a_nul_character_is_refused_with_a_message(newsroom):
    response = search("passe\x00relle")

    assert "des caractères que nous ne savons pas lire" in response.content.decode()


def test_an_out_of_range_page_is_a_404_not_an_error(newsroom):
    response = reader_client().get("/recherche/", {"q": "passerelle", "page": "999"})

    assert response.status_code == 404


def test_pagination_keeps_the_query():
    for number in range(14):
        PublishedArticleFactory(title=f"Marché de Noël {number}")

    first = search("marché").content.decode()
    second = search("marché", page=2)

    assert 'href="?q=march%C3%A9&amp;page=2"' in first
    assert len(second.context["object_list"]) == 2


def test_the_header_search_box_is_a_labelled_get_form_on_every_page():
    page = reader_client().get("/").content.decode()

    assert '<form class="search-form" role="search" action="/recherche/" method="get">' in page
    assert '<label for="site-search">Rechercher dans les articles</label>' in page
    assert 'id="site-search" name="q"' in page


def test_search_query_count_does_not_grow_with_results():
    PublishedArticleFactory(title="Marché couvert")
    # Both from an empty cache: what every page keeps there (the footer's pages) costs the same.
    cache.clear()
    with CaptureQueriesContext(connection) as few:
        search("marché")
    for number in range(11):
        PublishedArticleFactory(title=f"Marché {number}")
    cache.clear()
    with CaptureQueriesContext(connection) as many:
        search("marché")

    assert len(many) == len(few)


@pytest.mark.postgres
def test_postgresql_search_understands_french_word_forms():
    PublishedArticleFactory(
        title="Les chevaux de la ferme",
        body="<p>Les rivières débordent, les agriculteurs s'inquiètent.</p>",
    )

    assert titles(search("cheval")) == {"Les chevaux de la ferme"}
    assert titles(search("rivière")) == {"Les chevaux de la ferme"}
    assert titles(search("agriculteur rivières")) == {"Les chevaux de la ferme"}


def test_headline_matches_come_first():
    in_body = PublishedArticleFactory(
        title="Un concert",
        body="<p>Près de la passerelle, la passerelle et encore la passerelle.</p>",
        published_at=timezone.now() - datetime.timedelta(minutes=1),
    )
    in_title = PublishedArticleFactory(
        title="La passerelle",
        body="<p>Un texte.</p>",
        published_at=timezone.now() - datetime.timedelta(days=3),
    )

    results = list(search("passerelle").context["object_list"])

    assert results == [in_title, in_body]


@pytest.fixture
def drought():
    return PublishedArticleFactory(
        title="Sécheresse dans la vallée",
        standfirst="Les agriculteurs s'organisent.",
        body=(
            '<h2>Un tour d\'eau</h2><p>Voir <a href="https://example.org/charte">la charte</a>.'
            "</p><blockquote><p>Deux ans, c'est long.</p></blockquote><ul><li>31 fermes</li></ul>"
        ),
        photo=PhotoFactory(caption="Le lit de l'Arroux, à la fin de l'été."),
    )


# The same answers on SQLite (FTS5) and PostgreSQL (French full-text search): whatever the case
# and accents, in the headline, standfirst, body and caption, never in the markup.
@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("sécheresse", True),
        ("SÉCHERESSE", True),
        ("secheresse", True),
        ("Sècheresse", True),
        ("AGRICULTEURS", True),
        ("charte", True),
        ("fermes", True),
        ("arroux", True),
        ("ARROUX ÉTÉ", True),
        ("sécheresse hippopotame", False),
        ("h2", False),
        ("href", False),
        ("blockquote", False),
        ("<p>", False),
        ("p", False),
        ("ul li", False),
        ("https", False),
        ("example.org", False),
    ],
)
def test_the_same_queries_find_the_same_articles_on_every_database(drought, query, found):
    assert titles(search(query)) == ({drought.title} if found else set())


def test_the_index_follows_edits_and_deletions(drought):
    drought.title = "Inondations dans la vallée"
    drought.body = "<p>La rivière déborde.</p>"
    drought.save()

    assert titles(search("sécheresse")) == set()
    assert titles(search("inondations déborde")) == {"Inondations dans la vallée"}

    drought.delete()

    assert titles(search("inondations")) == set()


def test_a_view_leaves_the_article_searchable(drought):
    drought.record_view()
    drought.record_view()

    assert titles(search("sécheresse")) == {drought.title}


def test_search_is_a_queryset_method_usable_anywhere(newsroom):
    assert {a.title for a in Article.objects.published().search("jazz")} == {"Le festival de jazz"}
    assert list(Article.objects.search("   ")) == []


@pytest.mark.postgres
def test_postgresql_finds_matches_through_the_search_index():
    """The index must be built on the very document search() builds, or the archive is read
    row by row for every search."""
    PublishedArticleFactory.create_batch(3)
    query = Article.objects.search("conseil municipal")
    sql, params = query.query.sql_with_params()

    with connection.cursor() as cursor:
        # Three articles are too few for the planner to prefer an index on its own.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())

    assert "article_search_idx" in plan
