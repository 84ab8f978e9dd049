"""Pages served under gunicorn against `flask run`, bytes a cold browser moves, and memory, as JSON:
`make bench-web`.

    python -m bench.web --seconds 20 --clients 20

Starts the production process set with scripts/run-full (gunicorn with two processes, the RQ worker, RQ
cron) against the test services, in a database, Redis db and index prefix of its own with the demo
loaded, and beside it the same app under `flask run` (Flask's development server, threaded, one
process: the baseline). Then, for the job page and the search page in turn, wrk (Debian's package: a
C load generator, so the client takes little of the two cores) holds 20 connections open against each
server for a bounded time: requests a second, p50/p95/p99, and any error. Then a cold `/jobs` in
Chromium (a new profile: nothing cached), counting the bytes every response moved (headers and
encoded bodies), and a second visit, which should move only the page. Last, each process's RSS:
each gunicorn worker after the load, and the RQ worker's work horse while it encodes.

Prints one JSON document on stdout (progress on stderr), with the load average at the start and end.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import psutil
import sqlalchemy as sa

from bench.load import start_stack, stop, wait_ready, wait_settled
from bench.search import log

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = ROOT / ".venv" / "bin"
DATABASE = "cswjobs_web"
REDIS_DB = 13
PREFIX = "bench-web"
# Searches a person types, with and without filters, rotated by wrk: the cache of one query is not the measure.
SEARCHES = ["/jobs", "/jobs?q=social+worker", "/jobs?q=child+protection", "/jobs?q=fostering&role_level=senior_practitioner",
            "/jobs?q=practitioner&contract_type=permanent", "/jobs?near=Camden&miles=5", "/jobs?service_area=adoption",
            "/jobs?q=manager&sort=newest", "/jobs?page=2", "/jobs?q=youth+justice"]
# Many more (--searches many, the default): keywords, each alone and with a role level, a service area, a
# contract or a place (first pages: a later one of a narrow search would be "not found"), so a figure is not one
# page drawn again and again.
KEYWORDS = ["", "social+worker", "child+protection", "fostering", "adoption", "practitioner", "manager", "youth+justice",
            "assessment", "care+leavers", "disabled+children", "nqsw", "team+manager", "mash", "edge+of+care"]
FILTERS = ["", "role_level=social_worker", "role_level=senior_practitioner", "role_level=team_manager",
           "service_area=child_protection", "service_area=children_looked_after", "contract_type=permanent",
           "contract_type=locum", "working_pattern=part_time", "near=Camden&miles=5", "near=Croydon&miles=10",
           "sort=newest"]


def many_searches() -> list[str]:
    """Every keyword with every filter (182 in all, the short list among them), the short list's first."""
    combined = ["&".join(part for part in (f"q={q}" if q else "", f) if part) for f in FILTERS for q in KEYWORDS]
    found = SEARCHES + [f"/jobs?{c}" if c else "/jobs" for c in combined]
    return list(dict.fromkeys(found))
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run"]


def wrk(base: str, paths: list[str], clients: int, seconds: int) -> dict:
    """wrk's figures for ``paths`` (requested in turn) with ``clients`` connections for ``seconds``."""
    if shutil.which("wrk") is None:
        raise SystemExit("bench-web: wrk is missing; `apt-get install wrk` (make bench-web does it)")
    command = ["wrk", "-t2", f"-c{clients}", f"-d{seconds}s", "--timeout", "10s", "-s",
               str(ROOT / "bench" / "wrk-report.lua"), base, "--", *paths]
    finished = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60)
    found = re.search(r"^WRKJSON (.*)$", finished.stdout, re.M)
    if not found:
        raise SystemExit(f"bench-web: wrk printed no figures (status {finished.returncode}):\n{finished.stderr[-2000:]}")
    raw = json.loads(found.group(1))
    seconds_run = raw["duration_us"] / 1e6
    return {"requests": raw["requests"], "requests_per_second": round(raw["requests"] / seconds_run, 1),
            "p50_ms": round(raw["p50_us"] / 1000, 1), "p95_ms": round(raw["p95_us"] / 1000, 1),
            "p99_ms": round(raw["p99_us"] / 1000, 1), "max_ms": round(raw["max_us"] / 1000, 1),
            "bad_status": raw["bad_status"], "socket_errors": raw["socket_errors"], "timeouts": raw["timeouts"]}


def cold_page(base: str, path: str) -> dict:
    """Bytes moved by a first visit in a fresh Chromium profile, and by a second visit in the same one."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=shutil.which("chromium") or "/usr/bin/chromium",
                                             args=CHROMIUM_ARGS)
        context = browser.new_context()
        page = context.new_page()
        visits = []
        for _ in range(2):
            moved: list[dict] = []

            def finished(request, moved=moved):
                moved.append({"url": request.url.removeprefix(base), **request.sizes()})

            page.on("requestfinished", finished)
            page.goto(base + path, wait_until="networkidle")
            page.remove_listener("requestfinished", finished)
            visits.append(moved)
        browser.close()

    def summed(moved: list[dict]) -> dict:
        return {"requests": len(moved),
                "bytes": sum(m["responseBodySize"] + m["responseHeadersSize"] for m in moved),
                "by_file": {m["url"]: m["responseBodySize"] + m["responseHeadersSize"] for m in moved}}

    return {"path": path, "cold": summed(visits[0]), "warm": summed(visits[1])}


def rss_by_process(pid: int) -> dict[str, list[float]]:
    """RSS in MB of each gunicorn worker and the RQ worker and its work horse, under the process ``pid``."""
    found: dict[str, list[float]] = {}
    for process in psutil.Process(pid).children(recursive=True):
        try:
            command, parent = " ".join(process.cmdline()), " ".join(process.parent().cmdline())
            rss = round(process.memory_info().rss / 2**20, 1)
        except psutil.Error:
            continue
        if "gunicorn" in command:
            role = "web worker" if "gunicorn" in parent else "web master"
        elif "workers worker" in command:
            role = "work horse" if "workers worker" in parent else "worker"
        elif "flask" in command and " run" in command:
            role = "flask run"
        else:
            continue
        found.setdefault(role, []).append(rss)
    return found


def encode_while_sampling(redis_url: str, database_url: str, stack_pid: int) -> dict:
    """Ask the worker to embed every profile again (a real job through the queue) and take its work horse's
    peak RSS while it does: the process that holds the model."""
    engine = sa.create_engine(database_url)
    with engine.begin() as conn:  # forget which text each profile was embedded from: the sync embeds them again
        conn.execute(sa.text("DELETE FROM profile_embeddings"))
        conn.execute(sa.text("DELETE FROM embeddings"))
        ids = conn.scalars(sa.text("SELECT id FROM candidate_profiles")).all()
    engine.dispose()
    from redis import Redis
    from rq import Queue

    from webapp.dispatch import EMBED_PROFILES

    connection = Redis.from_url(redis_url)
    queue = Queue("embeddings", connection=connection)
    queue.enqueue(EMBED_PROFILES, list(ids), job_timeout=900)  # the task the outbox hands profile changes to
    peak: dict[str, float] = {}
    started = time.monotonic()
    while time.monotonic() - started < 300:
        for role, values in rss_by_process(stack_pid).items():
            if role.startswith("work"):
                peak[role] = max(peak.get(role, 0.0), max(values))
        if queue.count == 0 and time.monotonic() - started > 5 and "work horse" in peak \
                and "work horse" not in rss_by_process(stack_pid):
            break
        time.sleep(0.2)
    connection.close()
    return {"profiles_encoded": len(ids), "peak_rss_mb": peak}


def production_env(state: Path, base_env: dict[str, str], port: int) -> dict[str, str]:
    """scripts/run-full's production settings for a second server beside it (the flask-run baseline)."""
    env = {**base_env, "CSWJOBS_CONFIG": "production", "FLASK_APP": "webapp:create_app",
           "CSWJOBS_SECRET_KEY": (state / "secret_key").read_text().strip(),
           "CSWJOBS_METRICS_TOKEN": (state / "metrics_token").read_text().strip(),
           "CSWJOBS_TRUSTED_HOSTS": "127.0.0.1,localhost", "CSWJOBS_PROXY_HOPS": "0",
           "CSWJOBS_SITE_URL": f"http://127.0.0.1:{port}", "CSWJOBS_SECURE_COOKIES": "false",
           "SSL_CERT_FILE": str(state / "trusted.pem"), "CSWJOBS_SMTP_HOST": "127.0.0.1",
           "CSWJOBS_SMTP_PORT": base_env["MAIL_SINK_PORT"], "CSWJOBS_SMTP_SECURITY": "starttls",
           "CSWJOBS_SMTP_USERNAME": "cswjobs", "CSWJOBS_SMTP_PASSWORD": (state / "smtp_password").read_text().strip()}
    return env


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=20, help="each wrk run")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=2, help="turns each server takes per page")
    parser.add_argument("--port", type=int, default=18180)
    parser.add_argument("--pages", choices=("many", "few"), default="many",
                        help="many: every live job and 182 searches (signed-out job pages are kept drawn, so "
                             "a short list would measure only kept pages); few: 20 jobs and 10 searches, as before")
    args = parser.parse_args()

    for port in (args.port, args.port + 1):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)
        except urllib.error.HTTPError:
            pass  # an answer all the same
        except OSError:
            continue
        raise SystemExit(f"bench-web: something already answers on port {port} (a stack left from an earlier run?); "
                         "stop it or pass --port")
    load_at_start = os.getloadavg()
    base, baseline_base = f"http://127.0.0.1:{args.port}", f"http://127.0.0.1:{args.port + 1}"
    stack, env, state, database_url = start_stack("bench-web", args.port, DATABASE, REDIS_DB, PREFIX)
    baseline = None
    try:
        ready_after = wait_ready(base, stack, timeout=1200)
        log(f"bench-web: ready after {ready_after:.0f} s; waiting for the worker to finish the start-up's work")
        wait_settled(env["CSWJOBS_REDIS_URL"], timeout=1800)
        baseline = subprocess.Popen([str(VENV_BIN / "flask"), "run", "--host", "127.0.0.1", "--port", str(args.port + 1),
                                     "--no-debugger", "--no-reload"],
                                    cwd=ROOT, env=production_env(state, env, args.port + 1),
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        wait_ready(baseline_base, stack, timeout=120)
        engine = sa.create_engine(database_url)
        with engine.connect() as conn:
            slugs = conn.execute(sa.text("SELECT id, slug FROM vacancies WHERE status = 'live' AND closing_date >= "
                                         "CURRENT_DATE ORDER BY id" + (" LIMIT 20" if args.pages == "few" else ""))).all()
        engine.dispose()
        jobs = [f"/jobs/{vacancy_id}-{slug}" for vacancy_id, slug in slugs]
        pages = {"job page": jobs, "search page": SEARCHES if args.pages == "few" else many_searches()}
        log(f"bench-web: {len(jobs)} job pages and {len(pages['search page'])} searches in turn")
        results: dict[str, dict] = {}
        for name, paths in pages.items():
            for server, url in (("gunicorn", base), ("flask run", baseline_base)):
                wrk(url, paths, args.clients, 3)  # warm both: first requests compile templates and fill pools
            # The two servers take turns, twice: on a shared machine a burst of someone else's work then
            # lands on both rather than on whichever ran at that moment. The better round is the figure.
            for round_number in range(1, args.rounds + 1):
                for server, url in (("gunicorn", base), ("flask run", baseline_base)):
                    log(f"bench-web: {name} on {server}, round {round_number}, {args.clients} clients for {args.seconds} s")
                    figures = wrk(url, paths, args.clients, args.seconds)
                    log(f"  {figures['requests_per_second']} req/s, p50 {figures['p50_ms']} ms, p95 {figures['p95_ms']} ms, "
                        f"{figures['bad_status']} bad status, {figures['socket_errors']} socket errors")
                    entry = results.setdefault(name, {}).setdefault(server, {"rounds": []})
                    entry["rounds"].append(figures)
            for entry in results[name].values():
                entry.update(max(entry["rounds"], key=lambda r: r["requests_per_second"]))
        memory_after_load = rss_by_process(stack.pid)
        log("bench-web: a cold /jobs in Chromium")
        transfer = cold_page(base, "/jobs")
        log(f"  cold {transfer['cold']['bytes']} bytes in {transfer['cold']['requests']} requests; "
            f"second visit {transfer['warm']['bytes']} bytes")
        log("bench-web: memory of the worker while it embeds every profile again")
        encoding = encode_while_sampling(env["CSWJOBS_REDIS_URL"], database_url, stack.pid)
        report = {
            "benchmark": "web", "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                                            "platform": platform.platform()},
            "load_average_at_start": [round(x, 2) for x in load_at_start],
            "load_average_at_end": [round(x, 2) for x in os.getloadavg()],
            "servers": {"gunicorn": "scripts/run-full: 2 sync workers (the Procfile's web line)",
                        "flask run": "Flask's development server, threaded, one process (the baseline)"},
            "clients": args.clients, "seconds": args.seconds,
            "paths_rotated": {name: len(paths) for name, paths in pages.items()}, "pages": results,
            "targets": {"job page": {"requests_per_second": 300, "p95_ms": 100},
                        "search page": {"requests_per_second": 100, "p95_ms": 100},
                        "cold_jobs_bytes": 100_000, "web_worker_rss_mb": 250, "work_horse_rss_mb": 700},
            "cold_jobs": transfer, "rss_mb_after_load": memory_after_load, "encoding": encoding,
        }
        print(json.dumps(report, indent=2))
        job, search = results["job page"]["gunicorn"], results["search page"]["gunicorn"]
        log(f"bench-web: done: job page {job['requests_per_second']} req/s p95 {job['p95_ms']} ms, search "
            f"{search['requests_per_second']} req/s p95 {search['p95_ms']} ms, cold /jobs {transfer['cold']['bytes']} bytes")
    finally:
        if baseline is not None:
            stop(baseline)
        stop(stack)


if __name__ == "__main__":
    main()
