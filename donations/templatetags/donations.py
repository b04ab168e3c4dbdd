from django import template

register = template.Library()


@register.inclusion_tag("donations/includes/donation_slot.html", takes_context=True)
def donation_prompt(context, article):
    """The donation slot of an article page."""
    return {"article": article, "request": context.get("request")}
