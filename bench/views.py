from django.http import HttpResponse


def floor(request):
    """The benchmark's floor: a tiny fixed answer through the whole middleware stack, the fastest
    any page can be."""
    return HttpResponse(b"ok", content_type="text/plain")
