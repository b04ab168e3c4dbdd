import datetime
import html

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image
from reversion.models import Version

from articles.models import Article, ArticleEvent
from photos.models import Photo
from tests.articles.factories import (
    ArticleFactory,
    AuthorProfileFactory,
    EditorFactory,
    InReviewArticleFactory,
    JournalistFactory,
    PublishedArticleFactory,
    ScheduledArticleFactory,
    SectionFactory,
)
from tests.comments.factories import ApprovedCommentFactory, PendingCommentFactory
from tests.photos.factories import PhotoFactory
from tests.photos.images import has_metadata, jpeg_bytes, png_bomb

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:articles_article_changelist")
ADD = reverse("admin:articles_article_add")


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


@pytest.fixture
def editor(client):
    user = get_user_model().objects.create_superuser(
        "hugo", "hugo@example.org", "password", first_name="Hugo", last_name="Lambert"
    )
    client.force_login(user)
    return user


def form_data(**overrides):
    data = {
        "title": "La passerelle rouvre",
        "slug": "la-passerelle-rouvre",
        "standfirst": "Après deux ans de travaux.",
        "body": "<p>Samedi matin, une petite foule attendait.</p>",
        "photo": "",
        "photo_alt": "",
        "photo_caption": "",
        "photo_credit": "",
        "section": SectionFactory().pk,
        "tags": "travaux, mobilité",
        "published_at_0": "",
        "published_at_1": "",
        "comments_open": "on",
        "language": "fr",
    }
    data.update(overrides)
    return data


# --- Change list ----------------------------------------------------------------------------------


def test_the_change_list_shows_status_views_and_approved_comments(client, editor):
    article = PublishedArticleFactory(title="La médiathèque ouvre le dimanche", view_count=1234)
    ApprovedCommentFactory.create_batch(2, article=article)
    PendingCommentFactory(article=article)

    response = client.get(CHANGELIST)

    assert response.status_code == 200
    row = next(r for r in response.context["cl"].result_list if r.pk == article.pk)
    assert row.approved_comment_count == 2
    content = response.content.decode()
    assert "La médiathèque ouvre le dimanche" in content
    assert "Publié" in content
    assert '<td class="field-view_count">1234</td>' in content
    assert '<td class="field-approved_comments">2</td>' in content
    assert f'<a href="{article.get_absolute_url()}">Voir en ligne</a>' in content


def test_the_change_list_tells_scheduled_from_published_and_shows_bylines(client, editor):
    ScheduledArticleFactory(author__first_name="Claire", author__last_name="Mercier")
    content = client.get(CHANGELIST).content.decode()

    assert '<td class="field-state">Programmé</td>' in content
    assert '<td class="field-byline">Claire Mercier</td>' in content


def test_the_change_list_costs_the_same_queries_for_3_or_30_articles(
    client, editor, django_assert_num_queries
):
    def queries_for_listing():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            assert client.get(CHANGELIST).status_code == 200
        return len(captured)

    for _ in range(3):
        ApprovedCommentFactory(article=PublishedArticleFactory(with_image=True))
    three = queries_for_listing()
    for _ in range(27):
        article = ArticleFactory(with_image=True, tags=["eau", "climat"])
        AuthorProfileFactory(user=article.author, byline="Signature")
        ApprovedCommentFactory(article=article)

    with django_assert_num_queries(three):
        client.get(CHANGELIST)


def test_the_change_list_filters_by_status(client, editor):
    ArticleFactory(title="Un brouillon")
    PublishedArticleFactory(title="Un article publié")

    content = client.get(CHANGELIST, {"status__exact": "draft"}).content.decode()

    assert "Un brouillon" in content
    assert "Un article publié" not in content


def test_the_change_list_searches_titles_and_bodies(client, editor):
    ArticleFactory(title="Sécheresse", body="<p>Les irrigants se partagent l'eau.</p>")
    ArticleFactory(title="Marché")

    content = client.get(CHANGELIST, {"q": "irrigants"}).content.decode()

    assert "Sécheresse" in content
    assert "Marché" not in content


# --- Writing an article ---------------------------------------------------------------------------


def test_a_new_article_is_a_draft_signed_by_its_writer_and_kept_as_a_revision(client, editor):
    response = client.post(ADD, form_data())

    assert response.status_code == 302
    article = Article.objects.get()
    assert article.author == editor
    assert article.status == Article.Status.DRAFT
    assert sorted(tag.name for tag in article.tags.all()) == ["mobilité", "travaux"]
    version = Version.objects.get_for_object(article).get()
    assert version.revision.user == editor


def test_the_body_is_sanitised_when_saved_from_the_admin(client, editor):
    body = '<p onclick="x()">Texte<script>alert(1)</script> <a href="javascript:x()">lien</a></p>'

    client.post(ADD, form_data(body=body))

    assert Article.objects.get().body == '<p>Texte <a rel="noopener">lien</a></p>'


def test_the_change_form_loads_the_editor_from_our_own_static_files(client, editor):
    content = client.get(ADD).content.decode()

    assert "data-django-prose-editor-configurable" in content
    assert 'src="/static/django_prose_editor/editor.js"' in content
    assert 'href="/static/django_prose_editor/editor.css"' in content
    assert "//cdn" not in content
    assert "https://" not in content.split("<body")[0]


def test_tags_are_suggested_from_the_admin_autocomplete_endpoint(client, editor):
    ArticleFactory(tags=["eau", "économie", "culture"])

    form = client.get(ADD).content.decode()
    response = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "articles", "model_name": "article", "field_name": "tags", "term": "ea"},
    )

    assert 'src="/static/articles/admin/tags.js"' in form
    assert f'data-tags-autocomplete="{reverse("admin:autocomplete")}"' in form
    assert [tag["text"] for tag in response.json()["results"]] == ["eau"]


def test_an_uploaded_photo_is_stored_upright_without_metadata(client, editor):
    photo = SimpleUploadedFile(
        "IMG_0042.JPG", jpeg_bytes(size=(400, 200), orientation=6, gps=True, camera=True)
    )

    response = client.post(
        ADD,
        form_data(
            new_photo=photo,
            photo_alt="Une passerelle",
            photo_caption="La passerelle rouverte.",
            photo_credit="Claire Mercier",
        ),
    )

    assert response.status_code == 302
    article = Article.objects.get()
    # The upload joins the library, described by the fields under it, and leads the article.
    stored = article.photo
    assert stored.image.name.endswith(".jpg")
    assert (stored.width, stored.height) == (200, 400)
    assert (stored.alt_text, stored.caption, stored.credit) == (
        "Une passerelle",
        "La passerelle rouverte.",
        "Claire Mercier",
    )
    assert stored.uploaded_by == editor
    assert (article.photo_alt, article.photo_caption, article.photo_credit) == ("", "", "")
    assert stored.used_in() == [article]
    with Image.open(stored.image.path) as file:
        assert file.size == (200, 400)
        assert not has_metadata(file)


def test_a_photo_from_the_library_is_chosen_with_this_articles_own_caption(client, editor):
    photo = PhotoFactory(caption="La légende de la photothèque")

    response = client.post(
        ADD, form_data(photo=photo.pk, photo_caption="Une légende pour cet article")
    )

    assert response.status_code == 302
    article = Article.objects.get()
    assert article.photo == photo
    assert article.photo_caption_text == "Une légende pour cet article"
    assert article.photo_alt_text == photo.alt_text
    photo.refresh_from_db()
    assert photo.caption == "La légende de la photothèque"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "photo.jpg",
            b"Ceci est un document texte.",
            "Ce fichier n'est pas une image. Envoyez une photo au format JPEG, PNG ou WebP.",
        ),
        (
            "photo.jpg",
            jpeg_bytes(size=(800, 600))[:1500],
            "Cette image est abîmée ou incomplète",
        ),
        (
            "bombe.png",
            png_bomb(),
            "Cette image a trop de pixels pour être traitée sans risque (plus de 40 millions).",
        ),
    ],
    ids=["not-an-image", "truncated-jpeg", "decompression-bomb"],
)
def test_a_bad_upload_is_refused_with_a_clear_message_never_a_500(
    client, editor, name, content, message
):
    upload = SimpleUploadedFile(name, content)

    response = client.post(ADD, form_data(new_photo=upload, photo_alt="Une photo"))

    assert response.status_code == 200
    assert message in html.unescape(response.content.decode())
    assert not Article.objects.exists()


def test_a_photo_without_alternative_text_is_refused(client, editor):
    photo = SimpleUploadedFile("photo.jpg", jpeg_bytes())

    response = client.post(ADD, form_data(new_photo=photo, photo_alt=""))

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["photo_alt"] == [
        "Décrivez la nouvelle photo pour les lecteurs qui ne la voient pas : "
        "une photo a besoin d'un texte alternatif."
    ]
    assert not Photo.objects.exists()


def test_the_change_form_previews_the_image_and_links_to_the_page(client, editor):
    article = ArticleFactory(with_image=True)

    content = client.get(change_url(article)).content.decode()

    assert f'src="{article.photo.thumbnail.url}"' in content
    assert article.photo.thumbnail.url.startswith("/media/CACHE/images/")
    assert f'<a href="{article.get_absolute_url()}">Aperçu</a>' in content


# --- Workflow -------------------------------------------------------------------------------------


def test_the_publish_button_saves_then_publishes(client, editor):
    article = ArticleFactory(title="Ancien titre")

    response = client.post(
        change_url(article),
        form_data(title="Nouveau titre", author=editor.pk, _workflow="publish"),
        follow=True,
    )

    article.refresh_from_db()
    assert article.title == "Nouveau titre"
    assert article.status == Article.Status.PUBLISHED
    assert article.is_published
    assert "« Nouveau titre » est publié." in response.content.decode()
    # One message says what happened; Django's generic "changed successfully" would repeat it.
    assert [str(message) for message in response.context["messages"]] == [
        "« Nouveau titre » est publié."
    ]


def test_a_future_date_and_the_publish_button_schedule_the_article(client, editor):
    article = ArticleFactory()
    tomorrow = timezone.localtime() + datetime.timedelta(days=1)

    response = client.post(
        change_url(article),
        form_data(
            title="Fête de la rivière",
            published_at_0=tomorrow.strftime("%d/%m/%Y"),
            published_at_1="06:30:00",
            author=editor.pk,
            _workflow="publish",
        ),
        follow=True,
    )

    article.refresh_from_db()
    assert article.is_scheduled
    assert article not in Article.objects.published()
    assert article.events.get().action == ArticleEvent.Action.SCHEDULED
    [message] = [str(message) for message in response.context["messages"]]
    assert message.startswith(
        "« Fête de la rivière » est programmé : les lecteurs le verront à partir du "
    )
    assert "06:30" in message


def test_the_send_back_button_sends_the_editors_note(client, editor):
    article = InReviewArticleFactory(title="Budget 2025")

    response = client.post(
        change_url(article),
        form_data(
            title="Budget 2025",
            author=article.author_id,
            review_note="Les chiffres sont à revérifier.",
            _workflow="send_back",
        ),
        follow=True,
    )

    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT
    event = article.events.get()
    assert (event.action, event.actor, event.note) == (
        ArticleEvent.Action.SENT_BACK,
        editor,
        "Les chiffres sont à revérifier.",
    )
    assert [str(message) for message in response.context["messages"]] == [
        "« Budget 2025 » est revenu à son auteur comme brouillon."
    ]


def test_the_review_note_is_offered_only_with_the_send_back_button(client, editor):
    in_review = client.get(change_url(InReviewArticleFactory())).content.decode()
    draft = client.get(change_url(ArticleFactory())).content.decode()

    assert 'name="review_note"' in in_review
    assert 'value="send_back"' in in_review
    assert 'name="review_note"' not in draft


@pytest.mark.parametrize("step", ["schedule", "create", "restore", "anything"])
def test_a_step_without_a_button_cannot_be_posted(client, editor, step):
    article = ArticleFactory()

    response = client.post(change_url(article), form_data(author=editor.pk, _workflow=step))

    assert response.status_code == 403
    assert Article.objects.get(pk=article.pk).status == Article.Status.DRAFT
    assert not article.events.exists()


def test_a_journalist_posting_the_publish_button_by_hand_is_refused(client):
    claire = JournalistFactory()
    article = ArticleFactory(author=claire, title="Avant")
    client.force_login(claire)

    response = client.post(
        change_url(article), form_data(title="Après", author=claire.pk, _workflow="publish")
    )

    assert response.status_code == 403
    article.refresh_from_db()
    assert (article.title, article.status) == ("Avant", Article.Status.DRAFT)


def test_a_new_article_is_created_through_the_workflow(client, editor):
    client.post(ADD, form_data(_workflow="submit_for_review"))

    article = Article.objects.get()
    assert article.status == Article.Status.IN_REVIEW
    assert [(e.action, e.actor) for e in article.events.order_by("created_at", "pk")] == [
        (ArticleEvent.Action.CREATED, editor),
        (ArticleEvent.Action.SUBMITTED, editor),
    ]


def test_the_form_shows_only_the_steps_that_apply(client, editor):
    draft = client.get(change_url(ArticleFactory())).content.decode()
    published = client.get(change_url(PublishedArticleFactory())).content.decode()

    assert 'value="submit_for_review"' in draft
    assert 'value="unpublish"' not in draft
    assert 'value="unpublish"' in published
    assert 'value="publish"' not in published


def test_the_status_cannot_be_set_through_the_form(client, editor):
    article = ArticleFactory()

    response = client.post(change_url(article), form_data(status="published", author=editor.pk))

    assert response.status_code == 302

    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT


@pytest.mark.parametrize(
    ("action", "factories", "expected_status", "done", "skipped"),
    [
        (
            "publish",
            [ArticleFactory, InReviewArticleFactory, PublishedArticleFactory],
            Article.Status.PUBLISHED,
            "2 articles publiés",
            "1 article a été ignoré",
        ),
        (
            "submit_for_review",
            [ArticleFactory, ArticleFactory, InReviewArticleFactory],
            Article.Status.IN_REVIEW,
            "2 articles soumis pour relecture.",
            "1 article a été ignoré",
        ),
        (
            "unpublish",
            [PublishedArticleFactory, PublishedArticleFactory, ArticleFactory],
            Article.Status.DRAFT,
            "2 articles dépubliés.",
            "1 article a été ignoré",
        ),
    ],
)
def test_bulk_actions_call_the_workflow_and_say_what_they_did(
    client, editor, action, factories, expected_status, done, skipped
):
    articles = [factory() for factory in factories]

    response = client.post(
        CHANGELIST,
        {"action": action, "_selected_action": [a.pk for a in articles]},
        follow=True,
    )

    statuses = [Article.objects.get(pk=a.pk).status for a in articles]
    assert statuses.count(expected_status) == 3
    content = response.content.decode()
    assert done in content
    assert skipped in content
    assert Version.objects.get_for_object(articles[0]).first().revision.user == editor


def test_each_article_of_a_bulk_action_gets_its_own_revision_and_event(client, editor):
    now = ArticleFactory()
    later = ArticleFactory(published_at=timezone.now() + datetime.timedelta(days=2))

    client.post(CHANGELIST, {"action": "publish", "_selected_action": [now.pk, later.pk]})

    for article, action, comment in [
        (now, ArticleEvent.Action.PUBLISHED, "Publié"),
        (later, ArticleEvent.Action.SCHEDULED, "Programmé"),
    ]:
        revision = Version.objects.get_for_object(article).get().revision
        assert (revision.user, revision.comment) == (editor, comment)
        assert revision.version_set.count() == 1
        assert (article.events.get().action, article.events.get().actor) == (action, editor)


def test_a_bulk_action_leaves_alone_what_the_user_may_not_change(client):
    claire = JournalistFactory()
    mine, theirs = ArticleFactory(author=claire), ArticleFactory(author=JournalistFactory())
    client.force_login(claire)

    response = client.post(
        CHANGELIST,
        {"action": "submit_for_review", "_selected_action": [mine.pk, theirs.pk]},
        follow=True,
    )

    assert Article.objects.get(pk=mine.pk).status == Article.Status.IN_REVIEW
    assert Article.objects.get(pk=theirs.pk).status == Article.Status.DRAFT
    assert [str(message) for message in response.context["messages"]] == [
        "1 article n'a pas été touché : vous ne pouvez pas le modifier.",
        "1 article soumis pour relecture.",
    ]


@pytest.mark.parametrize(
    ("factory", "actions"),
    [
        (JournalistFactory, ["submit_for_review"]),
        (EditorFactory, ["submit_for_review", "publish", "unpublish", "send_back"]),
    ],
)
def test_each_role_is_offered_the_bulk_actions_of_its_steps(client, factory, actions):
    client.force_login(factory())
    ArticleFactory()

    form = client.get(CHANGELIST).context["action_form"]

    offered = [name for name, _label in form.fields["action"].choices if name]
    assert [name for name in offered if name != "delete_selected"] == actions


# --- Revisions ------------------------------------------------------------------------------------


def test_an_editor_sees_the_history_and_restores_an_earlier_title(client, editor):
    client.post(ADD, form_data(title="Titre d'origine"))
    article = Article.objects.get()
    client.post(change_url(article), form_data(title="Titre modifié", author=editor.pk))
    article.refresh_from_db()
    assert article.title == "Titre modifié"

    history = client.get(reverse("admin:articles_article_history", args=[article.pk]))
    versions = Version.objects.get_for_object(article)
    assert len(versions) == 2
    oldest = versions.last()
    revision_url = reverse("admin:articles_article_revision", args=[article.pk, oldest.pk])
    assert revision_url in history.content.decode()

    form = client.get(revision_url)
    assert form.status_code == 200
    # The form is filled with the old version: the editor only has to press Save.
    assert form.context["adminform"].form["title"].value() == "Titre d'origine"
    article.refresh_from_db()
    assert article.title == "Titre modifié"  # looking at a version changes nothing
    response = client.post(revision_url, form_data(title="Titre d'origine", author=editor.pk))

    assert response.status_code == 302
    article.refresh_from_db()
    assert article.title == "Titre d'origine"
    assert Version.objects.get_for_object(article).count() == 3


def test_restoring_a_version_brings_back_its_photos_and_the_library_follows(client, editor):
    first, second = PhotoFactory(caption="Le pont"), PhotoFactory(caption="La digue")
    client.post(ADD, form_data(body=f'<p>Avant.</p><figure data-photo="{first.pk}"></figure>'))
    article = Article.objects.get()
    client.post(
        change_url(article),
        form_data(
            body=f'<p>Après.</p><figure data-photo="{second.pk}"></figure>', author=editor.pk
        ),
    )
    assert first.used_in() == []
    oldest = Version.objects.get_for_object(article).last()
    revision_url = reverse("admin:articles_article_revision", args=[article.pk, oldest.pk])

    form = client.get(revision_url).context["adminform"].form
    client.post(revision_url, form_data(body=form["body"].value(), author=editor.pk))

    article.refresh_from_db()
    assert f'data-photo="{first.pk}"' in article.body
    assert first.used_in() == [article]
    assert second.used_in() == []
    assert "Le pont" in article.captions


def test_the_article_editor_speaks_the_journalists_language(editor, client):
    """The editor's dialogs take their words from the admin's JavaScript catalogue."""
    catalogue = client.get(reverse("admin:jsi18n"), HTTP_ACCEPT_LANGUAGE="fr").content.decode()

    assert "Texte alternatif" in catalogue  # django-prose-editor's "Alternative Text"
    assert "Ouvrir dans une nouvelle fen" in catalogue  # "Open in new window"
