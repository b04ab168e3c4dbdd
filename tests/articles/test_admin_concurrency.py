"""Two people saving the same article: the second is told, and nothing is silently overwritten."""

from functools import partial

import pytest
import reversion
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from articles.models import Article
from staff import roles
from tests.articles.factories import ArticleFactory, StaffUserFactory
from tests.harness import at_once

from .test_admin import form_data


def editor(username, first_name, last_name):
    user = StaffUserFactory(username=username, first_name=first_name, last_name=last_name)
    user.groups.add(Group.objects.get(name=roles.EDITOR))
    return user


def saved_article(**fields):
    """An article saved the way the admin saves one: with its first revision."""
    with reversion.create_revision():
        return ArticleFactory(**fields)


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def open_form(client, article):
    """GET the change form as a browser would; return the token it was filled with."""
    response = client.get(change_url(article))
    assert response.status_code == 200
    return response.context["adminform"].form["version_token"].value()


def post(client, article, token, **changes):
    data = form_data(
        title=article.title,
        slug=article.slug,
        section=article.section_id,
        author=article.author_id,
        version_token=token,
    )
    data.update(changes)
    return client.post(change_url(article), data)


@pytest.mark.django_db
def test_the_second_editor_to_save_is_told_who_changed_what_and_keeps_their_text():
    article = saved_article(title="Le pont rouvre")
    hugo, lea = Client(), Client()
    hugo.force_login(editor("hugo", "Hugo", "Lambert"))
    lea.force_login(editor("lea", "Léa", "Martin"))
    token_hugo = open_form(hugo, article)
    token_lea = open_form(lea, article)
    assert token_hugo == token_lea

    first = post(hugo, article, token_hugo, title="Le pont du Moulin rouvre")
    second = post(lea, article, token_lea, standfirst="Ma nouvelle accroche.")

    assert first.status_code == 302
    assert second.status_code == 200
    article.refresh_from_db()
    assert article.title == "Le pont du Moulin rouvre"
    assert article.standfirst != "Ma nouvelle accroche."
    errors = second.context["adminform"].form.non_field_errors()
    assert len(errors) == 1
    message = errors[0]
    assert "Pendant que vous modifiiez cet article, Hugo Lambert l'a enregistré" in message
    assert "titre → « Le pont du Moulin rouvre »" in message
    assert "Vos modifications ne sont pas enregistrées" in message
    page = second.content.decode()
    assert "Hugo Lambert" in page
    # Léa's text is still in the form, for her to copy.
    assert "Ma nouvelle accroche." in page

    # Once she has reloaded the page, her save goes through.
    third = post(lea, article, open_form(lea, article), standfirst="Ma nouvelle accroche.")
    assert third.status_code == 302
    article.refresh_from_db()
    assert article.standfirst == "Ma nouvelle accroche."
    assert article.title == "Le pont du Moulin rouvre"


@pytest.mark.django_db
def test_a_workflow_step_taken_meanwhile_also_stops_a_stale_save():
    article = saved_article(title="Budget")
    claire = Client()
    author = article.author
    author.groups.add(Group.objects.get(name=roles.JOURNALIST))
    claire.force_login(author)
    token = open_form(claire, article)
    article.take_step("submit_for_review", by=editor("hugo", "Hugo", "Lambert"))

    response = post(claire, article, token, title="Budget 2025")

    assert response.status_code == 200
    message = response.context["adminform"].form.non_field_errors()[0]
    assert "statut → « En relecture »" in message
    assert Article.objects.get(pk=article.pk).title == "Budget"


@pytest.mark.django_db
def test_one_editor_saving_twice_in_a_row_is_never_stopped(client):
    article = ArticleFactory()
    client.force_login(editor("hugo", "Hugo", "Lambert"))

    assert post(client, article, open_form(client, article), title="Un").status_code == 302
    assert post(client, article, open_form(client, article), title="Deux").status_code == 302
    article.refresh_from_db()
    assert article.title == "Deux"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_editors_posting_at_the_same_moment_one_wins_the_other_is_told():
    article = ArticleFactory(title="Le pont rouvre")
    users = [editor("hugo", "Hugo", "Lambert"), editor("lea", "Léa", "Martin")]
    clients = []
    for user in users:
        client = Client()
        client.force_login(user)
        clients.append(client)
    token = open_form(clients[0], article)
    assert open_form(clients[1], article) == token
    responses = at_once(
        partial(post, client, article, token, title=f"Titre de {index}")
        for index, client in enumerate(clients)
    )
    statuses = [response.status_code for response in responses]

    assert sorted(statuses) == [200, 302]
    winner = statuses.index(302)
    assert Article.objects.get(pk=article.pk).title == f"Titre de {winner}"
