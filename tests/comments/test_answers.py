"""The newsroom answers readers: journalists, editors and moderators, from the moderation queue
or under the comment on the article page; answers need no captcha, are published at once and
carry the newsroom's badge."""

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import translation

from articles.models import AuthorProfile
from comments.models import Comment
from staff import roles
from tests.articles.factories import StaffUserFactory, UserFactory
from tests.comments.factories import (
    ApprovedCommentFactory,
    ApprovedReplyFactory,
    PendingCommentFactory,
    ReplyFactory,
)

from .test_views import text_of

pytestmark = pytest.mark.django_db

QUEUE = reverse("admin:comments_comment_changelist")


def answer_url(comment):
    return reverse("admin:comments_comment_answer", args=[comment.pk])


def page_answer_url(comment, language="fr"):
    with translation.override(language):
        return reverse("comments:answer", args=[comment.pk])


def in_group(name, **kwargs):
    user = StaffUserFactory(**kwargs)
    if name:
        user.groups.add(Group.objects.get(name=name))
    return user


ANSWERING = [roles.JOURNALIST, roles.EDITOR, roles.MODERATOR]


# --- The model method ---------------------------------------------------------------------------


@pytest.mark.parametrize("role", ANSWERING)
def test_staff_who_answer_publish_at_once_with_their_byline(article, role):
    reader = ApprovedCommentFactory(article=article, name="Marie")
    staff = in_group(role, first_name="Claire", last_name="Mercier")

    answer = reader.answer("Merci Marie, nous vérifions.", by=staff)

    assert answer.status == Comment.Status.APPROVED
    assert answer.by_newsroom
    assert answer.staff_author == staff
    assert answer.name == "Claire Mercier"
    assert (answer.parent, answer.thread, answer.depth) == (reader, reader, 1)
    assert answer.moderated_by == staff
    assert answer.moderated_at is not None
    assert answer.email == ""


def test_an_answer_is_signed_with_the_author_profiles_byline(article):
    staff = in_group(roles.JOURNALIST, first_name="Claire", last_name="Mercier")
    AuthorProfile.objects.create(user=staff, byline="Claire M., service Vallée")

    answer = ApprovedCommentFactory(article=article).answer("Bonjour.", by=staff)

    assert answer.name == "Claire M., service Vallée"


@pytest.mark.parametrize(
    "make",
    [lambda: UserFactory(), lambda: StaffUserFactory()],
    ids=["reader account", "staff without a role"],
)
def test_others_may_not_answer_as_the_newsroom(article, make):
    reader = ApprovedCommentFactory(article=article)

    with pytest.raises(PermissionDenied):
        reader.answer("Je suis la rédaction.", by=make())

    assert not Comment.objects.filter(by_newsroom=True).exists()


def test_only_published_comments_get_an_answer(article):
    with pytest.raises(ValidationError):
        PendingCommentFactory(article=article).answer("Bonjour.", by=in_group(roles.EDITOR))


def test_an_answer_to_the_last_level_joins_it(article):
    first = ApprovedCommentFactory(article=article)
    deepest = ApprovedReplyFactory(parent=ApprovedReplyFactory(parent=first))

    answer = deepest.answer("Bonjour.", by=in_group(roles.MODERATOR))

    assert answer.depth == 2
    assert answer.parent == deepest.parent


# --- On the article page ------------------------------------------------------------------------


def test_the_answer_shows_with_the_newsroom_badge(client, article):
    reader = ApprovedCommentFactory(article=article, name="Marie")
    reader.answer("Nous avons vérifié.", by=in_group(roles.JOURNALIST, first_name="Claire"))

    response = Client().get(article.get_absolute_url())

    page = response.content.decode()
    assert '<span class="comment__badge">La rédaction</span>' in page
    assert "En réponse à Marie" in text_of(response)
    assert "Nous avons vérifié." in text_of(response)


@pytest.mark.parametrize("role", ANSWERING)
def test_staff_answer_from_the_article_page_without_captcha(client, article, role):
    reader = ApprovedCommentFactory(article=article, name="Marie")
    staff = in_group(role)
    client.force_login(staff)

    page = client.get(article.get_absolute_url()).content.decode()
    assert f'action="{page_answer_url(reader)}"' in page
    assert "Répondre au nom de la rédaction" in page

    response = client.post(page_answer_url(reader), {"text": "Merci pour votre question."})

    answer = Comment.objects.get(by_newsroom=True)
    assert response.url == f"{article.get_absolute_url()}#comment-{answer.pk}"
    assert answer.staff_author == staff
    assert "Merci pour votre question." in text_of(Client().get(article.get_absolute_url()))


def test_readers_get_no_answer_form_and_cannot_post_one(client, article):
    reader = ApprovedCommentFactory(article=article)

    assert (
        "Répondre au nom de la rédaction"
        not in client.get(article.get_absolute_url()).content.decode()
    )
    assert client.post(page_answer_url(reader), {"text": "Faux."}).status_code == 403
    client.force_login(StaffUserFactory())
    assert client.post(page_answer_url(reader), {"text": "Faux."}).status_code == 403
    assert client.get(page_answer_url(reader)).status_code == 405
    assert not Comment.objects.filter(by_newsroom=True).exists()


def test_an_empty_answer_from_the_page_is_refused_with_a_message(client, article):
    reader = ApprovedCommentFactory(article=article)
    client.force_login(in_group(roles.EDITOR))

    response = client.post(page_answer_url(reader), {"text": "  "}, follow=True)

    assert "Veuillez écrire votre réponse." in text_of(response)
    assert not Comment.objects.filter(by_newsroom=True).exists()


# --- From the moderation queue ------------------------------------------------------------------


def test_the_queue_shows_the_comment_a_reply_answers(client, article):
    marie = ApprovedCommentFactory(article=article, name="Marie", text="Le pont est fermé ?")
    ReplyFactory(parent=marie, name="Paul")
    client.force_login(in_group(roles.MODERATOR))

    response = client.get(QUEUE)

    page = response.content.decode()
    assert "En réponse à" in text_of(response)
    assert reverse("admin:comments_comment_change", args=[marie.pk]) in page
    assert "Le pont est fermé ?" in text_of(response)


@pytest.mark.parametrize("role", ANSWERING)
def test_staff_answer_from_the_queue(client, article, role):
    marie = ApprovedCommentFactory(article=article, name="Marie")
    client.force_login(in_group(role))

    queue = client.get(f"{QUEUE}?status=approved").content.decode()
    assert answer_url(marie) in queue
    form = client.get(answer_url(marie))
    assert form.status_code == 200
    assert "Répondre à Marie au nom de la rédaction" in text_of(form)

    response = client.post(answer_url(marie), {"text": "Nous corrigeons l'article."})

    assert response.status_code == 302
    answer = Comment.objects.get(by_newsroom=True)
    assert answer.parent == marie
    assert answer.is_public


def test_journalists_answer_from_the_queue_without_seeing_private_data(client, article):
    marie = ApprovedCommentFactory(
        article=article, email="marie@example.org", ip_address="198.51.100.77"
    )
    client.force_login(in_group(roles.JOURNALIST))

    queue = client.get(QUEUE).content.decode()
    change = client.get(reverse("admin:comments_comment_change", args=[marie.pk]))

    # They open on what they can answer, without the moderators' buttons.
    assert answer_url(marie) in queue
    assert "moderate-approve" not in queue
    assert change.status_code == 200
    assert "198.51.100.77" not in change.content.decode()
    assert "marie@example.org" not in change.content.decode()
    searched = client.get(f"{QUEUE}?status=all&q=198.51.100.77")
    assert searched.context["cl"].result_count == 0


def test_the_queue_answer_form_refuses_what_cannot_be_answered(client, article):
    waiting = PendingCommentFactory(article=article)
    client.force_login(in_group(roles.MODERATOR))

    response = client.post(answer_url(waiting), {"text": "Bonjour."})

    assert response.status_code == 200
    assert "ne peut pas recevoir de réponse" in text_of(response)
    assert not Comment.objects.filter(by_newsroom=True).exists()


@pytest.mark.parametrize(
    "make", [lambda: UserFactory(), lambda: StaffUserFactory()], ids=["reader", "no role"]
)
def test_others_cannot_open_the_answer_form(client, article, make):
    marie = ApprovedCommentFactory(article=article)
    client.force_login(make())

    response = client.post(answer_url(marie), {"text": "Bonjour."})

    assert response.status_code in (302, 403)
    assert not Comment.objects.filter(by_newsroom=True).exists()
