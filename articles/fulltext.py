"""Full-text search of articles, on each database's own engine, over text without markup.

What is searched: the headline, the standfirst, the body as plain text (`Article.body_text`,
kept by `Article.save()`) and the photo's caption. Matches ignore case and accents
("SÉCHERESSE", "secheresse" and "sécheresse" are one word), every word typed must match, and
articles whose headline matches come first, then the best matches.

- SQLite: an FTS5 index (`articles_article_search`, tokenizer `unicode61 remove_diacritics 2`)
  over those columns of the article table, kept in step by triggers that fire only when one of
  them changes (a view, which updates the count, never touches it). `install()` creates it; the
  articles app runs it after every `migrate`, because SQLite remakes a table whose columns a
  later migration changes, and its triggers go with it.
- PostgreSQL: French full-text search with stemming ("cheval" finds "chevaux") through the text
  search configuration `newsroom_french` (French, accents removed by `unaccent`). Each article's
  weighted document is kept in its `search_document` column (a column of PostgreSQL's alone,
  not a field of the model) by a trigger that, like SQLite's, fires only when a searched column
  is written; the GIN index `article_search_idx` finds the matches, and ranking reads the stored
  document instead of parsing every matching article again.
"""

import html
import re

from django.db import connections
from django.db.models import BooleanField, ExpressionWrapper, F, FloatField, Func, Q, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce

TABLE = "articles_article"
FTS_TABLE = "articles_article_search"
#: The searched columns, in the order of the FTS5 index and of their ranking weights.
COLUMNS = ("title", "standfirst", "body_text", "captions")
#: How much a match in each column counts (bm25 on SQLite; A–D weights on PostgreSQL).
WEIGHTS = (10.0, 4.0, 1.0, 2.0)
POSTGRES_WEIGHTS = ("A", "B", "C", "B")
CONFIG = "newsroom_french"


def postgresql_document(row=""):
    """The weighted document of an article, as SQL over its columns (prefixed with `row`)."""
    return " || ".join(
        f"setweight(to_tsvector('{CONFIG}'::regconfig, COALESCE({row}{column}, '')), '{weight}')"
        for column, weight in zip(COLUMNS, POSTGRES_WEIGHTS, strict=True)
    )


_TAG = re.compile(r"<[^>]*>")
_SPACE = re.compile(r"\s+")


def plain_text(markup):
    """The words of sanitised HTML, without its markup: each tag becomes a space, so that
    "<p>eau</p><p>feu</p>" is two words, and entities are decoded."""
    return _SPACE.sub(" ", html.unescape(_TAG.sub(" ", markup or ""))).strip()


def search(queryset, text):
    """`queryset` narrowed to the articles matching every word of `text`, best first."""
    words = text.split()
    if not words:
        return queryset.none()
    vendor = connections[queryset.db].vendor
    if vendor == "postgresql":
        return _postgresql(queryset, text)
    if vendor == "sqlite":
        return _sqlite(queryset, words)
    return _anywhere(queryset, words)


def _on_stored_document(template, text, output_field):
    """SQL of this module over the stored document and the reader's query, which is only ever a
    parameter."""
    sql = template.format(
        document=f"{TABLE}.search_document",
        query=f"websearch_to_tsquery('{CONFIG}'::regconfig, %s)",
    )
    return RawSQL(sql, [text], output_field)  # noqa: S611


def _postgresql(queryset, text):
    return (
        queryset.filter(_on_stored_document("{document} @@ {query}", text, BooleanField()))
        .annotate(
            # The headline's words are those of weight A in the stored document.
            headline_match=_on_stored_document(
                "ts_filter({document}, '{{a}}') @@ {query}", text, BooleanField()
            ),
            search_rank=_on_stored_document("ts_rank({document}, {query})", text, FloatField()),
        )
        .order_by("-headline_match", "-search_rank", "-published_at")
    )


class BM25(Func):
    """FTS5's relevance of the matched article, weighted per column: lower is better."""

    function = "bm25"
    output_field = FloatField()

    def __init__(self, weights):
        super().__init__(F("search_entry__document"), *(Value(weight) for weight in weights))


def fts5_query(words):
    """Every word as an FTS5 string: nothing a reader types is read as FTS5 syntax."""
    return " ".join('"{}"'.format(word.replace('"', '""')) for word in words)


def _sqlite(queryset, words):
    headline_only = (1.0,) + (0.0,) * (len(COLUMNS) - 1)
    return (
        queryset.filter(search_entry__document__match=fts5_query(words))
        .annotate(
            # bm25 is negative for a match in a weighted column, and 0 without one.
            headline_rank=Coalesce(BM25(headline_only), Value(0.0)),
            search_rank=BM25(WEIGHTS),
        )
        .annotate(
            headline_match=ExpressionWrapper(Q(headline_rank__lt=0), BooleanField()),
        )
        .order_by("-headline_match", "search_rank", "-published_at")
    )


def _anywhere(queryset, words):
    # Other databases: every word somewhere in the searched columns, case-insensitively.
    match = Q()
    for word in words:
        match &= Q(*(Q(**{f"{column}__icontains": word}) for column in COLUMNS), _connector=Q.OR)
    return queryset.filter(match)


# --- SQLite's FTS5 index ---------------------------------------------------------------------

# Every name below is one of this module's constants: nothing here comes from a reader.
_COLUMN_LIST = ", ".join(COLUMNS)
_NEW = ", ".join(f"new.{column}" for column in COLUMNS)
_OLD = ", ".join(f"old.{column}" for column in COLUMNS)
SQLITE_SCHEMA = {
    "table": (
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5({_COLUMN_LIST}, "
        f"content='{TABLE}', content_rowid='id', tokenize='unicode61 remove_diacritics 2')"
    ),
    "insert": (
        f"CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_insert AFTER INSERT ON {TABLE} BEGIN "  # noqa: S608
        f"INSERT INTO {FTS_TABLE}(rowid, {_COLUMN_LIST}) VALUES (new.id, {_NEW}); END"
    ),
    "delete": (
        f"CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_delete AFTER DELETE ON {TABLE} BEGIN "  # noqa: S608
        f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, {_COLUMN_LIST}) "
        f"VALUES ('delete', old.id, {_OLD}); END"
    ),
    # Only when a searched column is written: a view, which updates the count, costs nothing.
    "update": (
        f"CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_update AFTER UPDATE OF {_COLUMN_LIST} "  # noqa: S608
        f"ON {TABLE} BEGIN "
        f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, {_COLUMN_LIST}) "
        f"VALUES ('delete', old.id, {_OLD}); "
        f"INSERT INTO {FTS_TABLE}(rowid, {_COLUMN_LIST}) VALUES (new.id, {_NEW}); END"
    ),
}


def install(connection):
    """Make the SQLite index and its triggers where they are missing, and fill the index when
    anything was missing (the articles written meanwhile would be absent from it). Does nothing
    on other databases, or when everything is in place."""
    if connection.vendor != "sqlite":
        return False
    names = [FTS_TABLE, *(f"{FTS_TABLE}_{event}" for event in ("insert", "delete", "update"))]
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM sqlite_master WHERE name IN (%s, %s, %s, %s)", names)
        if cursor.fetchone()[0] == len(names):
            return False
        for statement in SQLITE_SCHEMA.values():
            cursor.execute(statement)
        cursor.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')")  # noqa: S608
    return True


def uninstall(connection):
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        for event in ("insert", "delete", "update"):
            cursor.execute(f"DROP TRIGGER IF EXISTS {FTS_TABLE}_{event}")
        cursor.execute(f"DROP TABLE IF EXISTS {FTS_TABLE}")


# --- PostgreSQL's stored document --------------------------------------------------------------

POSTGRESQL_SCHEMA = [
    f"ALTER TABLE {TABLE} ADD COLUMN search_document tsvector",
    f"UPDATE {TABLE} SET search_document = {postgresql_document()}",  # noqa: S608
    f"CREATE FUNCTION {TABLE}_search_document() RETURNS trigger LANGUAGE plpgsql AS $$ "
    f"BEGIN NEW.search_document := {postgresql_document('NEW.')}; RETURN NEW; END $$",
    # Only when a searched column is written: a view, which updates the count, costs nothing.
    f"CREATE TRIGGER {TABLE}_search_document BEFORE INSERT OR UPDATE OF {_COLUMN_LIST} "
    f"ON {TABLE} FOR EACH ROW EXECUTE FUNCTION {TABLE}_search_document()",
    f"CREATE INDEX article_search_idx ON {TABLE} USING gin (search_document)",
]
POSTGRESQL_REMOVAL = [
    "DROP INDEX IF EXISTS article_search_idx",
    f"DROP TRIGGER IF EXISTS {TABLE}_search_document ON {TABLE}",
    f"DROP FUNCTION IF EXISTS {TABLE}_search_document()",
    f"ALTER TABLE {TABLE} DROP COLUMN IF EXISTS search_document",
]
