"""The importer on small files of our own: what the real exports lack."""

import io
import json
import shutil
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from PIL import Image

from articles.models import Article, ArticleEvent
from comments.models import Comment
from pages.models import Page
from staff.roles import JOURNALIST
from wordpress.models import Import, ImportedItem, Redirect

from .conftest import FIXTURES

pytestmark = pytest.mark.django_db

SITE = FIXTURES / "newsroom-site.xml"


@pytest.fixture
def uploads(tmp_path):
    """A copy of the old site's wp-content/uploads, with the photo the posts use (its EXIF
    says where it was taken)."""
    folder = tmp_path / "uploads" / "2020" / "06"
    folder.mkdir(parents=True)
    exif = Image.Exif()
    exif[0x010F] = "Camera maker"
    buffer = io.BytesIO()
    Image.new("RGB", (1200, 800), (120, 90, 60)).save(buffer, "JPEG", exif=exif)
    (folder / "fete.jpg").write_bytes(buffer.getvalue())
    return tmp_path / "uploads"


def by_id(report, kind, wp_id):
    return next(entry for entry in report if entry["kind"] == kind and entry["id"] == wp_id)


def test_a_post_becomes_a_published_article_through_the_workflow(
    run_import, uploads, importer_user
):
    report = run_import(SITE, "--uploads", str(uploads))

    article = Article.objects.get(slug="la-fete-du-village")
    assert article.is_published
    assert article.published_at.isoformat() == "2020-06-12T10:00:00+00:00"
    assert article.section.name == "Villages"
    assert article.standfirst == "Une belle journée."
    assert article.view_count == 1234
    assert [name for name, _slug in article.tag_list] == ["Été"]
    assert article.language == "fr"
    # Recorded as the importing user's steps.
    assert list(article.events.values_list("action", "actor")) == [
        (ArticleEvent.Action.PUBLISHED, importer_user.pk),
        (ArticleEvent.Action.CREATED, importer_user.pk),
    ]
    # The author: a journalist who cannot log in yet.
    author = article.author
    assert author.username == "marie"
    assert not author.has_usable_password()
    assert list(author.groups.values_list("name", flat=True)) == [JOURNALIST]
    assert article.byline == "Marie Dupré"
    assert "contact-form-7" in by_id(report, "post", "10")["reason"]


def test_the_body_gets_its_photo_video_and_paragraphs_and_loses_scripts(run_import, uploads):
    run_import(SITE, "--uploads", str(uploads))

    article = Article.objects.get(slug="la-fete-du-village")
    photo = article.photo
    assert photo.alt_text == "La place du village pleine de monde"
    assert photo.credit == "Marie Dupré"
    assert photo.caption == "La place du village à midi."
    # Stored like an upload: without its EXIF.
    with Image.open(photo.image.path) as stored:
        assert not stored.getexif()
    assert article.body.startswith("<p>Tout le village était là.</p>")
    assert f'<figure data-photo="{photo.pk}" data-width="text"' in article.body
    assert 'data-caption="La place du village à midi."' in article.body
    assert '<figure data-embed="youtube" data-embed-id="aqz-KE-bpKQ"></figure>' in article.body
    assert "[contact-form-7" not in article.body
    assert "alert" not in article.body
    assert "<strong>élus</strong>" in article.body


@pytest.mark.parametrize(
    ("wp_id", "status", "note"),
    [
        ("11", Article.Status.DRAFT, ""),
        ("12", Article.Status.IN_REVIEW, ""),
        ("13", Article.Status.DRAFT, "privé dans WordPress"),
        ("14", Article.Status.PUBLISHED, ""),
    ],
)
def test_statuses(run_import, wp_id, status, note):
    report = run_import(SITE)

    item = ImportedItem.objects.get(kind="post", wp_id=wp_id)
    assert item.target.status == status
    assert note in by_id(report, "post", wp_id)["reason"]


def test_a_future_post_is_scheduled_and_trash_is_not_imported(run_import):
    report = run_import(SITE)

    assert Article.objects.get(slug="plus-tard").is_scheduled
    assert by_id(report, "post", "15")["outcome"] == "skipped"
    assert not Article.objects.filter(title="À la corbeille").exists()


def test_pages_become_site_pages_and_their_old_addresses_redirect(run_import, client):
    report = run_import(SITE)

    legal = Page.objects.get(slug="mentions-legales")
    assert (legal.title, legal.is_published, legal.language) == ("Mentions légales", True, "fr")
    assert legal.body == "<p>Éditeur : L'Écho du Val.</p>"
    # The footer is the editors' choice: WordPress's menus are the theme's.
    assert not legal.show_in_footer
    assert by_id(report, "page", "30") == {
        "kind": "page",
        "id": "30",
        "title": "Mentions légales",
        "outcome": "imported",
        "reason": "",
        "url": "/page/mentions-legales/",
    }
    assert ImportedItem.objects.get(kind="page", wp_id="30").target == legal
    # A draft is kept, unpublished, with its order; its script is gone.
    draft = Page.objects.get(slug="qui-sommes-nous")
    assert (draft.is_published, draft.order) == (False, 2)
    assert draft.body == "<p>Une rédaction de <strong>trois</strong> journalistes.</p>"
    assert (
        "brouillon" in by_id(report, "page", "31")["reason"]
        or "draft" in by_id(report, "page", "31")["reason"]
    )
    # Old addresses: the permalink and the short link; none for a draft.
    for old, query in [("/mentions-legales/", {}), ("/", {"page_id": "30"})]:
        response = client.get(old, query)
        assert (response.status_code, response["Location"]) == (301, "/page/mentions-legales/")
    assert client.get("/", {"page_id": "31"}).status_code == 200
    assert not Redirect.objects.filter(new_path="/page/qui-sommes-nous/").exists()


def test_a_second_run_leaves_pages_alone_and_keeps_an_editors_change(run_import):
    run_import(SITE)
    legal = Page.objects.get(slug="mentions-legales")
    legal.body = "<p>Éditeur : L'Écho du Val, SARL.</p>"
    legal.save()

    report = run_import(SITE)

    assert Page.objects.count() == 2
    assert by_id(report, "page", "31")["outcome"] == "unchanged"
    assert by_id(report, "page", "30")["outcome"] == "unchanged"
    legal.refresh_from_db()
    assert legal.body == "<p>Éditeur : L'Écho du Val, SARL.</p>"


def test_a_page_changed_in_wordpress_is_updated_unless_an_editor_changed_it(run_import, tmp_path):
    run_import(SITE)
    changed = tmp_path / "changed.xml"
    changed.write_text(
        SITE.read_text().replace("Éditeur : L'Écho du Val.", "Éditeur : L'Écho du Val (SAS)."),
    )
    draft = Page.objects.get(slug="qui-sommes-nous")
    draft.body = "<p>Quatre journalistes.</p>"
    draft.save()
    changed.write_text(changed.read_text().replace("de <strong>trois</strong>", "de cinq"))

    report = run_import(changed)

    assert by_id(report, "page", "30")["outcome"] == "updated"
    assert Page.objects.get(slug="mentions-legales").body == "<p>Éditeur : L'Écho du Val (SAS).</p>"
    assert by_id(report, "page", "31")["outcome"] == "kept"
    assert Page.objects.get(slug="qui-sommes-nous").body == "<p>Quatre journalistes.</p>"

    run_import(changed, "--overwrite")

    assert "cinq" in Page.objects.get(slug="qui-sommes-nous").body


def test_comments_keep_their_status_and_threads(run_import, importer_user):
    report = run_import(SITE)

    comments = {item.wp_id: item.target for item in ImportedItem.objects.filter(kind="comment")}
    assert comments["100"].status == Comment.Status.APPROVED
    assert comments["100"].moderated_by == importer_user
    assert comments["104"].status == Comment.Status.SPAM
    assert comments["105"].status == Comment.Status.REJECTED
    assert comments["106"].status == Comment.Status.PENDING
    # Threads: a reply, the newsroom's answer, and a fourth level joining the last one.
    assert (comments["101"].parent, comments["101"].depth) == (comments["100"], 1)
    answer = comments["102"]
    assert (answer.parent, answer.thread, answer.depth) == (comments["101"], comments["100"], 2)
    assert answer.by_newsroom
    assert answer.staff_author.username == "marie"
    assert (comments["103"].parent, comments["103"].depth) == (comments["101"], 2)
    # A reply to a comment missing from the file attaches to the article, and says so.
    assert (comments["107"].parent, comments["107"].depth) == (None, 0)
    assert "999" in by_id(report, "comment", "107")["reason"]
    # Pingbacks are counted, not imported.
    assert by_id(report, "comment", "108")["outcome"] == "skipped"
    assert "108" not in comments
    # Addresses older than the purge delay are forgotten at once.
    assert comments["100"].text == "Bravo aux bénévoles !"
    assert comments["100"].ip_address is None


def test_old_addresses_redirect(run_import, client):
    run_import(SITE)
    article = Article.objects.get(slug="la-fete-du-village")
    url = article.get_absolute_url()

    for path, query in [
        ("/2020/06/12/la-fete-du-village/", {}),
        ("/2020/06/12/fete-village/", {}),
        ("/", {"p": "10"}),
        ("/2020/06/12/la-fete-du-village/fete/", {}),
        ("/", {"attachment_id": "20"}),
    ]:
        response = client.get(path, query)
        assert response.status_code == 301, path
        assert response["Location"] == url
    section = client.get("/category/vie-locale/villages/")
    assert section["Location"] == article.section.get_absolute_url()
    assert client.get("/feed/").status_code == 301
    # The front page itself, and an unknown short link, are left alone.
    assert client.get("/").status_code == 200
    assert client.get("/", {"p": "4040"}).status_code == 200
    assert client.get("/2020/nothing/").status_code == 404


def test_redirects_cost_one_query_on_a_404_and_none_elsewhere(run_import, client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    run_import(SITE)
    Redirect.objects.create(old_path="/missing/", new_path="/")
    client.get("/")  # the site's navigation, cached

    def redirect_queries(path):
        with CaptureQueriesContext(connection) as context:
            status = client.get(path).status_code
        return status, sum("wordpress_redirect" in query["sql"] for query in context)

    assert redirect_queries("/missing/") == (301, 1)
    assert redirect_queries("/") == (200, 0)
    assert redirect_queries(Article.objects.published().first().get_absolute_url()) == (200, 0)


def test_a_second_run_updates_what_changed_in_wordpress_not_what_editors_changed(
    run_import, tmp_path
):
    run_import(SITE)
    edited = Article.objects.get(slug="en-relecture")
    edited.title = "Relu par la rédaction"
    edited.save()
    changed = tmp_path / "export.xml"
    text = SITE.read_text()
    text = text.replace("À relire.", "À relire encore.").replace("Pas fini.", "Presque fini.")
    changed.write_text(text)

    report = run_import(changed)

    assert by_id(report, "post", "12")["outcome"] == "kept"
    assert Article.objects.get(pk=edited.pk).title == "Relu par la rédaction"
    assert by_id(report, "post", "11")["outcome"] == "updated"
    assert Article.objects.get(body__contains="Presque fini").status == Article.Status.DRAFT
    assert Article.objects.count() == 5

    report = run_import(changed, "--overwrite")
    assert by_id(report, "post", "12")["outcome"] == "updated"
    assert Article.objects.get(pk=edited.pk).title == "En relecture"


def test_retry_media_fetches_the_files_missing_last_time(run_import, uploads, tmp_path):
    report = run_import(SITE)
    assert by_id(report, "attachment", "20")["outcome"] == "failed"
    assert Article.objects.get(slug="la-fete-du-village").photo is None

    report = run_import(SITE, "--uploads", str(uploads), "--retry-media")

    assert by_id(report, "attachment", "20")["outcome"] == "imported"
    assert by_id(report, "post", "10")["outcome"] == "updated"
    assert Article.objects.get(slug="la-fete-du-village").photo is not None


def test_dry_run_writes_nothing(run_import):
    report = run_import(SITE, "--dry-run")

    assert by_id(report, "post", "10")["outcome"] == "imported"
    assert not Article.objects.exists()
    assert not Import.objects.exists()
    assert not get_user_model().objects.filter(username="marie").exists()


def test_a_truncated_file_stops_with_its_line_before_importing_anything(importer_user):
    with pytest.raises(CommandError, match=r"line 39"):
        call_command("import_wordpress", str(FIXTURES / "truncated.xml"))
    assert not Article.objects.exists()
    assert not get_user_model().objects.filter(username="marie").exists()
    assert not Import.objects.exists()


def test_entity_expansion_and_external_entities_are_refused(importer_user):
    with pytest.raises(CommandError, match="DTD"):
        call_command("import_wordpress", str(FIXTURES / "entity-bomb.xml"))
    assert not Article.objects.exists()


def test_the_report_can_be_csv(importer_user, tmp_path):
    report = tmp_path / "report.csv"
    call_command("import_wordpress", str(SITE), "--report", str(report), stdout=io.StringIO())
    lines = report.read_text().splitlines()
    assert lines[0] == "kind,id,title,outcome,reason,url"
    assert len(lines) > 20


def test_imports_are_listed_read_only_in_the_admin(run_import, client, importer_user):
    run_import(SITE)
    client.force_login(importer_user)
    run = Import.objects.get()

    assert client.get("/admin/wordpress/import/").status_code == 200
    page = client.get(f"/admin/wordpress/import/{run.pk}/change/")
    assert page.status_code == 200
    assert b"newsroom-site.xml" in page.content
    assert client.get("/admin/wordpress/import/add/").status_code == 403
    # The whole report, from its file; the history keeps the counts and the first problems.
    download = f"/admin/wordpress/import/{run.pk}/report/"
    assert download.encode() in page.content
    assert run.problems
    assert run.problem_count == len(run.problems)
    report = client.get(download)
    assert report.status_code == 200
    assert json.loads(b"".join(report.streaming_content)) == json.loads(
        Path(run.report_file).read_text()
    )
    Path(run.report_file).unlink()
    assert client.get(download).status_code == 404
    assert download.encode() not in client.get(f"/admin/wordpress/import/{run.pk}/change/").content


def test_the_report_is_not_offered_to_staff_without_the_permission(run_import, client):
    run_import(SITE)
    run = Import.objects.get()
    journalist = get_user_model().objects.get(username="marie")
    journalist.is_staff = True
    journalist.save()
    client.force_login(journalist)
    assert client.get(f"/admin/wordpress/import/{run.pk}/report/").status_code == 404


def test_uploads_never_read_outside_their_folder(tmp_path, uploads):
    from wordpress.media import Fetcher, MissingFile

    secret = tmp_path / "secret.jpg"
    shutil.copy(uploads / "2020" / "06" / "fete.jpg", secret)
    fetcher = Fetcher(uploads=uploads, download=False)
    with pytest.raises(MissingFile):
        fetcher.fetch("https://x.example/wp-content/uploads/../../secret.jpg")
    assert fetcher.fetch("https://x.example/wp-content/uploads/2020/06/fete.jpg")[0] == "fete.jpg"
