"""Newsroom's benchmark: `make bench` (or `.venv/bin/python bench/run.py --help`).

For each database (SQLite, and PostgreSQL with Redis as the cache) it builds a fresh database,
fills it with bench data (generate_scale_data), serves it with gunicorn under production settings
(debug off, static files collected and served by whitenoise, 2 sync workers on a loopback port),
and loads each endpoint with wrk from a second process: 16 connections, a bounded duration each,
the floor and every page in turns (their ratios to the floor are what the targets compare, and
the host's speed drifts): the article for an anonymous reader, a crawler and a reader with a
session, the home, section, author, tag and most-read pages, the feed and its 304 Not Modified;
then comment submission.
It samples the workers' memory from /proc while they serve, counts each page's SQL queries through
Django's test client against the same database (bench/probe.py), and times the admin's
moderation queue. It prints one table, each performance target as MET or NOT MET, and checks that
the article's view count grew by exactly the number of article requests the server was sent.
Results are saved to bench/results/ (not committed).

With --scale, the home and article pages are measured again over 100,000 articles and 1,000,000
comments, and compared with the almost empty database.
"""

import argparse
import contextlib
import json
import math
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from datetime import datetime
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
# The server is started by the launcher the tests use (run.py is run as a script).
sys.path.insert(0, str(ROOT))

from tests.servers import Gunicorn  # noqa: E402

PYTHON = sys.executable
RESULTS = BENCH / "results"

WORKERS = 2
CONNECTIONS = 16
THREADS = 2
#: The data sets: (articles, comments) spread at random, plus the bench's own three articles
#: (0, 50 and 10,000 approved comments) that every data set holds.
DATASETS = {"almost empty": (20, 200), "scale": (100_000, 1_000_000)}
#: What each endpoint loads (bench/probe.py's URLs): the article page for an anonymous reader,
#: for a crawler (Googlebot's user agent) and for a reader with a session (one who just
#: commented); the lists; the RSS feed, and the feed asked again with the validators of a first
#: answer (If-None-Match, If-Modified-Since: 304 Not Modified); a comment submission.
ENDPOINTS = [
    "floor", "home", "article", "crawler", "session", "section", "author", "tag", "most_read",
    "feed", "feed_304", "comment",
]  # fmt: skip
#: Measured in turns (measure_in_turns), SLICES times each: their ratios to the floor are what
#: the targets compare, as the host's speed drifts between runs minutes apart.
IN_TURNS = (
    "floor", "article", "crawler", "session", "home", "section", "author", "tag", "most_read",
    "feed", "feed_304",
)  # fmt: skip
SLICES = 3
SCALE_ENDPOINTS = ["floor", "home", "article"]

# The performance targets (README, "Benchmarks"; issue 21): each page's share of the floor's
# req/s (the median turn): every public page, for an anonymous reader and for a crawler, half;
# a reader with a session, 40 %; the feeds, 80 %. Each page's p99 under 50 ms, and a comment
# submission's under 200 ms.
FLOOR_SHARES = {
    "article": 0.50, "crawler": 0.50, "home": 0.50, "section": 0.50, "author": 0.50,
    "tag": 0.50, "most_read": 0.50, "session": 0.40, "feed": 0.80, "feed_304": 0.80,
}  # fmt: skip
PAGE_P99_MS = 50
COMMENT_P99_MS = 200
ARTICLE_MAX_QUERIES = 6
SCALE_MAX_LOSS = 0.10
ADMIN_MAX_MS = 300
WORKER_MAX_RSS_MB = 120

POSTGRES_URL = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/1")

# What generate_scale_data and bench/probe.py name things (run.py itself never imports Django).
FIFTY_SLUG = "scale-article-50"
THREAD_SLUG = "scale-article-thread"
COMMENTER = "Banc d'essai"


def log(message):
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


# --- Databases ----------------------------------------------------------------------------------


class Database:
    """One database engine under test: how to name, create and point Django at a database."""

    def __init__(self, name, workdir, postgres_url, redis_url):
        self.name = name
        self.workdir = workdir
        self.postgres_url = postgres_url.rstrip("/")
        self.redis_url = redis_url

    def db_name(self, dataset):
        return "bench_" + ("scale" if dataset == "scale" else "small")

    def url(self, dataset):
        if self.name == "sqlite":
            return f"sqlite:///{self.workdir}/{self.db_name(dataset)}.sqlite3"
        return f"{self.postgres_url}/{self.db_name(dataset)}"

    def env(self, dataset):
        env = {"DATABASE_URL": self.url(dataset)}
        # SQLite gets the default cache (files the workers share); PostgreSQL gets Redis.
        env["REDIS_URL"] = self.redis_url if self.name == "postgres" else ""
        env["CACHE_DIR"] = str(self.cache_dir(dataset))
        return env

    def cache_dir(self, dataset):
        return Path(self.workdir) / f"cache-{self.name}-{dataset}"

    def recreate(self, dataset):
        shutil.rmtree(self.cache_dir(dataset), ignore_errors=True)
        if self.name == "sqlite":
            for path in Path(self.workdir).glob(f"{self.db_name(dataset)}.sqlite3*"):
                path.unlink()
            return
        import psycopg

        with psycopg.connect(f"{self.postgres_url}/postgres", autocommit=True) as conn:
            name = self.db_name(dataset)
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')

    def keep(self, dataset, folder):
        """Keep the database for a closer look: PostgreSQL's stays, SQLite's is copied."""
        if self.name == "sqlite":
            import sqlite3

            source = Path(self.url(dataset).removeprefix("sqlite:///"))
            with contextlib.closing(sqlite3.connect(source)) as conn:
                conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            shutil.copy(source, folder / source.name)

    def checkpoint(self, dataset):
        """Write the freshly generated data out, as a database has long done by the time a story
        spreads: measured straight after a bulk load, PostgreSQL's checkpoint of a million rows
        slowed the first turn of the article page by a third."""
        if self.name == "sqlite":
            import sqlite3

            path = self.url(dataset).removeprefix("sqlite:///")
            with contextlib.closing(sqlite3.connect(path, timeout=30)) as conn:
                conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            return
        import psycopg

        with psycopg.connect(self.url(dataset), autocommit=True) as conn:
            conn.execute("CHECKPOINT")

    def drop(self, dataset):
        if self.name == "postgres":
            import psycopg

            with psycopg.connect(f"{self.postgres_url}/postgres", autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{self.db_name(dataset)}" WITH (FORCE)')

    def counters(self, dataset):
        """The measured article's view count and the benchmark's comments by status, read with
        plain SQL: polled every second while the server settles, so no Django start-up each time."""
        views_sql = "SELECT view_count FROM articles_article WHERE slug = %s"
        comments_sql = (
            "SELECT status, COUNT(*) FROM comments_comment WHERE name = %s AND article_id = "
            "(SELECT id FROM articles_article WHERE slug = %s) GROUP BY status"
        )
        views_args, comments_args = [FIFTY_SLUG], [COMMENTER, THREAD_SLUG]
        if self.name == "sqlite":
            import sqlite3

            path = self.url(dataset).removeprefix("sqlite:///")
            with contextlib.closing(sqlite3.connect(path, timeout=30)) as conn:
                views = conn.execute(views_sql.replace("%s", "?"), views_args).fetchone()[0]
                rows = conn.execute(comments_sql.replace("%s", "?"), comments_args).fetchall()
        else:
            import psycopg

            with psycopg.connect(self.url(dataset)) as conn:
                views = conn.execute(views_sql, views_args).fetchone()[0]
                rows = conn.execute(comments_sql, comments_args).fetchall()
        by_status = dict(rows)
        return {
            "views": views,
            "bench_comments": sum(by_status.values()),
            "bench_comments_by_status": by_status,
        }

    def flush_cache(self):
        if self.name == "postgres":
            import redis

            redis.Redis.from_url(self.redis_url).flushdb()

    def available(self):
        if self.name == "sqlite":
            return None
        try:
            import psycopg

            psycopg.connect(f"{self.postgres_url}/postgres", connect_timeout=3).close()
        except Exception as error:  # any failure means: skip this database, say why
            return f"PostgreSQL unreachable at {self.postgres_url} ({error})"
        try:
            import redis

            redis.Redis.from_url(self.redis_url, socket_connect_timeout=2).ping()
        except Exception as error:
            return f"Redis unreachable at {self.redis_url} ({error})"
        return None


# --- Subprocesses -------------------------------------------------------------------------------


def production_env(workdir):
    """The environment of every process the benchmark starts: production settings (plus the
    bench's floor and captcha test answer), files under `workdir`, never a developer's .env."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "newsroom.settings.bench",
        "DEBUG": "false",
        "SECRET_KEY": "bench-only-secret-key-" + os.urandom(8).hex(),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_COOKIES": "false",
        "STATIC_ROOT": str(workdir / "static"),
        "MEDIA_ROOT": str(workdir / "media"),
        "LOG_LEVEL": "WARNING",
        "ENV_FILE": str(workdir / "no.env"),
        "PYTHONWARNINGS": "ignore::RuntimeWarning",
    }


def django_env(base, database, dataset, extra=None):
    env = {**base, **database.env(dataset), **(extra or {})}
    return env


def manage(env, *args, stream=False):
    command = [PYTHON, "manage.py", *args]
    if stream:
        process = subprocess.Popen(  # noqa: S603 (our own commands)
            command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        lines = []
        for line in process.stdout:
            lines.append(line)
            print("    " + line.rstrip(), flush=True)
        if process.wait() != 0:
            raise RuntimeError(f"manage.py {' '.join(args)} failed")
        return "".join(lines)
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)  # noqa: S603
    if result.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stderr[-3000:]}")
    return result.stdout


def probe(env, command):
    command = [PYTHON, str(BENCH / "probe.py"), command]
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)  # noqa: S603
    if result.returncode != 0:
        raise RuntimeError(f"probe {command} failed:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout)


class Server(Gunicorn):
    """The benchmark's gunicorn (tests/servers.py): bench settings, WORKERS sync workers, every
    request the workers ran in an access log, and a thread sampling the workers' memory while
    a page is being measured (`label`)."""

    def __init__(self, env, port, logfile):
        super().__init__(
            logfile,
            settings="newsroom.settings.bench",
            env=env,
            workers=WORKERS,
            port=port,
            # Every request the workers ran, answered or not: the served count to check the
            # counters against (wrk cannot see requests it abandoned when its time ran out).
            access_log=logfile.with_suffix(".access"),
            # The user agent last: it tells the crawler, the reader with a session and the
            # anonymous reader apart on the same article.
            access_format="%(m)s %(U)s %(s)s %(a)s",
            ready_path="/bench/floor",
        )
        self.label = None
        self.peaks = {}
        self._stop = threading.Event()

    def start(self):
        super().start()
        threading.Thread(target=self.sample, daemon=True).start()
        return self

    def stop(self, timeout=15):
        self._stop.set()
        super().stop(timeout)

    def access_offset(self):
        return self.access_log.stat().st_size if self.access_log.exists() else 0

    def served(self, start, end, method, path, user_agent):
        """Requests for `path` from `user_agent` that the workers ran between two offsets of
        the access log, by status."""
        with open(self.access_log, "rb") as log_file:
            log_file.seek(start)
            lines = log_file.read(end - start).decode().splitlines()
        statuses = {}
        for line in lines:
            parts = line.split(" ", 3)
            if len(parts) == 4 and parts[:2] == [method, path] and parts[3] == user_agent:
                statuses[parts[2]] = statuses.get(parts[2], 0) + 1
        return statuses

    def worker_pids(self):
        if self.process is None:
            return []
        pid = self.process.pid
        try:
            children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        except OSError:
            return []
        return [int(child) for child in children]

    @staticmethod
    def rss_mb(pid):
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
        except OSError:
            pass
        return 0.0

    def sample(self):
        while not self._stop.is_set():
            if self.label:
                rss = max((self.rss_mb(pid) for pid in self.worker_pids()), default=0.0)
                self.peaks[self.label] = max(self.peaks.get(self.label, 0.0), rss)
            time.sleep(0.1)


def wrk(
    server,
    path,
    duration,
    *,
    script="count.lua",
    args=(),
    user_agent="",
    headers=(),
    connections=CONNECTIONS,
    timeout=5,
):
    """wrk's figures (parse_wrk) for `path`, loaded for `duration` seconds, with `headers`
    ("Name: value") besides the user agent; a request not answered within `timeout` seconds
    counts as an error."""
    command = [
        "wrk",
        f"--threads={THREADS}",
        f"--connections={connections}",
        f"--duration={duration}s",
        f"--timeout={timeout}s",
        "--latency",
        f"--script={script}",
        f"--header=User-Agent: {user_agent}",
        *(f"--header={header}" for header in headers),
        server.url(path),
    ]
    if args:
        command += ["--", *args]
    result = subprocess.run(command, cwd=BENCH, capture_output=True, text=True)  # noqa: S603
    if result.returncode != 0:
        raise RuntimeError(f"wrk failed: {result.stderr}")
    return parse_wrk(result.stdout)


UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def parse_wrk(output):
    """wrk's figures: req/s and the --latency distribution, plus count.lua's exact counts."""
    figures = {"raw": output}
    match = re.search(r"Requests/sec:\s+([\d.]+)", output)
    figures["rps"] = float(match.group(1)) if match else 0.0
    for percent in ("50", "99"):
        match = re.search(rf"^\s+{percent}%\s+([\d.]+)(us|ms|s|m)\s*$", output, re.MULTILINE)
        figures[f"p{percent}_ms"] = float(match.group(1)) * UNITS[match.group(2)] if match else None
    match = re.search(r"^BENCH (\{.*\})$", output, re.MULTILINE)
    figures.update(json.loads(match.group(1)) if match else {})
    if not figures.get("requests"):
        # Nothing came back: no latency to speak of (wrk prints zeros).
        figures["p50_ms"] = figures["p99_ms"] = None
    figures["errors"] = sum(
        figures.get(kind, 0) for kind in ("connect", "read", "write", "timeout", "non_2xx_3xx")
    )
    return figures


def settle(database, dataset, server, timeout=120):
    """The counters once the server has finished what wrk left in flight: neither the counters
    nor the access log move for two seconds in a row."""

    def state():
        return database.counters(dataset), server.access_offset()

    previous, quiet = state(), 0
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        time.sleep(1)
        current = state()
        quiet = quiet + 1 if current == previous else 0
        if quiet == 2:
            return current[0]
        previous = current
    raise RuntimeError("the server was still busy two minutes after wrk stopped")


# --- One run: a database and a data set ---------------------------------------------------------


def comment_args(prepared):
    fields = urllib.parse.urlencode(
        {
            "csrfmiddlewaretoken": prepared["csrf_secret"],
            "name": prepared["commenter"],
            "email": "",
            "captcha_0": "bench",
            "captcha_1": "PASSED",
            "website": "",
            "timestamp": prepared["timestamp"],
        }
    )
    return [fields, prepared["csrf_secret"], str(time.time_ns())]


def loads_of(prepared, endpoints, server):
    """What wrk sends to each endpoint: its path, user agent and other headers. An endpoint that
    the project or this run cannot load is left out, and the log says why."""
    loads = {}
    for name in endpoints:
        path = prepared["urls"].get(name)
        if path is None:
            log(f"  {name}: no URL in the project yet, skipped")
            continue
        load = {"path": path, "user_agent": prepared["user_agent"], "headers": []}
        if name == "crawler":
            load["user_agent"] = prepared["crawler_user_agent"]
        elif name == "session":
            if not prepared.get("session_cookie"):
                log("  session: the comment submission that gives a session failed, skipped")
                continue
            load["user_agent"] = prepared["session_user_agent"]
            load["headers"] = [f"Cookie: {prepared['session_cookie']}"]
        elif name == "feed_304":
            load["user_agent"] = prepared["feed_reader_user_agent"]
            load["headers"] = feed_validators(server, path, load["user_agent"])
            if not load["headers"]:
                log("  feed_304: the feed does not answer 304 to its own validators, skipped")
                continue
        elif name == "comment" and not prepared["captcha_test_mode"]:
            log("  comment: CAPTCHA_TEST_MODE is off in this server, skipped")
            continue
        loads[name] = load
    return loads


def feed_validators(server, path, user_agent):
    """The headers a feed reader asking again sends (If-None-Match, If-Modified-Since), from a
    first answer; None unless the feed answers them 304 Not Modified."""

    def get(headers):
        # Our own server, on loopback: http only.
        request = urllib.request.Request(server.url(path), headers=headers)  # noqa: S310
        with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310
            answer.read()
            return answer.headers

    first = get({"User-Agent": user_agent})
    validators = {
        name: first.get(field)
        for name, field in (("If-None-Match", "ETag"), ("If-Modified-Since", "Last-Modified"))
        if first.get(field)
    }
    if not validators:
        return None
    try:
        get({"User-Agent": user_agent, **validators})
    except urllib.error.HTTPError as error:
        # urllib takes a 304 for an error: here it is the answer wanted.
        if error.code == 304:
            return [f"{name}: {value}" for name, value in validators.items()]
    return None


def wrk_load(server, load, duration, **kwargs):
    return wrk(
        server,
        load["path"],
        duration,
        user_agent=load["user_agent"],
        headers=load["headers"],
        **kwargs,
    )


def run_dataset(database, dataset, options, base_env, port, workdir):
    """Build, serve and load one database; returns everything measured."""
    articles, comments = DATASETS[dataset]
    env = django_env(base_env, database, dataset)
    result = {"database": database.name, "dataset": dataset, "endpoints": {}}

    log(f"{database.name} / {dataset}: fresh database, migrations")
    database.recreate(dataset)
    database.flush_cache()
    manage(env, "migrate", "--no-input", "--verbosity", "0")
    log(
        f"{database.name} / {dataset}: generate_scale_data --articles {articles} "
        f"--comments {comments}"
    )
    started = time.monotonic()
    manage(
        env,
        "generate_scale_data",
        "--articles",
        str(articles),
        "--comments",
        str(comments),
        stream=dataset == "scale",
    )
    result["generate_seconds"] = round(time.monotonic() - started, 1)
    log(f"  generated in {result['generate_seconds']} s")
    database.checkpoint(dataset)
    prepared = probe(env, "prepare")
    result["urls"] = prepared["urls"]
    endpoints = SCALE_ENDPOINTS if dataset == "scale" else ENDPOINTS

    logfile = workdir / f"gunicorn-{database.name}-{dataset.replace(' ', '-')}.log"
    with Server(env, port, logfile) as server:
        loads = loads_of(prepared, endpoints, server)
        turns = {name: loads[name] for name in IN_TURNS if name in loads}
        if turns:
            measure_in_turns(database, dataset, server, turns, options, result)
        for name, load in loads.items():
            if name in turns:
                continue
            posting = name == "comment"
            script = "comment.lua" if posting else "count.lua"
            server.label = name
            # Warm-up: workers import lazily, fill caches and make image renditions. Each run
            # posts texts of its own (comment_args), or the next would be refused as duplicates.
            wrk_load(
                server,
                load,
                options.warmup,
                script=script,
                args=comment_args(prepared) if posting else (),
            )
            before = settle(database, dataset, server)
            start = server.access_offset()
            figures = wrk_load(
                server,
                load,
                options.duration,
                script=script,
                args=comment_args(prepared) if posting else (),
            )
            after = settle(database, dataset, server)
            figures["served"] = server.served(
                start,
                server.access_offset(),
                "POST" if posting else "GET",
                load["path"],
                load["user_agent"],
            )
            server.label = None
            figures["rss_mb"] = round(server.peaks.get(name, 0.0), 1)
            if name == "article":
                figures["views_delta"] = after["views"] - before["views"]
            if name == "comment":
                figures["comments_delta"] = after["bench_comments"] - before["bench_comments"]
                figures["comments_by_status"] = {
                    status: count - before["bench_comments_by_status"].get(status, 0)
                    for status, count in after["bench_comments_by_status"].items()
                }
            result["endpoints"][name] = figures
            log_figures(name, figures)
    result["peak_rss_mb"] = round(max(server.peaks.values(), default=0.0), 1)

    log(f"{database.name} / {dataset}: SQL queries per page, admin moderation queue")
    # The shared tree moves while the benchmark runs: a probe that fails is reported, not fatal.
    for name, default in (("queries", {}), ("admin", None)):
        try:
            result[name] = probe(env, name)
        except RuntimeError as error:
            log(f"  probe {name} failed: {str(error).splitlines()[-1]}")
            result[name] = default if default is not None else {"error": "probe failed"}
    if options.keep:
        database.keep(dataset, RESULTS)
    else:
        database.drop(dataset)
    return result


# --- Report -------------------------------------------------------------------------------------


def log_figures(name, figures):
    log(
        f"  {name:<8} {figures['rps']:8.1f} req/s  p50 {fmt_ms(figures['p50_ms'])}"
        f"  p99 {fmt_ms(figures['p99_ms'])}  errors {figures['errors']}"
        f"  rss {figures['rss_mb']} MB"
    )


def measure_in_turns(database, dataset, server, loads, options, result):
    """The floor and the pages compared with it (`loads`, the floor first), measured in turns,
    SLICES times each, so that a change in the machine's speed (other tenants of the host)
    touches them alike. Each page's figures are its slices' together (latencies: the median
    slice's); each turn gives the page's ratio to the floor measured just before it."""
    names = list(loads)
    for name in names:
        server.label = name
        wrk_load(server, loads[name], options.warmup)
    slice_seconds = max(1, math.ceil(options.duration / 2))
    before = settle(database, dataset, server)
    start = server.access_offset()
    slices = {name: [] for name in names}
    for _ in range(SLICES):
        for name in names:
            server.label = name
            slices[name].append(wrk_load(server, loads[name], slice_seconds))
    after = settle(database, dataset, server)
    server.label = None
    end = server.access_offset()
    for name in names:
        figures = combine_slices(slices[name])
        load = loads[name]
        figures["served"] = server.served(start, end, "GET", load["path"], load["user_agent"])
        figures["rss_mb"] = round(server.peaks.get(name, 0.0), 1)
        result["endpoints"][name] = figures
        log_figures(name, figures)
        log("           slices: " + ", ".join(f"{s['rps']:.0f} req/s" for s in slices[name]))
    if "article" in loads:
        # The anonymous reader's and the session reader's views; the crawler's count nothing.
        result["endpoints"]["article"]["views_delta"] = after["views"] - before["views"]
    result["floor_ratios"] = {
        name: [
            page["rps"] / floor["rps"] if floor["rps"] else 0.0
            for floor, page in zip(slices["floor"], slices[name], strict=True)
        ]
        for name in names[1:]
    }


def combine_slices(slices):
    """One wrk run's figures from several runs of the same page."""
    seconds = sum(s.get("duration_us", 0) for s in slices) / 1e6
    combined = {"slices": [{key: s[key] for key in ("rps", "p50_ms", "p99_ms")} for s in slices]}
    for key in ("requests", "issued", "errors", "non_2xx_3xx", "connect", "read", "write",
                "timeout"):  # fmt: skip
        combined[key] = sum(s.get(key, 0) for s in slices)
    combined["rps"] = combined["requests"] / seconds if seconds else 0.0
    for key in ("p50_ms", "p99_ms"):
        values = [s[key] for s in slices if s[key] is not None]
        combined[key] = statistics.median(values) if values else None
    return combined


def fmt_ms(value):
    return "—" if value is None else f"{value:.1f} ms"


def table(runs):
    header = ["database", "data", "endpoint", "req/s", "p50", "p99", "× floor", "SQL", "peak RSS"]
    rows = []
    for run in runs:
        floor = run["endpoints"].get("floor", {}).get("rps")
        for name, figures in run["endpoints"].items():
            queries = run["queries"].get(name, {}).get("queries", "—")
            ratio = f"{figures['rps'] / floor:.2f}" if floor else "—"
            rows.append([
                run["database"], run["dataset"], name, f"{figures['rps']:.1f}",
                fmt_ms(figures["p50_ms"]), fmt_ms(figures["p99_ms"]), ratio, str(queries),
                f"{figures['rss_mb']:.0f} MB",
            ])  # fmt: skip
    widths = [max(len(str(cell)) for cell in column) for column in zip(header, *rows, strict=False)]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(header, widths, strict=True))]
    lines.append("  ".join("-" * width for width in widths))
    lines += [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))
        for row in rows
    ]
    return "\n".join(lines)


def verdict(ok):
    return "MET" if ok else "NOT MET"


def page_targets(database, run):
    """Each page's share of the floor and its p99, and the comment submission's p99, in the
    almost-empty run."""
    found = []
    measured = run["endpoints"]
    for page, share in FLOOR_SHARES.items():
        name = f"{page} ≥ {share:.0%} of the floor's req/s"
        ratios = run.get("floor_ratios", {}).get(page)
        if not ratios:
            found.append((database, name, "NOT MEASURED", "skipped in this run (see the log)"))
            continue
        ratio = statistics.median(ratios)
        detail = f"{ratio:.0%}, the median of {len(ratios)} turns: " + ", ".join(
            f"{r:.0%}" for r in ratios
        )
        if ratio < share:
            detail += f"; {share / ratio:.1f}× short" if ratio else "; nothing answered"
        found.append((database, name, verdict(ratio >= share), detail))
    for page in [*FLOOR_SHARES, "comment"]:
        figures = measured.get(page)
        if figures is None:
            continue
        limit = COMMENT_P99_MS if page == "comment" else PAGE_P99_MS
        p99 = figures["p99_ms"]
        found.append(
            (
                database,
                f"{page} p99 < {limit} ms",
                verdict(p99 is not None and p99 < limit),
                fmt_ms(p99),
            )
        )
    return found


def targets(runs):
    """Each target for each database, as (database, target, verdict, detail)."""
    found = []
    for database in dict.fromkeys(run["database"] for run in runs):
        small = next(
            (r for r in runs if r["database"] == database and r["dataset"] != "scale"), None
        )
        scale = next(
            (r for r in runs if r["database"] == database and r["dataset"] == "scale"), None
        )
        if small is None:
            continue
        found += page_targets(database, small)
        queries = small["queries"]
        counts = {
            key: queries[key]["queries"]
            for key in ("article_0_comments", "article", "article_thread")
            if key in queries
        }
        if counts:
            constant = len(set(counts.values())) == 1
            worst = max(counts.values())
            found.append(
                (
                    database,
                    f"article ≤ {ARTICLE_MAX_QUERIES} SQL queries, same with 0 or "
                    f"{queries.get('thread_comments', 0):,} comments",
                    verdict(constant and worst <= ARTICLE_MAX_QUERIES),
                    f"0 comments: {counts.get('article_0_comments')}, 50: "
                    f"{counts.get('article')}, {queries.get('thread_comments', 0):,}: "
                    f"{counts.get('article_thread')}",
                )
            )
        if scale:
            for page in ("article", "home"):
                before = small["endpoints"].get(page, {}).get("rps")
                after = scale["endpoints"].get(page, {}).get("rps")
                ratios = [run.get("floor_ratios", {}).get(page) for run in (small, scale)]
                if before and after is not None and all(ratios):
                    # Runs minutes apart see the host at different speeds (the floor moved by
                    # 20% between two of them): the loss is judged on each page's share of its
                    # own run's floor, and the plain figures are shown beside it.
                    loss = 1 - statistics.median(ratios[1]) / statistics.median(ratios[0])
                    found.append(
                        (
                            database,
                            f"{page} loses < 10% at 100k articles / 1M comments",
                            verdict(loss < SCALE_MAX_LOSS),
                            f"{loss:.0%} against each run's floor "
                            f"({statistics.median(ratios[0]):.1%} → "
                            f"{statistics.median(ratios[1]):.1%} of it); "
                            f"{before:.1f} → {after:.1f} req/s",
                        )
                    )
        else:
            found.append(
                (
                    database,
                    "article and home lose < 10% at scale",
                    "NOT MEASURED",
                    "run `make bench SCALE=1`",
                )
            )
        admin_run = scale or small
        admin = admin_run["admin"]
        if "error" in admin:
            found.append(
                (database, f"moderation queue < {ADMIN_MAX_MS} ms", "NOT MEASURED", admin["error"])
            )
        else:
            worst = max(admin["changelist"]["median_ms"], admin["pending"]["median_ms"])
            status = verdict(worst < ADMIN_MAX_MS) if scale else "NOT MEASURED at 1M"
            found.append(
                (
                    database,
                    f"moderation queue < {ADMIN_MAX_MS} ms over 1M comments",
                    status,
                    f"{worst:.0f} ms median over {admin['comments']:,} comments "
                    f"(list {admin['changelist']['median_ms']:.0f} ms, "
                    f"{admin['changelist']['queries']} queries; pending "
                    f"{admin['pending']['median_ms']:.0f} ms)",
                )
            )
        rss = max(run["peak_rss_mb"] for run in runs if run["database"] == database)
        found.append(
            (
                database,
                f"worker RSS < {WORKER_MAX_RSS_MB} MB",
                verdict(rss < WORKER_MAX_RSS_MB),
                f"{rss:.0f} MB peak",
            )
        )
    return found


def counter_checks(runs):
    """The view counter and the comments posted against the requests the server ran (its access
    log), and wrk saw no error and no status other than 2xx/3xx."""
    checks = []
    for run in runs:
        label = f"{run['database']} / {run['dataset']}"
        article = run["endpoints"].get("article")
        if article:
            # Readers count, the anonymous one and the one with a session; a crawler does not.
            readers = [run["endpoints"][name] for name in ("article", "session")
                       if name in run["endpoints"]]  # fmt: skip
            served = sum(reader["served"].get("200", 0) for reader in readers)
            ok = (
                article["views_delta"]
                == served
                == sum(sum(reader["served"].values()) for reader in readers)
            )
            session = run["endpoints"].get("session", {}).get("served", {})
            crawler = run["endpoints"].get("crawler", {}).get("served", {})
            checks.append(
                (
                    label,
                    ok and all(reader["errors"] == 0 for reader in readers),
                    f"article: view count +{article['views_delta']} for {served} reader requests "
                    f"served {article['served']}, with a session {session}; crawler {crawler} "
                    f"uncounted (wrk: {article['requests']} answered, {article['issued']} sent; "
                    f"{article['errors']} errors or non-2xx/3xx)",
                )
            )
        comment = run["endpoints"].get("comment")
        if comment:
            served = comment["served"].get("302", 0)
            ok = comment["comments_delta"] == served == sum(comment["served"].values())
            checks.append(
                (
                    label,
                    ok and comment["errors"] == 0,
                    f"comment: +{comment['comments_delta']} comments "
                    f"{comment['comments_by_status']} for {served} posts served "
                    f"{comment['served']} (wrk: {comment['requests']} answered, "
                    f"{comment['errors']} errors)",
                )
            )
        for name, figures in run["endpoints"].items():
            if not figures.get("requests"):
                checks.append((label, False, f"{name}: no answer within wrk's 5 s timeout"))
            elif name not in ("article", "session", "comment") and figures["errors"]:
                checks.append((label, False, f"{name}: {figures['errors']} errors or non-2xx/3xx"))
    return checks


def report(runs, skipped, started):
    lines = [
        f"Newsroom benchmark, {datetime.now():%Y-%m-%d %H:%M}, {os.cpu_count()} CPUs, "
        f"{memory_gib():.0f} GiB; gunicorn {WORKERS} sync workers, wrk {THREADS} threads "
        f"{CONNECTIONS} connections on loopback (on the same CPUs).",
        "",
        table(runs),
        "",
        "Targets:",
    ]
    lines += [
        f"  [{database}] {name}: {status} ({detail})"
        for database, name, status, detail in targets(runs)
    ]
    lines += ["", "Counters:"]
    checks = counter_checks(runs)
    lines += [f"  [{label}] {'OK' if ok else 'FAILED'}: {detail}" for label, ok, detail in checks]
    lines += [f"  skipped: {reason}" for reason in skipped]
    generated = [f"{run['database']} {run['dataset']}: {run['generate_seconds']} s" for run in runs]
    lines += ["", "Data generation: " + "; ".join(generated)]
    lines.append(f"Total time: {time.monotonic() - started:.0f} s")
    return "\n".join(lines), all(ok for _label, ok, _detail in checks)


def memory_gib():
    with contextlib.suppress(OSError, ValueError, IndexError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) / 1024 / 1024
    return 0.0


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--databases",
        default="sqlite,postgres",
        help="comma-separated: sqlite, postgres (default: both)",
    )
    parser.add_argument(
        "--scale",
        action="store_true",
        help="also measure over 100,000 articles and 1,000,000 comments",
    )
    parser.add_argument("--duration", type=int, default=10, help="seconds per endpoint")
    parser.add_argument("--warmup", type=int, default=2, help="seconds of warm-up per endpoint")
    parser.add_argument("--port", type=int, default=int(os.environ.get("BENCH_PORT", 8201)))
    parser.add_argument(
        "--keep",
        action="store_true",
        help="keep the databases (PostgreSQL's stay, SQLite's are copied to bench/results/)",
    )
    options = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed: `make bench` installs it (apt-get install wrk).")

    # A TERM (a CI timeout, `kill`) unwinds like Ctrl-C, so gunicorn is stopped on the way out.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("bench: terminated"))
    started = time.monotonic()
    RESULTS.mkdir(exist_ok=True)
    workdir = Path(tempfile.mkdtemp(prefix="newsroom-bench-"))
    base_env = production_env(workdir)

    log(f"collectstatic into {workdir / 'static'}")
    manage(
        {**base_env, "DATABASE_URL": f"sqlite:///{workdir}/static.sqlite3"},
        "collectstatic",
        "--no-input",
        "--verbosity",
        "0",
    )

    runs, skipped = [], []
    datasets = ["almost empty", "scale"] if options.scale else ["almost empty"]
    try:
        for name in options.databases.split(","):
            database = Database(name.strip(), workdir, POSTGRES_URL, REDIS_URL)
            problem = database.available()
            if problem:
                log(f"skipping {database.name}: {problem}")
                skipped.append(f"{database.name}: {problem}")
                continue
            for dataset in datasets:
                runs.append(
                    run_dataset(database, dataset, options, base_env, options.port, workdir)
                )
    finally:
        text, ok = report(runs, skipped, started) if runs else ("No run completed.", False)
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        (RESULTS / f"{stamp}.txt").write_text(text + "\n")
        (RESULTS / f"{stamp}.json").write_text(json.dumps(runs, indent=2, default=str))
        (RESULTS / "latest.txt").write_text(text + "\n")
        for log_file in workdir.glob("gunicorn-*.log"):
            shutil.copy(log_file, RESULTS / f"{stamp}-{log_file.name}")
        shutil.rmtree(workdir, ignore_errors=True)
        print("\n" + text)
        print(f"\nSaved to {RESULTS / stamp}.txt and .json")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
