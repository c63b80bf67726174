"""Where one sync request's time goes: a 250-answer submission per request, profiled in process.

    python bench/sync/profile_request.py [--requests 300] [--sort tottime] [--top 40]
    python bench/sync/profile_request.py --db postgres     # a fresh PostgreSQL database, dropped afterwards

The app is configured as gunicorn serves it (CSRF on, the session and remember cookies of a
real log-in, compression on), not as the tests configure it; requests go through Werkzeug's
test client, so what is measured is the WSGI app (no socket, no gunicorn). Printed: CPU and
statements per request without the profiler, then cProfile's top functions.
"""
from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bench.sync import run as bench  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--sort", default="tottime")
    parser.add_argument("--top", type=int, default=40)
    bench.add_database_arguments(parser)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-sync-profile-") as tmp, bench.database(args, tmp) as url:
        app = bench.make_app(url, str(Path(tmp) / "uploads"), production_like=True)
        plan = bench.setup(app)
        import random

        rng = random.Random(3)
        client = app.test_client()
        login = client.post("/api/v1/session", json={"username": "inspector1", "password": bench.PASSWORD})
        assert login.status_code == 200, login.get_data(as_text=True)
        headers = {"X-CSRFToken": login.get_json()["csrf_token"], "Accept-Encoding": "gzip, br"}
        wide = plan["wide_template"]

        def batch(n: int) -> list[dict]:
            return [bench.submission(plan["wide_visit"], plan["wide_label"],
                                     bench.full_answers(wide, "department", rng)) for _ in range(n)]

        def send(items: list[dict]) -> None:
            for entry in items:
                response = client.post("/api/v1/submissions", json={"submissions": [entry]}, headers=headers)
                assert response.status_code == 200, response.get_data(as_text=True)[:300]
                assert response.get_json()["results"][0]["status"] == "created"

        send(batch(20))  # warm-up
        with app.app_context():
            from inspections.extensions import db

            counter = bench.QueryCounter(db.engine)
        items = batch(args.requests)
        before, cpu = counter.snapshot(), time.process_time()
        send(items)
        cpu = (time.process_time() - cpu) / len(items)
        statements, commits = [(b - a) / len(items) for a, b in zip(before, counter.snapshot(), strict=True)]
        print(f"{bench.dialect_name(url)}: {cpu * 1000:.2f} ms CPU per request (the test client's own work "
              f"included), {statements:.1f} statements + {commits:.1f} commit per request")
        items = batch(args.requests)
        profiler = cProfile.Profile()
        profiler.enable()
        send(items)
        profiler.disable()
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats(args.sort).print_stats(args.top)
        print(out.getvalue())


if __name__ == "__main__":
    main()
