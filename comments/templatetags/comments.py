from django import template

register = template.Library()


@register.inclusion_tag("comments/includes/comment_section.html", takes_context=True)
def comment_section(context, article):
    """The comments slot of an article page: approved comments and the form."""
    return {"article": article, "request": context.get("request")}
