from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from . import health


@never_cache
@require_GET
def healthz(request):
    """200 when the database, the cache, the object store and the jobs' queue are ok; 503
    naming what is down. The queue's figures (jobs waiting, the oldest one's wait in seconds,
    failed jobs) come with them, for a monitor."""
    report = health.report()
    return JsonResponse(report, status=200 if report["status"] == "ok" else 503)
