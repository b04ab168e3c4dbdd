"""Talking to the outside world: the email that tells moderators comments are waiting."""

import logging
from functools import partial

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext

from .models import Comment, NotificationThrottle

logger = logging.getLogger(__name__)

THROTTLE_KEY = "moderators"


def moderators():
    """Active accounts that can work the queue: the comment-change permission (directly or via a
    group) or superuser. A staff member without the permission cannot open the queue, so is not
    emailed."""
    try:
        permission = Permission.objects.get(
            content_type__app_label="comments", codename="change_comment"
        )
    except Permission.DoesNotExist:
        permission = None
    rule = Q(is_superuser=True)
    if permission is not None:
        rule |= Q(user_permissions=permission) | Q(groups__permissions=permission)
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .exclude(email="")
        .filter(rule)
        .distinct()
        .order_by("pk")
    )


def notify_moderators(*, queue_url):
    """Email moderators that comments are waiting, at most once per COMMENTS_NOTIFY_EVERY_MINUTES.
    Never raises: a failing mail server must not cost the reader their comment or an error page.
    Returns True when an email went out."""
    try:
        return _notify(queue_url)
    except Exception:
        logger.exception("Could not email moderators about pending comments")
        NotificationThrottle.release(THROTTLE_KEY)
        return False


def _notify(queue_url):
    pending = Comment.objects.pending().count()
    if not pending:
        return False
    recipients = list(moderators().values_list("email", flat=True))
    if not recipients:
        return False
    every = timezone.timedelta(minutes=settings.COMMENTS_NOTIFY_EVERY_MINUTES)
    if not NotificationThrottle.acquire(THROTTLE_KEY, every=every):
        return False
    # The newsroom works in its default language; nothing a reader typed goes into the email, so
    # no header can ever carry it.
    with translation.override(settings.LANGUAGE_CODE):
        subject = gettext("[%(site)s] Comments awaiting moderation") % {
            "site": settings.NEWSROOM_NAME
        }
        body = render_to_string(
            "comments/email/moderators.txt",
            {"pending": pending, "queue_url": queue_url, "site_name": settings.NEWSROOM_NAME},
        )
    send_mail(
        " ".join(subject.split()),
        body,
        settings.DEFAULT_FROM_EMAIL,
        recipients,
        fail_silently=False,
    )
    return True


def notify_moderators_on_commit(*, queue_url):
    """Send the notice once the comment is safely committed, never before."""
    transaction.on_commit(partial(notify_moderators, queue_url=queue_url), robust=True)
