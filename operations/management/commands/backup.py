from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, DatabaseError

from operations.backups import create_backup
from operations.database_copies import CopyFailed, ToolMissing


class Command(BaseCommand):
    help = (
        "Write the whole newsroom (the database, copied by pg_dump or SQLite's online backup, and "
        "every uploaded file) into one timestamped archive in DIRECTORY. The site can keep "
        "running meanwhile."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", help="Where to write the archive (created if missing).")
        parser.add_argument(
            "--database", default=DEFAULT_DB_ALIAS, help="Database alias to back up."
        )
        parser.add_argument(
            "--portable",
            action="store_true",
            help=(
                "Write Django's serialisation instead (.tar.gz), which restores into either "
                "engine: to move between SQLite and PostgreSQL. Row by row, so much slower."
            ),
        )

    def handle(self, *args, directory, database, portable, **options):
        try:
            archive, manifest = create_backup(directory, using=database, portable=portable)
        except ToolMissing as error:
            raise CommandError(f"Backup impossible, nothing was written: {error}") from error
        except (CopyFailed, DatabaseError, OSError) as error:
            raise CommandError(f"Backup failed, nothing was written: {error}") from error
        rows = sum(manifest["counts"].values())
        size = archive.stat().st_size
        self.stdout.write(self.style.SUCCESS(f"Backup written to {archive}"))
        self.stdout.write(
            f"  {rows} rows in {len(manifest['counts'])} tables, "
            f"{manifest['media_files']} media files, {size / 1_048_576:.1f} MiB"
        )
        if options["verbosity"] > 1:
            for label, count in manifest["counts"].items():
                self.stdout.write(f"  {label:<40} {count}")
