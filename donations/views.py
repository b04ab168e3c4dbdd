from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django.views.generic import TemplateView

from .forms import ClickForm
from .models import DonationPrompt

CLICKED_COOKIE = "donation_clicked"


def recently_clicked(request):
    """Whether this reader clicked a prompt less than DONATIONS_SNOOZE_DAYS days ago."""
    return request is not None and CLICKED_COOKIE in request.COOKIES


class SupportView(TemplateView):
    """The support page: the current prompt in full, or a friendly word when none runs."""

    template_name = "donations/support.html"

    def get_context_data(self, **kwargs):
        prompt = DonationPrompt.objects.for_support_page().first()
        if prompt is not None:
            prompt.record_impression(section=None)
        return super().get_context_data(
            prompt=prompt,
            choices=prompt.amount_choices() if prompt else [],
            button_url=prompt.button_url() if prompt else "",
            **kwargs,
        )


@require_GET
@never_cache
def click(request, pk):
    """Count a click on a prompt, then send the reader to that prompt's destination.

    A plain link, so it works without JavaScript. The only place it ever redirects to is the
    destination an editor configured: nothing in the request can change the host.
    """
    prompt = get_object_or_404(DonationPrompt, pk=pk)
    data = ClickForm(request.GET, prompt=prompt).valid_data
    prompt.record_click(section=data["section"], amount=data["amount"])

    target = prompt.destination_for(data["amount"])
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={urlsplit(prompt.destination_url).netloc}, require_https=True
    ):
        # Only a destination saved around the form's https check can get here.
        return redirect("donations:support")
    response = HttpResponseRedirect(target)
    if settings.DONATIONS_SNOOZE_DAYS > 0:
        response.set_cookie(
            CLICKED_COOKIE,
            "1",
            max_age=settings.DONATIONS_SNOOZE_DAYS * 24 * 60 * 60,
            secure=settings.SESSION_COOKIE_SECURE,
            httponly=True,
            samesite="Lax",
        )
    return response
