"""What the comments app knows about people: the client address, and privacy-law requests."""

import ipaddress

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .models import Comment


def _networks():
    networks = []
    for entry in settings.TRUSTED_PROXIES:
        try:
            networks.append(ipaddress.ip_network(entry.strip(), strict=False))
        except ValueError:
            continue
    return networks


def _parse(value):
    try:
        return ipaddress.ip_address(value.strip())
    except ValueError:
        return None


def client_ip(request):
    """The reader's address. X-Forwarded-For is read only when the peer is a trusted proxy, and
    then from the right: the right-most address that is not a trusted proxy is the client (anything
    to its left was written by the client and may be forged)."""
    peer = _parse(request.META.get("REMOTE_ADDR", ""))
    networks = _networks()

    def trusted(address):
        return any(address in network for network in networks)

    if peer is None or not trusted(peer):
        return str(peer) if peer else None
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    for entry in reversed([part for part in forwarded.split(",") if part.strip()]):
        address = _parse(entry)
        if address is None:
            # A garbled hop: stop believing the chain here.
            break
        if not trusted(address):
            return str(address)
    return str(peer)


def user_agent(request):
    return request.META.get("HTTP_USER_AGENT", "")[:300]


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
