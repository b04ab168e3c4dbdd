"""
Back up and restore the whole newsroom: the database's content and the uploaded media, in one
.tar.gz archive that restores into an empty database of either engine.

The database goes into the archive as Django's own serialisation (dumpdata with natural foreign
keys), not as a native dump: the same archive then restores on SQLite and PostgreSQL (moving a
newsroom from one to the other is the same drill), no `pg_dump` has to match the server's
version, and the restore goes through the models' migrations. It is read from one consistent
moment of the database: on SQLite a copy taken with the online backup API, so writers are never
blocked; on PostgreSQL a REPEATABLE READ snapshot, the guarantee `pg_dump` itself relies on.

Archive layout: `manifest.json` (format, date, counts per model), `data.json`, `media/…`.
"""

import contextlib
import datetime
import json
import os
import shutil
import sqlite3
import tarfile
import tempfile
from pathlib import Path

import django
from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.utils import load_backend

FORMAT = 1
ARCHIVE_PREFIX = "newsroom-"
# Rows that `migrate` rebuilds by itself, or that mean nothing once restored (sessions and
# captcha challenges expire within the hour).
NOT_BACKED_UP = ["contenttypes", "auth.permission", "sessions", "captcha"]
# Rows every `migrate` makes, so an empty newsroom has them too: the staff roles' groups
# (staff.roles). A restore replaces them with the archive's.
MADE_BY_MIGRATE = {"auth.group"}


class RestoreRefused(Exception):
    """The target already holds content and the operator did not ask to replace it."""


class RestoreMismatch(Exception):
    """The restored database does not hold what the archive's manifest counted."""


def _is_backed_up(model):
    meta = model._meta
    return meta.app_label not in NOT_BACKED_UP and meta.label_lower not in NOT_BACKED_UP


def _not_managed():
    """Models whose table Django does not manage (a database's own search index, kept by its
    triggers): derived data that a restore rebuilds, and that may not exist on the other engine."""
    return [model._meta.label for model in apps.get_models() if not model._meta.managed]


def backed_up_models():
    return [
        model
        for model in apps.get_models()
        if _is_backed_up(model) and model._meta.managed and not model._meta.proxy
    ]


def content_counts(using=DEFAULT_DB_ALIAS):
    """Rows per backed-up model, for the models whose table exists ({} on a blank database)."""
    tables = set(connections[using].introspection.table_names())
    return {
        model._meta.label_lower: model._base_manager.using(using).count()
        for model in backed_up_models()
        if model._meta.db_table in tables
    }


def media_files(root=None):
    root = Path(root or settings.MEDIA_ROOT)
    if not root.is_dir():
        return []
    return sorted(path for path in root.rglob("*") if path.is_file())


@contextlib.contextmanager
def _consistent_snapshot(using):
    """Yield a database alias that sees the whole database at one single moment."""
    connection = connections[using]
    if connection.vendor == "sqlite":
        with tempfile.TemporaryDirectory(prefix="newsroom-backup-") as directory:
            copy = Path(directory) / "snapshot.sqlite3"
            connection.ensure_connection()
            target = sqlite3.connect(copy)
            try:
                connection.connection.backup(target)
            finally:
                target.close()
            # A connection of our own for the copy, known to this thread only.
            alias = f"{using}-backup-snapshot"
            snapshot_settings = {**connection.settings_dict, "NAME": str(copy)}
            backend = load_backend(snapshot_settings["ENGINE"])
            connections[alias] = backend.DatabaseWrapper(snapshot_settings, alias)
            try:
                yield alias
            finally:
                connections[alias].close()
                del connections[alias]
        return
    outermost = not connection.in_atomic_block
    with transaction.atomic(using=using):
        if outermost and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield using


def _archive_path(directory):
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%d-%H%M%S")
    path = directory / f"{ARCHIVE_PREFIX}{stamp}.tar.gz"
    number = 1
    while path.exists():
        number += 1
        path = directory / f"{ARCHIVE_PREFIX}{stamp}-{number}.tar.gz"
    return path


def create_backup(directory, using=DEFAULT_DB_ALIAS):
    """Write a timestamped archive into `directory`; return its path and its manifest."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="newsroom-backup-") as work:
        data = Path(work) / "data.json"
        with _consistent_snapshot(using) as alias:
            call_command(
                "dumpdata",
                exclude=[*NOT_BACKED_UP, *_not_managed()],
                natural_foreign=True,
                # Every row, whatever a model's default manager hides.
                use_base_manager=True,
                database=alias,
                output=str(data),
                verbosity=0,
            )
        counts = {}
        with data.open(encoding="utf-8") as stream:
            for item in json.load(stream):
                counts[item["model"]] = counts.get(item["model"], 0) + 1
        media_root = Path(settings.MEDIA_ROOT)
        files = media_files(media_root)
        manifest = {
            "format": FORMAT,
            "created_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
            "database_engine": connections[using].vendor,
            "django": django.get_version(),
            "counts": dict(sorted(counts.items())),
            "media_files": len(files),
        }
        manifest_file = Path(work) / "manifest.json"
        manifest_file.write_text(json.dumps(manifest, indent=2), encoding="utf-8")

        # The archive holds password hashes and readers' addresses: only its owner may read it,
        # and it only takes its final name once complete.
        descriptor, partial = tempfile.mkstemp(dir=directory, prefix=".", suffix=".partial")
        try:
            with (
                os.fdopen(descriptor, "wb") as stream,
                tarfile.open(fileobj=stream, mode="w:gz") as tar,
            ):
                tar.add(manifest_file, arcname="manifest.json")
                tar.add(data, arcname="data.json")
                for path in files:
                    tar.add(path, arcname=f"media/{path.relative_to(media_root).as_posix()}")
            archive = _archive_path(directory)
            os.replace(partial, archive)
        except BaseException:
            Path(partial).unlink(missing_ok=True)
            raise
    return archive, manifest


def read_manifest(tar):
    try:
        member = tar.extractfile("manifest.json")
    except KeyError:
        member = None
    if member is None:
        raise ValueError("this is not a Newsroom backup: it has no manifest.json")
    manifest = json.load(member)
    if manifest.get("format") != FORMAT:
        raise ValueError(f"unknown backup format {manifest.get('format')!r} (expected {FORMAT})")
    return manifest


def restore_backup(archive, using=DEFAULT_DB_ALIAS, force=False):
    """
    Restore `archive` into the database and MEDIA_ROOT; return its manifest.

    Refuses (RestoreRefused) when the database holds content or MEDIA_ROOT holds files, unless
    `force`: then the database is emptied first and the archive's files are written over
    same-named ones (other files are left alone: uploads are never deleted automatically).
    """
    media_root = Path(settings.MEDIA_ROOT)
    with (
        tempfile.TemporaryDirectory(prefix="newsroom-restore-") as work,
        tarfile.open(archive, mode="r:gz") as tar,
    ):
        manifest = read_manifest(tar)
        existing = {
            label: count
            for label, count in content_counts(using).items()
            if count and label not in MADE_BY_MIGRATE
        }
        existing_files = media_files(media_root)
        if (existing or existing_files) and not force:
            raise RestoreRefused(existing, len(existing_files))

        # The "data" filter refuses absolute paths, paths leaving the directory and links
        # pointing out of it: an archive cannot write anywhere but where it is told.
        tar.extractall(work, filter="data")
        call_command("migrate", database=using, interactive=False, verbosity=0)
        # One transaction: if the archive does not load, what --force was to replace is kept.
        with transaction.atomic(using=using):
            if existing:
                call_command("flush", database=using, interactive=False, verbosity=0)
            # migrate (and flush) made the staff roles' groups (staff.roles); the archive's
            # own groups, with the permissions the newsroom gave them, take their place.
            Group.objects.using(using).all().delete()
            call_command("loaddata", str(Path(work) / "data.json"), database=using, verbosity=0)
        if (Path(work) / "media").is_dir():
            shutil.copytree(Path(work) / "media", media_root, dirs_exist_ok=True)

    restored = content_counts(using)
    missing = {
        label: (expected, restored.get(label, 0))
        for label, expected in manifest["counts"].items()
        if restored.get(label, 0) != expected
    }
    if missing:
        raise RestoreMismatch(missing)
    return manifest
