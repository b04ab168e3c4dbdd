"""What the comments app keeps about people, and privacy-law requests."""

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .models import Comment


def export_commenter_data(email):
    """Everything stored about the author of `email`, as plain data ready for JSON."""
    comments = Comment.objects.by_email(email).select_related("article")
    return {
        "email": email,
        "exported_at": timezone.now().isoformat(),
        "comments": [
            {
                "id": comment.pk,
                "article": comment.article.title,
                "article_url": comment.article.get_absolute_url(),
                "name": comment.name,
                "email": comment.email,
                "text": comment.text,
                "status": comment.status,
                "created_at": comment.created_at.isoformat(),
                "ip_address": comment.ip_address,
                "user_agent": comment.user_agent,
            }
            for comment in comments
        ],
    }


@transaction.atomic
def erase_commenter_data(email):
    """Delete every comment left with `email`; returns how many were deleted."""
    deleted, _by_model = Comment.objects.by_email(email).delete()
    return deleted


def purge_request_data(*, days=None, now=None):
    """Forget IP addresses and user agents older than `days`; returns how many comments changed."""
    days = settings.COMMENTS_PURGE_AFTER_DAYS if days is None else days
    moment = (now or timezone.now()) - timezone.timedelta(days=days)
    return Comment.objects.with_request_data_before(moment).purge_request_data()
