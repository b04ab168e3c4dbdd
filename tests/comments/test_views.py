import datetime
import html
import re

import pytest
import time_machine
from captcha.models import CaptchaStore
from django.core.cache import cache
from django.db import connection
from django.template import Context, Template
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from comments import rate_limit
from comments.models import Comment, ModerationPolicy, forget_listing
from operations.models import Job
from tests.articles.factories import ModeratorFactory
from tests.articles.reader import reader_client
from tests.comments.factories import ApprovedCommentFactory, PendingCommentFactory
from tests.harness import at_once, run_jobs

from .helpers import comment_data, post_url

pytestmark = pytest.mark.django_db

CAPTCHA_CONTACT_FR = "Le score de l'utilisateur captcha a échoué. Contactez nous s'il vous plait!"
CAPTCHA_CONTACT_EN = "The captcha user score failed. Please contact us!"


def text_of(response):
    """The page as a reader reads it: tags removed, entities decoded, spaces collapsed."""
    page = re.sub(r"<[^>]+>", "", response.content.decode())
    return " ".join(html.unescape(page).split())


def kept(response, data):
    """The fresh form shows what the reader typed."""
    content = response.content.decode()
    return (
        (not data["name"] or f'value="{html.escape(data["name"])}"' in content)
        and f'value="{html.escape(data["email"])}"' in content
        and html.escape(data["text"])[:200] in content
    )


# --- The form on the article page -------------------------------------------------------------


def test_article_page_shows_the_form_heading_in_french(article):
    # A reader's browser: a crawler gets no captcha challenge.
    response = reader_client().get(article.get_absolute_url())

    assert "Laisser un commentaire" in text_of(response)
    assert 'name="captcha_1"' in response.content.decode()
    assert 'name="website"' in response.content.decode()


def test_article_page_shows_the_form_heading_in_english(client, article):
    with translation.override("en"):
        url = article.get_absolute_url()
    response = client.get(url)

    assert "Leave a comment" in text_of(response)


def test_form_offers_no_audio_without_flite(client, article, monkeypatch):
    from captcha.conf import settings as captcha_settings

    monkeypatch.setattr(captcha_settings, "CAPTCHA_FLITE_PATH", None)
    response = client.get(article.get_absolute_url())

    assert "captcha__audio" not in response.content.decode()


def test_form_offers_audio_when_flite_is_configured(article, monkeypatch):
    from captcha.conf import settings as captcha_settings

    monkeypatch.setattr(captcha_settings, "CAPTCHA_FLITE_PATH", "/usr/bin/flite")
    response = reader_client().get(article.get_absolute_url())

    assert re.search(
        r'class="captcha__audio" href="/captcha/audio/\w+\.wav"', response.content.decode()
    )


def test_closed_article_shows_no_form(client, article):
    article.comments_open = False
    article.save()

    response = client.get(article.get_absolute_url())

    assert "Les commentaires sont fermés pour cet article." in text_of(response)
    assert 'name="captcha_1"' not in response.content.decode()


# --- Success -----------------------------------------------------------------------------------


def test_success_redirects_to_the_article_with_the_french_message(client, article):
    response = client.post(post_url(article), comment_data(), follow=True)

    comment = Comment.objects.get()
    assert response.redirect_chain == [(f"{article.get_absolute_url()}#comment-{comment.pk}", 302)]
    assert "Votre commentaire est en attente de modération" in text_of(response)
    assert comment.status == Comment.Status.PENDING
    assert comment.ip_address == "127.0.0.1"


def test_success_message_in_english(client, article):
    response = client.post(post_url(article, "en"), comment_data(), follow=True)

    assert "Your comment is awaiting moderation" in text_of(response)


def test_comment_is_invisible_to_others_until_approved_then_visible(client, article):
    client.post(post_url(article), comment_data(text="Un avis très personnel."))
    comment = Comment.objects.get()
    stranger = Client()

    assert "Un avis très personnel." not in text_of(stranger.get(article.get_absolute_url()))

    comment.approve(by=ModeratorFactory())

    page = text_of(stranger.get(article.get_absolute_url()))
    assert "Un avis très personnel." in page
    assert "1 commentaire" in page


def test_author_sees_their_pending_comment_marked_for_the_visit(client, article):
    client.post(post_url(article), comment_data(text="Mon commentaire en attente."))

    response = client.get(article.get_absolute_url())

    page = text_of(response)
    assert "Mon commentaire en attente." in page
    assert "En attente de modération" in page
    assert 'class="comment comment--pending"' in response.content.decode()
    assert "0 commentaire" in page


def test_rejected_comment_disappears_for_its_author_too(client, article):
    client.post(post_url(article), comment_data(text="Sera refusé."))
    Comment.objects.get().reject(by=ModeratorFactory())

    assert "Sera refusé." not in text_of(client.get(article.get_absolute_url()))


def test_captcha_answer_cannot_be_used_twice(client, article):
    data = comment_data()
    client.post(post_url(article), data)

    response = client.post(post_url(article), {**data, "text": "Une deuxième fois."})

    assert Comment.objects.count() == 1
    assert "Captcha verification failed!" in text_of(response)


def test_captcha_lifetime_is_far_above_five_minutes(client, article):
    data = comment_data()
    store = CaptchaStore.objects.get(hashkey=data["captcha_0"])
    assert store.expiration - timezone.now() > datetime.timedelta(minutes=55)

    with timezone.override("UTC"):
        import time_machine

        with time_machine.travel(timezone.now() + datetime.timedelta(minutes=40)):
            response = client.post(post_url(article), data)

    assert response.status_code == 302
    assert Comment.objects.count() == 1


# --- Every failure keeps what the reader typed ----------------------------------------------------


def expired_captcha():
    data = comment_data()
    CaptchaStore.objects.filter(hashkey=data["captcha_0"]).update(
        expiration=timezone.now() - datetime.timedelta(seconds=1)
    )
    return data


FAILURES = {
    "missing name": (
        lambda: comment_data(name=""),
        "S'il vous plaît entrez votre nom ici",
        "Please enter your name here",
    ),
    "blank name": (
        lambda: comment_data(name=" \u202e\x07 "),
        "S'il vous plaît entrez votre nom ici",
        "Please enter your name here",
    ),
    "missing text": (
        lambda: comment_data(text=""),
        "S'il vous plaît entrez votre commentaire!",
        "Please enter your comment!",
    ),
    "wrong captcha": (
        lambda: comment_data(captcha_1="zzzzzz"),
        "Captcha verification failed!",
        "Captcha verification failed!",
    ),
    "empty captcha": (
        lambda: comment_data(captcha_1=""),
        "Captcha verification failed!",
        "Captcha verification failed!",
    ),
    "expired captcha": (
        expired_captcha,
        "Captcha verification failed!",
        "Captcha verification failed!",
    ),
    "too long": (
        lambda: comment_data(text="a" * 5001),
        "Votre commentaire est trop long",
        "Your comment is too long",
    ),
}


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize("failure", FAILURES)
def test_every_failure_shows_its_message_and_keeps_the_text(client, article, failure, language):
    make, french, english = FAILURES[failure]
    data = make()

    response = client.post(post_url(article, language), data)

    assert response.status_code == 200
    assert Comment.objects.count() == 0
    page = text_of(response)
    assert (french if language == "fr" else english) in page
    # A name of nothing but invisible characters comes back cleaned: empty.
    assert kept(response, {**data, "name": ""} if failure == "blank name" else data)
    # A fresh captcha, with an empty answer.
    assert data["captcha_0"] not in response.content.decode()
    assert 'name="captcha_1" value=' not in response.content.decode()


@pytest.mark.parametrize(
    ("language", "message"), [("fr", CAPTCHA_CONTACT_FR), ("en", CAPTCHA_CONTACT_EN)]
)
def test_captcha_failure_invites_to_contact_the_newsroom(
    client, article, settings, language, message
):
    settings.NEWSROOM_CONTACT_EMAIL = "redaction@echo.example"

    response = client.post(post_url(article, language), comment_data(captcha_1="nope"))

    assert message in text_of(response)
    link = "Contactez nous" if language == "fr" else "contact us"
    assert f'<a href="mailto:redaction@echo.example">{link}</a>' in response.content.decode()


def test_error_page_is_accessible_and_links_back(client, article):
    response = client.post(post_url(article), comment_data(name="", text=""))

    content = response.content.decode()
    assert content.count("<h1") == 1
    assert article.title in text_of(response)
    assert f'href="{article.get_absolute_url()}"' in content
    # Error summary at the top, linked to the fields.
    assert 'id="comment-errors"' in content
    assert '<a href="#id_name">' in content
    assert '<a href="#id_text">' in content
    # Each field tells assistive technology it is wrong and where the message is.
    assert re.search(r'<input[^>]*name="name"[^>]*aria-invalid="true"', content)
    assert re.search(r'<input[^>]*name="name"[^>]*aria-describedby="id_name_error"', content)
    assert 'id="id_name_error"' in content
    assert re.search(r'<textarea[^>]*aria-describedby="id_text_error"', content)


def test_rate_limit_answers_with_a_message_not_a_500(client, article, policy):
    policy.rate_limit_count = 2
    policy.save()
    PendingCommentFactory.create_batch(2, article=article, ip_address="127.0.0.1")
    data = comment_data(text="Encore un avis.")

    response = client.post(post_url(article), data)

    assert response.status_code == 429
    assert "Vous avez envoyé 2 commentaires" in text_of(response)
    assert kept(response, data)
    assert Comment.objects.count() == 2


def test_rate_limit_message_in_english(client, article, policy):
    policy.rate_limit_count = 1
    policy.save()
    PendingCommentFactory(article=article, ip_address="127.0.0.1")

    response = client.post(post_url(article, "en"), comment_data())

    assert "You have sent 1 comment in the last 10 minutes" in text_of(response)


def test_closed_comments_refuse_and_keep_the_text(client, article):
    article.comments_open = False
    article.save()
    data = comment_data()

    response = client.post(post_url(article), data)

    assert "Les commentaires sont fermés pour cet article." in text_of(response)
    assert kept(response, data)
    assert Comment.objects.count() == 0


def test_duplicate_is_refused_with_a_message(client, article):
    data = comment_data()
    client.post(post_url(article), data)

    response = client.post(post_url(article), comment_data(text=data["text"]))

    assert Comment.objects.count() == 1
    assert "Vous avez déjà envoyé ce commentaire" in text_of(response)


@pytest.mark.parametrize("language", ["fr", "en"])
def test_expired_form_csrf_failure_keeps_the_text(article, language):
    client = Client(enforce_csrf_checks=True)
    data = comment_data(text="Écrit pendant une heure.")

    response = client.post(post_url(article, language), data)

    assert response.status_code == 403
    assert kept(response, data)
    assert "csrfmiddlewaretoken" in response.content.decode()
    notice = (
        "Votre commentaire n'a pas été envoyé" if language == "fr" else "Your comment was not sent"
    )
    assert notice in text_of(response)
    assert Comment.objects.count() == 0


def test_csrf_failure_elsewhere_is_djangos_own_page(article):
    client = Client(enforce_csrf_checks=True)
    with translation.override("fr"):
        response = client.post("/i18n/setlang/", {"language": "en"})

    assert response.status_code == 403
    assert "CSRF" in response.content.decode()


def test_after_csrf_failure_the_new_token_lets_the_comment_through(article):
    client = Client(enforce_csrf_checks=True)
    client.post(post_url(article), comment_data())
    token = client.cookies["csrftoken"].value

    response = client.post(post_url(article), {**comment_data(), "csrfmiddlewaretoken": token})

    assert response.status_code == 302
    assert Comment.objects.count() == 1


def test_new_image_without_javascript_keeps_the_text_and_shows_no_error(client, article):
    data = comment_data(text="Je réfléchis encore.", refresh_captcha="1")

    response = client.post(post_url(article), data)

    assert response.status_code == 200
    assert kept(response, data)
    assert data["captcha_0"] not in response.content.decode()
    assert "Captcha verification failed!" not in text_of(response)
    assert Comment.objects.count() == 0


def test_refresh_endpoint_answers_fetch(client):
    response = client.get("/captcha/refresh/", headers={"X-Requested-With": "XMLHttpRequest"})

    data = response.json()
    assert CaptchaStore.objects.filter(hashkey=data["key"]).exists()
    assert data["image_url"] == f"/captcha/image/{data['key']}/"


def test_posting_needs_post_and_a_published_article(client, article):
    assert client.get(post_url(article)).status_code == 405
    article.status = article.Status.DRAFT
    article.save()
    assert client.post(post_url(article), comment_data()).status_code == 404


# --- Hostile input -------------------------------------------------------------------------------


def test_half_a_megabyte_of_text_is_refused_and_kept(client, article):
    data = comment_data(text="x" * 500_000)

    response = client.post(post_url(article), data)

    assert response.status_code == 200
    assert "Votre commentaire est trop long" in text_of(response)
    assert Comment.objects.count() == 0


def test_nul_bytes_are_refused(client, article):
    response = client.post(post_url(article), comment_data(name="Eve\x00", text="a\x00b"))

    assert response.status_code == 200
    assert Comment.objects.count() == 0


def test_script_and_img_onerror_are_rendered_inert(client, article):
    client.post(
        post_url(article),
        comment_data(
            name="<script>alert(1)</script>",
            text='<img src=x onerror="alert(2)"> et <script>alert(3)</script>',
        ),
    )
    Comment.objects.get().approve(by=ModeratorFactory())

    content = Client().get(article.get_absolute_url()).content.decode()

    assert "<script>alert" not in content
    assert "<img src=x" not in content
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in content
    assert "&lt;img src=x onerror=" in content


def test_links_are_clickable_but_not_endorsed_and_line_breaks_kept(client, article):
    ApprovedCommentFactory(article=article, text="Voir https://example.org/page\nSeconde ligne")

    content = client.get(article.get_absolute_url()).content.decode()

    assert (
        '<a href="https://example.org/page" rel="nofollow ugc noopener">https://example.org/page</a>'
        "<br>Seconde ligne"
    ) in content


def test_approved_comments_oldest_first_with_localised_date(client, article):
    now = timezone.now()
    ApprovedCommentFactory(article=article, text="Deuxième", created_at=now)
    ApprovedCommentFactory(
        article=article,
        text="Premier",
        created_at=datetime.datetime(2026, 3, 14, 9, 30, tzinfo=datetime.UTC),
    )
    PendingCommentFactory(article=article, text="Invisible")

    page = text_of(client.get(article.get_absolute_url()))

    assert page.index("Premier") < page.index("Deuxième")
    assert "Invisible" not in page
    assert "14 mars 2026" in page
    assert "2 commentaires" in page


def test_comments_are_paginated_past_the_setting(client, article, settings):
    settings.COMMENTS_PER_PAGE = 3
    for n in range(7):
        ApprovedCommentFactory(
            article=article,
            text=f"Numéro {n}",
            created_at=timezone.now() + datetime.timedelta(seconds=n),
        )

    first = text_of(client.get(article.get_absolute_url()))
    third = text_of(client.get(article.get_absolute_url() + "?comments_page=3"))

    assert "Numéro 0" in first
    assert "Numéro 3" not in first
    assert "Page 1 sur 3" in first
    assert "Numéro 6" in third
    assert "Numéro 5" not in third
    assert "7 commentaires" in third


# --- Query counts -------------------------------------------------------------------------------


def render_section(article):
    request = RequestFactory().get(article.get_absolute_url())
    request.session = {}
    template = Template("{% load comments %}{% comment_section article %}")
    return template.render(Context({"article": article, "request": request}))


@pytest.mark.parametrize("count", [0, 10, 200])
def test_comment_slot_runs_a_constant_number_of_queries(
    article, policy, count, django_assert_num_queries
):
    ApprovedCommentFactory.create_batch(count, article=article)
    render_section(article)  # the first showing caches the policy
    forget_listing(article.pk)

    # With the rendered comments dropped: the count of threads, the page of threads, their
    # replies, and the captcha.
    with django_assert_num_queries(4):
        render_section(article)
    # Then the comments come rendered from the cache: only the captcha is stored.
    with django_assert_num_queries(1):
        render_section(article)


def test_a_policy_change_applies_at_once_despite_the_cache(article, policy):
    render_section(article)  # caches the policy

    policy.close_after_days = 1
    policy.save()

    assert ModerationPolicy.load().close_after_days == 1


def test_article_page_queries_do_not_grow_with_comments(article, policy):
    client = Client()

    def queries():
        client.get(article.get_absolute_url())  # new comments drop the cached rendering
        with CaptureQueriesContext(connection) as context:
            assert client.get(article.get_absolute_url()).status_code == 200
        return len(context.captured_queries)

    queries()  # warm caches that the article page may fill on a first visit
    empty = queries()
    ApprovedCommentFactory.create_batch(10, article=article)
    ten = queries()
    ApprovedCommentFactory.create_batch(190, article=article)
    many = queries()

    assert empty == ten == many


def test_comment_counts_for_a_list_of_articles_in_one_query(django_assert_num_queries):
    from tests.articles.factories import PublishedArticleFactory

    articles = PublishedArticleFactory.create_batch(3)
    ApprovedCommentFactory.create_batch(2, article=articles[0])
    ApprovedCommentFactory(article=articles[2])
    PendingCommentFactory(article=articles[1])
    template = Template(
        "{% load comments %}{% comment_counts articles as counts %}"
        "{% for a in articles %}[{{ counts|count_for:a }}]{% endfor %}"
        "{% include 'comments/includes/comment_count.html' "
        "with article=articles.0 count=counts|count_for:articles.0 %}"
    )

    with django_assert_num_queries(1), translation.override("fr"):
        rendered = template.render(Context({"articles": articles}))

    assert "[2][0][1]" in rendered
    assert "2 commentaires" in rendered


def test_enter_in_a_field_sends_the_comment_rather_than_asking_for_a_new_image(client, article):
    html = client.get(article.get_absolute_url()).content.decode()
    form = html[html.index('<form method="post" action="/commentaires/') :]

    # Browsers submit with the form's first submit button when a reader presses Enter.
    first_button = re.search(r"<button[^>]*>", form).group(0)
    assert 'type="submit"' in first_button
    assert "refresh_captcha" not in first_button


# --- What a comment costs the reader who sends it ----------------------------------------------


@pytest.fixture
def shared_counters(monkeypatch):
    """The rate limit's counters in the cache, as with Redis (the tests' cache is the process's
    own memory, which the counters never trust in production)."""
    monkeypatch.setattr(rate_limit, "counts_in_cache", lambda: True)


def counting_for_two_windows(policy, ip_address="127.0.0.1"):
    """Start the counters and travel past two windows: from then on they vouch for the address."""
    rate_limit.rate_limited(policy, ip_address)
    traveller = time_machine.travel(
        timezone.now() + datetime.timedelta(minutes=2 * policy.rate_limit_minutes + 1), tick=True
    )
    traveller.start()
    return traveller


def sql_of(captured):
    return [
        query["sql"]
        for query in captured.captured_queries
        if not query["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))
    ]


def test_a_comment_is_sent_in_five_queries(
    article, policy, shared_counters, django_capture_on_commit_callbacks
):
    """The article; the captcha used up, with the expired ones (one DELETE … RETURNING, where
    django-simple-captcha ran three queries); the duplicate check; the comment; the session
    that lets its author see it, written (it is read from the cache). Before: ten, with the
    rate limit's COUNT over the comments, the captcha's three queries and a moderators' job
    queued per comment. The rate limit is counted in the shared cache, and one moderators' job
    waiting is enough."""
    traveller = counting_for_two_windows(policy)
    try:
        client = Client()
        with django_capture_on_commit_callbacks(execute=True):
            client.post(post_url(article), comment_data(text="Premier avis."))
        data = comment_data(text="Deuxième avis.")

        with (
            CaptureQueriesContext(connection) as captured,
            django_capture_on_commit_callbacks(execute=True),
        ):
            response = client.post(post_url(article), data)
    finally:
        traveller.stop()

    assert response.status_code == 302
    queries = sql_of(captured)
    assert len(queries) == 5, "\n".join(queries)
    assert not [sql for sql in queries if "COUNT(" in sql]
    assert Comment.objects.pending().count() == 2


def test_the_limit_bites_at_the_allowance_with_the_counters(
    client, article, policy, shared_counters, django_capture_on_commit_callbacks
):
    policy.rate_limit_count = 3
    policy.save()
    traveller = counting_for_two_windows(policy)
    try:
        statuses = []
        for n in range(4):
            with django_capture_on_commit_callbacks(execute=True):
                response = client.post(post_url(article), comment_data(text=f"Avis {n}."))
            statuses.append(response.status_code)
        # Another address is not concerned.
        other = client.post(
            post_url(article), comment_data(text="Ailleurs."), REMOTE_ADDR="203.0.113.9"
        )
    finally:
        traveller.stop()

    assert statuses == [302, 302, 302, 429]
    assert other.status_code == 302
    assert Comment.objects.count() == 4


def test_the_database_counts_when_the_cache_forgot(
    client, article, policy, shared_counters, django_capture_on_commit_callbacks
):
    policy.rate_limit_count = 2
    policy.save()
    traveller = counting_for_two_windows(policy)
    try:
        for n in range(2):
            with django_capture_on_commit_callbacks(execute=True):
                client.post(post_url(article), comment_data(text=f"Avis {n}."))
        cache.clear()  # Redis emptied, or restarted

        with CaptureQueriesContext(connection) as captured:
            response = client.post(post_url(article), comment_data(text="Encore."))
    finally:
        traveller.stop()

    assert response.status_code == 429
    assert [sql for sql in sql_of(captured) if "COUNT(" in sql]


def test_the_database_counts_near_the_allowance(
    client, article, policy, shared_counters, django_capture_on_commit_callbacks
):
    """The counters only prove an address is under the allowance: a comment sent two windows
    ago still sits in the previous bucket, and the database tells it is out of the window."""
    policy.rate_limit_count, policy.rate_limit_minutes = 2, 10
    policy.save()
    traveller = counting_for_two_windows(policy)
    try:
        for text in ("Premier.", "Deuxième."):
            with django_capture_on_commit_callbacks(execute=True):
                client.post(post_url(article), comment_data(text=text))
        Comment.objects.update(created_at=timezone.now() - datetime.timedelta(minutes=11))

        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(post_url(article), comment_data(text="Troisième."))
    finally:
        traveller.stop()

    assert response.status_code == 302


def test_a_flood_of_comments_queues_one_moderators_job_until_it_runs(
    client, article, django_capture_on_commit_callbacks
):
    for n in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            client.post(post_url(article), comment_data(text=f"Avis {n}."))
    assert Job.objects.filter(task_path="comments.tasks.notify_moderators").count() == 1

    run_jobs()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(post_url(article), comment_data(text="Après le passage du worker."))

    assert Job.objects.filter(task_path="comments.tasks.notify_moderators").count() == 2


def test_a_dead_cache_still_queues_the_moderators_job(
    client, article, settings, django_capture_on_commit_callbacks
):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    for n in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            client.post(post_url(article), comment_data(text=f"Avis {n}."))

    assert Job.objects.filter(task_path="comments.tasks.notify_moderators").count() == 2


def test_a_wrong_answer_uses_the_challenge_up_and_expired_ones_go(client, article):
    expired = comment_data()
    CaptchaStore.objects.filter(hashkey=expired["captcha_0"]).update(
        expiration=timezone.now() - datetime.timedelta(seconds=1)
    )
    data = comment_data()

    wrong = client.post(post_url(article), {**data, "captcha_1": "faux"})
    right_too_late = client.post(post_url(article), data)

    assert "Captcha verification failed!" in text_of(wrong)
    assert "Captcha verification failed!" in text_of(right_too_late)
    assert not CaptchaStore.objects.filter(
        hashkey__in=[expired["captcha_0"], data["captcha_0"]]
    ).exists()
    assert Comment.objects.count() == 0


def test_an_expired_challenge_is_refused_even_with_the_right_answer(client, article):
    data = comment_data()
    CaptchaStore.objects.filter(hashkey=data["captcha_0"]).update(
        expiration=timezone.now() - datetime.timedelta(seconds=1)
    )

    response = client.post(post_url(article), data)

    assert "Captcha verification failed!" in text_of(response)
    assert Comment.objects.count() == 0


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.xdist_group("many_connections")
def test_one_challenge_sent_by_twenty_readers_at_once_lets_one_comment_through(article):
    data = comment_data()

    def send(number):
        return lambda: (
            Client()
            .post(
                post_url(article),
                {**data, "text": f"Avis {number}."},
                REMOTE_ADDR=f"10.2.0.{number}",
            )
            .status_code
        )

    statuses = at_once([send(number) for number in range(1, 21)])

    assert sorted(statuses) == [200] * 19 + [302]
    assert Comment.objects.count() == 1
