import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from comments.models import Comment
from tests.articles.factories import (
    EditorFactory,
    JournalistFactory,
    ModeratorFactory,
    StaffUserFactory,
)
from tests.comments.factories import (
    ApprovedCommentFactory,
    CommentFactory,
    PendingCommentFactory,
    RejectedCommentFactory,
    SpamCommentFactory,
)

pytestmark = pytest.mark.django_db


def test_status_values_are_stable():
    assert Comment.Status.values == ["pending", "approved", "rejected", "spam", "removed"]


def test_querysets_split_by_status():
    pending = PendingCommentFactory()
    approved = ApprovedCommentFactory()
    rejected = RejectedCommentFactory()
    spam = SpamCommentFactory()

    assert list(Comment.objects.pending()) == [pending]
    assert list(Comment.objects.approved()) == [approved]
    assert list(Comment.objects.rejected()) == [rejected]
    assert list(Comment.objects.spam()) == [spam]


def test_article_reaches_its_comments_by_related_name():
    comment = ApprovedCommentFactory()

    assert list(comment.article.comments.all()) == [comment]


@pytest.mark.parametrize(
    ("method", "status"),
    [("approve", "approved"), ("reject", "rejected"), ("mark_spam", "spam")],
)
def test_decisions_record_who_and_when(method, status):
    moderator = ModeratorFactory()
    comment = PendingCommentFactory()
    before = timezone.now()

    getattr(comment, method)(by=moderator)

    comment.refresh_from_db()
    assert comment.status == status
    assert comment.moderated_by == moderator
    assert before <= comment.moderated_at <= timezone.now()


@pytest.mark.parametrize("method", ["approve", "reject", "mark_spam"])
@pytest.mark.parametrize("role", [JournalistFactory, EditorFactory, StaffUserFactory])
def test_only_moderators_decide(method, role):
    comment = PendingCommentFactory()

    with pytest.raises(PermissionDenied):
        getattr(comment, method)(by=role())

    comment.refresh_from_db()
    assert comment.status == Comment.Status.PENDING
    assert comment.moderated_by is None
    assert comment.moderated_at is None


def test_an_unknown_status_is_refused_by_the_database():
    comment = PendingCommentFactory()

    with pytest.raises(IntegrityError), transaction.atomic():
        Comment.objects.filter(pk=comment.pk).update(status="published")


def test_str_and_absolute_url():
    comment = CommentFactory(name="Léa", text="Bravo pour l'enquête")

    assert str(comment) == "Léa: Bravo pour l'enquête"
    assert (
        comment.get_absolute_url() == f"{comment.article.get_absolute_url()}#comment-{comment.pk}"
    )


def test_by_email_matches_whatever_the_case_and_never_empty():
    mine = CommentFactory(email="lea@example.org")
    CommentFactory(email="")

    assert list(Comment.objects.by_email("LEA@example.org ")) == [mine]
    assert list(Comment.objects.by_email("")) == []


def test_counts_by_article_in_one_query(django_assert_num_queries):
    first = ApprovedCommentFactory().article
    ApprovedCommentFactory(article=first)
    PendingCommentFactory(article=first)
    second = PendingCommentFactory().article

    with django_assert_num_queries(1):
        counts = Comment.objects.counts_by_article([first, second])

    assert counts == {first.pk: 2}


def test_counts_by_article_of_nothing_runs_no_query(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert Comment.objects.counts_by_article([]) == {}


def test_purge_request_data_forgets_ip_and_user_agent():
    comment = CommentFactory()

    Comment.objects.all().purge_request_data()

    comment.refresh_from_db()
    assert comment.ip_address is None
    assert comment.user_agent == ""
    assert comment.text


def test_queue_and_article_indexes_exist():
    names = {index.name for index in Comment._meta.indexes}

    assert {"comment_article_status_idx", "comment_status_created_idx"} <= names
