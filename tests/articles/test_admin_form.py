"""The journalist's form made for writing: counts, the article's address, the preview."""

import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from reversion.models import Version

from articles.models import Article
from articles.widgets import body_label, word_count
from photos.models import Photo, PhotoUse
from tests.articles.factories import (
    ArticleFactory,
    EditorFactory,
    JournalistFactory,
    ModeratorFactory,
    PublishedArticleFactory,
    UserFactory,
)
from tests.articles.test_admin import form_data as article_form_data
from tests.donations.factories import DonationPromptFactory
from tests.photos.factories import PhotoFactory
from tests.photos.images import jpeg_bytes

pytestmark = pytest.mark.django_db

ADD = reverse("admin:articles_article_add")
PREVIEW_NEW = reverse("admin:articles_article_preview")
# Ninety characters.
HEADLINE = (
    "Après deux ans de travaux, la passerelle du moulin rouvre aux piétons et aux vélos (vidéo)"
)


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def preview_url(article):
    return reverse("admin:articles_article_preview", args=[article.pk])


def form_data(**overrides):
    return article_form_data(**{"title": HEADLINE, **overrides})


@pytest.fixture
def claire(client):
    journalist = JournalistFactory(username="claire")
    client.force_login(journalist)
    return journalist


def frame_urls(response):
    return re.findall(r'<iframe src="([^"]+)"', response.content.decode())


# --- Counts and address ---------------------------------------------------------------------------


def test_a_90_character_headline_gets_a_wide_field_with_its_count(client, claire):
    assert len(HEADLINE) == 90
    article = ArticleFactory(author=claire, title=HEADLINE, standfirst="Fermée depuis la crue.")

    response = client.get(change_url(article))

    html = response.content.decode()
    assert re.search(r'<textarea name="title"[^>]*class="article-headline"', html)
    assert re.search(r'<textarea name="title"[^>]*aria-describedby="id_title_count"', html)
    assert '<p class="writing-count" id="id_title_count">90 caractères</p>' in html
    assert '<p class="writing-count" id="id_standfirst_count">22 caractères</p>' in html


def test_the_body_shows_its_word_count_and_reading_time(client, claire):
    words = " ".join(["mot"] * 311)
    article = ArticleFactory(author=claire, body=f"<p>{words}</p><h2>Ensuite</h2>")

    response = client.get(change_url(article))

    assert '<p class="writing-count" id="id_body_count">312 mots · 2 min de lecture</p>' in (
        response.content.decode()
    )


@pytest.mark.parametrize(
    ("html", "label"),
    [
        ("", "0 mot"),
        ("<p>Un</p>", "1 mot · 1 min de lecture"),
        ("<p>eau</p><p>feu</p>", "2 mots · 1 min de lecture"),
        ("<p>" + "a " * 230 + "</p>", "230 mots · 1 min de lecture"),
        ("<p>" + "a " * 231 + "</p>", "231 mots · 2 min de lecture"),
    ],
)
def test_words_and_reading_time(html, label):
    assert body_label(word_count(html)) == label


def test_the_address_of_the_article_is_shown_in_full(client, claire):
    article = ArticleFactory(author=claire, slug="la-passerelle-rouvre")

    response = client.get(change_url(article))

    assert (
        '<span class="article-address__url" data-prefix="http://testserver/article/" '
        'data-suffix="/">http://testserver/article/la-passerelle-rouvre/</span>'
    ) in response.content.decode()


def test_a_new_article_shows_where_its_address_will_be(client, claire):
    response = client.get(ADD)

    assert 'data-prefix="http://testserver/article/" data-suffix="/"' in response.content.decode()


def test_an_english_article_has_its_english_address(client, claire):
    article = ArticleFactory(author=claire, slug="the-bridge", language="en")

    response = client.get(change_url(article))

    assert "http://testserver/en/article/the-bridge/" in response.content.decode()


def test_a_line_break_in_the_headline_is_saved_as_a_space(client, claire):
    response = client.post(ADD, form_data(title="La passerelle\r\nrouvre"))

    assert response.status_code == 302
    assert Article.objects.get().title == "La passerelle rouvre"


# --- Preview --------------------------------------------------------------------------------------


def test_the_preview_shows_the_unsaved_text_at_both_widths_and_writes_nothing(client, claire):
    DonationPromptFactory()
    photo = PhotoFactory()
    article = ArticleFactory(author=claire, title="Le titre enregistré", photo=photo)
    article.record_photo_uses()
    before = Article.objects.values().get(pk=article.pk)
    counts = Article.objects.count(), Version.objects.count(), PhotoUse.objects.count()
    photos = Photo.objects.count()

    response = client.post(
        preview_url(article),
        form_data(
            title="Le titre pas encore enregistré",
            slug=article.slug,
            photo=photo.pk,
            new_photo=SimpleUploadedFile("nouvelle.jpg", jpeg_bytes(), "image/jpeg"),
            photo_alt="Une photo neuve",
        ),
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert 'width="390"' in html
    assert 'width="1280"' in html
    urls = frame_urls(response)
    assert len(urls) == 2
    assert len(set(urls)) == 1
    page = client.get(urls[0])
    assert page.status_code == 200
    assert "Le titre pas encore enregistré" in page.content.decode()
    assert "Le titre enregistré" not in page.content.decode()
    assert "pas encore enregistré : les lecteurs ne le voient pas" in page.content.decode()
    assert Article.objects.values().get(pk=article.pk) == before
    assert (Article.objects.count(), Version.objects.count(), PhotoUse.objects.count()) == counts
    assert Photo.objects.count() == photos
    assert not article.events.exclude(action="created").exists()


def test_the_preview_of_a_new_article_saves_nothing(client, claire):
    response = client.post(PREVIEW_NEW, form_data())

    assert response.status_code == 200
    page = client.get(frame_urls(response)[0])
    assert HEADLINE in page.content.decode()
    assert "mobilité" in page.content.decode()
    assert not Article.objects.exists()


def test_the_preview_of_a_published_article_counts_no_view(client):
    editor = EditorFactory()
    client.force_login(editor)
    article = PublishedArticleFactory(author=editor, view_count=7)

    response = client.post(preview_url(article), form_data(slug=article.slug, author=editor.pk))
    client.get(frame_urls(response)[0])

    assert Article.objects.get(pk=article.pk).view_count == 7


def test_the_frames_may_be_framed_by_the_site_only(client, claire):
    response = client.post(PREVIEW_NEW, form_data())
    page = client.get(frame_urls(response)[0])

    assert "frame-src" in response["Content-Security-Policy"]
    assert "'self'" in re.search(r"frame-src ([^;]*)", response["Content-Security-Policy"])[1]
    assert page["X-Frame-Options"] == "SAMEORIGIN"
    assert "frame-ancestors 'self'" in page["Content-Security-Policy"]
    # Every other admin page still refuses to be framed.
    assert client.get(ADD)["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in client.get(ADD)["Content-Security-Policy"]


def test_a_preview_page_is_for_whoever_asked_for_it(client, claire):
    url = frame_urls(client.post(PREVIEW_NEW, form_data()))[0]
    client.force_login(JournalistFactory(username="hugo"))

    assert client.get(url).status_code == 404


def test_an_incomplete_form_is_not_previewed_and_says_why(client, claire):
    response = client.post(PREVIEW_NEW, form_data(title="", section=""))

    assert response.status_code == 200
    assert not frame_urls(response)
    assert "L’article ne peut pas encore être prévisualisé" in response.content.decode()
    assert "Titre : Ce champ est obligatoire." in response.content.decode()


def test_the_preview_takes_posts_only(client, claire):
    assert client.get(PREVIEW_NEW).status_code == 405


def test_a_journalist_previews_their_own_article(client, claire):
    article = ArticleFactory(author=claire)

    assert client.post(preview_url(article), form_data(slug=article.slug)).status_code == 200


@pytest.mark.parametrize(
    ("who", "status"),
    [("moderator", 403), ("other journalist", 403), ("reader", 302)],
)
def test_the_preview_is_refused_to_who_may_not_change_the_article(client, who, status):
    article = ArticleFactory(author=JournalistFactory(username="claire"))
    user = {
        "moderator": ModeratorFactory,
        "other journalist": JournalistFactory,
        "reader": UserFactory,
    }[who]()
    client.force_login(user)

    response = client.post(preview_url(article), form_data(slug=article.slug))

    assert response.status_code == status
    if status == 302:
        assert "/login/" in response["Location"]


def test_a_moderator_may_not_preview_a_new_article(client):
    client.force_login(ModeratorFactory())

    assert client.post(PREVIEW_NEW, form_data()).status_code == 403


def test_the_form_has_a_preview_button_that_works_without_javascript(client, claire):
    article = ArticleFactory(author=claire)

    html = client.get(change_url(article)).content.decode()

    assert re.search(
        rf'<button type="submit"[^>]*formtarget="_blank"[^>]*formaction="{preview_url(article)}"',
        html,
    )
    assert "Prévisualiser la page" in html


# --- The editor's words ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "phrase",
    [
        "Gras",
        "Italique",
        "Liste à puces",
        "Liste numérotée",
        "Bloc de citation",
        "Paragraphe",
        "Intertitre %(level)s",
        "Insérer un lien",
        "Retirer le lien",
        "Annuler",
        "Rétablir",
        "%(count)s caractères",
        "%(count)s mots",
        "%(count)s min de lecture",
    ],
)
def test_the_editor_and_the_counts_speak_french(client, claire, phrase):
    catalogue = client.get(reverse("admin:jsi18n"), HTTP_ACCEPT_LANGUAGE="fr").content.decode()

    # The catalogue is JSON, its accents escaped.
    assert json.dumps(phrase)[1:-1] in catalogue
