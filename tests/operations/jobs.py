"""A job for the worker's tests: it says when it starts, waits until the test lets it go, and
records that it finished, in files of a folder the test names (the worker is another process)."""

import time
from pathlib import Path

from django_tasks import task


@task()
def wait_until_released(folder):
    folder = Path(folder)
    with (folder / "started").open("a") as started:
        started.write("started\n")
    # The test kills the worker here, or releases the job. A worker that is not killed would
    # otherwise wait for ever: the test's own deadline stops it.
    while not (folder / "release").exists():
        time.sleep(0.05)
    with (folder / "finished").open("a") as finished:
        finished.write("finished\n")
    return "finished"
