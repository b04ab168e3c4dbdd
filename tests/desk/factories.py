"""Factories for the desk: autosaves and kept forms, as the admin's pages leave them."""

import secrets

import factory
from django.contrib.contenttypes.models import ContentType
from factory.django import DjangoModelFactory

from desk.models import Autosave, KeptForm, browser_fingerprint
from tests.articles.factories import ArticleFactory, JournalistFactory


class AutosaveFactory(DjangoModelFactory):
    """The autosave of an article its author is editing: `object` names any other object."""

    class Meta:
        model = Autosave
        exclude = ["object"]

    object = factory.SubFactory(ArticleFactory)
    user = factory.SubFactory(JournalistFactory)
    content_type = factory.LazyAttribute(
        lambda autosave: ContentType.objects.get_for_model(autosave.object)
    )
    object_id = factory.LazyAttribute(lambda autosave: str(autosave.object.pk))
    form_key = factory.LazyFunction(lambda: secrets.token_urlsafe(16))
    data = factory.LazyAttribute(
        lambda autosave: {
            "title": ["Le titre autosauvegardé"],
            "standfirst": ["L'accroche autosauvegardée."],
            "body": ["<p>Le texte autosauvegardé.</p>"],
        }
    )


class NewArticleAutosaveFactory(AutosaveFactory):
    """The autosave of an article never saved: its add form's."""

    object = None
    content_type = factory.LazyFunction(
        lambda: ContentType.objects.get_by_natural_key("articles", "article")
    )
    object_id = ""


class KeptFormFactory(DjangoModelFactory):
    """An article form posted by a journalist after its token expired."""

    class Meta:
        model = KeptForm

    token = factory.LazyFunction(lambda: secrets.token_urlsafe(24))
    user = factory.SubFactory(JournalistFactory)
    reason = KeptForm.Reason.FORM_EXPIRED
    path = "/admin/articles/article/add/"
    data = factory.LazyFunction(lambda: {"title": ["Le titre gardé"]})


class LoggedOutKeptFormFactory(KeptFormFactory):
    """Posted once the session had ended: bound to the browser, `browser_id` its cookie's id."""

    class Params:
        browser_id = "the-browser-id"

    user = None
    reason = KeptForm.Reason.SESSION_ENDED
    browser = factory.LazyAttribute(lambda kept: browser_fingerprint(kept.browser_id))
