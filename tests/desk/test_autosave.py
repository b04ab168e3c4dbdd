"""Autosave: kept for its user only, offered when newer than the last save, restored into the
form, never written over the article, deleted once the article is saved."""

import datetime

import pytest
import reversion
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version

from articles.models import Article, ArticleEvent
from desk.models import Autosave
from tests.articles.factories import (
    ArticleFactory,
    EditorFactory,
    JournalistFactory,
    PublishedArticleFactory,
    SectionFactory,
    UserFactory,
)
from tests.articles.test_admin import form_data

from .factories import AutosaveFactory, NewArticleAutosaveFactory

pytestmark = pytest.mark.django_db

AUTOSAVE = reverse("desk:autosave")
ADD = reverse("admin:articles_article_add")
NOTICE_FR = "Une version non enregistrée de cet article, plus récente"


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def logged_in(user):
    client = Client()
    client.force_login(user)
    return client


def autosave_post(article=None, form_key="tab-one-key", **fields):
    """What static/desk/autosave.js posts: the whole form, and the desk's three fields."""
    data = form_data(**fields)
    data.update(
        {
            "_desk_content_type": ContentType.objects.get_for_model(Article).pk,
            "_desk_object_id": str(article.pk) if article else "",
            "_desk_form_key": form_key,
            "csrfmiddlewaretoken": "left-out",
        }
    )
    return data


@pytest.fixture
def journalist():
    return JournalistFactory(username="lea", first_name="Léa", last_name="Martin")


@pytest.fixture
def article(journalist):
    with reversion.create_revision():
        return ArticleFactory(author=journalist, title="Le pont rouvre")


# --- Saving -----------------------------------------------------------------------------------


def test_the_form_is_autosaved_for_its_user_without_its_token_or_the_desk_s_fields(
    journalist, article
):
    response = logged_in(journalist).post(
        AUTOSAVE, autosave_post(article, title="Le pont du Moulin rouvre", tags="pont, travaux")
    )

    assert response.status_code == 204
    autosave = Autosave.objects.get()
    assert autosave.user == journalist
    assert autosave.object_id == str(article.pk)
    assert autosave.form_key == "tab-one-key"
    assert autosave.data["title"] == ["Le pont du Moulin rouvre"]
    assert autosave.data["tags"] == ["pont, travaux"]
    assert "csrfmiddlewaretoken" not in autosave.data
    assert not [name for name in autosave.data if name.startswith("_desk_")]


def test_the_same_form_overwrites_its_autosave_another_tab_or_user_keeps_its_own(
    journalist, article
):
    client = logged_in(journalist)
    client.post(AUTOSAVE, autosave_post(article, title="Premier jet"))
    client.post(AUTOSAVE, autosave_post(article, title="Second jet"))
    client.post(AUTOSAVE, autosave_post(article, form_key="tab-two-key", title="Autre onglet"))
    editor = EditorFactory()
    logged_in(editor).post(AUTOSAVE, autosave_post(article, title="Celui de l'éditeur"))

    mine = Autosave.objects.of(journalist).order_by("form_key")
    assert [autosave.data["title"] for autosave in mine] == [["Second jet"], ["Autre onglet"]]
    assert Autosave.objects.of(editor).get().data["title"] == ["Celui de l'éditeur"]


def test_an_autosave_never_changes_the_article(journalist, article):
    before = Article.objects.get(pk=article.pk)
    versions = Version.objects.get_for_object(article).count()
    events = ArticleEvent.objects.filter(article=article).count()

    response = logged_in(journalist).post(
        AUTOSAVE, autosave_post(article, title="Tout autre titre", standfirst="Autre accroche")
    )

    assert response.status_code == 204
    after = Article.objects.get(pk=article.pk)
    assert (after.title, after.standfirst) == (before.title, before.standfirst)
    assert after.updated_at == before.updated_at
    assert after.version_token == before.version_token
    assert Version.objects.get_for_object(article).count() == versions
    assert ArticleEvent.objects.filter(article=article).count() == events


def test_a_new_article_s_form_is_autosaved_with_the_add_permission(journalist):
    response = logged_in(journalist).post(AUTOSAVE, autosave_post(title="Un article neuf"))

    assert response.status_code == 204
    assert Autosave.objects.for_object(Article).get().data["title"] == ["Un article neuf"]


def test_autosaving_costs_a_fixed_number_of_queries(journalist, article, django_assert_num_queries):
    client = logged_in(journalist)
    client.post(AUTOSAVE, autosave_post(article))

    data = autosave_post(article, title="Encore")

    # The user (the session comes from the cache), the content type, the article, the user's
    # permissions (two), then the autosave's update-or-create (in a savepoint: select for
    # update, update).
    with django_assert_num_queries(9):
        response = client.post(AUTOSAVE, data)
    assert response.status_code == 204


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("anonymous", 302),  # to the admin's login page
        ("reader", 302),  # not staff: to the login page too
        ("another journalist", 403),  # may not change an article not theirs
    ],
)
def test_only_who_may_change_the_article_may_autosave_it(article, who, status):
    client = Client()
    if who == "reader":
        client.force_login(UserFactory())
    elif who == "another journalist":
        client.force_login(JournalistFactory())

    response = client.post(AUTOSAVE, autosave_post(article))

    assert response.status_code == status
    assert not Autosave.objects.exists()


def test_the_autosave_endpoint_takes_posts_only_with_their_csrf_token(journalist, article):
    client = Client(enforce_csrf_checks=True)
    client.force_login(journalist)

    assert client.get(AUTOSAVE).status_code == 405
    refused = client.post(AUTOSAVE, autosave_post(article), headers={"Origin": "http://testserver"})
    assert refused.status_code == 403
    assert not Autosave.objects.exists()


def test_a_model_whose_admin_keeps_nothing_is_refused(journalist):
    data = autosave_post(title="x")
    data["_desk_content_type"] = ContentType.objects.get_by_natural_key("auth", "user").pk

    response = logged_in(EditorFactory()).post(AUTOSAVE, data)

    assert response.status_code == 404


# --- The notice -------------------------------------------------------------------------------


def test_a_newer_autosave_is_offered_with_restore_and_ignore(journalist, article):
    autosave = AutosaveFactory(
        object=article, user=journalist, saved_at=timezone.now() + datetime.timedelta(minutes=1)
    )

    response = logged_in(journalist).get(change_url(article))

    assert response.status_code == 200
    content = response.content.decode()
    assert NOTICE_FR in content
    assert f'href="{change_url(article)}?restore={autosave.pk}"' in content
    assert reverse("desk:discard", args=[autosave.pk]) in content
    assert 'role="status"' in content


@pytest.mark.usefixtures("english_newsroom")
def test_the_notice_is_in_english_in_an_english_newsroom(journalist, article):
    AutosaveFactory(
        object=article, user=journalist, saved_at=timezone.now() + datetime.timedelta(minutes=1)
    )
    client = logged_in(journalist)

    response = client.get(change_url(article))

    assert "A more recent unsaved version of this article exists" in response.content.decode()


def test_an_autosave_older_than_the_last_save_is_not_offered(journalist, article):
    AutosaveFactory(
        object=article, user=journalist, saved_at=article.updated_at - datetime.timedelta(hours=1)
    )

    response = logged_in(journalist).get(change_url(article))

    assert NOTICE_FR not in response.content.decode()


def test_the_add_page_offers_the_newest_autosave_of_a_new_article(journalist):
    NewArticleAutosaveFactory(
        user=journalist, saved_at=timezone.now() - datetime.timedelta(hours=1)
    )
    newest = NewArticleAutosaveFactory(user=journalist)

    response = logged_in(journalist).get(ADD)

    assert f'href="{ADD}?restore={newest.pk}"' in response.content.decode()


def test_another_journalist_never_sees_an_autosave_nor_restores_it(journalist, article):
    autosave = AutosaveFactory(
        object=article, user=journalist, saved_at=timezone.now() + datetime.timedelta(minutes=1)
    )
    editor = logged_in(EditorFactory())

    page = editor.get(change_url(article))
    restore = editor.get(f"{change_url(article)}?restore={autosave.pk}")
    discard = editor.post(reverse("desk:discard", args=[autosave.pk]))

    assert page.status_code == 200
    assert NOTICE_FR not in page.content.decode()
    assert restore.status_code == 404
    assert discard.status_code == 404
    assert Autosave.objects.filter(pk=autosave.pk).exists()


def test_readers_see_the_article_as_saved(journalist):
    article = PublishedArticleFactory(author=journalist, title="Le titre publié")
    AutosaveFactory(
        object=article,
        user=journalist,
        data={"title": ["Le titre en cours"], "body": ["<p>Un brouillon secret.</p>"]},
    )

    page = Client().get(article.get_absolute_url())

    assert page.status_code == 200
    assert "Le titre publié" in page.content.decode()
    assert "Le titre en cours" not in page.content.decode()
    assert "brouillon secret" not in page.content.decode()


def test_ignore_discards_the_autosave_and_goes_back_to_the_form(journalist, article):
    autosave = AutosaveFactory(object=article, user=journalist)

    response = logged_in(journalist).post(reverse("desk:discard", args=[autosave.pk]))

    assert response.status_code == 303
    assert response["Location"] == change_url(article)
    assert not Autosave.objects.exists()


def test_the_notice_costs_no_query_more_than_the_page_without_it(journalist, article):
    client = logged_in(journalist)
    client.get(change_url(article))

    with CaptureQueriesContext(connection) as without:
        client.get(change_url(article))
    AutosaveFactory(
        object=article, user=journalist, saved_at=timezone.now() + datetime.timedelta(minutes=1)
    )
    with CaptureQueriesContext(connection) as with_notice:
        response = client.get(change_url(article))
    assert NOTICE_FR in response.content.decode()
    assert len(with_notice) == len(without)


# --- Restoring --------------------------------------------------------------------------------


def restored_values(response):
    form = response.context["adminform"].form
    return {name: form[name].value() for name in form.fields}


def test_restore_fills_the_change_form_with_every_field(journalist, article):
    section = SectionFactory(name="Économie")
    client = logged_in(journalist)
    client.post(
        AUTOSAVE,
        autosave_post(
            article,
            title="Le pont du Moulin rouvre",
            slug="le-pont-du-moulin-rouvre",
            standfirst="Après deux ans.",
            body="<p>Samedi matin, une foule.</p>",
            section=section.pk,
            tags="pont, travaux",
            photo_alt="Le pont",
            comments_open="",
        ),
    )
    autosave = Autosave.objects.get()

    response = client.get(f"{change_url(article)}?restore={autosave.pk}")

    assert response.status_code == 200
    assert not response.context["adminform"].form.is_bound
    values = restored_values(response)
    assert values["title"] == "Le pont du Moulin rouvre"
    assert values["slug"] == "le-pont-du-moulin-rouvre"
    assert values["standfirst"] == "Après deux ans."
    assert values["body"] == "<p>Samedi matin, une foule.</p>"
    assert str(values["section"]) == str(section.pk)
    assert values["tags"] == "pont, travaux"
    assert values["photo_alt"] == "Le pont"
    assert values["comments_open"] is False
    # The token of the article as saved now: saving the restored text is no conflict.
    assert values["version_token"] == article.version_token
    # No notice over a restored form, and the form goes on autosaving over the same autosave.
    assert NOTICE_FR not in response.content.decode()
    assert f'data-form-key="{autosave.form_key}"' in response.content.decode()


def test_restore_fills_the_add_form(journalist):
    autosave = NewArticleAutosaveFactory(
        user=journalist, data={"title": ["Un nouvel article"], "tags": ["école, rentrée"]}
    )

    response = logged_in(journalist).get(f"{ADD}?restore={autosave.pk}")

    values = restored_values(response)
    assert values["title"] == "Un nouvel article"
    assert values["tags"] == "école, rentrée"


# --- Purged once saved, and never a conflict ------------------------------------------------------


def test_saving_the_article_deletes_its_user_s_autosaves_only(journalist, article):
    client = logged_in(journalist)
    token = client.get(change_url(article)).context["adminform"].form["version_token"].value()
    client.post(AUTOSAVE, autosave_post(article, title="Autosauvegardé"))
    theirs = AutosaveFactory(object=article, user=EditorFactory())

    # An autosave after the page was opened, then the save with that page's token: no conflict.
    response = client.post(
        change_url(article),
        form_data(title="Enregistré", slug=article.slug, version_token=token),
    )

    assert response.status_code == 302
    assert Article.objects.get(pk=article.pk).title == "Enregistré"
    assert list(Autosave.objects.all()) == [theirs]


def test_saving_a_new_article_deletes_the_autosave_of_its_form_only(journalist):
    client = logged_in(journalist)
    client.post(AUTOSAVE, autosave_post(form_key="this-tab-key", title="Cet onglet"))
    client.post(AUTOSAVE, autosave_post(form_key="other-tab-key", title="L'autre onglet"))

    response = client.post(ADD, {**form_data(), "_desk_form_key": "this-tab-key"})

    assert response.status_code == 302
    assert [autosave.form_key for autosave in Autosave.objects.all()] == ["other-tab-key"]


def test_the_conflict_message_offers_the_writer_s_own_autosave(journalist, article):
    client = logged_in(journalist)
    token = client.get(change_url(article)).context["adminform"].form["version_token"].value()
    client.post(AUTOSAVE, autosave_post(article, title="Mon titre à moi"))
    autosave = Autosave.objects.get()
    other = logged_in(EditorFactory(first_name="Hugo", last_name="Lambert"))
    other_token = other.get(change_url(article)).context["adminform"].form["version_token"]
    other.post(
        change_url(article),
        form_data(
            title="Son titre",
            slug=article.slug,
            author=journalist.pk,
            version_token=other_token.value(),
        ),
    )

    response = client.post(
        change_url(article),
        form_data(title="Mon titre à moi", slug=article.slug, version_token=token),
    )

    assert response.status_code == 200
    content = response.content.decode()
    assert "Hugo Lambert" in content
    assert "Votre texte a été enregistré automatiquement à" in content
    assert f'href="{change_url(article)}?restore={autosave.pk}"' in content
    # Restored over what is saved now, it is saved: the journalist chose to.
    restored = client.get(f"{change_url(article)}?restore={autosave.pk}")
    form = restored.context["adminform"].form
    assert form["title"].value() == "Mon titre à moi"
    response = client.post(
        change_url(article),
        form_data(
            title=form["title"].value(),
            slug=article.slug,
            author=journalist.pk,
            version_token=form["version_token"].value(),
        ),
    )
    assert response.status_code == 302
    assert Article.objects.get(pk=article.pk).title == "Mon titre à moi"
