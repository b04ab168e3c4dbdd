"""Settings for the benchmark's own server (`make bench`, `make soak`): production settings,
plus the floor endpoint and a captcha that accepts "PASSED" so that the benchmark can post
comments. Never used in production: nothing in `newsroom.settings.base` turns either on."""

from .base import *  # noqa: F403
from .base import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "bench"]
ROOT_URLCONF = "bench.urls"
# django-simple-captcha warns at start-up when its test mode is on with debug off: here that is
# the point, and `check --deploy` refuses it (operations/checks.py).
CAPTCHA_TEST_MODE = True
