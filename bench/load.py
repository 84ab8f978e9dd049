"""Load and soak on the full stack, as JSON: `make bench-load`.

    python -m bench.load --users 10,50,200 --seconds 45 --soak 600

Starts the production process set with scripts/run-full (gunicorn, the RQ worker, RQ cron, a local
mail server) against the test services (`scripts/services start test`) in a database, Redis db and
index prefix of its own, with the demo loaded; then runs locust headless on loopback
(bench/locustfile.py: anonymous search and job views, sign-ins, social workers' pages and
applications, recruiters' pipeline moves, programme leads' dashboards) at each number of users for a
bounded time, and finally a soak at a steady load that samples each process's memory (RSS) every
ten seconds. Prints one JSON document on stdout (progress on stderr): requests a second, p50/p95/p99,
errors and their kinds per level; memory at the start and end of the soak per process and its growth.

Sign-in and apply limits are raised for the run (every simulated user shares 127.0.0.1, so the
per-address limits would measure the limiter, not the site); everything else is production's.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from pathlib import Path

import psutil
import sqlalchemy as sa

from bench.analytics import fresh_database
from bench.search import log

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = ROOT / ".venv" / "bin"
DATABASE = "cswjobs_load"
REDIS_DB = 12
PREFIX = "bench-load"
NO_LIMIT = "1000000 per minute"


def wait_ready(base: str, stack: subprocess.Popen, timeout: float) -> float:
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if stack.poll() is not None:
            raise SystemExit(f"bench-load: scripts/run-full stopped (status {stack.returncode}); see its log above")
        try:
            with urllib.request.urlopen(base + "/readyz", timeout=5) as response:
                if response.status == 200:
                    return time.monotonic() - started
        except OSError:
            pass
        time.sleep(2)
    raise SystemExit(f"bench-load: the stack was not ready within {timeout:.0f} s (GET {base}/readyz)")


def wait_settled(redis_url: str, timeout: float) -> float:
    """Until the worker has done the start-up's work (the demo's embeddings, the index): a measure taken
    while it still encodes hundreds of texts would be measuring that."""
    from redis import Redis
    from rq import Queue
    from rq.registry import StartedJobRegistry

    from webapp.dispatch import QUEUES

    connection = Redis.from_url(redis_url)
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        busy = sum(Queue(name, connection=connection).count + StartedJobRegistry(name, connection=connection).count
                   for name in QUEUES)
        if busy == 0:
            connection.close()
            return time.monotonic() - started
        time.sleep(3)
    connection.close()
    raise SystemExit(f"bench-load: the worker still had work after {timeout:.0f} s")


def accounts(database_url: str, password_by_role: dict[str, str]) -> dict[str, list[dict[str, str]]]:
    engine = sa.create_engine(database_url)
    found: dict[str, list[dict[str, str]]] = {}
    with engine.connect() as conn:
        for role, password in password_by_role.items():
            emails = conn.scalars(sa.text("SELECT email FROM users WHERE role = :role ORDER BY id LIMIT 300"),
                                  {"role": role}).all()
            found[role] = [{"email": email, "password": password} for email in emails]
    engine.dispose()
    return found


def percentile_of(histogram: Counter, pct: float) -> float:
    total = sum(histogram.values())
    if not total:
        return 0.0
    rank, seen = pct / 100 * total, 0
    for value in sorted(histogram):
        seen += histogram[value]
        if seen >= rank:
            return float(value)
    return float(max(histogram))


def locust(base: str, users: int, spawn_rate: int, seconds: int, accounts_file: Path) -> tuple[list[str], dict]:
    """Locust's command line (headless, the final stats as JSON on stdout) and its environment."""
    command = [str(VENV_BIN / "locust"), "-f", str(ROOT / "bench" / "locustfile.py"), "--headless",
               "--users", str(users), "--spawn-rate", str(spawn_rate), "--run-time", f"{seconds}s", "--host", base,
               "--only-summary", "--json", "--stop-timeout", "10", "--loglevel", "WARNING"]
    return command, {**os.environ, "LOAD_ACCOUNTS": str(accounts_file)}


def run_locust(base: str, users: int, seconds: int, accounts_file: Path) -> dict:
    command, env = locust(base, users, max(1, users // 5), seconds, accounts_file)
    started = time.monotonic()
    finished = subprocess.run(command, capture_output=True, text=True, env=env, timeout=seconds + 120)
    elapsed = time.monotonic() - started
    try:
        stats = json.loads(finished.stdout)
    except json.JSONDecodeError:
        raise SystemExit(f"bench-load: locust printed no JSON (status {finished.returncode}):\n{finished.stderr[-2000:]}")
    histogram: Counter = Counter()
    requests = failures = 0
    by_endpoint = {}
    errors: Counter = Counter()
    for entry in stats:
        times = Counter({float(k): v for k, v in entry["response_times"].items()})
        histogram.update(times)
        requests += entry["num_requests"]
        failures += entry["num_failures"]
        by_endpoint[f'{entry["method"]} {entry["name"]}'] = {
            "requests": entry["num_requests"], "failures": entry["num_failures"],
            "p50_ms": percentile_of(times, 50), "p95_ms": percentile_of(times, 95)}
    for line in finished.stderr.splitlines():  # locust's error summary: "<count> <method> <name>: <error>"
        if "HTTPError" in line or "ConnectionError" in line or "RemoteDisconnected" in line:
            errors[line.strip()[:160]] += 1
    duration = max(1.0, min(elapsed, seconds))
    return {"users": users, "seconds": seconds, "requests": requests, "failures": failures,
            "error_rate": round(failures / requests, 4) if requests else None,
            "requests_per_second": round(requests / duration, 1),
            "p50_ms": percentile_of(histogram, 50), "p95_ms": percentile_of(histogram, 95),
            "p99_ms": percentile_of(histogram, 99), "by_endpoint": by_endpoint,
            "error_kinds": dict(errors.most_common(10))}


def _command(process: psutil.Process | None) -> str:
    try:
        return " ".join(process.cmdline()) if process is not None else ""
    except psutil.Error:
        return ""


def process_role(process: psutil.Process) -> str | None:
    command = _command(process)
    if "gunicorn" in command:
        return "web (gunicorn worker)" if "gunicorn" in _command(process.parent()) else "web (gunicorn master)"
    if "workers worker" in command:
        # RQ forks a work horse per job, with the same command line as the worker that forked it.
        return "worker (work horse)" if "workers worker" in _command(process.parent()) else "worker"
    if "workers cron" in command:
        return "cron"
    if "mail-sink" in command:
        return "mail server"
    return None


def memory(stack: subprocess.Popen) -> dict[str, float]:
    """RSS in MB per process role (each role's processes summed: two gunicorn workers are one figure)."""
    totals: Counter = Counter()
    for process in psutil.Process(stack.pid).children(recursive=True):
        role = process_role(process)
        if role is not None:
            try:
                totals[role] += process.memory_info().rss / 2**20
            except psutil.Error:
                pass
    return {role: round(mb, 1) for role, mb in sorted(totals.items())}


def soak(base: str, stack: subprocess.Popen, users: int, seconds: int, accounts_file: Path) -> dict:
    command, env = locust(base, users, users, seconds, accounts_file)
    # Its JSON goes to a file: through a pipe nobody reads until the end, a large report would block locust.
    report_file = accounts_file.with_name("soak.json")
    with report_file.open("w") as out:
        running = subprocess.Popen(command, stdout=out, stderr=subprocess.DEVNULL, text=True, env=env)
    time.sleep(min(30, seconds / 10))  # memory after warm-up, not the empty processes'
    samples = [memory(stack)]
    start = time.monotonic()
    while running.poll() is None:
        time.sleep(10)
        samples.append(memory(stack))
        log(f"  soak {time.monotonic() - start:.0f}/{seconds} s: " + ", ".join(f"{k} {v} MB" for k, v in samples[-1].items()))
    stats = json.loads(report_file.read_text() or "[]")
    requests = sum(e["num_requests"] for e in stats)
    failures = sum(e["num_failures"] for e in stats)
    first, last = samples[0], samples[-1]
    return {"users": users, "seconds": seconds, "requests": requests, "failures": failures,
            "rss_mb_start": first, "rss_mb_end": last, "rss_mb_peak": {k: max(s.get(k, 0) for s in samples) for k in last},
            "growth_mb": {k: round(last[k] - first.get(k, 0), 1) for k in last}}


def stop(stack: subprocess.Popen) -> None:
    """Stop the stack (Ctrl-C, as a person would), then anything of its session still alive: a gunicorn or
    worker left behind would keep the port, and the next run would measure the old code on it."""
    if stack.poll() is None:
        stack.send_signal(signal.SIGINT)
        try:
            stack.wait(timeout=60)
        except subprocess.TimeoutExpired:
            stack.kill()
    try:
        os.killpg(stack.pid, signal.SIGKILL)  # started with start_new_session: its session is its group
    except (ProcessLookupError, PermissionError):
        pass


def start_stack(target: str, port: int, database: str, redis_db: int, prefix: str,
                settings: dict[str, str] | None = None) -> tuple[subprocess.Popen, dict[str, str], Path, str]:
    """scripts/run-full on ``port`` against the test services (`make <target>` points the environment at them),
    in a fresh database, Redis db and index prefix of its own, with ``settings`` on top: the process, its
    environment, its instance folder and its database's URL."""
    services = {name: os.environ.get(name, "") for name in ("CSWJOBS_DATABASE_URL", "CSWJOBS_REDIS_URL",
                                                             "CSWJOBS_SEARCH_URL")}
    if not all(services.values()):
        raise SystemExit(f"{target}: run it with `make {target}`, which starts the test services and points "
                         "CSWJOBS_DATABASE_URL, CSWJOBS_REDIS_URL and CSWJOBS_SEARCH_URL at them.")
    database_url = fresh_database("postgresql", ROOT, database, target)
    state = Path(tempfile.mkdtemp(prefix=f"cswjobs-{target}-"))
    env = {
        **os.environ, "PORT": str(port), "MAIL_SINK_PORT": str(port + 507), "WEB_CONCURRENCY": "2",
        "CSWJOBS_DATABASE_URL": database_url,
        "CSWJOBS_REDIS_URL": services["CSWJOBS_REDIS_URL"].rsplit("/", 1)[0] + f"/{redis_db}",
        "CSWJOBS_SEARCH_URL": services["CSWJOBS_SEARCH_URL"], "CSWJOBS_SEARCH_INDEX_PREFIX": prefix,
        "CSWJOBS_INSTANCE_PATH": str(state), "CSWJOBS_LOG_LEVEL": "WARNING", **(settings or {}),
    }
    subprocess.run(["redis-cli", "-u", env["CSWJOBS_REDIS_URL"], "flushdb"], check=True, capture_output=True)
    log(f"{target}: starting the full stack on http://127.0.0.1:{port} (migrate, demo seed, reindex, then web + "
        "worker + cron)")
    stack = subprocess.Popen([str(ROOT / "scripts" / "run-full")], cwd=ROOT, env=env,
                             stdout=sys.stderr, stderr=sys.stderr, start_new_session=True)
    return stack, env, state, database_url


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", default="10,50,200")
    parser.add_argument("--seconds", type=int, default=45, help="each level's run")
    parser.add_argument("--soak", type=int, default=600, help="the soak's length in seconds (0: none)")
    parser.add_argument("--soak-users", type=int, default=20)
    parser.add_argument("--port", type=int, default=18080)
    args = parser.parse_args()

    load_at_start = os.getloadavg()
    base = f"http://127.0.0.1:{args.port}"
    stack, env, state, database_url = start_stack("bench-load", args.port, DATABASE, REDIS_DB, PREFIX, {
        "CSWJOBS_SIGN_IN_RATE_LIMIT": NO_LIMIT, "CSWJOBS_ACCOUNT_RATE_LIMIT": NO_LIMIT,
        "CSWJOBS_APPLY_RATE_LIMIT": NO_LIMIT})
    try:
        ready_after = wait_ready(base, stack, timeout=1200)
        log(f"bench-load: ready after {ready_after:.0f} s; waiting for the worker to finish the start-up's work")
        settled_after = wait_settled(env["CSWJOBS_REDIS_URL"], timeout=1800)
        log(f"bench-load: settled after {settled_after:.0f} s more")
        from webapp.demo.seed import CANDIDATE_PASSWORD, DEMO_ACCOUNT_BY_ROLE, RECRUITER_PASSWORD
        from domain.vocabulary import UserRole

        accounts_file = state / "accounts.json"
        accounts_file.write_text(json.dumps(accounts(database_url, {
            "candidate": CANDIDATE_PASSWORD, "recruiter": RECRUITER_PASSWORD,
            "programme_lead": DEMO_ACCOUNT_BY_ROLE[UserRole.PROGRAMME_LEAD].password})))
        levels = []
        for users in [int(u) for u in args.users.split(",") if u]:
            log(f"bench-load: {users} users for {args.seconds} s")
            result = run_locust(base, users, args.seconds, accounts_file)
            log(f"  {result['requests_per_second']} req/s, p50 {result['p50_ms']} ms, p95 {result['p95_ms']} ms, "
                f"p99 {result['p99_ms']} ms, {result['failures']} failures of {result['requests']}")
            levels.append(result)
        soaked = None
        if args.soak:
            log(f"bench-load: soak, {args.soak_users} users for {args.soak} s, memory every 10 s")
            soaked = soak(base, stack, args.soak_users, args.soak, accounts_file)
        report = {
            "benchmark": "load", "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                                             "platform": platform.platform()},
            "load_average_at_start": [round(x, 2) for x in load_at_start],
            "load_average_at_end": [round(x, 2) for x in os.getloadavg()],
            "stack": "scripts/run-full: gunicorn (2 sync workers), RQ worker, RQ cron, PostgreSQL, "
                     "Redis, Elasticsearch, all on this machine with locust",
            "ready_after_seconds": round(ready_after, 1),
            "worker_settled_after_seconds": round(settled_after, 1), "levels": levels, "soak": soaked,
        }
        print(json.dumps(report, indent=2))
        worst = max((level["error_rate"] or 0) for level in levels) if levels else 0
        log(f"bench-load: done: {len(levels)} levels, worst error rate {worst:.2%}"
            + (f", soak growth {soaked['growth_mb']}" if soaked else ""))
    finally:
        stop(stack)


if __name__ == "__main__":
    main()
