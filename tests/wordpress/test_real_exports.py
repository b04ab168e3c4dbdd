"""Both real exports of the WordPress project (see ../shared/wordpress/README.md)."""

import re

import pytest
from django.db.models import Max

from articles.models import Article
from comments.models import Comment
from pages.models import Page
from wordpress import wxr
from wordpress.models import Import, ImportedItem, Redirect

from .conftest import shared_export

pytestmark = pytest.mark.django_db

EXPORTS = ["themeunittestdata.wordpress.xml", "64-block-test-data.xml"]
SHORTCODE = re.compile(r"\[/?(caption|gallery|embed|audio|video|playlist|contact-form-7)\b")


@pytest.fixture(params=EXPORTS)
def export_path(request):
    return shared_export(request.param)


def test_every_item_is_imported_or_named_with_a_reason(run_import, export_path):
    export = wxr.scan(export_path)
    report = run_import(export_path)

    items = [
        entry for entry in report if entry["kind"] not in {"author", "category", "tag", "comment"}
    ]
    assert len(items) == export.item_count
    assert len([entry for entry in report if entry["kind"] == "comment"]) == export.comment_count
    for entry in report:
        assert entry["outcome"] in {"imported", "skipped", "failed"}
        if entry["outcome"] != "imported":
            assert entry["reason"], entry
    assert not [
        entry for entry in report if entry["kind"] == "post" and entry["outcome"] == "failed"
    ]
    posts = [
        entry for entry in report if entry["kind"] == "post" and entry["outcome"] == "imported"
    ]
    assert Article.objects.count() == len(posts) > 0
    # Every page of the site that is not in the trash is a site page now.
    pages = [entry for entry in report if entry["kind"] == "page"]
    assert all(entry["outcome"] == "imported" for entry in pages)
    assert Page.objects.count() == len(pages)
    # The history, for the admins.
    run = Import.objects.get()
    assert run.counts["post"]["imported"] == len(posts)
    problems = [
        entry
        for entry in report
        if entry["outcome"] not in {"imported", "updated", "unchanged"} or entry["reason"]
    ]
    assert run.problem_count == len(problems)
    assert run.problems == problems[:100]
    assert run.report_file.endswith(".json")


def test_no_body_keeps_a_shortcode_or_a_block_comment(run_import, export_path):
    run_import(export_path)
    for article in [*Article.objects.all(), *Page.objects.all()]:
        assert "<!--" not in article.body, article.title
        assert not SHORTCODE.search(article.body), (article.title, article.body)
        assert "<script" not in article.body


def test_images_that_cannot_be_downloaded_are_listed_and_the_import_goes_on(
    run_import, export_path
):
    report = run_import(export_path)

    attachments = [entry for entry in report if entry["kind"] == "attachment"]
    assert attachments
    assert all(entry["outcome"] == "failed" for entry in attachments)
    assert all("--retry-media" in entry["reason"] for entry in attachments)
    # The report speaks the site's language (French in tests).
    assert any("image manquante" in entry["reason"] for entry in report if entry["kind"] == "post")
    assert ImportedItem.objects.exclude(missing="").exists()


def test_every_redirect_answers_301_to_a_page_that_answers_200(run_import, export_path, client):
    run_import(export_path)
    published = {article.get_absolute_url() for article in Article.objects.published()}
    redirects = list(Redirect.objects.all())
    assert len(redirects) > len(published) > 0
    for redirect in redirects:
        query = (
            {redirect.query.split("=")[0]: redirect.query.split("=")[1]} if redirect.query else {}
        )
        response = client.get(redirect.old_path, query)
        assert response.status_code == 301, redirect
        assert response["Location"] == redirect.new_path
        if redirect.new_path.startswith("/article/") and redirect.new_path not in published:
            continue  # scheduled: readers see it on its date
        assert client.get(redirect.new_path).status_code == 200, redirect


def test_a_second_run_changes_nothing(run_import, export_path):
    run_import(export_path)
    before = (
        Article.objects.count(),
        Comment.objects.count(),
        Redirect.objects.count(),
        ImportedItem.objects.count(),
        Article.objects.aggregate(latest=Max("updated_at"))["latest"],
        Page.objects.count(),
        Page.objects.aggregate(latest=Max("updated_at"))["latest"],
    )

    report = run_import(export_path)

    after = (
        Article.objects.count(),
        Comment.objects.count(),
        Redirect.objects.count(),
        ImportedItem.objects.count(),
        Article.objects.aggregate(latest=Max("updated_at"))["latest"],
        Page.objects.count(),
        Page.objects.aggregate(latest=Max("updated_at"))["latest"],
    )
    assert after == before
    assert {entry["outcome"] for entry in report} <= {"unchanged", "skipped", "failed"}
