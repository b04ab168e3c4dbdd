"""Factories for the comments app: used by the tests and by the demo content."""

import factory
from factory.django import DjangoModelFactory

from comments.models import Comment
from tests.articles.factories import PublishedArticleFactory


class CommentFactory(DjangoModelFactory):
    """A comment waiting for a moderator."""

    class Meta:
        model = Comment

    article = factory.SubFactory(PublishedArticleFactory)
    name = factory.Faker("first_name", locale="fr_FR")
    email = factory.Sequence(lambda n: f"lecteur{n}@example.org")
    text = factory.Faker("paragraph", nb_sentences=3, locale="fr_FR")
    status = Comment.Status.PENDING
    ip_address = "192.0.2.10"
    user_agent = "Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0"


class PendingCommentFactory(CommentFactory):
    status = Comment.Status.PENDING


class ApprovedCommentFactory(CommentFactory):
    status = Comment.Status.APPROVED


class RejectedCommentFactory(CommentFactory):
    status = Comment.Status.REJECTED


class SpamCommentFactory(CommentFactory):
    status = Comment.Status.SPAM
    spam_score = 10
    spam_reasons = factory.LazyFunction(lambda: [{"rule": "honeypot", "detail": ""}])


class ReplyFactory(CommentFactory):
    """A reply waiting for a moderator, to `parent` (an approved comment unless given), placed
    in its thread as Comment.place_reply places it."""

    parent = factory.SubFactory(ApprovedCommentFactory)
    article = factory.SelfAttribute("parent.article")

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        parent = kwargs.pop("parent")
        reply = model_class(*args, **kwargs)
        parent.place_reply(reply)
        reply.save()
        return reply


class ApprovedReplyFactory(ReplyFactory):
    status = Comment.Status.APPROVED


class CommentReportFactory(DjangoModelFactory):
    """A reader's report of a published comment."""

    class Meta:
        model = "comments.CommentReport"

    comment = factory.SubFactory(ApprovedCommentFactory)
    reason = "abuse"
    reporter = factory.Sequence(lambda n: f"{n:064x}")
    ip_address = "192.0.2.30"
