"""The photo admin's JSON endpoints, used by the article editor's photo and gallery dialogs."""

import datetime

import pytest
from django.contrib.admin.models import ADDITION, LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from operations.models import Job
from photos.models import Photo
from tests.articles.factories import (
    EditorFactory,
    JournalistFactory,
    ModeratorFactory,
    SuperuserFactory,
    UserFactory,
)
from tests.harness import run_jobs

from .factories import PhotoFactory
from .images import image_bytes, jpeg_bytes

pytestmark = pytest.mark.django_db

CHOOSE = reverse("admin:photos_photo_choose")
UPLOAD = reverse("admin:photos_photo_upload")

STAFF = {
    "journalist": JournalistFactory,
    "editor": EditorFactory,
    "moderator": ModeratorFactory,
    "superuser": SuperuserFactory,
}


@pytest.fixture
def journalist(client):
    user = JournalistFactory(username="claire")
    client.force_login(user)
    return user


def photo_taken(days_ago, **fields):
    photo = PhotoFactory(**fields)
    Photo.objects.filter(pk=photo.pk).update(
        uploaded_at=timezone.now() - datetime.timedelta(days=days_ago)
    )
    photo.refresh_from_db()
    return photo


def upload(client, **fields):
    data = {
        "image": SimpleUploadedFile("etals.jpg", jpeg_bytes(), content_type="image/jpeg"),
        "alt_text": "Des étals de fruits sous la verrière",
        "caption": "Les étals, le matin de la réouverture.",
        "credit": "Claire Mercier",
        "source": "Rédaction",
    }
    data.update(fields)
    data = {key: value for key, value in data.items() if value is not None}
    return client.post(UPLOAD, data)


# --- Who may ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "allowed"),
    [("journalist", True), ("editor", True), ("moderator", False), ("superuser", True)],
)
def test_the_library_is_searched_by_those_who_illustrate_articles(client, role, allowed):
    PhotoFactory(caption="La halle un samedi matin.")
    client.force_login(STAFF[role]())

    response = client.get(CHOOSE, {"q": "halle"})

    assert response.status_code == (200 if allowed else 403)
    if allowed:
        assert len(response.json()["photos"]) == 1


@pytest.mark.parametrize(
    ("role", "allowed"),
    [("journalist", True), ("editor", True), ("moderator", False), ("superuser", True)],
)
def test_photos_are_added_from_the_editor_by_those_who_illustrate_articles(client, role, allowed):
    client.force_login(STAFF[role]())

    response = upload(client)

    assert response.status_code == (201 if allowed else 403)
    assert Photo.objects.exists() is allowed


def test_without_a_staff_session_the_endpoints_send_to_the_login_page(client):
    PhotoFactory()
    client.force_login(UserFactory(username="lecteur"))  # an account, but not staff

    for response in (client.get(CHOOSE), upload(client), Client().get(CHOOSE)):
        assert response.status_code == 302
        assert response.url.startswith(reverse("admin:login"))
    assert Photo.objects.count() == 1


def test_the_library_is_only_read_with_get_and_added_to_only_with_post(client, journalist):
    assert client.post(CHOOSE).status_code == 405
    assert client.get(UPLOAD).status_code == 405


def test_an_upload_without_the_forms_csrf_token_is_refused(journalist):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(journalist)

    response = upload(browser)

    assert response.status_code == 403
    assert not Photo.objects.exists()


# --- Searching ----------------------------------------------------------------------------------


def test_a_search_answers_what_the_dialog_shows_of_each_photo(client, journalist):
    photo = PhotoFactory(
        alt_text="La halle du marché vue de la place",
        caption="La halle un samedi matin.",
        credit="Hugo Lambert",
    )

    response = client.get(CHOOSE, {"q": "halle"})

    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "photos": [
            {
                "id": photo.pk,
                "thumbnail": photo.thumbnail.url,
                "alt": "La halle du marché vue de la place",
                "caption": "La halle un samedi matin.",
                "credit": "Hugo Lambert",
                "width": 1600,
                "height": 900,
            }
        ]
    }


def test_a_search_matches_every_word_in_any_description_newest_first(client, journalist):
    older = photo_taken(3, caption="Le marché du samedi", credit="Hugo Lambert")
    newer = photo_taken(1, caption="La halle", alt_text="Le marché couvert, un samedi")
    photo_taken(2, caption="Le marché du jeudi")

    response = client.get(CHOOSE, {"q": "Marché SAMEDI"})

    assert [photo["id"] for photo in response.json()["photos"]] == [newer.pk, older.pk]


def test_without_words_the_newest_20_photos_are_offered(client, journalist):
    photos = [photo_taken(days) for days in range(25)]

    response = client.get(CHOOSE)

    assert [photo["id"] for photo in response.json()["photos"]] == [p.pk for p in photos[:20]]


def test_a_search_costs_one_query_however_many_photos_it_finds(
    client, journalist, django_assert_num_queries
):
    for days in range(5):
        photo_taken(days, caption="Le marché")
    client.get(CHOOSE)  # the thumbnails are made once, on the first request

    # Its user (the session comes from the cache), their own and their groups' permissions, then
    # the photos.
    with django_assert_num_queries(4):
        response = client.get(CHOOSE, {"q": "marché"})
    assert len(response.json()["photos"]) == 5


def test_the_figures_previews_ask_for_their_photos_by_number_in_their_order(client, journalist):
    first, second, third = (PhotoFactory() for _ in range(3))

    response = client.get(CHOOSE, {"ids": f"{third.pk},{first.pk},999999,x,{third.pk}"})

    assert [photo["id"] for photo in response.json()["photos"]] == [third.pk, first.pk, third.pk]
    assert second.pk not in [photo["id"] for photo in response.json()["photos"]]


# --- Uploading ----------------------------------------------------------------------------------


def test_an_uploaded_photo_joins_the_library_as_the_add_page_would_add_it(
    client, journalist, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = upload(client)

    photo = Photo.objects.get()
    assert response.status_code == 201
    assert response.json() == {
        "id": photo.pk,
        "thumbnail": photo.thumbnail.url,
        "alt": "Des étals de fruits sous la verrière",
        "caption": "Les étals, le matin de la réouverture.",
        "credit": "Claire Mercier",
        "width": 400,
        "height": 200,
    }
    assert photo.source == "Rédaction"
    assert photo.uploaded_by == journalist
    # Its renditions are made once the upload is saved (PhotoAdmin.save_model), and its history
    # starts like any photo added in the admin.
    assert len(callbacks) == 1
    job = Job.objects.get()
    assert (job.task_path, job.args_kwargs["args"]) == ("photos.tasks.make_renditions", [photo.pk])
    assert run_jobs() == 1
    assert all(rendition.storage.exists(rendition.name) for rendition in photo.renditions())
    entry = LogEntry.objects.get()
    assert (entry.user, entry.action_flag, entry.object_id) == (journalist, ADDITION, str(photo.pk))


def test_an_uploaded_photo_is_cleaned_like_any_other(client, journalist):
    upload(
        client,
        image=SimpleUploadedFile(
            "camera.jpg", jpeg_bytes(orientation=6, gps=True, camera=True), "image/jpeg"
        ),
    )

    photo = Photo.objects.get()
    # Turned upright (the EXIF said "rotate 90°"), without its location or camera.
    assert (photo.width, photo.height) == (200, 400)
    with photo.image.open("rb") as stored:
        assert b"Canon" not in stored.read()


@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        (
            {"alt_text": ""},
            {"alt_text": ["Ce champ est obligatoire."]},
        ),
        (
            {"image": None},
            {"image": ["Ce champ est obligatoire."]},
        ),
        (
            {"image": SimpleUploadedFile("note.jpg", b"Ceci est un texte.", "image/jpeg")},
            {
                "image": [
                    "Ce fichier n'est pas une image. Envoyez une photo au format JPEG, PNG ou WebP."
                ]
            },
        ),
        (
            {"image": SimpleUploadedFile("anim.gif", image_bytes("GIF"), "image/gif")},
            {
                "image": [
                    "Les images au format GIF ne sont pas acceptées. Envoyez un fichier JPEG, "
                    "PNG ou WebP."
                ]
            },
        ),
    ],
    ids=["no alternative text", "no file", "not an image", "a GIF"],
)
def test_a_refused_upload_says_why_field_by_field_and_adds_nothing(
    client, journalist, fields, errors
):
    response = upload(client, **fields)

    assert response.status_code == 400
    assert response.json() == {"errors": errors}
    assert not Photo.objects.exists()


def test_the_refusals_speak_the_admins_language(client, journalist, english_newsroom):
    response = upload(client, alt_text="")

    assert response.json() == {"errors": {"alt_text": ["This field is required."]}}
