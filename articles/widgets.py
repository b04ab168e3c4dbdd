"""The journalist's form made for writing: fields that show what they hold as they are typed.

Each widget prints its count under the field, counted on the server from the value it shows, so
that the figure is right without JavaScript; static/articles/admin/writing.js updates it as the
journalist types, and reads the settled figure out politely to screen readers.
"""

import math

from django import forms
from django.contrib.admin.widgets import AdminTextInputWidget
from django.utils.html import strip_tags
from django.utils.translation import ngettext
from django_prose_editor.widgets import AdminProseEditorWidget

#: Words a reader reads in a minute, for the reading time (an adult reading news on a screen).
WORDS_PER_MINUTE = 230


def character_count(text):
    """The characters of `text` as the journalist sees them (code points: “é” is one)."""
    return len(text or "")


def word_count(html):
    """The words of the body: its text without markup, each tag counting as a space."""
    return len(strip_tags((html or "").replace("<", " <")).split())


def reading_time(words):
    """Minutes to read `words` words, rounded up: a body of a few words takes a minute."""
    return math.ceil(words / WORDS_PER_MINUTE)


def characters_label(count):
    return ngettext("%(count)d character", "%(count)d characters", count) % {"count": count}


def body_label(words):
    # The JavaScript writes the same phrases (writing.js): keep them in step.
    label = ngettext("%(count)d word", "%(count)d words", words) % {"count": words}
    minutes = reading_time(words)
    if minutes:
        label += " · " + (
            ngettext("%(count)d min read", "%(count)d min read", minutes) % {"count": minutes}
        )
    return label


def _describe(attrs, count_id):
    """`attrs` with the count among what describes the field, after its help text."""
    described = [attrs.get("aria-describedby", ""), count_id]
    attrs["aria-describedby"] = " ".join(part for part in described if part)


class Counted:
    """Widget mixin: the field's count under it (`count` of the value: "characters" or "words"),
    described to screen readers with the field."""

    template_name = "articles/widgets/counted_textarea.html"
    count = "characters"

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        widget = context["widget"]
        widget["count_id"] = f"{widget['attrs']['id']}_count"
        _describe(widget["attrs"], widget["count_id"])
        widget["attrs"]["data-count"] = self.count
        if self.count == "words":
            widget["count_label"] = body_label(word_count(widget["value"]))
        else:
            widget["count_label"] = characters_label(character_count(widget["value"]))
        return context


class CountedTextarea(Counted, forms.Textarea):
    """A text field with its number of characters under it.

    `single_line` makes it a headline: it wraps like a paragraph, so that a long headline shows
    whole, but Enter does not start a new line (writing.js; the form folds any line break a post
    brings into a space).
    """

    def __init__(self, attrs=None, *, single_line=False):
        super().__init__(attrs)
        if single_line:
            self.attrs["data-single-line"] = ""


class CountedProseEditorWidget(Counted, AdminProseEditorWidget):
    """The body's editor, with its number of words and its reading time under it."""

    count = "words"


class SlugWithAddress(AdminTextInputWidget):
    """The slug's field, with the article's full address under it, as readers will have it.

    `address` is that address with `placeholder` where the slug goes (ArticleAdmin.get_form);
    writing.js puts the slug in its place as it changes.
    """

    template_name = "articles/widgets/slug_with_address.html"

    def __init__(self, attrs=None, *, address="", placeholder=""):
        self.address = address
        self.placeholder = placeholder
        super().__init__(attrs)

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        widget = context["widget"]
        widget["address_id"] = f"{widget['attrs']['id']}_address"
        _describe(widget["attrs"], widget["address_id"])
        widget["attrs"]["data-address"] = widget["address_id"]
        prefix, _, suffix = str(self.address).partition(self.placeholder)
        widget["address_prefix"], widget["address_suffix"] = prefix, suffix
        return context
