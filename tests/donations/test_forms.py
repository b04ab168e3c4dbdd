from decimal import Decimal

import pytest

from donations.forms import ClickForm
from tests.articles.factories import SectionFactory
from tests.donations.factories import DonationPromptFactory

pytestmark = pytest.mark.django_db


def test_click_form_keeps_a_good_amount_and_section():
    prompt = DonationPromptFactory(minimum_amount=Decimal("5"))
    section = SectionFactory()

    data = ClickForm({"amount": "7.50", "section": str(section.pk)}, prompt=prompt).valid_data

    assert data == {"amount": Decimal("7.50"), "section": section}


def test_click_form_drops_what_is_wrong_and_keeps_the_rest():
    prompt = DonationPromptFactory(minimum_amount=Decimal("5"))
    section = SectionFactory()

    data = ClickForm({"amount": "4", "section": str(section.pk)}, prompt=prompt).valid_data

    assert data == {"amount": None, "section": section}


def test_click_form_with_nothing_is_a_click_without_amount():
    data = ClickForm({}, prompt=DonationPromptFactory()).valid_data

    assert data == {"amount": None, "section": None}
