from django.core.management.base import BaseCommand

from staff import roles


class Command(BaseCommand):
    help = (
        "Give the Journalist, Editor and Moderator groups exactly the permissions that "
        "staff/roles.py lists: adds what is missing (a new model's permissions) and takes "
        "away what was added by hand. Running it again changes nothing."
    )

    def handle(self, *args, **options):
        report = roles.sync(exact=True)
        for name, changes in report.items():
            self.stdout.write(
                f"{name}: {len(changes['added'])} added, {len(changes['removed'])} removed"
            )
            for code in changes["added"]:
                self.stdout.write(f"  + {code}")
            for code in changes["removed"]:
                self.stdout.write(f"  - {code}")
            for code in changes["missing"]:
                self.stderr.write(f"  ! {code} does not exist: is its app installed and migrated?")
        self.stdout.write(self.style.SUCCESS("The roles' permissions are in place."))
