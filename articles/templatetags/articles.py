from django import template

from articles.models import Section

register = template.Library()


@register.inclusion_tag("includes/section_nav.html", takes_context=True)
def section_nav(context):
    """The sections, for the site header."""
    return {"sections": Section.objects.all(), "request": context.get("request")}
