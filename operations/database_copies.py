"""
Copies of the whole database made by the database's own means, for backups that scale.

- PostgreSQL: `pg_dump --format=custom` from a snapshot the backup exports, so the rows it counts
  for the manifest are exactly the rows dumped; `pg_restore --jobs N` (tables loaded and indexes
  built in parallel) into an empty database.
- SQLite: the online backup API (`sqlite3.Connection.backup`), a consistent copy that never
  blocks the site's writers (WAL); the restore copies that file into the target database with the
  same API, which replaces it in one transaction whatever connections or WAL file it has.

Both copy every table, index, trigger and search index as they are: nothing is serialised
through Django, and an archive restores into the engine that made it (operations/backups.py
keeps the portable format for moving between engines).
"""

import contextlib
import gzip
import os
import re
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.db import connections
from django.db.backends.postgresql.client import DatabaseClient as PostgresClient

#: Files of the archive holding the database, by engine.
MEMBERS = {"postgresql": "database.pgdump", "sqlite": "database.sqlite3.gz"}


class ToolMissing(Exception):
    """A program the backup needs is not installed, or not the right version."""


class CopyFailed(Exception):
    """The database's own tool failed; the message is what it said."""


def table_counts(cursor, tables, quote):
    """Exact rows per table, as this cursor's transaction sees them."""
    counts = {}
    for table in sorted(tables):
        cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")  # noqa: S608 (introspected names)
        counts[table] = cursor.fetchone()[0]
    return counts


def newsroom_tables(using):
    """The tables of every model Django manages (m2m tables included), as they exist now."""
    connection = connections[using]
    return sorted(connection.introspection.django_table_names(only_existing=True))


def applied_migrations(cursor):
    """The last migration applied per app: which version of the newsroom the copy belongs to."""
    cursor.execute("SELECT app, MAX(name) FROM django_migrations GROUP BY app ORDER BY app")
    return dict(cursor.fetchall())


# --- PostgreSQL ---------------------------------------------------------------------------------


def _program(name):
    path = shutil.which(name)
    if path is None:
        raise ToolMissing(
            f"{name} was not found on PATH: install PostgreSQL's client programs (Debian: "
            "postgresql-client) of the server's major version or newer, or put their folder "
            "first on PATH."
        )
    return path


def _major(version_text):
    """15 from 'pg_dump (PostgreSQL) 15.20 (Debian …)' or from server_version_num 150020."""
    if isinstance(version_text, int):
        return version_text // 10000
    found = re.search(r"\(PostgreSQL\)\s+(\d+)", version_text)
    if found is None:
        raise ToolMissing(f"cannot tell the version of this program: {version_text!r}")
    return int(found[1])


def _libpq_environment(settings_dict):
    """What PostgreSQL's programs need to reach Django's database, as libpq's environment
    variables: the password goes in PGPASSWORD, never on a command line or in a message."""
    _args, env = PostgresClient.settings_to_cmd_args_env(settings_dict, [])
    env = {**os.environ, **(env or {})}
    for variable, value in [
        ("PGHOST", settings_dict.get("HOST")),
        ("PGPORT", settings_dict.get("PORT")),
        ("PGUSER", settings_dict.get("USER")),
        ("PGDATABASE", settings_dict.get("NAME")),
    ]:
        if value:
            env[variable] = str(value)
    return env


def _run(command, settings_dict):
    result = subprocess.run(  # noqa: S603 (a program found on PATH, arguments of our own)
        command,
        env=_libpq_environment(settings_dict),
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode:
        said = result.stderr.strip() or f"exit status {result.returncode}"
        raise CopyFailed(f"{Path(command[0]).name} failed: {said}")
    return result


def _tool_version(program):
    return subprocess.run(  # noqa: S603
        [program, "--version"], capture_output=True, text=True, check=True
    ).stdout.strip()


def dump_postgresql(using, path):
    """Dump the database into `path` (pg_dump's custom format); return the manifest's part:
    counts per table and versions, read in the very snapshot that pg_dump dumps."""
    pg_dump = _program("pg_dump")
    connection = connections[using]
    if connection.in_atomic_block:
        raise CopyFailed("a backup cannot run inside a transaction: it opens its own snapshot")
    dump_version = _tool_version(pg_dump)
    server_major = _major(connection.pg_version)
    if _major(dump_version) < server_major:
        raise ToolMissing(
            f"{dump_version} cannot dump a PostgreSQL {server_major} server: install the "
            f"client programs of version {server_major} or newer."
        )
    tables = newsroom_tables(using)
    with connection.cursor() as cursor:
        cursor.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        try:
            # pg_dump joins this transaction's snapshot: what it dumps is what is counted here,
            # whatever the site writes meanwhile.
            cursor.execute("SELECT pg_export_snapshot(), current_setting('server_version')")
            snapshot, server_version = cursor.fetchone()
            counts = table_counts(cursor, tables, connection.ops.quote_name)
            migrations = applied_migrations(cursor)
            _run(
                [pg_dump, "--format=custom", f"--snapshot={snapshot}", f"--file={path}"],
                connection.settings_dict,
            )
        finally:
            cursor.execute("ROLLBACK")
    return {
        "counts": counts,
        "migrations": migrations,
        "versions": {"postgresql": server_version, "pg_dump": dump_version},
    }


def restore_postgresql(using, path, jobs):
    """Load a pg_dump archive with `jobs` parallel connections. Objects of the archive that the
    target already has (an empty, migrated database) are dropped first."""
    pg_restore = _program("pg_restore")
    connection = connections[using]
    connection.close()  # pg_restore drops the tables this connection may have open
    try:
        _run(
            [
                pg_restore,
                f"--jobs={jobs}",
                "--clean",
                "--if-exists",
                # The restoring role owns what it restores: the archive's roles need not exist here.
                "--no-owner",
                "--no-privileges",
                "--exit-on-error",
                f"--dbname={connection.settings_dict['NAME']}",
                str(path),
            ],
            connection.settings_dict,
        )
    except CopyFailed as error:
        raise CopyFailed(
            f"{error} (the database may hold part of the archive: restore again with --force)"
        ) from error
    with connection.cursor() as cursor:
        # pg_restore brings no planner statistics: without them the first pages would be
        # planned blind (see generate_scale_data).
        cursor.execute("ANALYZE")


# --- SQLite -------------------------------------------------------------------------------------


def dump_sqlite(using, path):
    """Copy the database online into `path`, gzipped; return the manifest's part, counted on
    the copy itself."""
    connection = connections[using]
    connection.ensure_connection()
    copy = path.with_suffix("")  # database.sqlite3, beside its .gz
    target = sqlite3.connect(copy)
    try:
        # One step (pages=-1): a single read transaction, so the copy is one moment of the
        # database; with WAL, the site's writers go on meanwhile.
        connection.connection.backup(target)
        cursor = target.cursor()
        counts = table_counts(cursor, newsroom_tables(using), connection.ops.quote_name)
        migrations = applied_migrations(cursor)
    except sqlite3.Error as error:
        raise CopyFailed(f"SQLite's online backup failed: {error}") from error
    finally:
        target.close()
    try:
        with copy.open("rb") as source, gzip.open(path, "wb", compresslevel=1) as compressed:
            shutil.copyfileobj(source, compressed, length=1 << 20)
    finally:
        copy.unlink()
    return {
        "counts": counts,
        "migrations": migrations,
        "versions": {"sqlite": sqlite3.sqlite_version},
    }


def restore_sqlite(using, path, jobs):
    """Put the archive's database in place of the target's, in one transaction."""
    del jobs  # SQLite is one file: one writer
    copy = path.with_suffix("")
    with gzip.open(path, "rb") as compressed, copy.open("wb") as plain:
        shutil.copyfileobj(compressed, plain, length=1 << 20)
    connection = connections[using]
    connection.ensure_connection()
    try:
        with contextlib.closing(sqlite3.connect(copy)) as source:
            # One transaction on the target: a failure leaves it as it was.
            source.backup(connection.connection)
    except sqlite3.Error as error:
        raise CopyFailed(f"SQLite could not copy the database into place: {error}") from error
    finally:
        copy.unlink()


DUMP = {"postgresql": dump_postgresql, "sqlite": dump_sqlite}
RESTORE = {"postgresql": restore_postgresql, "sqlite": restore_sqlite}


def restored_counts(using, tables):
    connection = connections[using]
    existing = set(connection.introspection.table_names())
    with connection.cursor() as cursor:
        return table_counts(
            cursor, [table for table in tables if table in existing], connection.ops.quote_name
        )
