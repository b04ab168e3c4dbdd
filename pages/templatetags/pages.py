from django import template
from django.templatetags.static import static
from django.utils import translation
from django.utils.html import format_html

from articles import body
from photos.models import Photo

from ..models import Page

register = template.Library()


@register.inclusion_tag("pages/includes/footer_pages.html")
def footer_pages():
    """The pages the footer links to: every page shows them, so they come from the cache."""
    return {"pages": Page.objects.for_footer()}


@register.simple_tag
def page_body(page):
    """The page's text as readers get it, with its photos (one query), galleries, videos,
    pull quotes and tables (articles.body), and the videos' play script when it shows any."""
    ids = body.photo_ids(page.body)
    photos = Photo.objects.in_bulk(ids) if ids else {}
    with translation.override(page.language):
        html = body.render(page.body, photos)
    if not body.embeds_in(page.body):
        return html
    return format_html('{}<script src="{}" defer></script>', html, static("js/embeds.js"))


@register.simple_tag(takes_context=True)
def page_canonical_url(context, page):
    """The page's absolute address in the interface of its own language (like an article's:
    README, "Languages")."""
    with translation.override(page.language):
        return context["request"].build_absolute_uri(page.get_absolute_url())
