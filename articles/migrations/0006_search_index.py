from django.db import migrations

# The weighted document ArticleQuerySet.search() builds, written as PostgreSQL compiles it: the
# planner uses the index only for that same expression (tests/articles/test_search.py checks).
DOCUMENT = (
    "(setweight(to_tsvector('french'::regconfig, COALESCE(title, '')), 'A')"
    " || setweight(to_tsvector('french'::regconfig, COALESCE(standfirst, '')), 'B')"
    " || setweight(to_tsvector('french'::regconfig, COALESCE(body, '')), 'C'))"
)


def create_index(apps, schema_editor):
    # GIN and French stemming are PostgreSQL's; other databases search with a plain match.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS article_search_idx ON articles_article USING gin ({DOCUMENT})"
        )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS article_search_idx")


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0005_unindexed_view_count"),
    ]

    operations = [migrations.RunPython(create_index, drop_index, elidable=False)]
