from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Daily housekeeping for comments: delete expired captcha challenges (captcha_clean) and "
        "forget old IP addresses and user agents (purge_comment_data), send commenters the "
        "digests still waiting (send_commenter_notices). Run it from cron, e.g. "
        "`15 3 * * * .venv/bin/python manage.py comments_maintenance`."
    )

    def handle(self, *args, **options):
        verbosity = options["verbosity"]
        self.stdout.write("Expired captchas:")
        # captcha_clean prints with print(), not self.stdout.
        call_command("captcha_clean", verbosity=verbosity)
        call_command("purge_comment_data", verbosity=verbosity, stdout=self.stdout)
        call_command("send_commenter_notices", verbosity=verbosity, stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS("Comment maintenance done."))
