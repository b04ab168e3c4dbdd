"""What a request says about the reader's machine, believed only as far as the proxies in
front of the site are trusted (TRUSTED_PROXIES). Comments record it; login protection locks on
it (AXES_CLIENT_IP_CALLABLE)."""

import ipaddress

from django.conf import settings


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
