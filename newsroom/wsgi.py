"""WSGI entry point, used by gunicorn (`make serve`)."""

import os
import sys

from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings.base")

try:
    application = get_wsgi_application()
except ImproperlyConfigured as exc:
    sys.exit(f"newsroom: {exc}")
