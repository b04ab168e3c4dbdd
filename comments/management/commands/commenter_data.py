import json

from django.core.management.base import BaseCommand, CommandError
from django.core.serializers.json import DjangoJSONEncoder

from comments.models import Comment
from comments.privacy import erase_commenter_data, export_commenter_data


class Command(BaseCommand):
    help = (
        "Answer a privacy-law request by email address: `export EMAIL` prints everything the "
        "commenter left as JSON; `erase EMAIL --yes` deletes it."
    )

    def add_arguments(self, parser):
        parser.add_argument("operation", choices=["export", "erase"])
        parser.add_argument("email")
        parser.add_argument("--yes", action="store_true", help="Confirm the erasure.")

    def handle(self, *args, operation, email, yes, **options):
        if operation == "export":
            data = export_commenter_data(email)
            self.stdout.write(json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2))
            return
        count = Comment.objects.by_email(email).count()
        if not yes:
            raise CommandError(f"{count} comment(s) would be erased: add --yes to confirm.")
        deleted = erase_commenter_data(email)
        self.stdout.write(f"{deleted} comment(s) erased for {email}.")
