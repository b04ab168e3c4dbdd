from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, DatabaseError

from operations.backups import create_backup


class Command(BaseCommand):
    help = (
        "Write the whole newsroom (every row of the database and every uploaded file) into one "
        "timestamped .tar.gz archive in DIRECTORY. The site can keep running meanwhile."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", help="Where to write the archive (created if missing).")
        parser.add_argument(
            "--database", default=DEFAULT_DB_ALIAS, help="Database alias to back up."
        )

    def handle(self, *args, directory, database, **options):
        try:
            archive, manifest = create_backup(directory, using=database)
        except (DatabaseError, OSError) as error:
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
