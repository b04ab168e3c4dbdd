"""The comments' background jobs: every email the comments send goes out from here.

Each is queued once the change that calls for it commits (never before: a rolled-back comment
emails no one), and run by the worker, so that no reader or moderator waits for a mail server.
A job that fails runs again later (`db_worker`, operations/models.py). Jobs carry no address: a
commenter's notice is named by its id, so that erasing the commenter's data leaves none in the
queue, and a notice already sent in a digest makes its job a no-op.
"""

from functools import partial

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django_tasks import task

from . import services
from .models import CommenterNotice

# Set while a moderators' job waits for the worker: it counts the comments waiting when it runs,
# so the comments sent meanwhile need no job of their own.
MODERATORS_JOB_WAITING = "comments:moderators-job-waiting"


@task()
def notify_moderators(queue_url):
    """Email moderators that comments are waiting (at most once per
    COMMENTS_NOTIFY_EVERY_MINUTES); True when an email went out."""
    # Before counting: a comment committed from now on queues a job of its own.
    cache.delete(MODERATORS_JOB_WAITING)
    return services.notify_moderators(queue_url=queue_url)


@task()
def send_commenter_notices(notice_id):
    """Email the commenter of a notice what waits for them about its thread: one notice, or a
    digest of several; True when an email went out."""
    notice = CommenterNotice.objects.unsent().filter(pk=notice_id).first()
    if notice is None:
        # Sent meanwhile with others, or erased with its commenter's data.
        return False
    return services.send_commenter_notices(notice.email, notice.thread_id)


def notify_moderators_on_commit(*, queue_url):
    """Queue the moderators' email once the comment is safely committed, unless a job queued
    earlier has yet to run: a flood of comments queues one job, not one per comment."""
    transaction.on_commit(partial(queue_moderators_job, queue_url), robust=True)


def queue_moderators_job(queue_url):
    # Only a cache that answers "already there" skips the job: one that is down (None) or
    # forgot the mark queues it, and a job too many sends nothing (the throttle).
    if cache.add(MODERATORS_JOB_WAITING, True, timeout=settings.TASKS_MAX_WAIT) is False:
        return
    try:
        notify_moderators.enqueue(queue_url)
    except Exception:
        cache.delete(MODERATORS_JOB_WAITING)
        raise


def notify_commenters_on_commit(notices):
    """Queue what `notices` call for once they are committed: one job per address and thread."""
    first = {}
    for notice in notices:
        first.setdefault((notice.email.lower(), notice.thread_id), notice)
    for notice in first.values():
        transaction.on_commit(partial(send_commenter_notices.enqueue, notice.pk), robust=True)


def queue_waiting_commenter_notices():
    """Queue a job for every address and thread with notices waiting (the hourly digest of
    `manage.py send_commenter_notices`); returns how many were queued. A job whose hour has not
    passed yet sends nothing, and its notices wait for the next round."""
    services.forget_past_commenter_throttles()
    queued = 0
    for email, thread_id in list(CommenterNotice.objects.waiting_pairs()):
        notice = (
            CommenterNotice.objects.unsent().for_address(email).filter(thread_id=thread_id).first()
        )
        if notice is not None:
            send_commenter_notices.enqueue(notice.pk)
            queued += 1
    return queued
