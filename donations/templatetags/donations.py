import random

from django import template

from donations.models import DonationPrompt, draw
from donations.views import recently_clicked

register = template.Library()

# The source of the draw between eligible prompts; the tests give it a seed.
rng = random.Random()


@register.inclusion_tag("donations/includes/donation_slot.html", takes_context=True)
def donation_prompt(context, article):
    """The donation slot of an article page: one eligible prompt, drawn by weight, counted.

    Costs one UPDATE (the impression) whatever the number of prompts once the eligible ones are
    cached, and nothing at all for a reader who clicked a prompt in the last
    DONATIONS_SNOOZE_DAYS days.
    """
    request = context.get("request")
    prompt = None
    if not recently_clicked(request):
        prompt = draw(DonationPrompt.objects.eligible_cached(section=article.section_id), rng=rng)
    if prompt is None:
        return {"prompt": None}
    prompt.record_impression(section=article.section)
    return {
        "prompt": prompt,
        "choices": prompt.amount_choices(section=article.section_id),
        "button_url": prompt.button_url(section=article.section_id),
        "in_article": True,
    }
