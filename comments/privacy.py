"""What the comments app keeps about people, and privacy-law requests."""

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .models import Comment, CommenterNotice, CommenterOptOut, CommentReport, NotificationThrottle
from .services import commenter_throttle_prefix


def export_commenter_data(email):
    """Everything stored about the author of `email`, as plain data ready for JSON."""
    comments = Comment.objects.by_email(email).select_related("article", "parent")
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
                # A reply names the comment it answers (its id, and its author unless erased).
                "in_reply_to": (
                    {"id": comment.parent_id, "name": comment.parent.name}
                    if comment.parent_id
                    else None
                ),
                "notify_on_publish": comment.notify_on_publish,
                "notify_on_reply": comment.notify_on_reply,
                "language": comment.language,
            }
            for comment in comments
        ],
        # Reports are kept under a keyed hash of a random id in the reporter's browser, never
        # an email address: none can be found from one.
        "emails": {
            "unsubscribed": CommenterOptOut.covers(email),
            "waiting": [
                {
                    "kind": notice.kind,
                    "comment": notice.comment_id,
                    "created_at": notice.created_at.isoformat(),
                }
                for notice in CommenterNotice.objects.for_address(email)
            ],
        },
    }


@transaction.atomic
def erase_commenter_data(email):
    """Erase every comment left with `email`; returns how many. A comment that has replies is
    emptied and marked removed (Comment.erase), so that the replies keep their place; the
    others are deleted."""
    # The emails waiting for the address go, and so does when it was last written to. Its
    # opt-out stays: an address erased must still never be written to again, and the opt-out
    # is only a keyed hash, from which the address cannot be read back.
    CommenterNotice.objects.for_address(email).delete()
    NotificationThrottle.objects.filter(key__startswith=commenter_throttle_prefix(email)).delete()
    # Deepest first: a reply of theirs to their own comment goes before that comment is looked at.
    comments = list(Comment.objects.by_email(email).order_by("-depth", "-created_at", "-pk"))
    for comment in comments:
        comment.erase()
    return len(comments)


def purge_request_data(*, days=None, now=None):
    """Forget IP addresses and user agents older than `days`; returns how many comments changed."""
    days = settings.COMMENTS_PURGE_AFTER_DAYS if days is None else days
    moment = (now or timezone.now()) - timezone.timedelta(days=days)
    return Comment.objects.with_request_data_before(moment).purge_request_data()


def purge_report_addresses(*, days=None, now=None):
    """Forget the addresses reports came from, on the comments' schedule: they serve the
    per-address limit only. Returns how many reports changed."""
    days = settings.COMMENTS_PURGE_AFTER_DAYS if days is None else days
    moment = (now or timezone.now()) - timezone.timedelta(days=days)
    return CommentReport.objects.with_request_data_before(moment).purge_request_data()
