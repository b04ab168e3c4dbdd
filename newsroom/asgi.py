"""ASGI entry point, for servers that speak ASGI."""

import os
import sys

from django.core.asgi import get_asgi_application
from django.core.exceptions import ImproperlyConfigured

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings.base")

try:
    application = get_asgi_application()
except ImproperlyConfigured as exc:
    sys.exit(f"newsroom: {exc}")
