"""Factories for the site's pages: used by the tests and the demo content."""

import factory
from factory.django import DjangoModelFactory

from pages.models import Page


class PageFactory(DjangoModelFactory):
    class Meta:
        model = Page

    title = factory.Sequence(lambda n: f"Page {n}")
    slug = factory.Sequence(lambda n: f"page-{n}")
    body = "<p>Le texte de la page.</p>"
    language = "fr"


class PublishedPageFactory(PageFactory):
    is_published = True


class FooterPageFactory(PublishedPageFactory):
    show_in_footer = True
