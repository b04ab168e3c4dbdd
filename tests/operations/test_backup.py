"""The backup drill: back up, lose everything, restore into an empty database, find it all."""

import io
import json
import re
import shutil
import tarfile
from pathlib import Path

import pytest
import reversion
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from PIL import Image
from reversion.models import Version

from articles.models import Article, Section
from comments.models import Comment
from donations.models import DonationPrompt
from tests.articles.factories import PublishedArticleFactory, SectionFactory
from tests.comments.factories import ApprovedCommentFactory, PendingCommentFactory
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
    """Some of everything the newsroom holds, with relations across apps and an image."""
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
    ApprovedCommentFactory(article=with_image, text="Enfin !")
    ApprovedCommentFactory(article=other, text="Merci pour ce compte rendu")
    prompt = DonationPromptFactory(name="Campagne d'automne")
    prompt.sections.set([sports, culture])
    return with_image


def snapshot():
    """Everything the drill must find again, as plain values."""
    article = Article.objects.exclude(photo=None).get()
    return {
        "articles": sorted(Article.objects.values_list("pk", "slug", "title", "section__slug")),
        "sections": sorted(Section.objects.values_list("pk", "slug")),
        "comments": sorted(Comment.objects.values_list("pk", "article__slug", "status", "text")),
        "prompts": sorted(DonationPrompt.objects.values_list("pk", "name")),
        "prompt_sections": sorted(DonationPrompt.objects.values_list("name", "sections__slug")),
        "tags": sorted(article.tags.names()),
        "versions": Version.objects.get_for_object(article).count(),
        "photo": (
            article.photo.image.name,
            Path(article.photo.image.path).read_bytes(),
            [str(used) for used in article.photo.used_in()],
        ),
    }


def backup(directory):
    out = io.StringIO()
    call_command("backup", str(directory), stdout=out)
    (archive,) = Path(directory).glob("newsroom-*.tar.gz")
    return archive, out.getvalue()


def restore(archive, *args):
    out = io.StringIO()
    call_command("restore", str(archive), *args, stdout=out)
    return out.getvalue()


def lose_everything(media_root):
    call_command("flush", interactive=False, verbosity=0)
    shutil.rmtree(media_root)
    media_root.mkdir()


def test_a_restore_into_an_empty_database_finds_everything(media_root, tmp_path):
    build_newsroom()
    before = snapshot()
    archive, _ = backup(tmp_path / "backups")

    lose_everything(media_root)
    assert Article.objects.count() == 0
    assert list(media_root.iterdir()) == []
    output = restore(archive)

    assert snapshot() == before
    assert "every count checked" in output
    # The search index is the database's own, rebuilt from the restored articles.
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

    assert re.fullmatch(r"newsroom-\d{8}-\d{6}\.tar\.gz", archive.name)
    assert archive.stat().st_mode & 0o777 == 0o600
    assert list(archive.parent.iterdir()) == [archive]
    with tarfile.open(archive) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))
        names = tar.getnames()
    assert manifest["counts"]["articles.article"] == 2
    assert manifest["counts"]["comments.comment"] == 3
    assert manifest["counts"]["donations.donationprompt"] == 1
    assert manifest["media_files"] == 1
    assert [name for name in names if name.startswith("media/")] == [
        f"media/{Article.objects.exclude(photo=None).get().photo.image.name}"
    ]
    assert f"Backup written to {archive}" in output


def test_two_backups_in_the_same_second_do_not_overwrite_each_other(media_root, tmp_path):
    build_newsroom()

    call_command("backup", str(tmp_path), stdout=io.StringIO())
    call_command("backup", str(tmp_path), stdout=io.StringIO())

    assert len(list(tmp_path.glob("newsroom-*.tar.gz"))) == 2


def test_restore_refuses_a_database_that_holds_content(media_root, tmp_path):
    build_newsroom()
    archive, _ = backup(tmp_path / "backups")

    with pytest.raises(CommandError, match="already holds content") as refusal:
        restore(archive)

    assert "2 articles.article" in str(refusal.value)
    assert "--force" in str(refusal.value)
    assert Article.objects.count() == 2
    assert Comment.objects.count() == 3


def test_restore_refuses_a_media_directory_that_holds_files(media_root, tmp_path):
    build_newsroom()
    archive, _ = backup(tmp_path / "backups")
    call_command("flush", interactive=False, verbosity=0)

    with pytest.raises(CommandError, match="already holds 1 files"):
        restore(archive)

    assert Article.objects.count() == 0


def test_force_replaces_what_the_database_holds(media_root, tmp_path):
    build_newsroom()
    before = snapshot()
    archive, _ = backup(tmp_path / "backups")
    PublishedArticleFactory(slug="ecrit-apres-la-sauvegarde")
    Comment.objects.all().delete()

    restore(archive, "--force")

    assert snapshot() == before
    assert not Article.objects.filter(slug="ecrit-apres-la-sauvegarde").exists()


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
    assert Comment.objects.count() == 3


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
