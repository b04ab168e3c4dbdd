"""The site's URLs plus the benchmark's floor (`newsroom.settings.bench` only)."""

from django.urls import path

from newsroom.urls import *  # noqa: F403 - the site as it is, handlers included
from newsroom.urls import urlpatterns as site_urlpatterns

from . import views

urlpatterns = [path("bench/floor", views.floor, name="bench_floor"), *site_urlpatterns]
