from django.conf import settings
from django.core.management.base import BaseCommand

from desk.models import Autosave, KeptForm


class Command(BaseCommand):
    help = (
        "Delete the autosaves older than DESK_AUTOSAVE_DAYS and the forms kept after an "
        "expired token or session older than DESK_KEPT_FORM_HOURS. Run it daily from cron."
    )

    def handle(self, *args, **options):
        autosaves = Autosave.objects.purge()
        kept = KeptForm.objects.purge()
        self.stdout.write(
            f"Deleted {autosaves} autosave(s) older than {settings.DESK_AUTOSAVE_DAYS} days and "
            f"{kept} kept form(s) older than {settings.DESK_KEPT_FORM_HOURS} hours."
        )
