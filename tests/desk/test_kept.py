"""A form posted after its CSRF token or its session expired: nothing typed is lost, for each
admin form that holds writing, and only its author gets it back."""

import html
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from articles.models import Article
from comments.models import ModerationPolicy
from desk.models import KeptForm
from tests.articles.factories import (
    ArticleFactory,
    AuthorProfileFactory,
    JournalistFactory,
    SectionFactory,
)
from tests.articles.test_admin import form_data
from tests.photos.factories import PhotoFactory
from tests.photos.images import jpeg_bytes

pytestmark = pytest.mark.django_db

OWN_SITE = {"Origin": "http://testserver"}
STALE_TOKEN = "a" * 64
EXPIRED_FR = "Le formulaire avait expiré quand vous l'avez envoyé"
SESSION_FR = "Votre session avait pris fin quand vous avez envoyé ce formulaire"
NOTHING_SAVED_FR = "rien n'est encore enregistré"
FILE_AGAIN_FR = "Le fichier choisi doit être choisi de nouveau."


def article_form():
    section = SectionFactory(name="Culture")
    typed = {
        "title": "Le festival des brumes revient",
        "standfirst": "Trois jours de concerts au bord de l'eau.",
        "body": "<p>La programmation tient ses promesses.</p>",
        "tags": "musique, été",
        "section": str(section.pk),
    }
    return reverse("admin:articles_article_add"), form_data(**typed), typed


def author_profile_form():
    profile = AuthorProfileFactory(user__is_staff=True)
    typed = {
        "byline": "Claire M.",
        "job_title": "Grand reporter",
        "bio": "Vingt ans de terrain, de la vallée au monde.",
    }
    url = reverse("admin:articles_authorprofile_change", args=[profile.pk])
    return url, {"user": str(profile.user_id), **typed}, typed


def donation_prompt_form():
    typed = {
        "name": "Appel de la rentrée",
        "heading": "Soutenez l'info locale",
        "message": "Un journal indépendant vit de ses lecteurs, dès {minimum}.",
        "suggested_amounts": "5, 10, 20",
        "button_label": "Je donne",
        "destination_url": "https://dons.example.org/rentree",
        "amount_parameter": "montant",
    }
    data = {
        **typed,
        "minimum_amount": "5",
        "currency": "EUR",
        "is_active": "on",
        "starts_at_0": "",
        "starts_at_1": "",
        "ends_at_0": "",
        "ends_at_1": "",
        "weight": "1",
        "placement": "after_body",
        "paragraph_number": "",
        "promptsectionstat_set-TOTAL_FORMS": "0",
        "promptsectionstat_set-INITIAL_FORMS": "0",
    }
    return reverse("admin:donations_donationprompt_add"), data, typed


def moderation_policy_form():
    policy = ModerationPolicy.load()
    typed = {
        "moderation_words": "arnaque\ncasino",
        "disallowed_words": "viagra",
        "max_links": "3",
    }
    data = {
        **typed,
        "hold_all": "on",
        "min_seconds_to_submit": "4",
        "close_after_days": "30",
        "rate_limit_count": "5",
        "rate_limit_minutes": "10",
    }
    return reverse("admin:comments_moderationpolicy_change", args=[policy.pk]), data, typed


def photo_form():
    photo = PhotoFactory()
    typed = {
        "alt_text": "Des barques sur le lac au matin",
        "caption": "Le lac, un matin de brume.",
        "credit": "Paul Girard",
        "source": "CC BY 4.0",
    }
    return reverse("admin:photos_photo_change", args=[photo.pk]), dict(typed), typed


FORMS = [
    article_form,
    author_profile_form,
    donation_prompt_form,
    moderation_policy_form,
    photo_form,
]


def superuser():
    return get_user_model().objects.create_superuser("hugo", "hugo@example.org", "password")


def opened_then_refused(user, url, data):
    """A browser that opened the form, then posted it with a token that no longer holds."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    assert client.get(url).status_code == 200
    response = client.post(url, {**data, "csrfmiddlewaretoken": STALE_TOKEN}, headers=OWN_SITE)
    return client, response


def shown(response):
    """The page's text, as read: the messages escape their apostrophes."""
    return html.unescape(response.content.decode())


def form_values(response):
    form = response.context["adminform"].form
    return {name: form[name].value() for name in form.fields}


def assert_typed_values_are_back(response, typed):
    values = form_values(response)
    for name, value in typed.items():
        shown = values[name]
        if isinstance(shown, list):
            shown = ", ".join(str(item) for item in shown)
        assert str(shown) == value, name


@pytest.mark.parametrize("make_form", FORMS, ids=lambda make: make.__name__)
def test_a_form_posted_with_an_expired_token_comes_back_with_everything_typed(make_form):
    url, data, typed = make_form()
    client, response = opened_then_refused(superuser(), url, data)

    assert response.status_code == 303
    kept = KeptForm.objects.get()
    assert response["Location"] == f"{url}?kept={kept.token}"
    assert "csrfmiddlewaretoken" not in kept.data
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert not page.context["adminform"].form.is_bound
    assert_typed_values_are_back(page, typed)
    content = shown(page)
    assert EXPIRED_FR in content
    assert NOTHING_SAVED_FR in content
    assert FILE_AGAIN_FR not in content


@pytest.mark.parametrize("make_form", FORMS, ids=lambda make: make.__name__)
def test_a_form_posted_after_the_session_ended_comes_back_after_logging_in(make_form):
    url, data, typed = make_form()
    user = superuser()
    client = Client()
    client.force_login(user)
    client.get(url)
    client.logout()

    response = client.post(url, data)

    assert response.status_code == 303
    kept = KeptForm.objects.get()
    assert kept.user is None
    login, query = urlsplit(response["Location"])[2:4]
    assert login == reverse("admin:login")
    assert parse_qs(query)["next"] == [f"{url}?kept={kept.token}"]
    client.force_login(user)
    page = client.get(f"{url}?kept={kept.token}")
    assert_typed_values_are_back(page, typed)
    assert SESSION_FR in shown(page)
    # Claimed by who logged in.
    assert KeptForm.objects.get().user == user


def test_an_expired_token_while_logged_out_goes_through_the_login_page():
    url, data, typed = article_form()
    client = Client(enforce_csrf_checks=True)
    client.get(reverse("admin:login"))

    response = client.post(url, {**data, "csrfmiddlewaretoken": STALE_TOKEN}, headers=OWN_SITE)

    assert response.status_code == 303
    kept = KeptForm.objects.get()
    assert response["Location"].startswith(reverse("admin:login"))
    user = superuser()
    client.force_login(user)
    page = client.get(f"{url}?kept={kept.token}")
    assert_typed_values_are_back(page, typed)
    assert EXPIRED_FR in shown(page)


def test_a_chosen_file_must_be_chosen_again():
    client = Client(enforce_csrf_checks=True)
    client.force_login(superuser())
    url = reverse("admin:photos_photo_add")
    client.get(url)
    upload = SimpleUploadedFile("lac.jpg", jpeg_bytes(), content_type="image/jpeg")

    response = client.post(
        url,
        {"image": upload, "alt_text": "Le lac", "csrfmiddlewaretoken": STALE_TOKEN},
        headers=OWN_SITE,
    )
    page = client.get(response["Location"])

    assert KeptForm.objects.get().had_files
    assert "image" not in KeptForm.objects.get().data
    assert form_values(page)["alt_text"] == "Le lac"
    assert FILE_AGAIN_FR in shown(page)


def test_the_journalist_saves_the_kept_article_and_the_kept_form_is_gone():
    journalist = JournalistFactory()
    url, data, _typed = article_form()
    client, response = opened_then_refused(journalist, url, data)
    page = client.get(response["Location"])
    token = page.context["csrf_token"]

    saved = client.post(
        response["Location"], {**data, "csrfmiddlewaretoken": str(token)}, headers=OWN_SITE
    )

    assert saved.status_code == 302
    assert Article.objects.get().title == "Le festival des brumes revient"
    assert not KeptForm.objects.exists()


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "https://elsewhere.example"},
        {"Origin": "null"},
        {"Referer": "https://elsewhere.example/page"},
        {},
    ],
    ids=["other origin", "opaque origin", "other referer", "neither"],
)
def test_a_post_from_another_site_is_never_kept(headers):
    url, data, _typed = article_form()
    client = Client(enforce_csrf_checks=True)
    client.force_login(superuser())
    client.get(url)

    response = client.post(url, {**data, "csrfmiddlewaretoken": STALE_TOKEN}, headers=headers)

    assert response.status_code == 403
    assert not KeptForm.objects.exists()


def test_a_kept_form_is_its_author_s_only():
    url, data, typed = article_form()
    _client, response = opened_then_refused(JournalistFactory(), url, data)
    other = Client()
    other.force_login(superuser())

    page = other.get(response["Location"])

    assert page.status_code == 200
    assert form_values(page)["title"] != typed["title"]
    assert EXPIRED_FR not in shown(page)
    assert KeptForm.objects.get().user != page.context["user"]


def test_a_form_kept_logged_out_is_not_given_to_another_browser():
    url, data, typed = article_form()
    client = Client()
    client.post(url, data)
    kept = KeptForm.objects.get()
    elsewhere = Client()
    elsewhere.force_login(superuser())

    page = elsewhere.get(f"{url}?kept={kept.token}")

    assert form_values(page)["title"] != typed["title"]
    assert KeptForm.objects.get().user is None


def test_a_kept_article_is_still_checked_against_what_its_author_had_opened():
    article = ArticleFactory(title="Le pont rouvre")
    url = reverse("admin:articles_article_change", args=[article.pk])
    token = article.version_token  # the hidden field of the page the journalist opened
    client, _refused = opened_then_refused(
        superuser(), url, form_data(title="Ma version", slug=article.slug, version_token=token)
    )
    # Meanwhile a colleague saves the article.
    article.title = "Sa version"
    article.save()

    page = client.get(f"{url}?kept={KeptForm.objects.get().token}")
    form = page.context["adminform"].form
    assert form["version_token"].value() == token
    response = client.post(
        url,
        {
            **form_data(title=form["title"].value(), slug=article.slug, version_token=token),
            "csrfmiddlewaretoken": str(page.context["csrf_token"]),
        },
        headers=OWN_SITE,
    )

    # Refused as it would have been when first sent: the colleague's version is not lost.
    assert response.status_code == 200
    assert Article.objects.get(pk=article.pk).title == "Sa version"


def test_strangers_cannot_fill_the_database_with_logged_out_posts(monkeypatch):
    monkeypatch.setattr(KeptForm, "LOGGED_OUT_PER_HOUR", 2)
    url, data, _typed = article_form()
    logged_out = Client()

    answers = [logged_out.post(url, data) for _ in range(3)]

    assert KeptForm.objects.count() == 2
    # The third is answered as the admin would: the login page, nothing kept.
    assert answers[2].status_code == 302
    assert "kept" not in answers[2]["Location"]
    # A journalist still logged in always has room.
    opened_then_refused(superuser(), url, data)
    assert KeptForm.objects.count() == 3


def test_an_admin_form_that_holds_no_writing_is_shown_again_with_a_message():
    client = Client(enforce_csrf_checks=True)
    client.force_login(superuser())
    url = reverse("admin:articles_section_add")
    client.get(url)

    response = client.post(
        url, {"name": "Sport", "csrfmiddlewaretoken": STALE_TOKEN}, headers=OWN_SITE
    )

    assert response.status_code == 303
    assert response["Location"] == url
    assert "Le formulaire avait expiré" in shown(client.get(url))
    assert not KeptForm.objects.exists()
