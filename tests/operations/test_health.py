import pytest

from tests.harness import printed_json, python

HEALTHZ = """
import json
from django.test import Client
response = Client().get("/healthz")
print(json.dumps({"status": response.status_code, "body": response.json()}))
"""


def healthz_with(**env):
    """/healthz as answered by a new process started with `env` (settings read it at start-up)."""
    return printed_json(python(HEALTHZ, env=env))


@pytest.mark.django_db
def test_healthz_answers_ok_when_database_and_cache_answer(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "cache": "ok"}}
    assert "no-cache" in response["Cache-Control"]


def test_healthz_reports_a_dead_database_as_503():
    # Nothing listens on port 9 of the loopback: the database is unreachable.
    result = healthz_with(DATABASE_URL="postgres://postgres@127.0.0.1:9/nowhere")

    assert result["status"] == 503
    assert result["body"]["checks"]["database"] == "down"
    assert result["body"]["checks"]["cache"] == "ok"


def test_healthz_reports_a_dead_cache_as_503(tmp_path):
    result = healthz_with(
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        TEST_REDIS_URL="redis://127.0.0.1:9/0",
    )

    assert result["status"] == 503
    assert result["body"]["checks"] == {"database": "ok", "cache": "down"}
