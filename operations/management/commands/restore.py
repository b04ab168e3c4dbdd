import os
import tarfile

from django.conf import settings
from django.core.cache import cache
from django.core.management.base import BaseCommand, CommandError
from django.core.serializers.base import DeserializationError
from django.db import DEFAULT_DB_ALIAS, DatabaseError

from operations.backups import RestoreMismatch, RestoreRefused, restore_backup
from operations.database_copies import CopyFailed, ToolMissing


class Command(BaseCommand):
    help = (
        "Restore an archive written by `manage.py backup` into an empty database (created and "
        "migrated as needed) and MEDIA_ROOT. Stop the site first."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "archive", help="A newsroom-….tar (or .tar.gz) written by `manage.py backup`."
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help=(
                "Restore even if the database holds content: that content is DELETED first. "
                "Uploaded files with the same name are overwritten; others are kept."
            ),
        )
        parser.add_argument(
            "--database", default=DEFAULT_DB_ALIAS, help="Database alias to restore into."
        )
        parser.add_argument(
            "--jobs",
            type=int,
            default=os.cpu_count() or 1,
            help="PostgreSQL: connections pg_restore loads and indexes with (default: CPUs).",
        )

    def handle(self, *args, archive, force, database, jobs, **options):
        if jobs < 1:
            raise CommandError("--jobs must be 1 or more.")
        try:
            manifest = restore_backup(archive, using=database, force=force, jobs=jobs)
        except RestoreRefused as refusal:
            existing, file_count = refusal.args
            held = ", ".join(f"{count} {label}" for label, count in existing.items())
            where = []
            if existing:
                where.append(f"the database already holds content ({held})")
            if file_count:
                where.append(f"{settings.MEDIA_ROOT} already holds {file_count} files")
            raise CommandError(
                f"Nothing was restored: {' and '.join(where)}. Restore into an empty database "
                "and media directory, or add --force to delete that content first."
            ) from refusal
        except ToolMissing as error:
            raise CommandError(f"Nothing was restored: {error}") from error
        except CopyFailed as error:
            raise CommandError(f"The restore failed: {error}") from error
        except (ValueError, OSError, tarfile.TarError) as error:
            raise CommandError(f"Nothing was restored from {archive}: {error}") from error
        except (DeserializationError, DatabaseError) as error:
            raise CommandError(
                f"Nothing was restored: the archive does not load into this database ({error}). "
                "Restore with the version of Newsroom that wrote it."
            ) from error
        except RestoreMismatch as mismatch:
            (differences,) = mismatch.args
            counts = ", ".join(
                f"{label}: {expected} in the archive, {found} restored"
                for label, (expected, found) in differences.items()
            )
            raise CommandError(f"The restore is incomplete: {counts}.") from mismatch
        rows = sum(manifest["counts"].values())
        # The cache holds pages and versions of whatever database came before, under the same
        # ids: none of it describes the restored one.
        cache.clear()
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored the backup of {manifest['created_at']}: {rows} rows and "
                f"{manifest['media_files']} media files, every count checked."
            )
        )
