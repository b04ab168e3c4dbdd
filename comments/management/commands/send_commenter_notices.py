from django.core.management.base import BaseCommand

from comments.tasks import queue_waiting_commenter_notices


class Command(BaseCommand):
    help = (
        "Queue the digests that waited for their hour: what came after the email a reader got "
        "about a thread, at most one email per address and thread an hour. The worker sends "
        "them. Run it hourly from cron (comments_maintenance runs it too), e.g. "
        "`5 * * * * .venv/bin/python manage.py send_commenter_notices`."
    )

    def handle(self, *args, **options):
        queued = queue_waiting_commenter_notices()
        self.stdout.write(f"{queued} email(s) to commenters queued.")
