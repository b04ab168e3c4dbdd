"""Newsroom as a cluster on this machine (README, "Running several servers"): two application
servers, each gunicorn in a folder of its own (no shared disk), on one PostgreSQL database, one
Redis and one S3-compatible store (SeaweedFS), behind nginx from Debian balancing them round
robin, with one background worker in a third folder. Every server runs the production settings.

`Cluster` starts it all on free loopback ports and stops it all (the database it made is
dropped, the Redis database it used emptied); `Visitor` is a browser's worth of HTTP (cookies,
a desktop User-Agent, forms as the page gives them). The scenario is
tests/operations/test_cluster.py (`make cluster`).
"""

import contextlib
import html
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.parse
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import lxml.html
import psycopg
import redis
import requests

from tests.harness import manage
from tests.servers import ROOT, Gunicorn, Nginx, SeaweedFS

PRODUCTION_SETTINGS = "newsroom.settings.base"
#: A reader's browser: a request without one is a robot's, whose visit is not counted.
BROWSER = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36"
)
#: Where the cluster makes its database: any database of the server will do to connect.
POSTGRES_ADMIN_URL = os.environ.get(
    "CLUSTER_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres"
)
#: The Redis database the cluster uses and empties (the suite's own runs use database 0 or the
#: one TEST_REDIS_URL names).
REDIS_URL = "redis://127.0.0.1:6379/13"
#: gunicorn's access log: what each server answered, for the view counts.
ACCESS_FORMAT = "%(m)s %(U)s %(s)s"


def wait_until(condition, *, seconds=60, interval=0.1, what="the condition"):
    deadline = time.monotonic() + seconds
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} did not hold within {seconds} s")
        time.sleep(interval)


class Cluster:
    """Everything of the module's docstring, in `directory`. `a` and `b` are the application
    servers (tests.servers.Gunicorn), `balancer` is nginx, `store` SeaweedFS, `db()` a
    connection to the cluster's database, for reading what happened."""

    def __init__(self, directory, *, workers_per_server=2):
        self.directory = Path(directory)
        self.workers_per_server = workers_per_server
        self.database = f"newsroom_cluster_{uuid.uuid4().hex[:10]}"
        admin = urllib.parse.urlsplit(POSTGRES_ADMIN_URL)
        self.database_url = admin._replace(path=f"/{self.database}").geturl()
        self.store = SeaweedFS(self.directory / "store")
        self.a = self.b = self.balancer = None
        self.worker = None
        self._connection = None
        self._stack = contextlib.ExitStack()

    # --- Starting and stopping ---------------------------------------------------------------

    def __enter__(self):
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc):
        self.stop()

    def start(self):
        self.directory.mkdir(parents=True, exist_ok=True)
        self._create_database()
        self._stack.callback(self._drop_database)
        self._empty_redis()
        self._stack.callback(self._empty_redis)
        self._stack.enter_context(self.store)
        setup = self.folder("setup")
        self.run("migrate", "--no-input", folder=setup)
        self.run("load_demo", folder=setup)
        self.a, self.b = self._stack.enter_context(ThreadPoolExecutor(2)).map(
            self._start_server, ["a", "b"]
        )
        self.worker = self._start_worker()
        self.balancer = self._stack.enter_context(Nginx(self.folder("balancer"), [self.a, self.b]))
        return self

    def stop(self):
        self._stack.close()
        if self._connection is not None:
            self._connection.close()

    def folder(self, name):
        folder = self.directory / name
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    def environment(self, folder):
        """The production settings' environment of one machine of the cluster, whose own disk
        is `folder`: only the database, the cache and the store are shared."""
        store = self.store
        return {
            "DEBUG": "false",
            "SECRET_KEY": "cluster-test-secret-key-shared-by-every-server",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SECURE_COOKIES": "false",
            # The balancer, which reports the reader's address in X-Forwarded-For.
            "TRUSTED_PROXIES": "127.0.0.1",
            "DATABASE_URL": self.database_url,
            "REDIS_URL": REDIS_URL,
            "MEDIA_STORAGE": "s3",
            "S3_BUCKET": store.bucket,
            "S3_ENDPOINT_URL": store.endpoint_url,
            "S3_ACCESS_KEY_ID": store.access_key,
            "S3_SECRET_ACCESS_KEY": store.secret_key,
            "S3_REGION": store.region,
            "S3_PUBLIC_URL": f"{store.endpoint_url}/{store.bucket}",
            # Emails as files in the sending machine's folder (relative to it): which machine
            # sent one shows.
            "EMAIL_URL": "filemail:///mail",
            "STATIC_ROOT": str(folder / "static"),
            "MEDIA_ROOT": str(folder / "media"),
            "CACHE_DIR": str(folder / "cache"),
            # No developer's .env may slip in.
            "ENV_FILE": str(folder / "no.env"),
            "DJANGO_SETTINGS_MODULE": PRODUCTION_SETTINGS,
        }

    def run(self, *args, folder):
        result = manage(*args, settings=PRODUCTION_SETTINGS, env=self.environment(folder))
        assert result.returncode == 0, f"manage.py {' '.join(args)}:\n{result.stderr[-3000:]}"
        return result.stdout

    def _start_server(self, name):
        folder = self.folder(name)
        self.run("collectstatic", "--no-input", "--verbosity", "0", folder=folder)
        server = Gunicorn(
            folder / "gunicorn.log",
            settings=PRODUCTION_SETTINGS,
            env=self.environment(folder),
            workers=self.workers_per_server,
            access_log=folder / "access.log",
            access_format=ACCESS_FORMAT,
            folder=folder,
        )
        server.name = name.upper()
        return self._stack.enter_context(server)

    def _start_worker(self):
        folder = self.folder("worker")
        with open(folder / "worker.log", "a") as log:
            process = subprocess.Popen(
                [sys.executable, str(ROOT / "manage.py"), "db_worker", "--no-reload"],
                cwd=folder,
                env={**os.environ, **self.environment(folder)},
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self._stack.callback(_stop_process, process)
        return process

    def _create_database(self):
        with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{self.database}"')

    def _drop_database(self):
        if self._connection is not None:
            self._connection.close()
            self._connection = None
        with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')

    @staticmethod
    def _empty_redis():
        redis.Redis.from_url(REDIS_URL).flushdb()

    # --- What happened ------------------------------------------------------------------------

    def db(self):
        if self._connection is None:
            self._connection = psycopg.connect(self.database_url, autocommit=True)
        return self._connection

    def one(self, sql, *params):
        row = self.db().execute(sql, params).fetchone()
        return row[0] if row else None

    def served(self, server, path, status="200"):
        """How many GETs of `path` `server` answered with `status`, from its access log."""
        wanted = f"GET {path} {status}"
        return sum(
            line == wanted for line in (server.folder / "access.log").read_text().splitlines()
        )

    def sent_mail(self, name):
        """The emails the machine named `name` (a, b, worker) sent, as text."""
        mail = self.directory / name / "mail"
        return [path.read_text() for path in sorted(mail.glob("*.log"))] if mail.exists() else []

    def kill(self, server):
        """The server crashes: KILL to gunicorn and every worker, with requests under way."""
        os.killpg(server.process.pid, signal.SIGKILL)
        server.stop()


def _stop_process(process):
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


class Visitor:
    """A browser: cookies kept, a desktop User-Agent, the reader's own address told to the
    balancer (`address`), forms sent as their page gives them, redirects followed."""

    def __init__(self, base_url, *, address=None):
        self.base_url = base_url.rstrip("/")
        self.session = requests.Session()
        self.session.headers["User-Agent"] = BROWSER
        if address:
            self.session.headers["X-Forwarded-For"] = address

    def url(self, path):
        return path if path.startswith("http") else f"{self.base_url}{path}"

    def get(self, path, **kwargs):
        return self.session.get(self.url(path), timeout=30, **kwargs)

    def read(self, path):
        """The page's text as a reader reads it: HTML entities turned back into characters."""
        return html.unescape(self.get(path).text)

    def post(self, path, data, **kwargs):
        return self.session.post(self.url(path), data=data, timeout=60, **kwargs)

    def on(self, base_url):
        """The same browser (its cookies) talking to another address."""
        other = Visitor(base_url)
        other.session = self.session
        return other

    def log_in(self, username, password):
        page = self.get("/admin/login/")
        form = form_values(page.text, action_contains="login")
        form.update(username=username, password=password)
        answer = self.post("/admin/login/?next=/admin/", form)
        assert "sessionid" in self.session.cookies, f"{username} could not log in"
        return answer


def page_forms(html):
    return lxml.html.fromstring(html).forms


def form_values(html, *, action_contains="", form_id=None, with_field=None):
    """What a browser sends for the page's form (the first whose action contains
    `action_contains`, or the one with id `form_id`, or the first with a field named
    `with_field`), as a dict of lists, without buttons and files; its `action` too."""
    for form in page_forms(html):
        if form_id is not None and form.get("id") != form_id:
            continue
        if action_contains not in (form.action or ""):
            continue
        if with_field is not None and with_field not in form.fields:
            continue
        values = {}
        for name, value in form.form_values():
            values.setdefault(name, []).append(value)
        return FormData(values, action=form.get("action"))
    raise AssertionError(f"no form {form_id or action_contains or with_field!r} on the page")


class FormData(dict):
    """A form's values, several per name where the form has several, and where it is sent."""

    def __init__(self, values, *, action):
        super().__init__(values)
        self.action = action

    def update(self, **fields):
        for name, value in fields.items():
            super().__setitem__(name, value if isinstance(value, list) else [value])

    def pairs(self):
        return [(name, value) for name, values in self.items() for value in values]


def captcha_answer(cluster, html):
    """The answer to the page's captcha, read from the database as only the server knows it."""
    key = re.search(r'name="captcha_0"[^>]*value="([0-9a-f]+)"', html) or re.search(
        r'value="([0-9a-f]+)"[^>]*name="captcha_0"', html
    )
    assert key, "no captcha on the page"
    return key.group(1), cluster.one(
        "SELECT response FROM captcha_captchastore WHERE hashkey = %s", key.group(1)
    )


def wrk(url, *, seconds, connections=16, threads=2):
    """wrk's report of `seconds` of load on `url` from a reader's browser."""
    wrk_binary = shutil.which("wrk")
    assert wrk_binary, "wrk is not installed (make cluster installs it)"
    result = subprocess.run(
        [
            wrk_binary,
            f"-t{threads}",
            f"-c{connections}",
            f"-d{seconds}s",
            "--timeout",
            "10s",
            "-H",
            f"User-Agent: {BROWSER}",
            url,
        ],
        capture_output=True,
        text=True,
        timeout=seconds + 60,
        check=True,
    )
    report = result.stdout
    requests_done = int(re.search(r"(\d+) requests in", report).group(1))
    failed = re.search(r"Non-2xx or 3xx responses: (\d+)", report)
    errors = re.search(r"Socket errors: (.*)", report)
    return {
        "requests": requests_done,
        "non_2xx": int(failed.group(1)) if failed else 0,
        "socket_errors": errors.group(1) if errors else "",
        "report": report,
    }


class Background(threading.Thread):
    """`function()` in a thread, its result or exception kept for `result()`."""

    def __init__(self, function):
        super().__init__(daemon=True)
        self.function = function
        self.value = self.error = None
        self.start()

    def run(self):
        try:
            self.value = self.function()
        except BaseException as error:  # handed to the test in result()
            self.error = error

    def result(self, timeout=None):
        self.join(timeout)
        if self.error is not None:
            raise self.error
        return self.value
