import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _french_by_default(settings):
    """Every test starts as a French reader would: the site's default language."""
    settings.LANGUAGE_CODE = "fr"


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
