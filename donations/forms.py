from decimal import Decimal

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _

from articles.models import Section

from .models import DonationPrompt, parse_amounts


def https_first(field, **kwargs):
    """Addresses typed without a scheme are taken as https, the only scheme allowed."""
    if isinstance(field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    return field.formfield(**kwargs)


class DonationPromptForm(forms.ModelForm):
    """The editors' form in the admin."""

    class Meta:
        formfield_callback = https_first
        model = DonationPrompt
        fields = [
            "name",
            "heading",
            "message",
            "minimum_amount",
            "currency",
            "suggested_amounts",
            "button_label",
            "destination_url",
            "amount_parameter",
            "is_active",
            "starts_at",
            "ends_at",
            "weight",
            "placement",
            "paragraph_number",
            "sections",
        ]
        widgets = {"message": forms.Textarea(attrs={"rows": 5})}

    def clean_suggested_amounts(self):
        # Stored in one tidy spelling, whatever the editor typed: "5, 10, 20".
        amounts = parse_amounts(self.cleaned_data["suggested_amounts"])
        return ", ".join(str(amount) for amount in amounts)


class ClickForm(forms.Form):
    """What a click on a prompt says: the amount chosen, and the section it was shown in.

    Built from the query string of a GET link, so every field is optional and anything
    wrong is dropped rather than refused: the reader still gets to the payment page.
    """

    amount = forms.DecimalField(
        required=False, min_value=Decimal("0.01"), max_digits=8, decimal_places=2
    )
    section = forms.ModelChoiceField(queryset=Section.objects.all(), required=False)

    def __init__(self, *args, prompt, **kwargs):
        self.prompt = prompt
        super().__init__(*args, **kwargs)

    def clean_amount(self):
        amount = self.cleaned_data["amount"]
        if amount is not None and amount < self.prompt.minimum_amount:
            raise forms.ValidationError(_("The amount is below this prompt's minimum."))
        return amount

    @property
    def valid_data(self):
        """The fields that passed validation, the others as None."""
        self.is_valid()
        return {name: self.cleaned_data.get(name) for name in self.fields}
