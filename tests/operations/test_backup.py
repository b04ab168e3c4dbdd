"""The backup drill: back up, lose everything, restore into an empty database, find it all.

Every test runs on the database of DATABASE_URL: the native archive is a pg_dump there on
PostgreSQL and SQLite's online copy on SQLite (run the file both ways)."""

import contextlib
import io
import json
import re
import shutil
import sqlite3
import tarfile
import threading
from pathlib import Path

import pytest
import reversion
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, connections, transaction
from django.db.models import F
from django.db.utils import load_backend
from PIL import Image
from reversion.models import Version

from articles.models import Article, Section
from comments.models import Comment, CommentReport
from desk.models import Autosave, KeptForm
from donations.models import DonationPrompt
from operations.backups import create_backup
from operations.database_copies import _libpq_environment
from photos.models import Photo, PhotoUse
from tests.articles.factories import (
    JournalistFactory,
    ModeratorFactory,
    PublishedArticleFactory,
    SectionFactory,
)
from tests.comments.factories import (
    ApprovedCommentFactory,
    ApprovedReplyFactory,
    CommentReportFactory,
    PendingCommentFactory,
    ReplyFactory,
)
from tests.desk.factories import AutosaveFactory, KeptFormFactory, NewArticleAutosaveFactory
from tests.donations.factories import DonationPromptFactory
from tests.photos.factories import PhotoFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()
    return settings.MEDIA_ROOT


def jpeg_bytes():
    stream = io.BytesIO()
    Image.new("RGB", (8, 6), "teal").save(stream, "JPEG")
    return stream.getvalue()


def build_newsroom():
    """Some of everything the newsroom holds, with relations across apps and an image:
    conversations with replies and reports, the desk's autosaves and kept forms, photos."""
    sports = SectionFactory(name="Sports", slug="sports")
    culture = SectionFactory(name="Culture", slug="culture")
    with_image = PublishedArticleFactory(
        section=sports,
        photo=PhotoFactory(
            image=SimpleUploadedFile("stade.jpg", jpeg_bytes()), alt_text="Le stade sous la pluie"
        ),
    )
    with reversion.create_revision():
        with_image.title = "Le stade rénové"
        with_image.save()
    with_image.tags.add("football", "travaux")
    other = PublishedArticleFactory(section=culture)
    PendingCommentFactory(article=with_image, text="En attente de modération")
    first = ApprovedCommentFactory(article=with_image, text="Enfin !")
    answer = ApprovedReplyFactory(parent=first, text="Il était temps.")
    ReplyFactory(parent=answer, text="Une réponse à la réponse, en attente")
    ApprovedCommentFactory(article=other, text="Merci pour ce compte rendu")
    CommentReportFactory(comment=answer, reason=CommentReport.Reason.OFF_TOPIC, note="Hors sujet")
    CommentReportFactory(comment=first)
    first.dismiss_reports(by=ModeratorFactory())
    journalist = JournalistFactory(username="claire")
    AutosaveFactory(object=with_image, user=journalist, data={"title": ["Le stade, suite"]})
    NewArticleAutosaveFactory(user=journalist, data={"title": ["Un article jamais enregistré"]})
    KeptFormFactory(user=journalist, data={"title": ["Gardé après expiration"]})
    prompt = DonationPromptFactory(name="Campagne d'automne")
    prompt.sections.set([sports, culture])
    return with_image


def snapshot():
    """Everything the drill must find again, as plain values."""
    article = Article.objects.exclude(photo=None).get()
    return {
        "articles": sorted(Article.objects.values_list("pk", "slug", "title", "section__slug")),
        "sections": sorted(Section.objects.values_list("pk", "slug")),
        "comments": sorted(
            Comment.objects.values_list(
                "pk", "article__slug", "status", "text", "parent", "thread", "depth"
            )
        ),
        "reports": sorted(
            CommentReport.objects.values_list(
                "comment__text", "reason", "note", "dismissed_by__username"
            )
        ),
        "autosaves": sorted(
            Autosave.objects.values_list("user__username", "object_id", "data", "form_key"),
            key=repr,
        ),
        "kept_forms": sorted(KeptForm.objects.values_list("token", "data"), key=repr),
        "prompts": sorted(DonationPrompt.objects.values_list("pk", "name")),
        "prompt_sections": sorted(DonationPrompt.objects.values_list("name", "sections__slug")),
        "tags": sorted(article.tags.names()),
        "versions": Version.objects.get_for_object(article).count(),
        "photos": sorted(Photo.objects.values_list("pk", "image", "alt_text")),
        "photo_uses": PhotoUse.objects.count(),
        "photo": (
            article.photo.image.name,
            Path(article.photo.image.path).read_bytes(),
            [str(used) for used in article.photo.used_in()],
        ),
    }


def backup(directory, *args):
    out = io.StringIO()
    call_command("backup", str(directory), *args, stdout=out)
    (archive,) = Path(directory).glob("newsroom-*.tar*")
    return archive, out.getvalue()


def restore(archive, *args):
    out = io.StringIO()
    call_command("restore", str(archive), *args, stdout=out)
    return out.getvalue()


def lose_everything(media_root):
    call_command("flush", interactive=False, verbosity=0)
    shutil.rmtree(media_root)
    media_root.mkdir()


def read_archive(archive):
    with tarfile.open(archive) as tar:
        return json.load(tar.extractfile("manifest.json")), tar.getnames()


def rewrite_member(archive, name, change):
    """A copy of the archive whose member `name` holds `change(its bytes)`."""
    rewritten = archive.with_name(f"changed-{archive.name}")
    with tarfile.open(archive) as source, tarfile.open(rewritten, "w") as target:
        for member in source.getmembers():
            content = source.extractfile(member)
            if member.name == name:
                data = change(content.read())
                member.size = len(data)
                content = io.BytesIO(data)
            target.addfile(member, content)
    return rewritten


def rewrite_manifest(archive, change):
    """A copy of the archive with `change(manifest)` written in place of its manifest."""

    def changed(data):
        manifest = json.loads(data)
        change(manifest)
        return json.dumps(manifest).encode()

    return rewrite_member(archive, "manifest.json", changed)


@pytest.mark.parametrize("how", [[], ["--portable"]], ids=["native", "portable"])
def test_a_restore_into_an_empty_database_finds_everything(media_root, tmp_path, how):
    build_newsroom()
    before = snapshot()
    archive, _ = backup(tmp_path / "backups", *how)

    lose_everything(media_root)
    assert Article.objects.count() == 0
    assert list(media_root.iterdir()) == []
    output = restore(archive)

    assert snapshot() == before
    assert "every count checked" in output
    # The search index is the database's own, rebuilt from (or copied with) the articles.
    assert [a.title for a in Article.objects.search("STADE RENOVE")] == ["Le stade rénové"]


def test_a_restore_leaves_nothing_of_the_database_before_in_the_cache(media_root, tmp_path):
    build_newsroom()
    archive, _ = backup(tmp_path / "backups")
    lose_everything(media_root)
    cache.set("comments:listing-version:1", "from the database before", timeout=None)

    restore(archive)

    assert cache.get("comments:listing-version:1") is None


def test_the_archive_is_private_timestamped_and_counted(media_root, tmp_path):
    build_newsroom()

    archive, output = backup(tmp_path / "backups")

    assert re.fullmatch(r"newsroom-\d{8}-\d{6}\.tar", archive.name)
    assert archive.stat().st_mode & 0o777 == 0o600
    assert list(archive.parent.iterdir()) == [archive]
    manifest, names = read_archive(archive)
    assert manifest["format"] == 2
    assert manifest["database_engine"] == connection.vendor
    assert manifest["counts"]["articles_article"] == 2
    assert manifest["counts"]["comments_comment"] == 5
    assert manifest["counts"]["comments_commentreport"] == 2
    assert manifest["counts"]["desk_autosave"] == 2
    assert manifest["counts"]["donations_donationprompt"] == 1
    assert manifest["migrations"]["comments"].startswith("00")
    assert set(manifest["versions"]) == (
        {"postgresql", "pg_dump"} if connection.vendor == "postgresql" else {"sqlite"}
    )
    assert manifest["media_files"] == 1
    database = "database.pgdump" if connection.vendor == "postgresql" else "database.sqlite3.gz"
    assert names == [
        "manifest.json",
        database,
        f"media/{Article.objects.exclude(photo=None).get().photo.image.name}",
    ]
    assert f"Backup written to {archive}" in output


def test_a_portable_archive_counts_models(media_root, tmp_path):
    build_newsroom()

    archive, _ = backup(tmp_path / "backups", "--portable")

    assert re.fullmatch(r"newsroom-\d{8}-\d{6}\.tar\.gz", archive.name)
    manifest, names = read_archive(archive)
    assert manifest["format"] == 1
    assert manifest["counts"]["comments.comment"] == 5
    assert "data.json" in names


def test_two_backups_in_the_same_second_do_not_overwrite_each_other(media_root, tmp_path):
    build_newsroom()

    call_command("backup", str(tmp_path), stdout=io.StringIO())
    call_command("backup", str(tmp_path), stdout=io.StringIO())

    assert len(list(tmp_path.glob("newsroom-*.tar"))) == 2


@pytest.mark.parametrize("how", [[], ["--portable"]], ids=["native", "portable"])
def test_restore_refuses_a_database_that_holds_content(media_root, tmp_path, how):
    build_newsroom()
    archive, _ = backup(tmp_path / "backups", *how)
    shutil.rmtree(media_root)
    media_root.mkdir()

    with pytest.raises(CommandError, match="already holds content") as refusal:
        restore(archive)

    assert "2 articles.article" in str(refusal.value)
    assert "--force" in str(refusal.value)
    assert Article.objects.count() == 2
    assert Comment.objects.count() == 5


def test_restore_refuses_a_media_directory_that_holds_files(media_root, tmp_path):
    build_newsroom()
    archive, _ = backup(tmp_path / "backups")
    call_command("flush", interactive=False, verbosity=0)

    with pytest.raises(CommandError, match="already holds 1 files"):
        restore(archive)

    assert Article.objects.count() == 0


@pytest.mark.parametrize("how", [[], ["--portable"]], ids=["native", "portable"])
def test_force_replaces_what_the_database_holds(media_root, tmp_path, how):
    build_newsroom()
    before = snapshot()
    archive, _ = backup(tmp_path / "backups", *how)
    PublishedArticleFactory(slug="ecrit-apres-la-sauvegarde")
    Comment.objects.all().delete()

    restore(archive, "--force")

    assert snapshot() == before
    assert not Article.objects.filter(slug="ecrit-apres-la-sauvegarde").exists()


def test_a_restore_that_does_not_find_the_archives_counts_says_so(media_root, tmp_path):
    build_newsroom()
    archive, _ = backup(tmp_path / "backups")
    lose_everything(media_root)

    def one_comment_more(manifest):
        manifest["counts"]["comments_comment"] += 1

    with pytest.raises(CommandError, match="The restore is incomplete") as mismatch:
        restore(rewrite_manifest(archive, one_comment_more))

    assert str(mismatch.value) == (
        "The restore is incomplete: comments_comment: 6 in the archive, 5 restored."
    )


def test_a_native_archive_restores_into_its_own_engine_only(media_root, tmp_path):
    build_newsroom()
    archive, _ = backup(tmp_path / "backups")
    lose_everything(media_root)
    other = "sqlite" if connection.vendor == "postgresql" else "postgresql"

    def made_elsewhere(manifest):
        manifest["database_engine"] = other

    with pytest.raises(CommandError, match=f"restores into {other} only") as refusal:
        restore(rewrite_manifest(archive, made_elsewhere))

    assert "--portable" in str(refusal.value)
    assert Article.objects.count() == 0


@pytest.fixture
def live_database(tmp_path):
    """Opens the database the site writes to while it is backed up, as it is now; returns its
    alias and how a thread reaches it: the test database itself on PostgreSQL; on SQLite a file
    like the site's (WAL, the writer lock), copied from the test database, which lives in
    memory."""
    opened = []

    def open_live():
        if connection.vendor == "postgresql":
            return "default", lambda: None
        path = tmp_path / "live.sqlite3"
        connection.ensure_connection()
        with contextlib.closing(sqlite3.connect(path)) as target:
            connection.connection.backup(target)
        settings_dict = {**connection.settings_dict, "NAME": str(path)}
        backend = load_backend(settings_dict["ENGINE"])

        def reach():
            connections["live"] = backend.DatabaseWrapper(settings_dict, "live")

        reach()
        opened.append("live")
        return "live", reach

    yield open_live
    for alias in opened:
        connections[alias].close()
        del connections[alias]


def test_a_backup_taken_while_comments_are_written_holds_one_moment(
    media_root, tmp_path, live_database
):
    article = build_newsroom()
    alias, reach = live_database()
    comments_before = Comment.objects.using(alias).filter(article=article).count()
    # Each comment written counts one view in the same transaction: a copy of one moment
    # holds as many new comments as new views.
    written = []
    stop = threading.Event()

    def write_comments():
        reach()
        try:
            while not stop.is_set():
                with transaction.atomic(using=alias):
                    Comment.objects.using(alias).bulk_create(
                        [ApprovedCommentFactory.build(article=article, text="Pendant la copie")]
                    )
                    Article.objects.using(alias).filter(pk=article.pk).update(
                        view_count=F("view_count") + 1
                    )
                written.append(1)
        finally:
            connections[alias].close()

    views_before = Article.objects.using(alias).get(pk=article.pk).view_count
    writer = threading.Thread(target=write_comments)
    writer.start()
    try:
        while len(written) < 20:
            stop.wait(0.01)
        archive, manifest = create_backup(tmp_path / "backups", using=alias)
        written_at_backup = len(written)
        while len(written) < written_at_backup + 20:
            stop.wait(0.01)
    finally:
        stop.set()
        writer.join()
    lose_everything(media_root)

    restore(archive)

    restored = Article.objects.get(pk=article.pk)
    new_comments = Comment.objects.filter(article=article).count() - comments_before
    assert new_comments == restored.view_count - views_before
    assert 20 <= new_comments < len(written)
    assert manifest["counts"]["comments_comment"] == Comment.objects.count()


@pytest.mark.postgres
@pytest.mark.parametrize("program", ["pg_dump", "pg_restore"])
def test_without_postgresqls_programs_the_error_says_what_to_install(
    media_root, tmp_path, monkeypatch, program
):
    build_newsroom()
    archive = None
    if program == "pg_restore":
        archive, _ = backup(tmp_path / "backups")
        lose_everything(media_root)
    monkeypatch.setenv("PATH", str(tmp_path / "no-programs-here"))

    with pytest.raises(CommandError) as error:
        restore(archive) if archive else backup(tmp_path / "backups")

    assert f"{program} was not found on PATH" in str(error.value)
    assert "postgresql-client" in str(error.value)
    if archive is None:
        assert "nothing was written" in str(error.value)
        assert list((tmp_path / "backups").iterdir()) == []
    else:
        assert "Nothing was restored" in str(error.value)
        assert Article.objects.count() == 0


@pytest.mark.postgres
def test_a_pg_dump_older_than_the_server_is_refused_with_its_version(
    media_root, tmp_path, monkeypatch
):
    programs = tmp_path / "old-programs"
    programs.mkdir()
    old = programs / "pg_dump"
    old.write_text("#!/bin/sh\necho 'pg_dump (PostgreSQL) 9.6.24'\n")
    old.chmod(0o755)
    monkeypatch.setenv("PATH", str(programs))

    with pytest.raises(CommandError, match=r"9\.6\.24 cannot dump a PostgreSQL \d+ server"):
        backup(tmp_path / "backups")


@pytest.mark.postgres
def test_the_password_reaches_postgresqls_programs_through_their_environment_only(
    media_root, tmp_path
):
    settings_dict = {**connection.settings_dict, "PASSWORD": "not-for-any-eyes"}

    environment = _libpq_environment(settings_dict)

    assert environment["PGPASSWORD"] == "not-for-any-eyes"
    assert environment["PGDATABASE"] == connection.settings_dict["NAME"]
    # What a failing program says is shown to the operator: never the password.
    build_newsroom()
    archive, _ = backup(tmp_path / "backups")
    lose_everything(media_root)
    broken = rewrite_member(archive, "database.pgdump", lambda dump: dump[:200])
    password = connection.settings_dict["PASSWORD"]
    connection.settings_dict["PASSWORD"] = "not-for-any-eyes"
    try:
        with pytest.raises(CommandError, match="pg_restore failed") as error:
            restore(broken)
    finally:
        connection.settings_dict["PASSWORD"] = password
    assert "not-for-any-eyes" not in str(error.value)


def test_an_archive_that_does_not_load_leaves_the_database_as_it_was(media_root, tmp_path):
    build_newsroom()
    archive = tmp_path / "broken.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        for name, content in [
            ("manifest.json", {"format": 1, "counts": {}, "media_files": 0}),
            ("data.json", [{"model": "articles.nosuchmodel", "pk": 1, "fields": {}}]),
        ]:
            data = json.dumps(content).encode()
            member = tarfile.TarInfo(name)
            member.size = len(data)
            tar.addfile(member, io.BytesIO(data))

    with pytest.raises(CommandError, match="Nothing was restored"):
        restore(archive, "--force")

    assert Article.objects.count() == 2
    assert Comment.objects.count() == 5


def test_an_archive_cannot_write_outside_the_media_directory(media_root, tmp_path):
    archive = tmp_path / "hostile.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        for name in ["manifest.json", "../../escaped.txt"]:
            data = json.dumps({"format": 1, "counts": {}, "media_files": 0}).encode()
            member = tarfile.TarInfo(name)
            member.size = len(data)
            tar.addfile(member, io.BytesIO(data))

    with pytest.raises(CommandError, match="Nothing was restored"):
        restore(archive)

    assert not (tmp_path / "escaped.txt").exists()
    assert not (tmp_path.parent / "escaped.txt").exists()


def test_a_file_that_is_not_a_backup_is_refused(media_root, tmp_path):
    archive = tmp_path / "notes.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        member = tarfile.TarInfo("notes.txt")
        tar.addfile(member, io.BytesIO(b""))

    with pytest.raises(CommandError, match=r"no manifest\.json"):
        restore(archive)
