import functools
import random

from django import template

from articles import page_cache
from articles.models import Section
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
    DONATIONS_SNOOZE_DAYS days. A page rendered to be shared gets a placeholder instead, which
    each reader's request fills (see page_slots).
    """
    if context.get("page_shell"):
        return {"placeholder": page_cache.slot("donation")}
    prompt = drawn_prompt(context.get("request"), article.section_id)
    return prompt_context(prompt, article.section_id)


def drawn_prompt(request, section_id, *, count=None):
    """The prompt drawn for this reader, its impression counted, or None. `count` runs the
    counting function itself, when it must wait for a transaction."""
    if recently_clicked(request):
        return None
    prompt = draw(DonationPrompt.objects.eligible_cached(section=section_id), rng=rng)
    if prompt is not None:
        impression = functools.partial(prompt.record_impression, section=Section(pk=section_id))
        if count is None:
            impression()
        else:
            count(impression)
    return prompt


def prompt_context(prompt, section_id):
    if prompt is None:
        return {"prompt": None}
    return {
        "prompt": prompt,
        "choices": prompt.amount_choices(section=section_id),
        "button_url": prompt.button_url(section=section_id),
        "in_article": True,
    }
