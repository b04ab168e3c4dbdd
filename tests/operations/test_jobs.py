"""The background jobs' worker (`manage.py db_worker`, operations/): a failed job runs again
after a delay and stays failed, with its error, after its last try; a worker killed mid-job
loses nothing."""

import os
import signal
import subprocess
import sys
import time
import urllib.parse

import pytest
import time_machine
from django.contrib.auth.models import Permission
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from comments.tasks import notify_moderators
from operations.models import Job
from tests.articles.factories import StaffUserFactory, UserFactory
from tests.comments.factories import PendingCommentFactory
from tests.harness import ROOT, TEST_SETTINGS, python, run_jobs

from .jobs import wait_until_released


@pytest.fixture
def dead_mail_server(settings):
    """The real SMTP backend against a closed port on this machine."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False


@pytest.fixture
def waiting_comment(db):
    moderator = StaffUserFactory(username="nadia", email="nadia@example.org")
    moderator.user_permissions.add(
        Permission.objects.get(content_type__app_label="comments", codename="change_comment")
    )
    return PendingCommentFactory()


@pytest.mark.django_db
def test_a_failing_job_runs_again_later_then_stays_failed_with_its_error(
    waiting_comment, dead_mail_server, settings
):
    settings.TASKS_MAX_ATTEMPTS, settings.TASKS_RETRY_DELAY = 3, 60
    result = notify_moderators.enqueue("https://news.example.org/admin/")

    assert run_jobs() == 1
    job = Job.objects.get(pk=result.id)
    assert (job.status, job.attempts) == ("READY", 1)
    assert job.exception_class_path == "builtins.ConnectionRefusedError"
    first_retry = job.run_after
    assert 59 <= (first_retry - timezone.now()).total_seconds() <= 60
    assert run_jobs() == 0  # not before its time

    with time_machine.travel(first_retry):
        assert run_jobs() == 1
    job.refresh_from_db()
    assert (job.status, job.attempts) == ("READY", 2)
    assert (job.run_after - first_retry).total_seconds() >= 120  # the delay doubles

    with time_machine.travel(job.run_after):
        assert run_jobs() == 1
    job.refresh_from_db()
    assert (job.status, job.attempts) == ("FAILED", 3)
    assert "ConnectionRefusedError" in job.traceback
    with time_machine.travel(job.run_after + timezone.timedelta(days=1)):
        assert run_jobs() == 0


@pytest.mark.django_db
def test_a_job_that_succeeds_on_a_later_try_is_done(waiting_comment, settings, mailoutbox):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2
    notify_moderators.enqueue("https://news.example.org/admin/")
    run_jobs()

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with time_machine.travel(Job.objects.get().run_after):
        run_jobs()

    job = Job.objects.get()
    assert (job.status, job.attempts, job.return_value) == ("SUCCESSFUL", 2, True)
    assert len(mailoutbox) == 1


@pytest.mark.django_db
def test_admins_see_failed_jobs_with_their_error(
    waiting_comment, dead_mail_server, settings, client
):
    settings.TASKS_MAX_ATTEMPTS = 1
    notify_moderators.enqueue("https://news.example.org/admin/")
    run_jobs()
    job = Job.objects.get()
    client.force_login(UserFactory(username="root", is_superuser=True, is_staff=True))

    listing = client.get(reverse("admin:operations_job_changelist") + "?state=FAILED")
    page = client.get(reverse("admin:operations_job_change", args=[job.pk]))

    assert listing.status_code == 200
    assert "comments.tasks.notify_moderators" in listing.content.decode()
    assert "ConnectionRefusedError" in listing.content.decode()
    assert "échec" in listing.content.decode()
    assert page.status_code == 200
    assert "Connection refused" in page.content.decode()


@pytest.mark.django_db
def test_staff_without_the_permission_do_not_see_the_jobs(client):
    client.force_login(StaffUserFactory(username="claire"))

    response = client.get(reverse("admin:operations_job_changelist"))

    assert response.status_code == 403


# --- A worker killed mid-job ------------------------------------------------------------------


def wait_until(condition, *, seconds=60):
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("the condition never held")
        time.sleep(0.05)


def start_worker(database_url, log, **env):
    """`manage.py db_worker` in a process of its own, on the database `database_url` names."""
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": TEST_SETTINGS,
        "DATABASE_URL": database_url,
        **env,
    }
    return subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--no-reload", "--no-startup-delay"],
        cwd=ROOT,
        env=environment,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def kill_mid_job_then_recover(database_url, folder, job_status):
    """Queue-side facts are read through `job_status()`; returns the finished job's status."""
    log = (folder / "workers.log").open("w")
    first = start_worker(database_url, log)
    second = None
    try:
        wait_until(lambda: (folder / "started").exists())
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
        assert job_status() == "RUNNING"  # claimed by a worker that is gone

        (folder / "release").touch()
        second = start_worker(database_url, log, TASKS_STALE_AFTER="1")
        wait_until(lambda: job_status() == "SUCCESSFUL")
    finally:
        for worker in (first, second):
            if worker is not None and worker.poll() is None:
                worker.terminate()
                worker.wait(timeout=10)
        log.close()
    return (folder / "started").read_text(), (folder / "finished").read_text()


def test_a_worker_killed_mid_job_loses_nothing_on_sqlite(tmp_path):
    database_url = f"sqlite:///{tmp_path / 'jobs.sqlite3'}"
    # The worker needs the queue's table alone: made here, faster than every migration.
    queued = python(
        "from django.db import connection\n"
        "from django_tasks_db.models import DBTaskResult\n"
        "from tests.operations.jobs import wait_until_released\n"
        "with connection.schema_editor() as editor:\n"
        "    editor.create_model(DBTaskResult)\n"
        f"print(wait_until_released.enqueue({str(tmp_path)!r}).id)\n",
        env={"DATABASE_URL": database_url},
    )
    assert queued.returncode == 0, queued.stderr
    job_id = queued.stdout.strip().splitlines()[-1]

    def job_status():
        import sqlite3

        with sqlite3.connect(tmp_path / "jobs.sqlite3") as db:
            row = db.execute(
                "SELECT status FROM django_tasks_database_dbtaskresult WHERE id = ?",
                (job_id.replace("-", ""),),
            ).fetchone()
        return row[0] if row else None

    started, finished = kill_mid_job_then_recover(database_url, tmp_path, job_status)

    assert started == "started\nstarted\n"  # the job ran again
    assert finished == "finished\n"  # and finished once


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_job_loses_nothing_on_postgresql(tmp_path):
    db = connection.settings_dict
    credentials = urllib.parse.quote(db["USER"]) + (
        f":{urllib.parse.quote(db['PASSWORD'])}" if db["PASSWORD"] else ""
    )
    database_url = (
        f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    )
    job_id = wait_until_released.enqueue(str(tmp_path)).id

    def job_status():
        job = Job.objects.filter(pk=job_id).first()
        return job.status if job else None

    started, finished = kill_mid_job_then_recover(database_url, tmp_path, job_status)

    assert started == "started\nstarted\n"
    assert finished == "finished\n"
    job = Job.objects.get(pk=job_id)
    assert (job.attempts, job.return_value) == (2, "finished")
