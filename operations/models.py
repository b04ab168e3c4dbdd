"""Background jobs as the newsroom runs them: the database queue of django-tasks-db, seen through
a proxy model that adds what the library leaves out (README, "Background jobs"): a failed job
runs again after a delay, up to TASKS_MAX_ATTEMPTS tries; a job whose worker died runs again;
admins see each job and the last error it met; /healthz reads the queue."""

import datetime
import logging
from traceback import format_exception

from django.conf import settings
from django.db import transaction
from django.db.models import Min, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult, DBTaskResultQuerySet, get_date_max
from django_tasks_db.utils import retry

logger = logging.getLogger(__name__)


class JobQuerySet(DBTaskResultQuerySet):
    def due(self, now=None):
        """Jobs waiting for a worker and whose time has come (a retry waits for its delay)."""
        now = now or timezone.now()
        return self.filter(status=TaskResultStatus.READY).filter(
            Q(run_after=get_date_max()) | Q(run_after__lte=now)
        )

    def retrying(self, now=None):
        """Jobs that failed and wait for their delay to try again."""
        now = now or timezone.now()
        return self.filter(status=TaskResultStatus.READY, run_after__gt=now).exclude(
            run_after=get_date_max()
        )

    def oldest_wait(self, now=None):
        """How long the job that has waited longest for a worker has waited (a timedelta), or
        None when none waits: since it was queued, or since its retry fell due."""
        now = now or timezone.now()
        due = self.due(now)
        starts = [
            due.filter(run_after=get_date_max()).aggregate(start=Min("enqueued_at"))["start"],
            due.exclude(run_after=get_date_max()).aggregate(start=Min("run_after"))["start"],
        ]
        starts = [start for start in starts if start is not None]
        return now - min(starts) if starts else None

    def stale(self, now=None):
        """Jobs claimed by a worker longer ago than TASKS_STALE_AFTER: their worker died."""
        now = now or timezone.now()
        limit = now - datetime.timedelta(seconds=settings.TASKS_STALE_AFTER)
        return self.running().filter(started_at__lt=limit)

    def take_back_stale(self):
        """Put the jobs of dead workers back in the queue (or, after their last try, among the
        failed ones); returns how many were found. Each row is claimed again under a lock, so
        two workers never both take one back."""
        found = 0
        for pk in list(self.stale().values_list("pk", flat=True)):
            with transaction.atomic(using=self.db):
                job = self.filter(pk=pk).stale().select_for_update(skip_locked=True).first()
                if job is not None:
                    found += 1
                    lost = WorkerLost(f"Its worker ({job.worker_ids[-1]}) stopped.")
                    # It did not fail: it runs again at once (its try still counts).
                    job.retry_or_fail(lost, delay=datetime.timedelta(0))
        return found


class WorkerLost(Exception):
    """The worker running a job stopped before the job ended (killed, or its machine lost)."""


class Job(DBTaskResult):
    """One background job: what to run, its state, its tries and its last error."""

    objects = JobQuerySet.as_manager()

    class Meta:
        proxy = True
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")

    def __str__(self):
        return f"{self.task_name} ({self.get_status_display()})"

    @property
    def attempts(self):
        """Tries so far: each worker that claimed the job is recorded once per claim."""
        return len(self.worker_ids)

    def retry_delay(self):
        """TASKS_RETRY_DELAY after the first try, doubled after each later one."""
        return datetime.timedelta(seconds=settings.TASKS_RETRY_DELAY * 2 ** (self.attempts - 1))

    @retry()
    def set_failed(self, exc):
        """The worker's verdict on a job that raised: run it again later, or fail it."""
        self.retry_or_fail(exc)

    def retry_or_fail(self, exc, *, delay=None):
        """Queue the job again after `delay` (its retry delay by default) while it has tries
        left, keeping the error it met; after its last try, fail it for good (the admin shows
        it with its error)."""
        if self.attempts >= settings.TASKS_MAX_ATTEMPTS:
            super().set_failed(exc)
            logger.error("Job %s (%s) failed for good: %r", self.pk, self.task_path, exc)
            return
        now = timezone.now()
        self.status = TaskResultStatus.READY
        self.run_after = now + (self.retry_delay() if delay is None else delay)
        self.finished_at = now
        self.exception_class_path = f"{type(exc).__module__}.{type(exc).__qualname__}"
        self.traceback = "".join(format_exception(exc))
        self.save(
            update_fields=[
                "status",
                "run_after",
                "finished_at",
                "exception_class_path",
                "traceback",
            ]
        )
        logger.warning(
            "Job %s (%s) failed on try %d of %d, runs again at %s: %r",
            self.pk,
            self.task_path,
            self.attempts,
            settings.TASKS_MAX_ATTEMPTS,
            self.run_after.isoformat(),
            exc,
        )
