from contextlib import contextmanager

import pytest
from django.core.cache import cache

from tests.harness import run_jobs
from tests.servers import SeaweedFS


@pytest.fixture(autouse=True)
def _french_by_default(settings):
    """Every test starts as a French reader would: the site's default language."""
    settings.LANGUAGE_CODE = "fr"


@pytest.fixture
def english_newsroom(settings):
    """A newsroom whose default language is English, as its admin then is.

    The URL resolver remembers each language's prefix when it first reverses in it: with English
    the default, English URLs have none. Forget that on both sides, or the next tests in this
    process would get unprefixed English URLs."""
    from django.urls import clear_url_caches

    clear_url_caches()
    settings.LANGUAGE_CODE = "en"
    yield
    settings.LANGUAGE_CODE = "fr"
    clear_url_caches()


@pytest.fixture(autouse=True)
def _empty_cache():
    """The cache outlives each test's database transaction: start every test without it, and
    without the captcha challenges a previous test's database stored."""
    from comments.captcha_batch import batch

    cache.clear()
    batch.clear()
    yield
    cache.clear()
    batch.clear()


def pytest_runtest_setup(item):
    from django.conf import settings

    if (
        item.get_closest_marker("postgres")
        and "postgresql" not in settings.DATABASES["default"]["ENGINE"]
    ):
        pytest.skip("needs PostgreSQL (set DATABASE_URL)")


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """`with committed(): comment.approve(by=moderator)`: the block's changes committed, then
    the jobs they queued run by the worker, as in production. Inside a test's transaction
    nothing commits: pytest-django runs the commit's callbacks (which queue the jobs) at the
    block's end, and `run_jobs()` is the worker's turn."""

    @contextmanager
    def block():
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            yield callbacks
        run_jobs()

    return block


@pytest.fixture(scope="session")
def seaweedfs(tmp_path_factory):
    """A real S3-compatible store on loopback (SeaweedFS, tests/servers.py), one per test
    process, with an empty bucket: `seaweedfs.bucket`, `seaweedfs.client()`."""
    with SeaweedFS(tmp_path_factory.mktemp("seaweedfs")) as server:
        yield server
