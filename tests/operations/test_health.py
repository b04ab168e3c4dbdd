import datetime

import pytest
import time_machine
from django.utils import timezone

from operations.models import Job
from photos.tasks import make_renditions
from tests.harness import printed_json, python, run_jobs

HEALTHZ = """
import json
from django.test import Client
response = Client().get("/healthz")
print(json.dumps({"status": response.status_code, "body": response.json()}))
"""


def checks(**states):
    """What /healthz's checks say when all are ok but `states`."""
    return {"database": "ok", "cache": "ok", "object_store": "ok", "queue": "ok", **states}


def healthz_with(**env):
    """/healthz as answered by a new process started with `env` (settings read it at start-up)."""
    return printed_json(python(HEALTHZ, env=env))


@pytest.mark.django_db
def test_healthz_answers_ok_when_database_and_cache_answer(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": checks(),
        "jobs": {"waiting": 0, "oldest_waiting_seconds": 0, "retrying": 0, "failed": 0},
    }
    assert "no-cache" in response["Cache-Control"]


def test_healthz_reports_a_dead_database_as_503():
    # Nothing listens on port 9 of the loopback: the database is unreachable.
    result = healthz_with(DATABASE_URL="postgres://postgres@127.0.0.1:9/nowhere")

    assert result["status"] == 503
    assert result["body"]["checks"]["database"] == "down"
    assert result["body"]["checks"]["queue"] == "down"
    assert result["body"]["jobs"]["waiting"] is None
    assert result["body"]["checks"]["cache"] == "ok"


def test_healthz_reports_a_dead_cache_as_503(tmp_path):
    result = healthz_with(
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        TEST_REDIS_URL="redis://127.0.0.1:9/0",
    )

    assert result["status"] == 503
    checks = result["body"]["checks"]
    assert (checks["database"], checks["cache"], checks["object_store"]) == ("ok", "down", "ok")


@pytest.mark.django_db
def test_healthz_reports_an_object_store_that_refuses_writes(client, settings, tmp_path):
    media = tmp_path / "media"
    media.write_text("")  # a file where the folder should be: nothing can be stored in it
    settings.MEDIA_ROOT = media

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["checks"] == checks(object_store="down")


@pytest.mark.django_db
def test_the_probe_leaves_nothing_in_the_object_store(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path

    assert client.get("/healthz").status_code == 200
    assert list(tmp_path.iterdir()) == []


@pytest.mark.django_db
def test_healthz_counts_the_queue_and_its_oldest_job(client, settings):
    settings.TASKS_MAX_WAIT = 900
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        make_renditions.enqueue(1)
    with time_machine.travel(start + datetime.timedelta(seconds=30), tick=False):
        make_renditions.enqueue(2)
        failed = make_renditions.enqueue(3)
    Job.objects.filter(pk=failed.id).update(status="FAILED")

    with time_machine.travel(start + datetime.timedelta(seconds=100), tick=False):
        body = client.get("/healthz").json()

    assert body["checks"]["queue"] == "ok"
    assert body["jobs"] == {
        "waiting": 2,
        "oldest_waiting_seconds": 100,
        "retrying": 0,
        "failed": 1,
    }


@pytest.mark.django_db
def test_healthz_says_the_queue_is_down_when_no_worker_takes_its_jobs(client, settings):
    settings.TASKS_MAX_WAIT = 900
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        make_renditions.enqueue(1)

    with time_machine.travel(start + datetime.timedelta(seconds=901), tick=False):
        response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["checks"]["queue"] == "down"
    assert response.json()["checks"]["database"] == "ok"
    # Once a worker has run it, the queue is well again.
    run_jobs()
    assert client.get("/healthz").status_code == 200


@pytest.mark.django_db
def test_a_job_waiting_to_try_again_is_not_late(client, settings):
    settings.TASKS_MAX_WAIT = 900
    settings.TASKS_RETRY_DELAY = 3600
    job = make_renditions.enqueue(1)
    job = Job.objects.get(pk=job.id)
    job.claim("a worker")
    job.retry_or_fail(OSError("the disk is full"))

    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=1800)):
        body = client.get("/healthz").json()

    assert body["checks"]["queue"] == "ok"
    assert (body["jobs"]["waiting"], body["jobs"]["retrying"]) == (0, 1)
