from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.module_loading import import_string

from staff import demo_accounts

# Each app contributes its own demo content, in dependency order: comments and donations
# build on the articles.
DEMO_BUILDERS = [
    "articles.demo.build",
    "comments.demo.build",
    "donations.demo.build",
    "pages.demo.build",
]


class Command(BaseCommand):
    help = (
        "Load a small, believable French newsroom: accounts for each role, sections, articles "
        "with images, comments and a donation prompt. Running it again changes nothing."
    )

    def handle(self, *args, **options):
        with transaction.atomic():
            accounts = demo_accounts.ensure_accounts()
            for path in DEMO_BUILDERS:
                import_string(path)(accounts=accounts, stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo content is in place."))
        self.stdout.write("Demo logins for /admin/ (username / password):")
        for account in demo_accounts.DEMO_ACCOUNTS:
            self.stdout.write(f"  {account.role:<11} {account.username} / {account.password}")
