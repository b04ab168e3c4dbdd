from django.core.cache import cache
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Empty the cache: after the database was replaced under it (a deleted development "
        "database, a restore), its pages and versions describe rows that are gone. With Redis, "
        "this empties the whole Redis database REDIS_URL names."
    )

    def handle(self, *args, **options):
        cache.clear()
        self.stdout.write(self.style.SUCCESS("The cache is empty."))
