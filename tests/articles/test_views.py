import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from articles.models import Article
from tests.articles.factories import (
    ArticleFactory,
    InReviewArticleFactory,
    PublishedArticleFactory,
    ScheduledArticleFactory,
    SectionFactory,
    StaffUserFactory,
    UserFactory,
)

from .reader import editor_client, reader_client

pytestmark = pytest.mark.django_db


def ago(**kwargs):
    return timezone.now() - datetime.timedelta(**kwargs)


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


# --- Home ------------------------------------------------------------------------------------


def test_home_leads_with_the_newest_article_then_the_latest():
    older = PublishedArticleFactory(title="La foire aux vins", published_at=ago(days=2))
    newest = PublishedArticleFactory(title="Le pont rouvre", published_at=ago(hours=1))
    ArticleFactory(title="Brouillon secret")
    ScheduledArticleFactory(title="Annonce de demain")

    response = reader_client().get("/")

    page = response.content.decode()
    assert list(response.context["object_list"]) == [newest, older]
    assert 'class="card card--lead"' in page
    assert page.index("Le pont rouvre") < page.index("La foire aux vins")
    assert "Brouillon secret" not in page
    assert "Annonce de demain" not in page


def test_home_is_paginated_and_only_the_first_page_has_a_lead():
    for hours in range(14):
        PublishedArticleFactory(title=f"Dépêche {hours}", published_at=ago(hours=hours + 1))

    first = reader_client().get("/")
    second = reader_client().get("/?page=2")

    assert len(first.context["object_list"]) == 12
    assert [a.title for a in second.context["object_list"]] == ["Dépêche 12", "Dépêche 13"]
    assert "card--lead" in first.content.decode()
    assert "card--lead" not in second.content.decode()
    assert 'href="?page=2"' in first.content.decode()
    assert "Page 2 sur 2" in second.content.decode()


def test_an_empty_newsroom_says_so():
    response = reader_client().get("/")

    assert "Aucun article n'a encore été publié." in response.content.decode()


# --- Section, author and tag pages --------------------------------------------------------------


def test_section_page_lists_only_its_published_articles():
    culture = SectionFactory(name="Culture", slug="culture")
    mine = PublishedArticleFactory(section=culture, title="Le festival ouvre")
    PublishedArticleFactory(title="Ailleurs")
    ArticleFactory(section=culture, title="Brouillon culturel")

    response = reader_client().get("/rubrique/culture/")

    assert list(response.context["object_list"]) == [mine]
    assert "<h1>Culture</h1>" in response.content.decode()
    assert reader_client().get("/rubrique/inconnue/").status_code == 404


def test_author_page_lists_their_published_articles():
    author = StaffUserFactory(username="claire", first_name="Claire", last_name="Mercier")
    theirs = PublishedArticleFactory(author=author, title="Enquête sur l'eau")
    ArticleFactory(author=author, title="Leur brouillon")
    PublishedArticleFactory(title="Un autre auteur")

    url = reverse("articles:author", kwargs={"username": "claire"})
    response = reader_client().get(url)

    assert url == "/auteur/claire/"
    assert list(response.context["object_list"]) == [theirs]
    assert "Articles de Claire Mercier" in response.content.decode()


def test_people_without_a_published_article_have_no_author_page():
    StaffUserFactory(username="stagiaire")
    ArticleFactory(author=UserFactory(username="redacteur"))

    assert reader_client().get("/auteur/stagiaire/").status_code == 404
    assert reader_client().get("/auteur/redacteur/").status_code == 404
    assert reader_client().get("/auteur/personne/").status_code == 404


def test_tag_page_lists_published_articles_with_that_tag():
    tagged = PublishedArticleFactory(title="La passerelle", tags=["mobilité"])
    PublishedArticleFactory(title="Sans mot-clé")
    ArticleFactory(title="Brouillon tagué", tags=["mobilité"])

    url = reverse("articles:tag", kwargs={"slug": "mobilité"})
    response = reader_client().get(url)

    assert url == "/mot-cle/mobilit%C3%A9/"
    assert list(response.context["object_list"]) == [tagged]
    assert "Articles sur le thème «\u00a0mobilité\u00a0»" in response.content.decode()
    assert reader_client().get("/mot-cle/inconnu/").status_code == 404


def test_reader_urls_are_translated():
    with translation.override("en"):
        assert reverse("articles:author", kwargs={"username": "claire"}) == "/en/author/claire/"
        assert reverse("articles:tag", kwargs={"slug": "eau"}) == "/en/tag/eau/"
        assert reverse("articles:search") == "/en/search/"
        assert reverse("articles:most_read") == "/en/most-read/"
    with translation.override("fr"):
        assert reverse("articles:search") == "/recherche/"
        assert reverse("articles:most_read") == "/les-plus-lus/"


# --- Most read -----------------------------------------------------------------------------------


def test_most_read_ranks_this_weeks_articles_by_views():
    PublishedArticleFactory(title="Ancien succès", published_at=ago(days=30), view_count=9000)
    quiet = PublishedArticleFactory(title="Discret", published_at=ago(days=3), view_count=10)
    hit = PublishedArticleFactory(title="Succès", published_at=ago(days=2), view_count=500)
    today = PublishedArticleFactory(title="Du jour", published_at=ago(hours=2), view_count=40)
    ScheduledArticleFactory(title="Pas encore", view_count=0)

    week = reader_client().get("/les-plus-lus/")
    day = reader_client().get("/les-plus-lus/?period=day")
    nonsense = reader_client().get("/les-plus-lus/?period=<script>")

    assert list(week.context["object_list"]) == [hit, today, quiet]
    assert list(day.context["object_list"]) == [today]
    assert list(nonsense.context["object_list"]) == [hit, today, quiet]


def test_home_shows_the_most_read_of_the_week():
    PublishedArticleFactory(title="Peu lu", view_count=1)
    PublishedArticleFactory(title="Très lu", view_count=700)

    page = reader_client().get("/").content.decode()

    box = page[page.index("Les plus lus de la semaine") :]
    assert box.index("Très lu") < box.index("Peu lu")


# --- Query counts stay flat as content grows ------------------------------------------------------


@pytest.mark.parametrize(
    "url", ["/", "/rubrique/culture/", "/auteur/claire/", "/mot-cle/eau/", "/les-plus-lus/"]
)
def test_list_pages_cost_the_same_number_of_queries_with_1_or_12_articles(url):
    section = SectionFactory(name="Culture", slug="culture")
    author = StaffUserFactory(username="claire")

    def add_articles(number):
        for _ in range(number):
            PublishedArticleFactory(
                section=section, author=author, tags=["eau"], published_at=ago(hours=1)
            )
        # A fresh byline and section for each article, too: they must come in the same query.
        PublishedArticleFactory(section=SectionFactory(), tags=["eau"])

    # What every page reads once and keeps in the cache (the footer's pages) is read first.
    reader_client().get(url)
    add_articles(1)
    few = count_queries(reader_client(), url)
    add_articles(11)
    many = count_queries(reader_client(), url)

    assert many == few


# --- Scheduled articles and drafts ---------------------------------------------------------------


def test_a_scheduled_article_appears_by_itself_once_its_time_has_come():
    publication = timezone.now() + datetime.timedelta(hours=2)
    article = ScheduledArticleFactory(title="Le budget voté", published_at=publication)
    url = article.get_absolute_url()

    assert reader_client().get(url).status_code == 404
    assert "Le budget voté" not in reader_client().get("/").content.decode()

    with time_machine.travel(publication + datetime.timedelta(minutes=1)):
        assert reader_client().get(url).status_code == 200
        assert "Le budget voté" in reader_client().get("/").content.decode()
        section_page = reader_client().get(article.section.get_absolute_url())
        assert "Le budget voté" in section_page.content.decode()


@pytest.mark.parametrize(
    "factory", [ArticleFactory, InReviewArticleFactory, ScheduledArticleFactory]
)
def test_unpublished_articles_are_404_to_readers(factory):
    article = factory()

    response = reader_client().get(article.get_absolute_url())

    assert response.status_code == 404


def test_staff_without_the_right_to_edit_articles_get_a_404_too():
    article = ArticleFactory()
    client = reader_client()
    client.force_login(StaffUserFactory())

    assert client.get(article.get_absolute_url()).status_code == 404


@pytest.mark.parametrize(
    ("factory", "banner"),
    [
        (ArticleFactory, "Statut\u00a0: "),
        (InReviewArticleFactory, "Statut\u00a0: "),
        (ScheduledArticleFactory, "Publication programmée le "),
    ],
)
def test_editors_preview_unpublished_articles_with_a_banner(factory, banner):
    article = factory(title="Avant-première")

    response = editor_client().get(article.get_absolute_url())

    page = response.content.decode()
    assert response.status_code == 200
    assert response.context["is_preview"] is True
    assert 'class="preview-banner' in page
    assert banner in page
    assert "Avant-première" in page
    assert '<meta name="robots" content="noindex, nofollow">' in page
    assert "no-store" in response["Cache-Control"]


def test_a_published_article_has_no_preview_banner_even_for_editors():
    article = PublishedArticleFactory()

    for client in (reader_client(), editor_client()):
        response = client.get(article.get_absolute_url())
        assert response.context["is_preview"] is False
        assert "preview-banner" not in response.content.decode()
        assert "noindex" not in response.content.decode()


# --- The article page -----------------------------------------------------------------------------


def test_article_page_shows_the_article():
    author = StaffUserFactory(username="claire", first_name="Claire", last_name="Mercier")
    article = PublishedArticleFactory(
        title="La passerelle rouvre",
        standfirst="Après deux ans de travaux.",
        body="<p>Samedi matin, une petite foule attendait.</p>",
        author=author,
        published_at=datetime.datetime(2026, 3, 5, 14, 30, tzinfo=datetime.UTC),
        tags=["travaux", "mobilité"],
    )

    response = reader_client().get(article.get_absolute_url())

    page = response.content.decode()
    assert '<h1 class="article__title">La passerelle rouvre</h1>' in page
    assert '<p class="article__standfirst">Après deux ans de travaux.</p>' in page
    assert 'Par <a href="/auteur/claire/" rel="author">Claire Mercier</a>' in page
    # Paris time, French month names.
    assert '<time datetime="2026-03-05T15:30:00+01:00">5 mars 2026 15:30</time>' in page
    assert "<p>Samedi matin, une petite foule attendait.</p>" in page
    assert '<a href="/mot-cle/travaux/" rel="tag">travaux</a>' in page
    assert '<a href="/mot-cle/mobilit%C3%A9/" rel="tag">mobilité</a>' in page


def test_article_page_in_english():
    article = PublishedArticleFactory(
        published_at=datetime.datetime(2026, 3, 5, 14, 30, tzinfo=datetime.UTC), view_count=1233
    )

    with translation.override("en"):
        url = article.get_absolute_url()
    response = reader_client().get(url)

    page = response.content.decode()
    assert url.startswith("/en/article/")
    assert "March 5, 2026" in page
    assert "1,234 views" in page


def test_article_page_shows_the_photo_with_its_caption_and_credit():
    article = PublishedArticleFactory(with_image=True)

    page = reader_client().get(article.get_absolute_url()).content.decode()

    assert "<figure" in page
    assert 'alt="Une rivière au lever du jour"' in page
    assert "La rivière en amont du bourg." in page
    assert "Claire Mercier" in page


def test_article_body_comes_from_the_cache_until_the_article_changes():
    article = PublishedArticleFactory(body="<p>Première version.</p>")
    url = article.get_absolute_url()
    reader_client().get(url)

    # A change that bypasses save() leaves updated_at alone: the cached body is still served.
    Article.objects.filter(pk=article.pk).update(body="<p>Changée en douce.</p>")
    assert "Première version." in reader_client().get(url).content.decode()

    # An edit saved by a journalist changes updated_at, hence the cache key: shown at once.
    article.refresh_from_db()
    article.body = "<p>Deuxième version.</p>"
    article.save()
    page = reader_client().get(url).content.decode()
    assert "Deuxième version." in page
    assert "Première version." not in page


@pytest.mark.parametrize("count", [10, 200])
def test_article_page_costs_the_same_queries_with_0_10_or_200_comments_and_tags(count):
    from tests.comments.factories import ApprovedCommentFactory

    bare = PublishedArticleFactory()
    busy = PublishedArticleFactory(tags=[f"mot-{n}" for n in range(count)])
    ApprovedCommentFactory.create_batch(count, article=busy)

    # Settle one-off work (the comments app creates its settings row on first use) first.
    reader_client().get(PublishedArticleFactory().get_absolute_url())
    # Both are first visits (the body fragment is not cached yet), like a reader's first view.
    assert count_queries(reader_client(), busy.get_absolute_url()) == count_queries(
        reader_client(), bare.get_absolute_url()
    )


def test_article_page_served_from_cache_needs_few_queries():
    article = PublishedArticleFactory(tags=["eau", "climat"])
    url = article.get_absolute_url()
    reader_client().get(url)

    with CaptureQueriesContext(connection) as queries:
        reader_client().get(url)

    articles_queries = [q["sql"] for q in queries if "articles_article" in q["sql"]]
    tag_queries = [q["sql"] for q in queries if "taggit" in q["sql"]]
    # The view's UPDATE, which checks the page is current and returns the live count.
    assert len(articles_queries) == 1
    assert tag_queries == []


def test_a_full_render_takes_the_body_and_its_tags_from_the_cache(settings):
    settings.ARTICLE_PAGE_CACHE_SECONDS = 0
    article = PublishedArticleFactory(tags=["eau", "climat"])
    url = article.get_absolute_url()
    reader_client().get(url)

    with CaptureQueriesContext(connection) as queries:
        page = reader_client().get(url).content.decode()

    articles_queries = [q["sql"] for q in queries if "articles_article" in q["sql"]]
    tag_queries = [q["sql"] for q in queries if "taggit" in q["sql"]]
    # The article with its section and author; the view's UPDATE, which returns the live count.
    assert len(articles_queries) == 2
    assert tag_queries == []
    assert 'rel="tag">climat</a>' in page


def test_author_page_shows_the_authors_profile():
    from tests.articles.factories import AuthorProfileFactory

    profile = AuthorProfileFactory(
        user__username="claire",
        byline="Claire M.",
        job_title="Reporter environnement",
        bio="Elle suit la rivière depuis dix ans.",
    )
    PublishedArticleFactory(author=profile.user)

    page = reader_client().get("/auteur/claire/").content.decode()

    assert "<h1>Articles de Claire M.</h1>" in page
    assert "Reporter environnement" in page
    assert "<p>Elle suit la rivière depuis dix ans.</p>" in page
