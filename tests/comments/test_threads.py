"""Readers answer each other: replies nest three levels deep, go through the same form, captcha,
policy and moderation as any comment, and pages count whole threads."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from comments.models import Comment, forget_listing
from comments.privacy import erase_commenter_data, export_commenter_data
from tests.articles.factories import ModeratorFactory, PublishedArticleFactory
from tests.comments.factories import (
    ApprovedCommentFactory,
    ApprovedReplyFactory,
    PendingCommentFactory,
    RejectedCommentFactory,
    ReplyFactory,
)

from .helpers import comment_data, post_url
from .test_views import text_of

pytestmark = pytest.mark.django_db

CAPTCHA_FAILED = "Captcha verification failed!"


def reply_url(comment, language="fr"):
    with translation.override(language):
        return reverse("comments:reply", args=[comment.pk])


# --- Where a reply goes -----------------------------------------------------------------------


def test_a_reply_goes_one_level_below_and_keeps_its_thread(article):
    first = ApprovedCommentFactory(article=article)
    reply = ApprovedReplyFactory(parent=first)
    second = ApprovedReplyFactory(parent=reply)

    assert (reply.depth, reply.parent, reply.thread) == (1, first, first)
    assert (second.depth, second.parent, second.thread) == (2, reply, first)
    assert second.article == article


def test_a_reply_to_the_third_level_stays_at_the_third_level(article):
    first = ApprovedCommentFactory(article=article)
    reply = ApprovedReplyFactory(parent=first)
    deepest = ApprovedReplyFactory(parent=reply)

    beside = ApprovedReplyFactory(parent=deepest)

    assert beside.depth == Comment.MAX_DEPTH == 2
    assert beside.parent == reply
    assert beside.thread == first


def test_only_published_comments_accept_replies(article, policy):
    assert ApprovedCommentFactory(article=article).accepts_replies()
    assert not PendingCommentFactory(article=article).accepts_replies()
    assert not RejectedCommentFactory(article=article).accepts_replies()
    article.comments_open = False
    assert not ApprovedCommentFactory(article=article).accepts_replies()


# --- The form, without JavaScript ---------------------------------------------------------------


def test_reply_link_opens_the_form_saying_whom_it_answers(client, article):
    marie = ApprovedCommentFactory(article=article, name="Marie", text="Et le parking ?")

    page = client.get(article.get_absolute_url()).content.decode()
    assert f'href="{reply_url(marie)}#comment-form"' in page

    response = client.get(reply_url(marie))
    assert response.status_code == 200
    assert "En réponse à Marie" in text_of(response)
    assert "Et le parking ?" in text_of(response)
    assert f'name="parent" value="{marie.pk}"' in response.content.decode()
    assert "Annuler la réponse" in text_of(response)


def test_reply_page_in_english(client, article):
    marie = ApprovedCommentFactory(article=article, name="Marie")

    response = client.get(reply_url(marie, "en"))

    assert "In reply to Marie" in text_of(response)
    assert "Cancel the reply" in text_of(response)


@pytest.mark.parametrize("make", [PendingCommentFactory, RejectedCommentFactory])
def test_no_reply_page_for_a_comment_not_published(client, article, make):
    assert client.get(reply_url(make(article=article))).status_code == 404


def test_a_reply_is_moderated_like_any_comment_then_back_to_the_thread(client, article):
    marie = ApprovedCommentFactory(article=article, name="Marie")

    response = client.post(post_url(article), comment_data(parent=str(marie.pk)))

    reply = Comment.objects.get(name="Mathilde")
    assert (reply.parent, reply.thread, reply.depth) == (marie, marie, 1)
    assert reply.status == Comment.Status.PENDING
    assert response.url == f"{article.get_absolute_url()}#comment-{reply.pk}"
    # Its author sees it, waiting, with whom it answers; nobody else does yet.
    page = text_of(client.get(article.get_absolute_url()))
    assert "En réponse à Marie" in page
    assert "Merci pour cet article très complet." not in text_of(
        Client().get(article.get_absolute_url())
    )


@pytest.mark.parametrize(
    "forged",
    [
        lambda article: PendingCommentFactory(article=article).pk,
        lambda article: RejectedCommentFactory(article=article).pk,
        lambda article: ApprovedCommentFactory(article=PublishedArticleFactory()).pk,
        lambda article: 999_999,
        lambda article: "1 OR 1=1",
        lambda article: "9" * 40,
    ],
    ids=["pending", "rejected", "other article", "missing", "garbage", "huge"],
)
def test_a_forged_parent_is_a_form_error_and_the_text_is_kept(client, article, forged):
    data = comment_data(parent=str(forged(article)), text="Ma réponse, gardée.")

    response = client.post(post_url(article), data)

    assert response.status_code == 200
    assert not Comment.objects.filter(email="mathilde@example.org").exists()
    page = text_of(response)
    assert "ne peut plus recevoir de réponse" in page
    assert "Ma réponse, gardée." in response.content.decode()
    # Sent again, it is a comment on the article.
    assert 'name="parent" value=""' in response.content.decode() or (
        'name="parent"' in response.content.decode()
        and 'name="parent" value="' not in response.content.decode()
    )


def test_a_reply_whose_captcha_failed_keeps_its_text_and_its_parent(client, article):
    marie = ApprovedCommentFactory(article=article, name="Marie")
    data = comment_data(parent=str(marie.pk), captcha_1="zzzzzz", text="Ma réponse à Marie.")

    response = client.post(post_url(article), data)

    assert response.status_code == 200
    assert CAPTCHA_FAILED in text_of(response)
    assert "Ma réponse à Marie." in response.content.decode()
    assert "En réponse à Marie" in text_of(response)
    assert f'name="parent" value="{marie.pk}"' in response.content.decode()
    assert not Comment.objects.filter(email="mathilde@example.org").exists()


def test_a_new_captcha_image_keeps_the_reply(client, article):
    marie = ApprovedCommentFactory(article=article, name="Marie")
    data = comment_data(parent=str(marie.pk), refresh_captcha="1")

    response = client.post(post_url(article), data)

    assert "En réponse à Marie" in text_of(response)
    assert f'name="parent" value="{marie.pk}"' in response.content.decode()


def test_a_reply_on_a_closed_article_is_refused(client, article):
    marie = ApprovedCommentFactory(article=article)
    article.comments_open = False
    article.save()

    response = client.post(post_url(article), comment_data(parent=str(marie.pk)))

    assert not Comment.objects.filter(email="mathilde@example.org").exists()
    assert "Les commentaires sont fermés" in text_of(response)


# --- How threads show -------------------------------------------------------------------------


def test_threads_nest_in_lists_and_each_reply_says_whom_it_answers(client, article):
    marie = ApprovedCommentFactory(article=article, name="Marie", text="Premier.")
    paul = ApprovedReplyFactory(parent=marie, name="Paul", text="Deuxième.")
    ApprovedReplyFactory(parent=paul, name="Léa", text="Troisième.")
    PendingCommentFactory(article=article)
    ReplyFactory(parent=marie, name="Caché", text="En attente.")

    response = client.get(article.get_absolute_url())
    page = response.content.decode()

    assert page.count('class="comment-list comment-list--replies"') == 2
    assert page.index("Premier.") < page.index("Deuxième.") < page.index("Troisième.")
    text = text_of(response)
    assert "En réponse à Marie" in text
    assert "En réponse à Paul" in text
    assert "En attente." not in text
    # One thread.
    assert "1 commentaire" in text


def test_a_reply_to_a_removed_comment_stays_readable(client, article, policy):
    marie = ApprovedCommentFactory(article=article, name="Marie")
    # A name no factory draws: the page must not show it anywhere once the comment is removed.
    paul = ApprovedReplyFactory(
        parent=marie, name="Paulin Quéveret", text="Je ne suis pas d'accord."
    )
    ApprovedReplyFactory(parent=paul, name="Léa", text="Moi non plus.")

    paul.reject(by=ModeratorFactory())
    text = text_of(client.get(article.get_absolute_url()))

    assert "Paulin Quéveret" not in text
    assert "Je ne suis pas d'accord." not in text
    assert "Moi non plus." in text
    assert "Réponse à un commentaire retiré" in text


def test_a_thread_whose_start_is_removed_shows_a_placeholder_with_its_replies(client, article):
    marie = ApprovedCommentFactory(article=article, name="Marie", text="Propos retirés.")
    ApprovedReplyFactory(parent=marie, name="Paul", text="Une réponse utile.")
    RejectedCommentFactory(article=article, text="Sans réponse.")

    marie.reject(by=ModeratorFactory())
    response = client.get(article.get_absolute_url())
    text = text_of(response)

    assert "Commentaire retiré" in text
    assert "Propos retirés." not in text
    assert "Une réponse utile." in text
    assert "Sans réponse." not in text
    assert "1 commentaire" in text
    # No "reply" under what was removed.
    assert reply_url(marie) not in response.content.decode()


def test_pages_count_threads_and_never_split_one(client, article, settings):
    settings.COMMENTS_PER_PAGE = 2
    threads = ApprovedCommentFactory.create_batch(3, article=article)
    for n in range(4):
        ApprovedReplyFactory(parent=threads[1], text=f"Réponse numéro {n}.")
    forget_listing(article.pk)

    first = text_of(client.get(article.get_absolute_url()))
    second = text_of(client.get(article.get_absolute_url() + "?comments_page=2"))

    assert "3 commentaires" in first
    assert "Page 1 sur 2" in first
    assert all(f"Réponse numéro {n}." in first for n in range(4))
    assert not any(f"Réponse numéro {n}." in second for n in range(4))
    assert threads[2].text[:40] in second


def test_counts_on_lists_count_threads(article):
    first = ApprovedCommentFactory(article=article)
    ApprovedReplyFactory.create_batch(3, parent=first)
    ApprovedCommentFactory(article=article)

    assert Comment.objects.counts_by_article([article]) == {article.pk: 2}


def test_a_new_reply_and_a_takedown_show_at_once(client, article):
    marie = ApprovedCommentFactory(article=article, name="Marie")
    client.get(article.get_absolute_url())  # cached

    paul = ApprovedReplyFactory(parent=marie, text="Une réponse toute neuve.")
    assert "Une réponse toute neuve." in text_of(client.get(article.get_absolute_url()))

    paul.reject(by=ModeratorFactory())
    assert "Une réponse toute neuve." not in text_of(client.get(article.get_absolute_url()))


# --- Privacy ----------------------------------------------------------------------------------


def test_erasing_a_comment_with_replies_keeps_the_replies(client, article):
    marie = ApprovedCommentFactory(article=article, email="marie@example.org", text="À effacer.")
    ApprovedReplyFactory(parent=marie, text="Une réponse qui reste.")
    alone = ApprovedCommentFactory(article=article, email="marie@example.org")
    client.get(article.get_absolute_url())  # cached

    assert erase_commenter_data("marie@example.org") == 2

    assert not Comment.objects.filter(pk=alone.pk).exists()
    marie.refresh_from_db()
    assert marie.status == Comment.Status.REMOVED
    assert (marie.name, marie.email, marie.text, marie.ip_address, marie.user_agent) == (
        "",
        "",
        "",
        None,
        "",
    )
    assert not marie.notify_on_publish
    assert not marie.notify_on_reply
    text = text_of(client.get(article.get_absolute_url()))
    assert "À effacer." not in text
    assert "Une réponse qui reste." in text
    assert "Commentaire retiré" in text
    assert Comment.objects.by_email("marie@example.org").count() == 0


def test_erasing_a_commenter_who_answered_themselves_deletes_both(article):
    marie = ApprovedCommentFactory(article=article, email="marie@example.org")
    ApprovedReplyFactory(parent=marie, email="marie@example.org")

    assert erase_commenter_data("marie@example.org") == 2

    assert Comment.objects.count() == 0


def test_the_export_names_the_comment_a_reply_answers(article):
    marie = ApprovedCommentFactory(article=article, name="Marie")
    ApprovedReplyFactory(parent=marie, email="paul@example.org")

    exported = export_commenter_data("paul@example.org")

    assert exported["comments"][0]["in_reply_to"] == {"id": marie.pk, "name": "Marie"}


@pytest.mark.parametrize("threads", [0, 10, 60])
def test_the_comment_slot_runs_the_same_queries_with_nested_replies(
    article, policy, threads, django_assert_num_queries
):
    from .test_views import render_section

    for first in ApprovedCommentFactory.create_batch(threads, article=article):
        ApprovedReplyFactory(parent=ApprovedReplyFactory(parent=first))
    render_section(article)  # the first showing caches the policy
    forget_listing(article.pk)

    # The count of threads, the page of threads, all their replies, and the captcha.
    with django_assert_num_queries(4):
        render_section(article)
    with django_assert_num_queries(1):
        render_section(article)
