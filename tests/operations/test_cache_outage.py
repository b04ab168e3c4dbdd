"""The cache is an optimisation, never a point of failure: Redis down, the site still serves."""

import contextlib
import io
import runpy
import socket
import socketserver
import threading
import uuid
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from tests.articles.factories import PublishedArticleFactory
from tests.photos.factories import PhotoFactory

from .test_health import checks

BASE_SETTINGS = Path(__file__).resolve().parents[2] / "newsroom" / "settings" / "base.py"
REAL_REDIS = ("127.0.0.1", 6379)
DEAD_PORT = 9  # nothing listens on the discard port of the loopback


@pytest.fixture
def use_redis(settings, monkeypatch):
    """Point the cache at a Redis URL, configured by the production settings code itself."""

    def configure(url):
        monkeypatch.setenv("REDIS_URL", url)
        production = runpy.run_path(str(BASE_SETTINGS))
        caches = production["CACHES"]
        # A key space of this test's own on the shared Redis.
        caches["default"]["KEY_PREFIX"] = f"newsroom-test-{uuid.uuid4().hex}"
        settings.DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = production[
            "DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS"
        ]
        settings.CACHES = caches

    return configure


@pytest.fixture
def article(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    picture = io.BytesIO()
    Image.new("RGB", (40, 30), "olive").save(picture, "JPEG")
    return PublishedArticleFactory(
        title="La crue de la Loue",
        photo=PhotoFactory(
            image=SimpleUploadedFile("crue.jpg", picture.getvalue()),
            alt_text="La rivière en crue",
        ),
    )


def assert_pages_served_from_the_database(client, article):
    home = client.get(reverse("articles:home"))
    page = client.get(article.get_absolute_url())

    assert home.status_code == 200
    assert article.title in home.text
    assert page.status_code == 200
    assert article.title in page.text


@pytest.mark.django_db
def test_pages_are_served_from_the_database_when_redis_is_unreachable(client, use_redis, article):
    use_redis(f"redis://127.0.0.1:{DEAD_PORT}/0")

    assert_pages_served_from_the_database(client, article)
    health = client.get("/healthz")
    assert health.status_code == 503
    assert health.json()["checks"] == checks(cache="down")


class RedisLink:
    """A TCP relay to the real Redis that can be cut and restored, like a Redis restart."""

    def __init__(self):
        self.port = None
        self.server = None
        self.sockets = set()

    def up(self):
        link = self

        class Relay(socketserver.BaseRequestHandler):
            def handle(self):
                upstream = socket.create_connection(REAL_REDIS, timeout=5)
                link.sockets.update({self.request, upstream})
                pump = threading.Thread(target=link.pipe, args=(upstream, self.request))
                pump.start()
                link.pipe(self.request, upstream)
                pump.join()

        socketserver.ThreadingTCPServer.allow_reuse_address = True
        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", self.port or 0), Relay)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def down(self):
        self.server.shutdown()
        self.server.server_close()
        for sock in list(self.sockets):
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()
        self.sockets.clear()

    @staticmethod
    def pipe(source, target):
        with contextlib.suppress(OSError):
            while data := source.recv(65536):
                target.sendall(data)
        with contextlib.suppress(OSError):
            target.shutdown(socket.SHUT_WR)


@pytest.fixture
def redis_link():
    try:
        socket.create_connection(REAL_REDIS, timeout=1).close()
    except OSError:
        pytest.skip("needs Redis on 127.0.0.1:6379")
    link = RedisLink()
    link.up()
    yield link
    with contextlib.suppress(Exception):
        link.down()


@pytest.mark.django_db
def test_the_site_goes_back_to_redis_by_itself_when_it_returns(
    client, use_redis, article, redis_link
):
    use_redis(f"redis://127.0.0.1:{redis_link.port}/0")
    assert client.get("/healthz").json()["checks"]["cache"] == "ok"

    redis_link.down()
    assert_pages_served_from_the_database(client, article)
    assert client.get("/healthz").json()["checks"]["cache"] == "down"

    redis_link.up()
    assert_pages_served_from_the_database(client, article)
    health = client.get("/healthz")
    assert health.status_code == 200
    assert health.json()["checks"] == checks()
