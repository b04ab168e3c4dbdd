"""Talking to the outside world: the email that tells moderators comments are waiting, and the
emails commenters asked for (their comment published, an answer to it).

They are sent by background jobs (comments/tasks.py), never in a reader's request: each raises
when the mail server fails, having put back what it took, so that the worker tries again."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core import signing
from django.core.mail import EmailMessage, send_mail
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from .models import (
    Comment,
    CommenterNotice,
    CommenterOptOut,
    NotificationThrottle,
    address_hash,
)

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
    Returns True when an email went out. When the mail server fails, the throttle is released
    and the error raised: the job runs again later."""
    try:
        return _notify(queue_url)
    except Exception:
        NotificationThrottle.release(THROTTLE_KEY)
        raise


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


# --- Commenters' notices --------------------------------------------------------------------

#: At most one email per address and thread in this time; what comes meanwhile waits for the
#: next notice after it, or for `manage.py send_commenter_notices`, and goes out as a digest.
COMMENTER_EVERY = timezone.timedelta(hours=1)
UNSUBSCRIBE_SALT = "comments.unsubscribe"


def absolute_url(path):
    """Emails leave the request they started in (and, later, the web process): their links are
    built on NEWSROOM_URL."""
    return f"{settings.NEWSROOM_URL}{path}"


def unsubscribe_token(email):
    """A signed token naming the address's keyed hash, never the address: good for ever, like
    the opt-out it asks for."""
    return signing.Signer(salt=UNSUBSCRIBE_SALT).sign(address_hash(email))


def read_unsubscribe_token(token):
    """The address hash a token names, or None when it is forged or damaged."""
    try:
        return signing.Signer(salt=UNSUBSCRIBE_SALT).unsign(token)
    except signing.BadSignature:
        return None


def unsubscribe_url(email, language):
    with translation.override(language):
        return absolute_url(reverse("comments:unsubscribe", args=[unsubscribe_token(email)]))


def commenter_throttle_prefix(email):
    """Where the throttle of an address's emails is kept (NotificationThrottle), one row per
    thread: a keyed hash, short enough for the key."""
    return f"reader:{address_hash(email)[:24]}:"


def send_commenter_notices(email, thread_id):
    """Send `email` what waits for it about one thread: one notice, or a digest of several. At
    most one email per address and thread an hour (the rest waits); never to an address that
    unsubscribed. Returns True when an email went out. When the mail server fails, what was
    not sent stays, the throttle is released and the error raised: the job runs again later."""
    key = f"{commenter_throttle_prefix(email)}{thread_id}"
    try:
        return _send_commenter_notices(email, thread_id, key)
    except Exception:
        NotificationThrottle.release(key)
        raise


def _send_commenter_notices(email, thread_id, key):
    waiting = CommenterNotice.objects.unsent().for_address(email).filter(thread_id=thread_id)
    if CommenterOptOut.covers(email):
        waiting.delete()
        return False
    notices = list(waiting.select_related("comment__article", "comment__parent"))
    if not notices or not NotificationThrottle.acquire(key, every=COMMENTER_EVERY):
        return False
    message = commenter_email(email, notices)
    message.send(fail_silently=False)
    CommenterNotice.objects.filter(pk__in=[notice.pk for notice in notices]).delete()
    return True


def reader_language(language):
    return language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def commenter_email(email, notices):
    """The email for `notices` (of one address and thread), in the language its reader wrote
    in, with the one-click unsubscribe of RFC 8058."""
    language = reader_language(notices[-1].language)
    unsubscribe = unsubscribe_url(email, language)
    with translation.override(language):
        items = [
            {
                "kind": notice.kind,
                "comment": notice.comment,
                "answered": notice.comment.parent,
                "article": notice.comment.article,
                "url": absolute_url(notice.comment.get_absolute_url()),
            }
            for notice in notices
        ]
        name = "digest" if len(items) > 1 else items[0]["kind"]
        context = {
            "items": items,
            "item": items[0],
            "site_name": settings.NEWSROOM_NAME,
            "unsubscribe_url": unsubscribe,
        }
        subject = render_to_string(f"comments/email/{name}_subject.txt", context)
        body = render_to_string(f"comments/email/{name}.txt", context)
    return EmailMessage(
        " ".join(subject.split()),
        body,
        settings.DEFAULT_FROM_EMAIL,
        [email],
        headers={
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )


def forget_past_commenter_throttles():
    """Throttles past their hour say nothing any more."""
    NotificationThrottle.objects.filter(
        key__startswith="reader:", last_sent_at__lt=timezone.now() - COMMENTER_EVERY
    ).delete()
