"""Feeds benchmark: how long the sitemap, the aggregator feed, RSS/Atom feeds, the public councils
list and the nightly DWP export take over a large region, as JSON.

    python -m bench.feeds --size 60000

Builds a fresh SQLite database with `seed_scale` (deterministic; 90% of the vacancies live, so
60,000 is past the sitemap's 50,000 addresses and it splits), then times each answer through the
app's test client (a conditional GET with the first answer's ETag too) and one export run.
Progress goes to stderr; the JSON goes to stdout.
"""
from __future__ import annotations

import argparse
import json
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Callable


def timed(func: Callable[[], Any], repeat: int) -> tuple[list[float], Any]:
    samples, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = func()
        samples.append((time.perf_counter() - started) * 1000)
    return samples, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", type=int, default=60000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    # Imported here: the app is built only once the arguments are read (and --help stays quick).
    from flask_migrate import upgrade

    from webapp import create_app
    from webapp.demo.scale import seed_scale
    from webapp.extensions import db
    from webapp.services import dwp_export

    folder = Path(tempfile.mkdtemp(prefix="bench-feeds-"))
    app = create_app("test", {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'bench.sqlite3'}",
                              "SEARCH_SQLITE_PATH": str(folder / "search.sqlite3"), "INSTANCE_PATH": str(folder),
                              "SERVER_NAME": "localhost", "RATELIMIT_ENABLED": False})
    figures: dict[str, Any] = {"size": args.size, "python": platform.python_version(), "database": "sqlite",
                               "answers": {}}
    with app.app_context():
        upgrade()
        print(f"seeding {args.size:,} vacancies ...", file=sys.stderr)
        started = time.perf_counter()
        seed_scale(db.session, args.size)
        figures["seed_seconds"] = round(time.perf_counter() - started, 1)
        client = app.test_client()

        def fetch(path: str, **headers: str) -> Any:
            response = client.get(path, headers=headers)
            response.get_data()  # the whole body: a streamed answer is timed to its last byte
            response.close()
            return response

        paths = ["/sitemap.xml", "/sitemaps/1.xml", "/sitemaps/2.xml", "/feeds/aggregator.xml", "/feeds/jobs.atom",
                 "/feeds/jobs.rss", "/feeds/councils/croydon.atom", "/api/v1/councils", "/robots.txt"]
        for path in paths:
            print(f"timing {path} ...", file=sys.stderr)
            samples, response = timed(lambda: fetch(path), args.repeat)
            assert response.status_code == 200, (path, response.status_code)
            etag = response.headers.get("ETag")
            not_modified, again = timed(lambda: fetch(path, **{"If-None-Match": etag}), args.repeat)
            assert again.status_code == 304, (path, again.status_code)
            figures["answers"][path] = {
                "median_ms": round(statistics.median(samples), 1),
                "max_ms": round(max(samples), 1),
                "bytes": len(response.data),
                "conditional_median_ms": round(statistics.median(not_modified), 1),
            }
        print("timing the DWP export ...", file=sys.stderr)
        samples, export = timed(lambda: dwp_export.write_export(), args.repeat)
        db.session.commit()
        figures["dwp_export"] = {"median_ms": round(statistics.median(samples), 1), "bytes": len(export.content),
                                 "vacancies": export.vacancy_count, "expired": export.expired_count}
    json.dump(figures, sys.stdout, indent=2)
    print()


if __name__ == "__main__":
    main()
