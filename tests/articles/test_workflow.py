"""The article workflow as the model takes it: whoever calls `take_step()` (the admin, the demo, a
command or an importer) gets the same checks, the same revision and the same audit trail."""

import datetime
from unittest import mock

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from reversion.models import Version

from articles.models import Article, ArticleEvent, ArticleStateError
from articles.workflow import NEW
from tests.articles.factories import (
    ArticleFactory,
    EditorFactory,
    InReviewArticleFactory,
    JournalistFactory,
    ModeratorFactory,
    PublishedArticleFactory,
    ScheduledArticleFactory,
    SectionFactory,
    SuperuserFactory,
)

pytestmark = pytest.mark.django_db

S = Article.Status
A = ArticleEvent.Action
J, E, M, SU = "journalist", "editor", "moderator", "superuser"
ROLES = {J: JournalistFactory, E: EditorFactory, M: ModeratorFactory, SU: SuperuserFactory}


def tomorrow():
    return timezone.now() + datetime.timedelta(days=1)


def new_article(author):
    return ArticleFactory.build(author=author, section=SectionFactory())


def versions(article):
    return Version.objects.get_for_object(article) if article.pk else Version.objects.none()


def state(article):
    """What a refused step must leave as it was, read from the database."""
    if article.pk is None:
        return (Article.objects.count(), ArticleEvent.objects.count(), Version.objects.count())
    saved = Article.objects.get(pk=article.pk)
    return (saved.status, saved.published_at, article.events.count(), versions(article).count())


# --- The declaration ------------------------------------------------------------------------------


def test_every_step_is_declared_once_on_the_model_and_records_its_own_action():
    assert list(Article.STEPS) == [
        "create",
        "submit_for_review",
        "publish",
        "schedule",
        "unpublish",
        "send_back",
        "restore",
    ]
    assert sorted(step.action for step in Article.STEPS.values()) == sorted(A.values)
    for step in Article.STEPS.values():
        assert step.wrong_status
        assert (step.bulk_description is None) == (step.bulk_done is None)
        assert step.label is None or step.done is not None


def test_the_steps_with_buttons_and_bulk_actions_are_those_of_the_admin():
    buttons = [name for name, step in Article.STEPS.items() if step.label]
    bulk = [name for name, step in Article.STEPS.items() if step.bulk_description]

    assert buttons == bulk == ["submit_for_review", "publish", "unpublish", "send_back"]


def test_publishing_for_a_future_date_is_declared_as_scheduling_and_the_reverse():
    publish, schedule = Article.STEPS["publish"], Article.STEPS["schedule"]

    assert (publish.when_future, schedule.when_due) == ("schedule", "publish")
    assert publish.sources == schedule.sources
    assert publish.permission == schedule.permission


def test_a_refusal_for_the_status_is_a_refusal():
    assert issubclass(ArticleStateError, PermissionDenied)


# --- Who may take which step: every step x role, on the model ------------------------------------

#: (the step, the article it is tried on, given its actor, the roles it succeeds for)
MATRIX = [
    ("create", new_article, {J, E, SU}),
    ("submit_for_review", lambda me: ArticleFactory(author=me), {J, E, SU}),
    ("submit_for_review", lambda me: ArticleFactory(), {E, SU}),
    ("publish", lambda me: ArticleFactory(author=me), {E, SU}),
    ("publish", lambda me: InReviewArticleFactory(author=me), {E, SU}),
    ("schedule", lambda me: ArticleFactory(author=me, published_at=tomorrow()), {E, SU}),
    ("unpublish", lambda me: PublishedArticleFactory(author=me), {E, SU}),
    ("send_back", lambda me: InReviewArticleFactory(author=me), {E, SU}),
    ("restore", lambda me: ArticleFactory(author=me), {E, SU}),
    ("restore", lambda me: PublishedArticleFactory(), {E, SU}),
]
MATRIX_IDS = [
    "create-own",
    "submit-own-draft",
    "submit-colleagues-draft",
    "publish-own-draft",
    "publish-own-in-review",
    "schedule-own-draft",
    "unpublish-own",
    "send-back-own",
    "restore-own-draft",
    "restore-colleagues-published",
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("name", "make", "allowed"), MATRIX, ids=MATRIX_IDS)
def test_matrix(role, name, make, allowed):
    me = ROLES[role]()
    article = make(me)
    step = Article.STEPS[name]
    before = state(article)

    if role not in allowed:
        with pytest.raises(PermissionDenied) as refused:
            article.take_step(name, by=me)
        assert not isinstance(refused.value, ArticleStateError)
        assert state(article) == before
        return

    status = article.status
    taken = article.take_step(name, by=me)

    assert taken is step
    saved = Article.objects.get(pk=article.pk)
    assert saved.status == (step.target or status)
    event = saved.events.get()
    assert (event.action, event.actor) == (step.action, me)
    assert versions(saved).get().revision.user == me


def test_a_journalist_calling_publish_on_the_model_is_refused_and_nothing_changes():
    claire = JournalistFactory()
    article = ArticleFactory(author=claire, title="Budget 2025")
    before = state(article)

    with pytest.raises(PermissionDenied) as refused:
        article.take_step("publish", by=claire)

    assert str(refused.value) == (
        "Vous n'avez pas le droit de franchir cette étape pour « Budget 2025 »."
    )
    assert state(article) == before == (S.DRAFT, None, 0, 0)
    assert article.status == S.DRAFT
    assert article.published_at is None


def test_a_journalist_may_not_touch_a_colleagues_draft_even_to_submit_it():
    article = ArticleFactory(author=JournalistFactory())

    with pytest.raises(PermissionDenied):
        article.take_step("submit_for_review", by=JournalistFactory())

    assert Article.objects.get(pk=article.pk).status == S.DRAFT


def test_there_is_no_step_without_someone_taking_it():
    with pytest.raises(TypeError):
        ArticleFactory().take_step("submit_for_review")


# --- Which steps apply to which status ------------------------------------------------------------

#: (a step, an article whose status it does not apply to)
WRONG = [
    ("create", ArticleFactory),
    ("create", PublishedArticleFactory),
    ("submit_for_review", InReviewArticleFactory),
    ("submit_for_review", PublishedArticleFactory),
    ("submit_for_review", ScheduledArticleFactory),
    ("publish", PublishedArticleFactory),
    ("publish", ScheduledArticleFactory),
    ("schedule", PublishedArticleFactory),
    ("unpublish", ArticleFactory),
    ("unpublish", InReviewArticleFactory),
    ("send_back", ArticleFactory),
    ("send_back", PublishedArticleFactory),
]


@pytest.mark.parametrize("role", [E, SU])
@pytest.mark.parametrize(
    ("name", "factory"), WRONG, ids=[f"{name}-{f.__name__}" for name, f in WRONG]
)
def test_a_step_from_the_wrong_status_is_refused_and_changes_nothing(role, name, factory):
    article = factory()
    before = state(article)

    with pytest.raises(ArticleStateError) as refused:
        article.take_step(name, by=ROLES[role]())

    assert str(refused.value) == str(Article.STEPS[name].wrong_status)
    assert state(article) == before


def test_the_status_refusals_speak_french():
    with pytest.raises(ArticleStateError, match="Seul un brouillon peut être soumis"):
        InReviewArticleFactory().take_step("submit_for_review", by=EditorFactory())
    with pytest.raises(ArticleStateError, match="Cet article a déjà été créé"):
        ArticleFactory().take_step("create", by=EditorFactory())


def test_a_restore_applies_to_every_saved_article_but_not_to_a_new_one():
    editor = EditorFactory()

    assert Article.STEPS["restore"].sources == (S.DRAFT, S.IN_REVIEW, S.PUBLISHED)
    with pytest.raises(ArticleStateError):
        new_article(editor).take_step("restore", by=editor)


#: (role, whose article, its status) -> the steps offered, in the declaration's order
AVAILABLE = [
    (E, "own", NEW, ["create"]),
    (E, "own", S.DRAFT, ["submit_for_review", "publish", "schedule", "restore"]),
    (E, "own", S.IN_REVIEW, ["publish", "schedule", "send_back", "restore"]),
    (E, "own", S.PUBLISHED, ["unpublish", "restore"]),
    (E, "colleague", S.DRAFT, ["submit_for_review", "publish", "schedule", "restore"]),
    (E, "colleague", S.PUBLISHED, ["unpublish", "restore"]),
    (SU, "colleague", S.IN_REVIEW, ["publish", "schedule", "send_back", "restore"]),
    (SU, "own", S.PUBLISHED, ["unpublish", "restore"]),
    (J, "own", NEW, ["create"]),
    (J, "own", S.DRAFT, ["submit_for_review"]),
    (J, "own", S.IN_REVIEW, []),
    (J, "own", S.PUBLISHED, []),
    (J, "colleague", S.DRAFT, []),
    (J, "colleague", S.IN_REVIEW, []),
    (M, "own", NEW, []),
    (M, "colleague", S.DRAFT, []),
    (M, "colleague", S.IN_REVIEW, []),
    (M, "colleague", S.PUBLISHED, []),
]


@pytest.mark.parametrize(
    ("role", "whose", "status", "expected"),
    AVAILABLE,
    ids=[f"{role}-{whose}-{status or 'new'}" for role, whose, status, _steps in AVAILABLE],
)
def test_available_steps_per_status_and_role(role, whose, status, expected):
    me = ROLES[role]()
    author = me if whose == "own" else JournalistFactory()
    if status is NEW:
        article = new_article(author)
    else:
        dated = {"published_at": timezone.now()} if status == S.PUBLISHED else {}
        article = ArticleFactory(author=author, status=status, **dated)

    assert [step.name for step in article.available_steps(me)] == expected


# --- What a step does -----------------------------------------------------------------------------


def test_a_step_records_exactly_one_event_and_one_revision_signed_by_its_actor():
    claire = JournalistFactory()
    article = ArticleFactory(author=claire)

    article.take_step("submit_for_review", by=claire, note="Prêt pour relecture.")

    event = article.events.get()
    assert (event.action, event.actor, event.note) == (A.SUBMITTED, claire, "Prêt pour relecture.")
    version = versions(article).get()
    assert (version.revision.user, version.revision.comment) == (claire, "Soumis pour relecture")
    assert version.field_dict["status"] == S.IN_REVIEW


def test_create_saves_the_new_article_as_a_draft_with_its_first_revision():
    claire = JournalistFactory()
    article = new_article(claire)
    article.status = S.PUBLISHED  # whatever it says, a new article is a draft

    article.take_step("create", by=claire)

    saved = Article.objects.get(pk=article.pk)
    assert saved.status == S.DRAFT
    assert (saved.events.get().action, saved.events.get().actor) == (A.CREATED, claire)
    assert versions(saved).get().revision.user == claire


def test_when_backdates_the_event_and_the_revision():
    hugo = EditorFactory()
    article = InReviewArticleFactory()
    when = timezone.now() - datetime.timedelta(days=3, hours=2)

    article.take_step("send_back", by=hugo, note="Les chiffres sont à vérifier.", when=when)

    assert article.events.get().created_at == when
    revision = versions(article).get().revision
    assert abs(revision.date_created - when) < datetime.timedelta(milliseconds=1)
    assert (revision.user, revision.comment) == (hugo, "Renvoyé à l'auteur")


def test_without_when_the_step_happens_now():
    hugo = EditorFactory()
    article = PublishedArticleFactory()
    now = datetime.datetime(2025, 3, 1, 9, 0, tzinfo=datetime.UTC)

    with time_machine.travel(now, tick=False):
        article.take_step("unpublish", by=hugo)

    assert article.events.get().created_at == now


def test_a_step_is_one_transaction_with_its_event():
    hugo = EditorFactory()
    article = ArticleFactory()

    with (
        mock.patch.object(ArticleEvent.objects, "create", side_effect=RuntimeError("disk full")),
        pytest.raises(RuntimeError),
    ):
        article.take_step("publish", by=hugo)

    assert Article.objects.get(pk=article.pk).status == S.DRAFT
    assert not versions(article).exists()


def test_a_step_does_not_overwrite_other_fields():
    article = ArticleFactory(title="Avant")
    Article.objects.filter(pk=article.pk).update(title="Modifié ailleurs", view_count=7)

    article.take_step("publish", by=EditorFactory())

    article.refresh_from_db()
    assert article.title == "Modifié ailleurs"
    assert article.view_count == 7


def test_each_step_is_kept_as_a_revision_signed_by_whoever_took_it():
    claire, hugo = JournalistFactory(), EditorFactory()
    article = ArticleFactory(author=claire)

    article.take_step("submit_for_review", by=claire)
    article.take_step("publish", by=hugo)

    assert [(v.revision.user, v.revision.comment) for v in versions(article)] == [
        (hugo, "Publié"),
        (claire, "Soumis pour relecture"),
    ]
    assert versions(article)[0].field_dict["status"] == S.PUBLISHED
    assert [(e.action, e.actor) for e in article.events.order_by("created_at", "pk")] == [
        (A.SUBMITTED, claire),
        (A.PUBLISHED, hugo),
    ]


def test_unpublishing_hides_the_article_and_keeps_its_date():
    article = PublishedArticleFactory()
    date = article.published_at

    article.take_step("unpublish", by=EditorFactory())

    article.refresh_from_db()
    assert article.status == S.DRAFT
    assert article.published_at == date
    assert article not in Article.objects.published()


# --- Publishing and scheduling --------------------------------------------------------------------


@pytest.mark.parametrize("factory", [ArticleFactory, InReviewArticleFactory])
def test_publishing_without_a_date_publishes_now(factory):
    article = factory()

    with time_machine.travel(datetime.datetime(2025, 3, 1, 9, 0, tzinfo=datetime.UTC), tick=False):
        taken = article.take_step("publish", by=EditorFactory())

    article.refresh_from_db()
    assert taken.name == "publish"
    assert article.status == S.PUBLISHED
    assert article.published_at == datetime.datetime(2025, 3, 1, 9, 0, tzinfo=datetime.UTC)
    assert article.events.get().action == A.PUBLISHED


def test_publishing_with_a_future_date_schedules_and_records_it():
    at = tomorrow()
    article = ArticleFactory(published_at=at)

    taken = article.take_step("publish", by=EditorFactory())

    assert taken is Article.STEPS["schedule"]
    assert article.is_scheduled
    assert list(Article.objects.scheduled()) == [article]
    assert article.events.get().action == A.SCHEDULED
    assert versions(article).first().revision.comment == "Programmé"


def test_publishing_at_a_given_time_overrides_the_date():
    at = timezone.now() + datetime.timedelta(hours=5)
    article = ArticleFactory(published_at=timezone.now() + datetime.timedelta(days=9))

    article.take_step("publish", by=EditorFactory(), at=at)

    article.refresh_from_db()
    assert article.published_at == at
    assert article.events.get().action == A.SCHEDULED


def test_scheduling_for_a_time_that_has_come_publishes():
    at = timezone.now() - datetime.timedelta(minutes=5)
    article = InReviewArticleFactory()

    taken = article.take_step("schedule", by=EditorFactory(), at=at)

    assert taken is Article.STEPS["publish"]
    assert article.is_published
    assert article.events.get().action == A.PUBLISHED


def test_a_backdated_publication_is_dated_by_the_step_and_judged_at_that_moment():
    hugo = EditorFactory()
    when = timezone.now() - datetime.timedelta(days=2)
    published = ArticleFactory()
    scheduled_then = ArticleFactory(published_at=when + datetime.timedelta(hours=1))

    published.take_step("publish", by=hugo, when=when)
    scheduled_then.take_step("publish", by=hugo, when=when)

    assert published.published_at == when
    assert published.events.get().action == A.PUBLISHED
    # Its time has come since, but on the day it was a scheduling.
    assert scheduled_then.events.get().action == A.SCHEDULED
    assert scheduled_then.is_published


def test_a_journalist_may_not_schedule_either():
    claire = JournalistFactory()
    article = ArticleFactory(author=claire, published_at=tomorrow())

    with pytest.raises(PermissionDenied):
        article.take_step("publish", by=claire)

    assert Article.objects.get(pk=article.pk).status == S.DRAFT
