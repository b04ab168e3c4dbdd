"""
Back up and restore the whole newsroom, the database and the uploaded media, in one archive.

Two formats, told apart by the archive's `manifest.json`:

- **native** (format 2, the default): the database copied by its own means
  (operations/database_copies.py): `pg_dump --format=custom` on PostgreSQL, the online backup API
  on SQLite. Minutes for millions of rows; restores into the engine that made it.
  Layout: a `.tar` of `manifest.json` (format, date, versions, the last migration per app, rows
  per table), `database.pgdump` or `database.sqlite3.gz`, and `media/…`.
- **portable** (format 1, `backup --portable`): Django's own serialisation (dumpdata with natural
  foreign keys), read from one consistent moment, which restores into either engine: moving a
  newsroom from SQLite to PostgreSQL, or the reverse. Row by row, so about two minutes per
  22,000 rows. Layout: a `.tar.gz` of `manifest.json` (counts per model), `data.json`, `media/…`.

Both restore only into an empty database and media folder (unless forced), and compare every
count with the manifest's once done.
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

from . import database_copies

PORTABLE = 1
NATIVE = 2
FORMATS = {PORTABLE, NATIVE}
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


def _archive_path(directory, suffix):
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%d-%H%M%S")
    path = directory / f"{ARCHIVE_PREFIX}{stamp}{suffix}"
    number = 1
    while path.exists():
        number += 1
        path = directory / f"{ARCHIVE_PREFIX}{stamp}-{number}{suffix}"
    return path


def create_backup(directory, using=DEFAULT_DB_ALIAS, portable=False):
    """Write a timestamped archive into `directory`; return its path and its manifest."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    # Beside the archive, not in /tmp: a database copy can be larger than /tmp is.
    with tempfile.TemporaryDirectory(prefix=".newsroom-backup-", dir=directory) as work:
        work = Path(work)
        if portable:
            members, manifest = _portable_database(work, using)
        else:
            members, manifest = _native_database(work, using)
        media_root = Path(settings.MEDIA_ROOT)
        files = media_files(media_root)
        manifest = {
            **manifest,
            "created_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
            "database_engine": connections[using].vendor,
            "django": django.get_version(),
            "media_files": len(files),
        }
        manifest_file = work / "manifest.json"
        manifest_file.write_text(json.dumps(manifest, indent=2), encoding="utf-8")

        # The archive holds password hashes and readers' addresses: only its owner may read it,
        # and it only takes its final name once complete.
        descriptor, partial = tempfile.mkstemp(dir=directory, prefix=".", suffix=".partial")
        try:
            with (
                os.fdopen(descriptor, "wb") as stream,
                # The native copies are compressed already (pg_dump's, or gzip's for SQLite's
                # file), and photos are: compressing them again would only cost time.
                tarfile.open(fileobj=stream, mode="w:gz" if portable else "w") as tar,
            ):
                tar.add(manifest_file, arcname="manifest.json")
                for member in members:
                    tar.add(member, arcname=member.name)
                for path in files:
                    tar.add(path, arcname=f"media/{path.relative_to(media_root).as_posix()}")
            archive = _archive_path(directory, ".tar.gz" if portable else ".tar")
            os.replace(partial, archive)
        except BaseException:
            Path(partial).unlink(missing_ok=True)
            raise
    return archive, manifest


def _native_database(work, using):
    vendor = connections[using].vendor
    if vendor not in database_copies.DUMP:
        raise database_copies.CopyFailed(f"no native backup for {vendor}: use --portable")
    member = work / database_copies.MEMBERS[vendor]
    manifest = database_copies.DUMP[vendor](using, member)
    return [member], {"format": NATIVE, **manifest}


def _portable_database(work, using):
    data = work / "data.json"
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
    return [data], {"format": PORTABLE, "counts": dict(sorted(counts.items()))}


def read_manifest(tar):
    try:
        member = tar.extractfile("manifest.json")
    except KeyError:
        member = None
    if member is None:
        raise ValueError("this is not a Newsroom backup: it has no manifest.json")
    manifest = json.load(member)
    if manifest.get("format") not in FORMATS:
        raise ValueError(
            f"unknown backup format {manifest.get('format')!r} (expected one of {sorted(FORMATS)})"
        )
    return manifest


def restore_backup(archive, using=DEFAULT_DB_ALIAS, force=False, jobs=2):
    """
    Restore `archive` into the database and MEDIA_ROOT; return its manifest.

    Refuses (RestoreRefused) when the database holds content or MEDIA_ROOT holds files, unless
    `force`: then the database's content is replaced and the archive's files are written over
    same-named ones (other files are left alone: uploads are never deleted automatically).
    `jobs` is how many connections pg_restore loads tables and builds indexes with.
    """
    media_root = Path(settings.MEDIA_ROOT)
    with (
        tempfile.TemporaryDirectory(prefix="newsroom-restore-") as work,
        tarfile.open(archive, mode="r:*") as tar,
    ):
        work = Path(work)
        manifest = read_manifest(tar)
        vendor = connections[using].vendor
        if manifest["format"] == NATIVE and manifest["database_engine"] != vendor:
            raise ValueError(
                f"this archive is a copy of a {manifest['database_engine']} database and restores "
                f"into {manifest['database_engine']} only, not {vendor} (a backup made with "
                "--portable moves a newsroom between engines)"
            )
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
        if manifest["format"] == NATIVE:
            member = work / database_copies.MEMBERS[vendor]
            database_copies.RESTORE[vendor](using, member, jobs)
            _check_counts(
                manifest["counts"],
                database_copies.restored_counts(using, manifest["counts"]),
            )
            # An archive of an earlier version of the newsroom gets this version's migrations.
            call_command("migrate", database=using, interactive=False, verbosity=0)
        else:
            _load_portable(work / "data.json", using, replace=bool(existing))
        if (work / "media").is_dir():
            shutil.copytree(work / "media", media_root, dirs_exist_ok=True)
    if manifest["format"] == PORTABLE:
        _check_counts(manifest["counts"], content_counts(using))
    return manifest


def _load_portable(data, using, replace):
    call_command("migrate", database=using, interactive=False, verbosity=0)
    # One transaction: if the archive does not load, what --force was to replace is kept.
    with transaction.atomic(using=using):
        if replace:
            call_command("flush", database=using, interactive=False, verbosity=0)
        # migrate (and flush) made the staff roles' groups (staff.roles); the archive's
        # own groups, with the permissions the newsroom gave them, take their place.
        Group.objects.using(using).all().delete()
        call_command("loaddata", str(data), database=using, verbosity=0)


def _check_counts(expected, restored):
    missing = {
        name: (count, restored.get(name, 0))
        for name, count in expected.items()
        if restored.get(name, 0) != count
    }
    if missing:
        raise RestoreMismatch(missing)
