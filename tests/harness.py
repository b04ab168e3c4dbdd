"""What several tests need and none should write again: Django in a fresh process, under the
environment a test chooses, and work started in several threads at the same moment.

Real servers (gunicorn, an unpluggable TCP forwarder) are in tests/servers.py, which the
benchmark shares.
"""

import json
import os
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from django.db import connections

ROOT = Path(__file__).resolve().parents[1]
TEST_SETTINGS = "newsroom.settings.test"


# --- Django in a fresh process --------------------------------------------------------------


def run_django(args, *, settings=TEST_SETTINGS, env=None, drop=(), timeout=120):
    """Run `python *args` from the project's root in a new process, under `settings`.

    The process gets this one's environment, less the variables named in `drop`, plus `env`:
    what settings read at start-up can be tested without touching the suite's own process.
    Returns the finished `subprocess.CompletedProcess` (output as text) whatever its exit
    status: refusing to start can be what a test expects.
    """
    environment = {name: value for name, value in os.environ.items() if name not in drop}
    environment["DJANGO_SETTINGS_MODULE"] = settings
    environment.update(env or {})
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def manage(*args, **options):
    """`manage.py *args` in a new process; `options` as for `run_django`."""
    return run_django(["manage.py", *args], **options)


def python(code, *argv, **options):
    """Python `code` run in a new process once Django is set up, with `argv` as
    `sys.argv[1:]`; `options` as for `run_django`."""
    return run_django(["-c", f"import django\ndjango.setup()\n{code}", *argv], **options)


def printed_json(result):
    """The JSON document a process printed on its last line; its error output, in the failed
    assertion, when it did not succeed."""
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


# --- Background jobs ---------------------------------------------------------------------------


def run_jobs():
    """Run the queue's due jobs, in this process, as the worker (`manage.py db_worker`) does:
    each claimed, run, then marked done, or queued again after its delay if it failed (or
    failed for good after its last try). Jobs the jobs queue are run too. Returns how many ran.

    Tests call it where production has a worker running: an email or a photo's renditions are
    jobs queued once their change commits (run the commit's callbacks first, with pytest-django's
    `django_capture_on_commit_callbacks(execute=True)`, or in a transactional test). It runs the
    worker's own steps rather than its loop, which closes the database connection between jobs:
    a test's transaction would not survive it."""
    from operations.management.commands.db_worker import Worker
    from operations.models import Job

    worker = Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="tests.harness.run_jobs",
        excluded_queue_names=[],
    )
    ran = 0
    while (job := Job.objects.due().first()) is not None:
        job.claim(worker.worker_id)
        worker.run_task(job)
        ran += 1
    return ran


# --- Threads released together ----------------------------------------------------------------


def at_once(calls, *, threads=None, timeout=60):
    """Call each of `calls` in its own thread, the threads released together from a barrier so
    that their requests meet in the database; return the results in the order of `calls`, or
    raise the first exception a call raised.

    `threads` bounds how many run at a time (all of them by default): the calls then go in
    waves of that many, each wave released together, so it must divide their number. Each
    thread closes its database connections after each call: left open, they would keep the
    test database from being flushed, and count against the server's connection limit.
    """
    calls = list(calls)
    threads = threads or len(calls)
    if len(calls) % threads:
        raise ValueError(f"{len(calls)} calls cannot go in full waves of {threads} threads")
    barrier = threading.Barrier(threads)

    def run(call):
        try:
            barrier.wait(timeout=timeout)
            return call()
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=threads) as pool:
        return list(pool.map(run, calls))
