"""django-tasks-db's `db_worker`, with what the newsroom adds to it (operations/models.py): a
job that fails runs again after a delay, up to TASKS_MAX_ATTEMPTS tries, and the jobs of a
worker that died (killed mid-job, its machine lost) are taken back and run again.

The library's worker claims a job by marking it running; a worker killed then leaves it running
for ever. Here every worker looks, at start and then every TASKS_STALE_AFTER / 4 seconds (in a
thread of its own), for jobs claimed longer ago than TASKS_STALE_AFTER, and queues them again
(or fails them, after their last try: a job that kills its worker each time must not loop for
ever).
"""

import logging
import threading

from django.conf import settings
from django.db import close_old_connections, connections
from django_tasks_db.management.commands import db_worker

from operations.models import Job

logger = logging.getLogger(__name__)


class Worker(db_worker.Worker):
    def run(self):
        self.take_back_stale()
        if self.batch:
            # `--batch` runs what is due and stops: one look is enough.
            return super().run()
        stop = threading.Event()
        keeper = threading.Thread(
            target=self.keep_taking_back_stale, args=(stop,), name="stale-jobs", daemon=True
        )
        keeper.start()
        try:
            super().run()
        finally:
            stop.set()

    def keep_taking_back_stale(self, stop):
        period = max(settings.TASKS_STALE_AFTER / 4, 0.5)
        try:
            while not stop.wait(period):
                close_old_connections()
                self.take_back_stale()
        finally:
            connections.close_all()

    def take_back_stale(self):
        try:
            if found := Job.objects.take_back_stale():
                logger.warning("%d job(s) of a worker that stopped are queued again", found)
        except Exception:
            # The database may be away for a moment: the next look will do.
            logger.exception("Could not look for the jobs of stopped workers")

    def run_task(self, db_task_result):
        # The same row as the proxy that retries instead of failing at once.
        job = Job.objects.get(pk=db_task_result.pk)
        super().run_task(job)


class Command(db_worker.Command):
    help = (
        "Run the background jobs' worker: django-tasks-db's, which also runs a failed job again "
        "after a delay and takes back the jobs of workers that stopped."
    )

    def handle(self, *args, **options):
        # The library's handle() builds its Worker by name, from its own module: use this one.
        original = db_worker.Worker
        db_worker.Worker = Worker
        try:
            return super().handle(*args, **options)
        finally:
            db_worker.Worker = original
