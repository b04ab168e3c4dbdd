"""Settings for the test suite: the real database from DATABASE_URL, everything else fast."""

import os
import tempfile

# The suite runs with debug off, like production; it needs a key and hosts to start.
os.environ.setdefault("SECRET_KEY", "test-only-secret-key")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
os.environ["REDIS_URL"] = os.environ.get("TEST_REDIS_URL", "")

from .base import *  # noqa: F403
from .base import DATABASES, REDIS_URL, STORAGES

if DATABASES["default"]["ENGINE"] == "operations.sqlite":
    # In memory, as Django tests its own SQLite backend: pytest-django knows that backend by
    # its name only, and would otherwise give each xdist worker a database file.
    DATABASES["default"]["TEST"] = {"NAME": ":memory:"}

if not REDIS_URL:
    # Each test process has its own cache, emptied before every test (tests/conftest.py). It
    # stands for Redis, sessions through it included.
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MEDIA_ROOT = tempfile.mkdtemp(prefix="newsroom-test-media-")
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
LANGUAGE_COOKIE_SECURE = False
STATIC_ROOT = tempfile.mkdtemp(prefix="newsroom-test-static-")
