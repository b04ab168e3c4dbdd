import datetime

import pytest
import reversion
import time_machine
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version

from articles.models import Article
from tests.articles.factories import (
    ArticleFactory,
    AuthorProfileFactory,
    InReviewArticleFactory,
    PublishedArticleFactory,
    ScheduledArticleFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


# --- What readers see ----------------------------------------------------------------------------


def test_published_holds_published_articles_and_nothing_else():
    published = PublishedArticleFactory()
    ArticleFactory()  # draft
    InReviewArticleFactory()
    ScheduledArticleFactory()

    assert list(Article.objects.published()) == [published]


def test_drafts_and_in_review_are_told_apart():
    draft = ArticleFactory()
    in_review = InReviewArticleFactory()
    PublishedArticleFactory()

    assert list(Article.objects.drafts()) == [draft]
    assert list(Article.objects.in_review()) == [in_review]


def test_a_scheduled_article_appears_by_itself_once_its_time_has_come():
    publish_at = timezone.now() + datetime.timedelta(hours=2)
    article = ScheduledArticleFactory(published_at=publish_at)

    assert article not in Article.objects.published()
    assert list(Article.objects.scheduled()) == [article]
    assert article.is_scheduled
    assert not article.is_published

    with time_machine.travel(publish_at - datetime.timedelta(seconds=1)):
        assert article not in Article.objects.published()
    with time_machine.travel(publish_at):
        assert list(Article.objects.published()) == [article]
        assert list(Article.objects.scheduled()) == []
        assert Article.objects.get(pk=article.pk).is_published


def test_published_articles_come_newest_first():
    older = PublishedArticleFactory(published_at=timezone.now() - datetime.timedelta(days=2))
    newer = PublishedArticleFactory(published_at=timezone.now() - datetime.timedelta(hours=1))

    assert list(Article.objects.published()) == [newer, older]


def test_the_database_refuses_a_published_article_without_a_date():
    with pytest.raises(IntegrityError), transaction.atomic():
        ArticleFactory(status=Article.Status.PUBLISHED, published_at=None)


# --- Validation and save --------------------------------------------------------------------------


def test_the_slug_comes_from_the_title_when_empty():
    article = ArticleFactory(title="Fête de la rivière : le programme", slug="")

    assert article.slug == "fete-de-la-riviere-le-programme"
    assert article.get_absolute_url() == "/article/fete-de-la-riviere-le-programme/"


# --- Authors --------------------------------------------------------------------------------------


def test_the_byline_is_the_profile_byline_then_the_full_name_then_the_username():
    user = UserFactory(username="cmercier", first_name="Claire", last_name="Mercier")
    article = ArticleFactory(author=user)
    assert article.byline == "Claire Mercier"

    AuthorProfileFactory(user=user, byline="Claire M.")
    assert Article.objects.get(pk=article.pk).byline == "Claire M."

    nameless = ArticleFactory(author=UserFactory(username="pigiste", first_name="", last_name=""))
    assert nameless.byline == "pigiste"


def test_the_author_page_url_uses_the_username():
    profile = AuthorProfileFactory(user=UserFactory(username="cmercier"))
    article = ArticleFactory(author=profile.user)

    assert profile.get_absolute_url() == reverse("articles:author", kwargs={"username": "cmercier"})
    assert article.get_author_url() == profile.get_absolute_url()
    assert str(profile) == profile.user.get_full_name()


# --- Revisions (the workflow's are in test_workflow.py) -------------------------------------------


def test_reverting_a_revision_brings_back_the_old_title_and_tags():
    article = ArticleFactory(title="Titre d'origine", tags=["eau"])
    with reversion.create_revision():
        article.save()
    article.title = "Titre corrigé"
    article.tags.set(["climat"])
    with reversion.create_revision():
        article.save()

    Version.objects.get_for_object(article).last().revision.revert(delete=True)

    article.refresh_from_db()
    assert article.title == "Titre d'origine"
    assert [tag.name for tag in article.tags.all()] == ["eau"]
