import io

import pytest
from django.utils import translation

from donations import demo
from donations.models import DonationPrompt
from staff.demo_accounts import ensure_accounts

pytestmark = pytest.mark.django_db


def test_demo_prompt_reads_like_a_small_newsroom_appeal():
    demo.build(accounts=ensure_accounts(), stdout=io.StringIO())

    prompt = DonationPrompt.objects.get()
    assert prompt.is_live()
    assert prompt.heading == "Soutien"
    assert prompt.amounts == [5, 10, 20]
    assert prompt.destination_for(10) == "https://dons.example.org/echo-du-val?montant=10"
    prompt.full_clean()
    with translation.override("fr"):
        assert prompt.message_text.startswith(
            "Soutenez L'Écho du Val à partir de seulement 5\xa0€ : cela prend une minute"
        )
        assert "Merci." in prompt.message_text


def test_demo_prompt_is_built_once():
    accounts = ensure_accounts()
    demo.build(accounts=accounts, stdout=io.StringIO())
    demo.build(accounts=accounts, stdout=io.StringIO())

    assert DonationPrompt.objects.count() == 1
