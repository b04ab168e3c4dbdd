"""The reader's search form."""

from django import forms
from django.utils.translation import gettext_lazy as _

#: Longer queries are refused with a message: no reader types more, and it bounds the work.
MAX_QUERY_LENGTH = 200


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search the articles"),
        max_length=MAX_QUERY_LENGTH,
        required=False,
        strip=True,
        error_messages={
            "max_length": _("Your search is too long: keep it under %(limit_value)d characters."),
            "null_characters_not_allowed": _("Your search contains characters we cannot read."),
        },
    )

    def clean_q(self):
        # Collapse runs of whitespace so that "  " is an empty search, not a match-everything.
        return " ".join(self.cleaned_data["q"].split())
