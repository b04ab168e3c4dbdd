"""The pages readers and moderators load most keep to their query budgets.

Each page runs an exact number of SQL queries that does not grow with the data behind it: 0, 10
or 200 comments on an article, 1 or 30 articles in a list, 0 or 200 comments in the moderation
queue. The numbers are those of a page served a second time (per-process caches warm, as in
production); timings belong in bench/, never here. When a page's budget changes on purpose,
change its number here and say why in the commit.
"""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from comments.models import Comment, forget_listing
from tests.articles.factories import PublishedArticleFactory, SectionFactory, UserFactory
from tests.comments.factories import ApprovedCommentFactory, PendingCommentFactory
from tests.donations.factories import DonationPromptFactory
from tests.photos.factories import PhotoFactory

pytestmark = pytest.mark.django_db

BROWSER = "Mozilla/5.0 (X11; Linux x86_64; rv:130.0) Gecko/20100101 Firefox/130.0"

# The article page, shared between readers (articles/page_cache.py): the view (+1, read back in
# the same UPDATE … RETURNING, which also checks the page is current) and the donation prompt's
# impression, one statement on PostgreSQL and two in a transaction on SQLite, and the captcha the
# form shows (a batch stored at once, comments/captcha_batch.py: here every request stores one, as
# the test's transaction never commits). When a moderator's decision made the page stale, it is
# rendered again: the article,
# the view, the count of comment threads, the page of threads and all their approved replies
# (one query whatever their number), the impression and the captcha. Sections, the moderation
# policy and the eligible prompts come from the cache. The benchmark's target (bench/run.py,
# ARTICLE_MAX_QUERIES) allows at most 6 on the page served to readers, with any number of
# comments and replies.
ARTICLE_QUERIES = 2 if connection.vendor == "postgresql" else 3
ARTICLE_QUERIES_COMMENTS_COLD = 7
# The lists, served a second time from their shared rendering (articles/list_pages.py): no query
# at all. The first visit renders them: the page of articles (section and author joined), and the
# section itself on its page; the total behind the pagination, the home page's "most read" box
# and the cards' approved-comment counts come from the cache.
HOME_QUERIES = 0
SECTION_QUERIES = 0
# The admin's comment list for a superuser: the user (the session comes from the cache), the
# article filter's choices (the busiest articles, read from the index of pending comments, then
# their titles), the filtered count, the page of comments with their articles, the readers'
# reports of that page. No full count and no date hierarchy: both cost seconds over a million
# comments.
MODERATION_QUERIES = 6


def listing(queries):
    """The SQL a request ran, shown in full when a budget assertion fails."""
    return "\n".join(f"{n}. {sql[:300]}" for n, sql in enumerate(queries, 1))


def statements(captured):
    """The SQL a request ran. Each test runs inside a transaction, so the request's own
    transaction shows as a savepoint, which production does not run: left out."""
    return [
        query["sql"]
        for query in captured.captured_queries
        if not query["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))
    ]


def queries_of(client, url):
    """Queries of the second identical request, and its response."""
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return statements(captured), response


def reader():
    return Client(headers={"user-agent": BROWSER})


def conversations(article, count):
    """`count` approved comments on `article`, a third of them replies (half of those a level
    further down), written in bulk: 10,000 take a second. Returns the number of threads."""

    def approved(n, parent=None):
        comment = Comment(
            article=article, name=f"Lectrice {n}", text=f"Commentaire {n}.", status="approved"
        )
        return parent.place_reply(comment) if parent else comment

    replies = count // 3
    starts = Comment.objects.bulk_create(approved(n) for n in range(count - replies))
    first = Comment.objects.bulk_create(
        approved(n, starts[n]) for n in range(replies - replies // 2)
    )
    Comment.objects.bulk_create(approved(n, first[n]) for n in range(replies // 2))
    forget_listing(article.pk)
    return len(starts)


@pytest.mark.parametrize("comments", [0, 50, 10_000])
def test_the_article_page_runs_the_same_queries_whatever_its_comments(comments):
    DonationPromptFactory()
    article = PublishedArticleFactory(tags=["rivière", "budget"])
    threads = conversations(article, comments)
    PendingCommentFactory.create_batch(3, article=article)
    assert Comment.objects.approved().for_article(article).count() == comments
    assert Comment.objects.filter(article=article, depth=2).exists() is bool(comments)

    warm, response = queries_of(reader(), article.get_absolute_url())
    forget_listing(article.pk)  # as a moderator's decision does
    with CaptureQueriesContext(connection) as cold:
        reader().get(article.get_absolute_url())

    assert len(warm) == ARTICLE_QUERIES, listing(warm)
    assert len(statements(cold)) == ARTICLE_QUERIES_COMMENTS_COLD, listing(statements(cold))
    assert f"{threads} commentaire" in response.content.decode()


def rich_body():
    """Five photos, a gallery of three and two videos (articles/body.py)."""
    photos = PhotoFactory.create_batch(8, image__width=400, image__height=300)
    return (
        "<p>Texte.</p>"
        + "".join(
            f'<figure data-photo="{photo.pk}" data-width="text"></figure>' for photo in photos[:5]
        )
        + f'<figure data-gallery="{",".join(str(photo.pk) for photo in photos[5:])}"></figure>'
        + '<figure data-embed="youtube" data-embed-id="dQw4w9WgXcQ" data-embed-title="A"></figure>'
        + '<figure data-embed="vimeo" data-embed-id="76979871" data-embed-title="B"></figure>'
    )


# The photos of the text are fetched with the page's first rendering, in one query, and kept with
# the rendered text under the article's saved state and the photo library's generation.
@pytest.mark.parametrize("media", [False, True])
def test_the_article_page_runs_the_same_queries_whatever_its_photos_and_videos(media):
    DonationPromptFactory()
    article = PublishedArticleFactory(body=rich_body() if media else "<p>Texte.</p>")

    with CaptureQueriesContext(connection) as first:
        reader().get(article.get_absolute_url())
    # Read at once: the next request empties the connection's log.
    photo_queries = [sql for sql in statements(first) if 'FROM "photos_photo"' in sql]
    warm, response = queries_of(reader(), article.get_absolute_url())
    forget_listing(article.pk)  # as a moderator's decision does
    with CaptureQueriesContext(connection) as cold:
        reader().get(article.get_absolute_url())

    assert len(warm) == ARTICLE_QUERIES, listing(warm)
    assert len(statements(cold)) == ARTICLE_QUERIES_COMMENTS_COLD, listing(statements(cold))
    assert len(photo_queries) == (1 if media else 0), listing(photo_queries)
    page = response.content.decode()
    assert page.count('<img src="/media/CACHE/') == (8 if media else 0)
    assert page.count('class="embed__play"') == (2 if media else 0)


@pytest.mark.parametrize("articles", [1, 30])
def test_the_home_page_runs_the_same_queries_whatever_the_archive(articles):
    authors = UserFactory.create_batch(3)
    for n in range(articles):
        article = PublishedArticleFactory(author=authors[n % 3], tags=["eau"])
        ApprovedCommentFactory.create_batch(2, article=article)

    queries, response = queries_of(reader(), reverse("articles:home"))

    assert len(queries) == HOME_QUERIES, listing(queries)
    # Served from the shared rendering: no template context, the cards are in the page.
    assert response.content.decode().count('<article class="card') == min(articles, 12)


@pytest.mark.parametrize("articles", [1, 30])
def test_the_section_page_runs_the_same_queries_whatever_the_archive(articles):
    section = SectionFactory()
    PublishedArticleFactory.create_batch(articles, section=section)
    PublishedArticleFactory.create_batch(5)  # other sections, not listed

    queries, response = queries_of(reader(), section.get_absolute_url())

    assert len(queries) == SECTION_QUERIES, listing(queries)
    # Served from the shared rendering: no template context, the cards are in the page.
    assert response.content.decode().count('<article class="card') == min(articles, 12)


@pytest.mark.parametrize("comments", [0, 10, 200])
def test_the_moderation_queue_runs_the_same_queries_whatever_its_length(comments, admin_client):
    articles = PublishedArticleFactory.create_batch(3)
    for n in range(comments):
        PendingCommentFactory(article=articles[n % 3])
    ApprovedCommentFactory.create_batch(5, article=articles[0])

    queries, response = queries_of(admin_client, reverse("admin:comments_comment_changelist"))

    # With nothing waiting, there are no articles to name in the filter, and no reports to read.
    assert len(queries) == (MODERATION_QUERIES if comments else MODERATION_QUERIES - 2), listing(
        queries
    )
    assert response.context["cl"].result_count == comments
