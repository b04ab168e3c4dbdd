from django.test import RequestFactory

from operations.network import client_ip


def request_from(remote, forwarded=None):
    headers = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **headers)


def test_without_trusted_proxies_the_header_is_ignored(settings):
    settings.TRUSTED_PROXIES = []

    assert client_ip(request_from("203.0.113.9", "1.2.3.4")) == "203.0.113.9"


def test_behind_a_trusted_proxy_the_rightmost_untrusted_address_is_the_client(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8", "192.0.2.1"]

    # The client forged the left-most entry; the proxies appended the rest.
    request = request_from("10.0.0.2", "6.6.6.6, 198.51.100.20, 192.0.2.1, 10.0.0.5")

    assert client_ip(request) == "198.51.100.20"


def test_an_untrusted_peer_cannot_choose_its_address(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]

    assert client_ip(request_from("203.0.113.9", "10.0.0.1")) == "203.0.113.9"


def test_garbage_in_the_header_stops_the_walk(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]

    assert client_ip(request_from("10.0.0.2", "198.51.100.20, not-an-ip")) == "10.0.0.2"


def test_ipv6_clients(settings):
    settings.TRUSTED_PROXIES = ["::1"]

    assert client_ip(request_from("::1", "2001:db8::7")) == "2001:db8::7"
