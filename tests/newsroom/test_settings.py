import os

import pytest
from django.db import connection

from tests.harness import manage

# Production's: the real environment is what is being tested, not the suite's.
PRODUCTION_VARIABLES = ("SECRET_KEY", "DEBUG", "ALLOWED_HOSTS")


def run_manage(*args, settings="newsroom.settings.base", **env):
    """manage.py in a new process under the production settings, with only the production
    variables in `env`. The database is the one DATABASE_URL names, or else one in memory: no
    test of the settings writes to it, and tests running side by side then share no file."""
    env.setdefault("DATABASE_URL", os.environ.get("DATABASE_URL", "sqlite://:memory:"))
    # Keep a developer's .env out of the way.
    env["ENV_FILE"] = "/nonexistent/.env"
    return manage(*args, settings=settings, env=env, drop=PRODUCTION_VARIABLES)


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"DEBUG": "false", "ALLOWED_HOSTS": "news.example.org"}, "SECRET_KEY"),
        ({"DEBUG": "false", "SECRET_KEY": "x" * 50}, "ALLOWED_HOSTS"),
    ],
)
def test_production_mode_refuses_to_start_without_required_setting(env, named):
    result = run_manage("check", **env)

    assert result.returncode != 0
    assert named in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_production_mode_starts_with_secret_key_and_hosts():
    result = run_manage(
        "check", DEBUG="false", SECRET_KEY="x" * 50, ALLOWED_HOSTS="news.example.org"
    )

    assert result.returncode == 0, result.stderr


def test_development_mode_starts_with_no_configuration():
    result = run_manage("check", DEBUG="true")

    assert result.returncode == 0, result.stderr


def test_sqlite_is_tuned_for_concurrent_writers(settings):
    database = settings.DATABASES["default"]
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")

    assert database["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert "journal_mode=WAL" in database["OPTIONS"]["init_command"]
    assert database["OPTIONS"]["timeout"] >= 5


def test_without_redis_every_process_of_the_server_shares_the_cache(tmp_path):
    """Gunicorn's workers are processes: what one caches (a comment list's new version), the
    others must read."""
    write = "from django.core.cache import cache; cache.set('shared-check', 'approved', None)"
    read = "from django.core.cache import cache; print(cache.get('shared-check'))"
    env = {"DEBUG": "true", "REDIS_URL": "", "CACHE_DIR": str(tmp_path / "cache")}

    assert run_manage("shell", "-c", write, **env).returncode == 0
    result = run_manage("shell", "-c", read, **env)

    assert result.stdout.strip().splitlines()[-1] == "approved"


# Every name a switch could be looked for under: none of them may weaken production.
TEST_SWITCHES = {
    "BENCH_FLOOR": "true",
    "BENCH_CAPTCHA_TEST_MODE": "true",
    "CAPTCHA_TEST_MODE": "true",
    "TEST_MODE": "true",
    "BENCH": "true",
}
WHAT_PRODUCTION_ALLOWS = """
from django.apps import apps
from django.conf import settings
from django.urls import Resolver404, resolve
try:
    resolve("/bench/floor")
    floor = "routed"
except Resolver404:
    floor = "absent"
print(settings.CAPTCHA_TEST_MODE if hasattr(settings, "CAPTCHA_TEST_MODE") else False,
      apps.is_installed("bench"), floor)
"""


def test_no_environment_variable_turns_on_a_benchmark_switch_in_production():
    result = run_manage(
        "shell",
        "-c",
        WHAT_PRODUCTION_ALLOWS,
        DEBUG="false",
        SECRET_KEY="x" * 50,
        ALLOWED_HOSTS="news.example.org",
        **TEST_SWITCHES,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1].split() == ["False", "False", "absent"]


def test_the_benchmark_settings_fail_the_deployment_check():
    result = run_manage(
        "check",
        "--deploy",
        settings="newsroom.settings.bench",
        DEBUG="false",
        SECRET_KEY="x" * 50,
        ALLOWED_HOSTS="news.example.org",
    )

    assert result.returncode != 0
    assert "operations.E001" in result.stderr
    assert "operations.E002" in result.stderr


def test_the_benchmark_settings_route_the_floor_and_take_the_captcha_test_answer():
    result = run_manage(
        "shell",
        "-c",
        WHAT_PRODUCTION_ALLOWS,
        settings="newsroom.settings.bench",
        DEBUG="false",
        SECRET_KEY="x" * 50,
        ALLOWED_HOSTS="news.example.org",
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1].split() == ["True", "True", "routed"]


LOG_A_404_AND_A_RECORD_OF_OUR_OWN = """
import logging
from django.test import Client
Client().get("/media/nulle-part.jpg")
logging.getLogger("comments").warning("un enregistrement de l'application")
"""


@pytest.mark.parametrize("debug", ["true", "false"])
def test_each_log_record_is_written_once(debug):
    result = run_manage(
        "shell",
        "-c",
        LOG_A_404_AND_A_RECORD_OF_OUR_OWN,
        DEBUG=debug,
        SECRET_KEY="x" * 50,
        ALLOWED_HOSTS="testserver",
    )

    assert result.returncode == 0, result.stderr
    lines = result.stderr.splitlines()
    assert len([line for line in lines if "Not Found: /media/nulle-part.jpg" in line]) == 1
    assert len([line for line in lines if "un enregistrement de l'application" in line]) == 1
