"""Who created, submitted, published, unpublished or sent back an article, and who approved or
rejected a comment, with when: recorded by the model methods, shown in the admin."""

import html

import pytest
from django.core.management import call_command
from django.urls import reverse

from articles.models import Article, ArticleEvent
from comments.models import Comment
from tests.articles.factories import ArticleFactory

pytestmark = pytest.mark.django_db

A = ArticleEvent.Action


def trail(article):
    return [(event.action, event.actor) for event in reversed(article.events.all())]


def test_every_workflow_step_is_recorded_with_who(client, people):
    claire, hugo = people["journalist"], people["editor"]
    client.force_login(claire)
    client.post(
        reverse("admin:articles_article_add"),
        {
            "title": "Conseil municipal",
            "slug": "conseil-municipal",
            "section": ArticleFactory().section_id,
            "body": "<p>Texte.</p>",
            "comments_open": "on",
            "language": "fr",
        },
    )
    article = Article.objects.get(slug="conseil-municipal")
    article.take_step("submit_for_review", by=claire)
    article.take_step("send_back", by=hugo, note="Ajoutez le vote du budget.")
    article.take_step("submit_for_review", by=claire)
    article.take_step("publish", by=hugo)
    article.take_step("unpublish", by=hugo)

    assert trail(article) == [
        (A.CREATED, claire),
        (A.SUBMITTED, claire),
        (A.SENT_BACK, hugo),
        (A.SUBMITTED, claire),
        (A.PUBLISHED, hugo),
        (A.UNPUBLISHED, hugo),
    ]
    assert article.events.get(action=A.SENT_BACK).note == "Ajoutez le vote du budget."


def test_a_restored_revision_is_recorded(client, people):
    import reversion
    from reversion.models import Version

    article = ArticleFactory(title="Avant")
    with reversion.create_revision():
        article.save()
    article.title = "Après"
    with reversion.create_revision():
        article.save()
    oldest = Version.objects.get_for_object(article).last()
    client.force_login(people["editor"])
    from .test_matrix import article_data

    client.post(
        reverse("admin:articles_article_revision", args=[article.pk, oldest.pk]),
        article_data(article, title="Avant", version_token=""),
    )

    event = article.events.get()
    assert (event.action, event.actor) == (A.RESTORED, people["editor"])
    assert event.note.startswith("La version enregistrée le ")


def test_the_demo_articles_trail_is_in_its_change_form(client):
    call_command("load_demo")
    article = Article.objects.get(slug="la-passerelle-du-moulin-rouvre-apres-deux-ans-de-travaux")
    client.login(username="hugo", password="demo-hugo-2024")

    page = html.unescape(
        client.get(reverse("admin:articles_article_change", args=[article.pk])).content.decode()
    )

    start = page.index('class="article-audit-trail"')
    table = page[start : page.index("</table>", start)]
    assert table.index("Créé") < table.index("Soumis pour relecture") < table.index("Publié")
    assert table.count("Claire Mercier") == 2
    assert table.count("Hugo Lambert") == 1


def test_the_demo_comments_moderator_and_time_are_in_the_admin(client):
    call_command("load_demo")
    comment = Comment.objects.approved().select_related("moderated_by").first()
    client.login(username="nadia", password="demo-nadia-2024")

    page = client.get(reverse("admin:comments_comment_change", args=[comment.pk]))

    assert comment.moderated_by.username == "nadia"
    content = page.content.decode()
    assert "nadia" in content
    assert page.context["adminform"].form.instance.moderated_at == comment.moderated_at
    assert "Modéré par" in content or "modéré par" in content.lower()


def test_the_demo_trail_is_made_once(client):
    call_command("load_demo")
    count = ArticleEvent.objects.count()

    call_command("load_demo")

    assert count > 0
    assert ArticleEvent.objects.count() == count
