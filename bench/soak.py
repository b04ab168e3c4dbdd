"""The soak: `.venv/bin/python bench/soak.py` (or `make soak`).

One minute at 64 connections against gunicorn under production settings (2 sync workers, the
same server as `make bench`), on a mix of the reader's pages: front page, article (which writes a
view and a prompt impression each time), section and feed. It passes when wrk saw no error at
all (no connection, read, write or timeout error within 30 s, no 4xx or 5xx answer) and no
worker's memory grew by more than 10% between the end of the warm-up and the end of the soak.

PostgreSQL with Redis by default (BENCH_POSTGRES_URL, BENCH_REDIS_URL as for bench/run.py);
`--database sqlite` soaks the embedded database. The soak uses its own database, soak_reliability,
and port 8350, so it can run beside the benchmark.
"""

import argparse
import json
import os
import shutil
import signal
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from run import (
    BENCH,
    POSTGRES_URL,
    REDIS_URL,
    RESULTS,
    Database,
    Server,
    log,
    manage,
    probe,
    production_env,
)
from run import wrk as run_wrk

CONNECTIONS = 64
DURATION = 60
WARMUP = 10
MAX_GROWTH = 0.10
PAGES = ["home", "article", "section", "feed"]

# count.lua's report, with requests spread over several pages in turn.
MIXED_SCRIPT = """
paths = {%(paths)s}
dofile("%(count)s")
local next_path = 0
function request()
  issued = issued + 1
  next_path = next_path %% #paths + 1
  return wrk.format(nil, paths[next_path])
end
"""


class SoakDatabase(Database):
    def db_name(self, dataset):
        return "soak_reliability"


def worker_rss(server):
    """{pid: resident memory in MB} of each gunicorn worker."""
    return {pid: round(server.rss_mb(pid), 1) for pid in server.worker_pids()}


def wrk(server, script, duration, user_agent):
    # The soak judges endurance (errors, memory), not latency (that is `make bench`): 64
    # connections queue behind 2 sync workers, so a busy machine must not turn a slow answer
    # into a "timeout error". 30 s is gunicorn's own worker timeout.
    return run_wrk(
        server,
        "/",
        duration,
        script=script,
        user_agent=user_agent,
        connections=CONNECTIONS,
        timeout=30,
    )


def soak(options, workdir):
    base_env = production_env(workdir)
    database = SoakDatabase(options.database, workdir, POSTGRES_URL, REDIS_URL)
    unavailable = database.available()
    if unavailable:
        sys.exit(f"soak: {unavailable}")
    env = {**base_env, **database.env("almost empty")}
    log(f"soak on {options.database}: fresh database, demo data, static files")
    database.recreate("almost empty")
    database.flush_cache()
    manage(env, "migrate", "--no-input", "--verbosity", "0")
    manage(env, "generate_scale_data", "--articles", "20", "--comments", "200")
    manage(env, "collectstatic", "--no-input", "--verbosity", "0")
    prepared = probe(env, "prepare")
    paths = [prepared["urls"][name] for name in PAGES if prepared["urls"].get(name)]
    script = workdir / "mixed.lua"
    script.write_text(
        MIXED_SCRIPT
        % {"paths": ", ".join(json.dumps(path) for path in paths), "count": BENCH / "count.lua"}
    )

    with Server(env, options.port, workdir / "gunicorn.log") as server:
        log(f"warm-up: {WARMUP} s at {CONNECTIONS} connections over {', '.join(paths)}")
        wrk(server, script, WARMUP, prepared["user_agent"])
        start_rss = worker_rss(server)
        log(f"soak: {options.duration} s at {CONNECTIONS} connections; workers {start_rss} MB")
        figures = wrk(server, script, options.duration, prepared["user_agent"])
        end_rss = worker_rss(server)
    database.drop("almost empty")

    errors = {kind: figures.get(kind, 0) for kind in ("connect", "read", "write", "timeout")}
    errors["non_2xx_3xx"] = figures.get("non_2xx_3xx", 0)
    growth = {
        pid: round((end_rss[pid] - start_rss[pid]) / start_rss[pid], 4)
        for pid in start_rss
        if pid in end_rss and start_rss[pid]
    }
    result = {
        "database": options.database,
        "connections": CONNECTIONS,
        "seconds": options.duration,
        "requests": figures.get("requests", 0),
        "rps": figures["rps"],
        "p50_ms": figures["p50_ms"],
        "p99_ms": figures["p99_ms"],
        "errors": errors,
        "rss_start_mb": start_rss,
        "rss_end_mb": end_rss,
        "rss_growth": growth,
        # A worker that died and was replaced would hide a leak: the same workers must remain.
        "same_workers": sorted(start_rss) == sorted(end_rss),
    }
    result["ok"] = (
        sum(errors.values()) == 0
        and result["same_workers"]
        and bool(growth)
        and max(growth.values()) <= MAX_GROWTH
    )
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=["postgres", "sqlite"], default="postgres")
    parser.add_argument("--duration", type=int, default=DURATION, help="seconds of soak")
    parser.add_argument("--port", type=int, default=int(os.environ.get("SOAK_PORT", 8350)))
    options = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed: `make bench` installs it (apt-get install wrk).")
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("soak: terminated"))
    workdir = Path(tempfile.mkdtemp(prefix="newsroom-soak-"))
    try:
        result = soak(options, workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    RESULTS.mkdir(exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    (RESULTS / f"soak-{options.database}-{stamp}.json").write_text(json.dumps(result, indent=2))
    worst = max(result["rss_growth"].values(), default=0.0)
    errors = sum(result["errors"].values())
    print(
        f"Soak {result['database']}: {result['requests']} requests in {result['seconds']} s at "
        f"{CONNECTIONS} connections ({result['rps']:.0f} req/s, p50 {result['p50_ms']} ms, "
        f"p99 {result['p99_ms']} ms); errors {errors} {result['errors']}; worker RSS "
        f"{result['rss_start_mb']} MB -> {result['rss_end_mb']} MB, worst growth "
        f"{worst:.1%} (limit {MAX_GROWTH:.0%}): {'PASS' if result['ok'] else 'FAIL'}"
    )
    sys.exit(0 if result["ok"] else 1)


if __name__ == "__main__":
    main()
