import datetime
import io

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from desk.models import Autosave, KeptForm
from tests.articles.factories import ArticleFactory, JournalistFactory

from .factories import (
    AutosaveFactory,
    KeptFormFactory,
    LoggedOutKeptFormFactory,
    NewArticleAutosaveFactory,
)

pytestmark = pytest.mark.django_db


def test_the_autosaves_of_a_user_are_theirs_only():
    article = ArticleFactory()
    mine = AutosaveFactory(object=article)
    AutosaveFactory(object=article)

    assert list(Autosave.objects.of(mine.user)) == [mine]


def test_an_object_s_autosaves_are_not_those_of_new_objects_or_of_other_objects():
    article = ArticleFactory()
    of_article = AutosaveFactory(object=article)
    of_new = NewArticleAutosaveFactory(user=of_article.user)
    AutosaveFactory(user=of_article.user)

    assert list(Autosave.objects.for_object(article)) == [of_article]
    assert list(Autosave.objects.for_object(type(article), article.pk)) == [of_article]
    assert list(Autosave.objects.for_object(type(article))) == [of_new]


def test_newer_than_the_last_save_and_stale_after_the_set_days(settings):
    settings.DESK_AUTOSAVE_DAYS = 30
    now = timezone.now()
    recent = AutosaveFactory(saved_at=now - datetime.timedelta(minutes=3))
    old = AutosaveFactory(saved_at=now - datetime.timedelta(days=31))

    assert list(Autosave.objects.newer_than(now - datetime.timedelta(hours=1))) == [recent]
    assert list(Autosave.objects.newer_than(None)) == [recent, old]
    assert list(Autosave.objects.stale()) == [old]


def test_recording_again_the_same_form_overwrites_its_autosave():
    first = AutosaveFactory()

    again = Autosave.record(
        user=first.user,
        content_type=first.content_type,
        object_id=first.object_id,
        form_key=first.form_key,
        data={"title": ["Deuxième version"]},
    )

    assert again.pk == first.pk
    assert Autosave.objects.get().data == {"title": ["Deuxième version"]}


def test_a_kept_form_is_held_by_its_user_or_by_the_browser_that_posted_it_logged_out():
    journalist = JournalistFactory()
    theirs = KeptFormFactory(user=journalist)
    logged_out = LoggedOutKeptFormFactory(browser_id="browser-a")
    KeptFormFactory()

    assert list(KeptForm.objects.held_by(journalist)) == [theirs]
    assert set(KeptForm.objects.held_by(journalist, "browser-a")) == {theirs, logged_out}
    assert list(KeptForm.objects.held_by(JournalistFactory(), "browser-b")) == []


def test_a_form_kept_logged_out_is_claimed_by_who_logs_in():
    kept = LoggedOutKeptFormFactory(browser_id="browser-a")
    journalist = JournalistFactory()

    kept.claim(journalist)

    assert KeptForm.objects.get().user == journalist
    # Now theirs only: the browser alone no longer gets it.
    assert list(KeptForm.objects.held_by(JournalistFactory(), "browser-a")) == []


def test_purge_desk_deletes_autosaves_and_kept_forms_past_their_time(settings):
    settings.DESK_AUTOSAVE_DAYS = 30
    settings.DESK_KEPT_FORM_HOURS = 24
    with time_machine.travel(timezone.now() - datetime.timedelta(days=31)):
        AutosaveFactory(saved_at=timezone.now())
    with time_machine.travel(timezone.now() - datetime.timedelta(hours=25)):
        KeptFormFactory(created_at=timezone.now())
    recent = AutosaveFactory(saved_at=timezone.now() - datetime.timedelta(days=29))
    kept = KeptFormFactory(created_at=timezone.now() - datetime.timedelta(hours=23))

    out = io.StringIO()
    call_command("purge_desk", stdout=out)

    assert out.getvalue() == (
        "Deleted 1 autosave(s) older than 30 days and 1 kept form(s) older than 24 hours.\n"
    )

    assert list(Autosave.objects.all()) == [recent]
    assert list(KeptForm.objects.all()) == [kept]
