from django.apps import AppConfig


class BenchConfig(AppConfig):
    """The benchmark's side of the site, installed only by `newsroom.settings.bench`: the floor
    endpoint and the generated archive. Production settings never install it."""

    name = "bench"
    verbose_name = "Benchmark"
