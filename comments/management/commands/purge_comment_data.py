from django.conf import settings
from django.core.management.base import BaseCommand

from comments.privacy import purge_report_addresses, purge_request_data


class Command(BaseCommand):
    help = (
        "Forget the IP addresses and user agents of comments older than N days "
        "(COMMENTS_PURGE_AFTER_DAYS by default), and the addresses readers' reports came from. "
        "The comments and reports themselves stay."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=settings.COMMENTS_PURGE_AFTER_DAYS,
            help="Keep request data this many days (default: %(default)s).",
        )

    def handle(self, *args, days, **options):
        count = purge_request_data(days=days)
        self.stdout.write(f"Request data purged from {count} comment(s) older than {days} days.")
        reports = purge_report_addresses(days=days)
        self.stdout.write(f"Addresses purged from {reports} report(s) older than {days} days.")
