"""Real processes for the fault tests: a TCP forwarder that can be unplugged, and gunicorn."""

import contextlib
import os
import select
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))


class TcpProxy:
    """Forwards a loopback port to a server; `stop()` unplugs it (the listener and every open
    connection), `start()` plugs it back on the same port, as when a database comes back."""

    def __init__(self, port, target):
        self.port, self.target = port, target
        self.listener = None
        self.sockets = set()
        self.lock = threading.Lock()

    def start(self):
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self.listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()
        return self

    def stop(self):
        listener, self.listener = self.listener, None
        if listener is not None:
            # shutdown() wakes the thread blocked in accept(); close() alone leaves it listening.
            with contextlib.suppress(OSError):
                listener.shutdown(socket.SHUT_RDWR)
            listener.close()
        with self.lock:
            sockets, self.sockets = self.sockets, set()
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()

    def _accept(self, listener):
        while True:
            try:
                client, _address = listener.accept()
            except OSError:
                return  # unplugged
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            with self.lock:
                self.sockets.update({client, upstream})
            threading.Thread(target=self._pipe, args=(client, upstream), daemon=True).start()

    def _pipe(self, client, upstream):
        pair = {client: upstream, upstream: client}
        try:
            while True:
                readable, _w, _x = select.select(list(pair), [], [], 1.0)
                for sock in readable:
                    data = sock.recv(65536)
                    if not data:
                        return
                    pair[sock].sendall(data)
        except (OSError, ValueError):
            return
        finally:
            for sock in pair:
                sock.close()
            with self.lock:
                self.sockets.difference_update(pair)


class Gunicorn:
    """The site under gunicorn, production settings but for the database URL given."""

    def __init__(self, port, env, logfile, workers=1):
        self.port, self.logfile, self.workers = port, logfile, workers
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "newsroom.settings.test",
            "DEBUG": "false",
            "SECRET_KEY": "reliability-test-key",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            **env,
        }
        self.process = None
        # Cookies kept between requests, as a browser does (the CSRF cookie of a form).
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))

    def __enter__(self):
        self.log = open(self.logfile, "a")  # closed in __exit__
        self.process = subprocess.Popen(
            [
                GUNICORN,
                "newsroom.wsgi",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(self.workers),
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=self.log,
            stderr=self.log,
            start_new_session=True,
        )
        try:
            self.wait_ready()
        except BaseException:
            self.__exit__()
            raise
        return self

    def __exit__(self, *exc):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.log.close()

    def wait_ready(self):
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited at start-up: {self.logfile.read_text()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("gunicorn did not listen within 60 s")

    def get(self, path, data=None):
        """(status, body) of a GET, or of a POST when `data` (bytes) is given."""
        request = urllib.request.Request(f"http://127.0.0.1:{self.port}{path}", data=data)
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()
