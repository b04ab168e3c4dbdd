from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from wordpress import wxr
from wordpress.importer import Importer
from wordpress.media import Fetcher
from wordpress.models import Import
from wordpress.report import Report


class Command(BaseCommand):
    help = (
        "Import a WordPress export (Tools → Export, WXR 1.1 or 1.2): authors, categories, tags, "
        "posts with their images and comments, and redirects from the old addresses. Running "
        "it again adds what is new and updates what changed in WordPress."
    )

    def add_arguments(self, parser):
        parser.add_argument("export", help="The .xml file WordPress exported.")
        parser.add_argument("--uploads", help="A copy of the old site's wp-content/uploads folder.")
        parser.add_argument(
            "--user",
            help="The account the import is recorded as (default: the first superuser).",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Show what would happen; write nothing."
        )
        parser.add_argument("--report", help="Write the report to this .json or .csv file.")
        parser.add_argument(
            "--overwrite",
            action="store_true",
            help="Update articles changed in Newsroom since the last import too.",
        )
        parser.add_argument(
            "--retry-media",
            action="store_true",
            help="Try again the image files that could not be had last time.",
        )
        parser.add_argument(
            "--views-meta",
            default="post_views_count",
            help="The post meta holding view counts (default: post_views_count).",
        )
        parser.add_argument(
            "--section-map",
            action="append",
            default=[],
            metavar="CATEGORY=SECTION",
            help="Put a category's posts in another section (slugs); repeat as needed.",
        )
        parser.add_argument(
            "--no-download",
            action="store_true",
            help="Take files from --uploads only; never download them.",
        )

    def importing_user(self, username):
        User = get_user_model()
        if username:
            user = User.objects.filter(username=username).first()
            if user is None:
                raise CommandError(
                    _("There is no account “%(username)s”.") % {"username": username}
                )
            return user
        user = User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
        if user is None:
            raise CommandError(
                _(
                    "No superuser to record the import as: create one, or name an account "
                    "with --user."
                )
            )
        return user

    def handle(self, *args, **options):
        path = Path(options["export"])
        user = self.importing_user(options["user"])
        section_map = {}
        for pair in options["section_map"]:
            source, _sep, target = pair.partition("=")
            if not source or not target:
                raise CommandError(
                    _("--section-map takes CATEGORY=SECTION, not “%(value)s”.") % {"value": pair}
                )
            section_map[source.strip()] = target.strip()
        if options["uploads"] and not Path(options["uploads"]).is_dir():
            raise CommandError(_("%(path)s is not a folder.") % {"path": options["uploads"]})
        try:
            # The whole file first: a damaged one stops here, before anything is imported.
            export = wxr.scan(path)
        except wxr.ExportError as error:
            raise CommandError(str(error)) from error

        self.stdout.write(
            _("%(site)s: %(items)d items, %(comments)d comments, %(authors)d authors.")
            % {
                "site": export.site_url,
                "items": export.item_count,
                "comments": export.comment_count,
                "authors": len(export.authors),
            }
        )
        dry_run = options["dry_run"]
        record = Import(file_name=path.name[:255], site_url=export.site_url[:200], user=user)
        if not dry_run:
            record.save()
        report_path = Path(options["report"]).resolve() if options["report"] else None
        if report_path is not None and not dry_run:
            record.report_file = str(report_path)[:500]
            record.save(update_fields=["report_file"])
        fetcher = Fetcher(uploads=options["uploads"], download=not options["no_download"])
        console = Console(file=self.stderr._out, force_terminal=None)
        with (
            Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeRemainingColumn(),
                console=console,
                disable=not console.is_terminal,
            ) as progress,
            Report(report_path) as report,
        ):
            task = progress.add_task(_("Importing"), total=export.item_count)
            importer = Importer(
                export,
                user=user,
                fetcher=fetcher,
                record=record if not dry_run else None,
                overwrite=options["overwrite"],
                retry_media=options["retry_media"],
                dry_run=dry_run,
                views_meta=options["views_meta"],
                section_map=section_map,
                progress=lambda: progress.advance(task),
                report=report,
            )
            try:
                if dry_run:
                    # Everything as it would be done, then undone.
                    with transaction.atomic():
                        importer.run()
                        transaction.set_rollback(True)
                else:
                    # One transaction per post (the importer's): a failure keeps the others.
                    importer.run()
            except wxr.ExportError as error:
                raise CommandError(str(error)) from error
        counts = importer.counts()
        if not dry_run:
            record.counts = counts
            record.problems = report.problems
            record.problem_count = report.problem_count
            record.finished_at = timezone.now()
            record.save()
        if report_path is not None:
            self.stdout.write(_("Report written to %(path)s.") % {"path": report_path})
        self.summary(counts, dry_run)

    def summary(self, counts, dry_run):
        for kind, outcomes in sorted(counts.items()):
            details = ", ".join(f"{outcome} {count}" for outcome, count in sorted(outcomes.items()))
            self.stdout.write(f"  {kind}: {details}")
        if dry_run:
            self.stdout.write(self.style.WARNING(_("Dry run: nothing was written.")))
        else:
            self.stdout.write(self.style.SUCCESS(_("Import finished.")))
