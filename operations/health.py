"""What /healthz checks: the database, the cache, the object store and the background jobs'
queue. Each check answers "ok" or "down"; the queue adds its figures for a monitor.

The object store is checked through Django's storage API (`storages["default"]`): a small file
written, read back and deleted. That holds for the local media folder and for any store behind
the same API (an S3-compatible bucket through django-storages) alike.
"""

import uuid

from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import DatabaseError, connection
from django.utils import timezone

from .models import Job


def database():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except DatabaseError:
        return False


def cache_store():
    # The cache backend swallows connection errors (see settings), so a round trip is the only
    # way to tell a working cache from a silent one.
    key, value = "healthz", uuid.uuid4().hex
    try:
        cache.set(key, value, timeout=10)
        return cache.get(key) == value
    except Exception:  # any cache failure means "down" here
        return False


def object_store():
    """Uploads can be written, read and deleted where they are kept."""
    storage = storages["default"]
    value = uuid.uuid4().hex.encode()
    try:
        name = storage.save(f".healthz-{value.decode()}", ContentFile(value))
        try:
            with storage.open(name) as written:
                return written.read() == value
        finally:
            storage.delete(name)
    except Exception:  # a full disk, a missing folder, a store that refuses: all are "down"
        return False


def queue():
    """Whether a worker takes the queue's jobs, and its figures: jobs waiting for a worker, how
    long the oldest has waited (seconds), jobs that failed and wait to try again, and jobs that
    failed for good. Down when the database cannot be read, or when a job has waited longer
    than TASKS_MAX_WAIT."""
    try:
        now = timezone.now()
        waiting = Job.objects.due(now)
        oldest = Job.objects.oldest_wait(now)
        figures = {
            "waiting": waiting.count(),
            "oldest_waiting_seconds": round(oldest.total_seconds()) if oldest else 0,
            "retrying": Job.objects.retrying(now).count(),
            "failed": Job.objects.failed().count(),
        }
    except DatabaseError:
        return False, dict.fromkeys(["waiting", "oldest_waiting_seconds", "retrying", "failed"])
    return figures["oldest_waiting_seconds"] <= settings.TASKS_MAX_WAIT, figures


def report():
    """Every check's state, the queue's figures, and whether all are ok."""
    queue_ok, jobs = queue()
    checks = {
        "database": database(),
        "cache": cache_store(),
        "object_store": object_store(),
        "queue": queue_ok,
    }
    healthy = all(checks.values())
    return {
        "status": "ok" if healthy else "down",
        "checks": {name: "ok" if ok else "down" for name, ok in checks.items()},
        "jobs": jobs,
    }
