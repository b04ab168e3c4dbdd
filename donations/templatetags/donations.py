import random

from django import template
from django.template.loader import render_to_string
from django.utils.translation import get_language

from articles import caching, page_cache
from donations.models import DonationPrompt, draw
from donations.views import recently_clicked

register = template.Library()

# The source of the draw between eligible prompts; the tests give it a seed.
rng = random.Random()

# A prompt as rendered in an article, in a section and a language. A prompt's rendering depends
# on its own fields only, and any change to them moves its updated_at, so an entry never goes
# stale; the few prompts a newsroom runs keep this small, and it is emptied when it is not.
_rendered = caching.ProcessCopies(limit=500)


def _fill_donation_slot(request, page):
    prompt = drawn_prompt(request, page.section_id, count=page.on_write)
    return rendered_prompt(prompt, page.section_id)


# In an article page shared between readers (articles.page_cache), each reader gets their own
# draw, counted as an impression with their view.
donation_slot = page_cache.ReaderSlot("donation", _fill_donation_slot)


@register.simple_tag(takes_context=True)
@donation_slot.tag
def donation_prompt(context, article):
    """The donation slot of an article page: one eligible prompt, drawn by weight, counted.

    Costs one UPDATE (the impression) whatever the number of prompts once the eligible ones are
    cached, and nothing at all for a reader who clicked a prompt in the last
    DONATIONS_SNOOZE_DAYS days.
    """
    prompt = drawn_prompt(context.get("request"), article.section_id)
    return rendered_prompt(prompt, article.section_id)


def drawn_prompt(request, section_id, *, count=None):
    """The prompt drawn for this reader, its impression counted, or None. `count` takes the
    impression to make itself, when it goes with the reader's other writes (the view)."""
    if recently_clicked(request):
        return None
    prompt = draw(DonationPrompt.objects.eligible_cached(section=section_id), rng=rng)
    if prompt is not None:
        impression = prompt.impression(section=section_id)
        if count is None:
            impression()
        else:
            count(impression)
    return prompt


def rendered_prompt(prompt, section_id):
    """`prompt` as shown in an article of the section, or "" for None."""
    if prompt is None:
        return ""
    key = (prompt.pk, prompt.updated_at, section_id, get_language())
    html = _rendered.get(key)
    if html is None:
        html = _rendered.keep(
            key,
            render_to_string("donations/includes/prompt.html", prompt_context(prompt, section_id)),
        )
    return html


def prompt_context(prompt, section_id):
    return {
        "prompt": prompt,
        "choices": prompt.amount_choices(section=section_id),
        "button_url": prompt.button_url(section=section_id),
        "in_article": True,
    }
