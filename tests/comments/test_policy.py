import datetime

import pytest
from django.utils import timezone

from comments.models import Comment, ModerationPolicy
from tests.comments.factories import ApprovedCommentFactory, PendingCommentFactory

from .helpers import comment_data, post_url, signed_timestamp

pytestmark = pytest.mark.django_db


def post(client, article, **overrides):
    response = client.post(post_url(article), comment_data(**overrides))
    assert response.status_code == 302, response.content.decode()[:2000]
    return Comment.objects.latest("pk")


def test_everything_waits_for_a_moderator_by_default(client, article, policy):
    comment = post(client, article)

    assert comment.status == Comment.Status.PENDING
    assert comment.spam_score == 0
    assert comment.reasons_display() == ["tout commentaire attend un modérateur"]


def test_policy_is_a_single_row():
    first = ModerationPolicy.load()
    second = ModerationPolicy(max_links=9)
    second.save()

    assert ModerationPolicy.objects.count() == 1
    assert first.pk == second.pk == 1


def test_without_hold_all_a_clean_comment_is_published(client, article, policy):
    policy.hold_all = False
    policy.save()

    comment = post(client, article)

    assert comment.status == Comment.Status.APPROVED


def test_filled_honeypot_goes_to_spam_with_its_reason(client, article, policy):
    comment = post(client, article, website="https://casino.example")

    assert comment.status == Comment.Status.SPAM
    assert comment.spam_reasons == [{"rule": "honeypot", "detail": ""}]
    assert comment.spam_score == 10
    assert comment.reasons_display() == ["champ piège rempli"]


def test_honeypot_switched_off_is_ignored(client, article, policy):
    policy.use_honeypot = False
    policy.save()

    comment = post(client, article, website="anything")

    assert comment.status == Comment.Status.PENDING


def test_disallowed_word_goes_to_spam_naming_the_word(client, article, policy):
    policy.disallowed_words = "viagra\nCasino en ligne"
    policy.save()

    comment = post(client, article, text="Le meilleur casino en ligne est ici.")

    assert comment.status == Comment.Status.SPAM
    assert comment.spam_reasons == [{"rule": "disallowed_word", "detail": "casino en ligne"}]
    assert comment.reasons_display() == ["mot interdit : casino en ligne"]


def test_too_many_links_waits_with_the_link_count(client, article, policy):
    policy.max_links = 2
    policy.hold_all = False
    policy.save()

    comment = post(
        client, article, text="Voir https://a.example et http://b.example et www.c.example"
    )

    assert comment.status == Comment.Status.PENDING
    assert comment.spam_reasons == [{"rule": "links", "detail": "3"}]
    assert comment.spam_score == 6
    assert comment.reasons_display() == ["3 liens"]


def test_one_link_below_the_threshold_is_not_held(client, article, policy):
    policy.max_links = 2
    policy.hold_all = False
    policy.save()

    comment = post(client, article, text="Source : https://a.example")

    assert comment.status == Comment.Status.APPROVED


def test_moderation_word_waits_naming_the_word(client, article, policy):
    policy.moderation_words = "maire"
    policy.hold_all = False
    policy.save()

    comment = post(client, article, text="Le Maire devrait répondre.")

    assert comment.status == Comment.Status.PENDING
    assert comment.spam_reasons == [{"rule": "moderation_word", "detail": "maire"}]
    assert comment.reasons_display() == ["mot à modérer : maire"]


def test_a_submission_faster_than_typing_goes_to_spam(client, article, policy):
    comment = post(client, article, timestamp=signed_timestamp(seconds_ago=1))

    assert comment.status == Comment.Status.SPAM
    assert comment.spam_reasons == [{"rule": "too_fast", "detail": "1"}]


def test_a_forged_timestamp_goes_to_spam(client, article, policy):
    comment = post(client, article, timestamp="1700000000")

    assert comment.status == Comment.Status.SPAM
    assert comment.spam_reasons == [{"rule": "no_timestamp", "detail": ""}]


def test_rules_add_up_in_the_score(client, article, policy):
    policy.disallowed_words = "arnaque"
    policy.save()

    comment = post(client, article, website="x", text="Une arnaque")

    assert comment.spam_score == 20
    assert [r["rule"] for r in comment.spam_reasons] == ["honeypot", "disallowed_word"]


@pytest.mark.parametrize("enabled", [True, False])
def test_known_commenters_are_approved_only_when_enabled(client, article, policy, enabled):
    policy.auto_approve_known = enabled
    policy.save()
    ApprovedCommentFactory(email="fidele@example.org")

    comment = post(client, article, email="Fidele@Example.org")

    assert comment.status == (Comment.Status.APPROVED if enabled else Comment.Status.PENDING)


def test_an_unknown_commenter_is_not_auto_approved(client, article, policy):
    policy.auto_approve_known = True
    policy.save()
    PendingCommentFactory(email="fidele@example.org")

    comment = post(client, article, email="fidele@example.org")

    assert comment.status == Comment.Status.PENDING


def test_a_known_commenter_breaking_a_rule_still_waits(client, article, policy):
    policy.auto_approve_known = True
    policy.moderation_words = "maire"
    policy.save()
    ApprovedCommentFactory(email="fidele@example.org")

    comment = post(client, article, email="fidele@example.org", text="Le maire !")

    assert comment.status == Comment.Status.PENDING


@pytest.mark.parametrize(("age_days", "closed"), [(89, False), (91, True)])
def test_comments_close_on_old_articles(article, policy, age_days, closed):
    article.published_at = timezone.now() - datetime.timedelta(days=age_days)

    assert policy.comments_closed(article) is closed


def test_close_after_zero_days_keeps_comments_open(article, policy):
    policy.close_after_days = 0
    article.published_at = timezone.now() - datetime.timedelta(days=3000)

    assert policy.comments_closed(article) is False


def test_switched_off_article_is_closed(article, policy):
    article.comments_open = False

    assert policy.comments_closed(article) is True


def test_rate_limit_counts_recent_comments_from_the_address(policy):
    policy.rate_limit_count, policy.rate_limit_minutes = 2, 10
    PendingCommentFactory(ip_address="203.0.113.5")
    PendingCommentFactory(
        ip_address="203.0.113.5", created_at=timezone.now() - datetime.timedelta(minutes=11)
    )
    PendingCommentFactory(ip_address="203.0.113.6")

    assert policy.rate_limited("203.0.113.5") is False
    PendingCommentFactory(ip_address="203.0.113.5")
    assert policy.rate_limited("203.0.113.5") is True
    assert policy.rate_limited("203.0.113.6") is False


def test_rate_limit_holds_when_the_cache_is_down(client, article, policy, settings):
    # The count lives in the database: a cache that forgets everything changes nothing.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    policy.rate_limit_count = 1
    policy.save()
    post(client, article)

    response = client.post(post_url(article), comment_data(text="Encore"))

    assert response.status_code == 429


def test_the_rate_limit_window_and_count_are_editable(client, article, policy):
    policy.rate_limit_count = 0
    policy.save()
    PendingCommentFactory.create_batch(6, ip_address="127.0.0.1")

    assert policy.rate_limited("127.0.0.1") is False
