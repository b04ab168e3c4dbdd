from django import template

from comments.models import Comment

register = template.Library()


@register.inclusion_tag("admin/comments/pending_notice.html", takes_context=True)
def pending_comments_notice(context):
    """The size of the moderation queue, on the admin index, for those who can work it."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.has_perm("comments.change_comment"):
        return {"show": False}
    return {"show": True, "pending": Comment.objects.pending().count()}
