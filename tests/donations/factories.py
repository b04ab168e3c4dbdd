"""Factories for the donations app: used by the tests and by the demo content."""

import datetime
from decimal import Decimal

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from donations.models import DonationClick, DonationPrompt, Placement, PromptSectionStat
from tests.articles.factories import SectionFactory


class DonationPromptFactory(DjangoModelFactory):
    """An active prompt for every section, with no dates."""

    class Meta:
        model = DonationPrompt
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Appel aux dons {n}")
    heading = "Soutien"
    message = "Soutenez-nous à partir de seulement {minimum}. Merci."
    minimum_amount = Decimal("5")
    currency = "EUR"
    suggested_amounts = "5, 10, 20"
    button_label = "Faire un don"
    destination_url = "https://dons.example.org/echo-du-val"
    amount_parameter = "montant"
    is_active = True
    weight = 1

    @factory.post_generation
    def sections(self, create, extracted, **kwargs):
        if create and extracted:
            self.sections.set(extracted)


class InactivePromptFactory(DonationPromptFactory):
    is_active = False


class ScheduledPromptFactory(DonationPromptFactory):
    """Active, but its campaign starts tomorrow."""

    starts_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=1))


class EndedPromptFactory(DonationPromptFactory):
    """Active, but its campaign ended yesterday."""

    starts_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=10))
    ends_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=1))


class AfterParagraphPromptFactory(DonationPromptFactory):
    placement = Placement.AFTER_PARAGRAPH
    paragraph_number = 2


class PromptSectionStatFactory(DjangoModelFactory):
    class Meta:
        model = PromptSectionStat

    prompt = factory.SubFactory(DonationPromptFactory)
    section = factory.SubFactory(SectionFactory)


class DonationClickFactory(DjangoModelFactory):
    class Meta:
        model = DonationClick

    prompt = factory.SubFactory(DonationPromptFactory)
    section = factory.SubFactory(SectionFactory)
    amount = Decimal("10")
