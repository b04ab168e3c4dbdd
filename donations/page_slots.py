"""The donation prompt in article pages shared between readers (articles.page_cache): each
reader gets their own draw, counted as an impression."""

from django.template.loader import render_to_string
from django.utils.translation import get_language

from articles import caching, page_cache

from .templatetags.donations import drawn_prompt, prompt_context

# The slot as rendered for a prompt, in a section and a language. A prompt's rendering depends
# on its own fields only, and any change to them moves its updated_at, so an entry never goes
# stale; the few prompts a newsroom runs keep this small, and it is emptied when it is not.
_rendered = caching.ProcessCopies(limit=500)


def donation_slot(request, page):
    prompt = drawn_prompt(request, page.section_id, count=page.on_write)
    if prompt is None:
        return ""
    key = (prompt.pk, prompt.updated_at, page.section_id, get_language())
    html = _rendered.get(key)
    if html is None:
        html = _rendered.keep(
            key,
            render_to_string(
                "donations/includes/donation_slot.html", prompt_context(prompt, page.section_id)
            ),
        )
    return html


def connect():
    page_cache.register_slot("donation", donation_slot)
