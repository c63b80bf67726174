"""Where one sync request's CPU goes: the WSGI app called directly, phase by phase, and profiled.

    python bench/sync/profile_request.py [--requests 300] [--sort tottime] [--top 40] [--ascii]
    python bench/sync/profile_request.py --db postgres     # a fresh PostgreSQL database, dropped afterwards

The app is configured as gunicorn serves it (CSRF on, the session and remember cookies of a
real log-in, compression on), not as the tests configure it. Every request's WSGI environ is
built before the clock starts and the app is called directly, so what is measured is the app
alone (no client, no socket, no gunicorn). Bodies are sent as a phone sends them (UTF-8, no
ASCII escapes; `--ascii` escapes them as Python's json.dumps does by default).

Printed, per request, for four requests that each do a little more than the one before:
CPU (this thread's) and Python function calls (cProfile's count: the same on a busy machine
as on a quiet one, unlike CPU time), and statements sent to the database:

    GET /healthz                      Flask itself: routing, the request context, after-request hooks
    GET /api/v1/csrf                  + the session cookie, the user's row, a CSRF token
    POST /api/v1/submissions, empty   + the CSRF check, the JSON reader, the sync time, a commit
    POST, one 250-answer submission   + the batch: its facts, validation, encoding, the INSERTs

then cProfile's top functions for one of them (`--profile`, the last by default), by CPU time (time spent waiting for
PostgreSQL's answers is not counted).
"""
from __future__ import annotations

import argparse
import cProfile
import io
import json
import pstats
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bench.sync import run as bench  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=300, help="requests of each kind")
    parser.add_argument("--sort", default="tottime")
    parser.add_argument("--top", type=int, default=40, help="functions to list (0: none)")
    parser.add_argument("--profile", type=int, choices=(1, 2, 3, 4), default=4,
                        help="which request's functions to list (1: healthz ... 4: one submission)")
    parser.add_argument("--ascii", action="store_true", help="bodies with ASCII escapes (Python's json default)")
    bench.add_database_arguments(parser)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-sync-profile-") as tmp, bench.database(args, tmp) as url:
        app = bench.make_app(url, str(Path(tmp) / "uploads"), production_like=True)
        plan = bench.setup(app)
        rng = random.Random(3)
        client, headers = logged_in(app)
        wide = plan["wide_template"]

        def body(items: list[dict]) -> bytes:
            return json.dumps({"submissions": items}, ensure_ascii=args.ascii).encode()

        def one() -> bytes:
            return body([bench.submission(plan["wide_visit"], plan["wide_label"],
                                          bench.full_answers(wide, "department", rng))])

        kinds: list[tuple[str, str, str, Callable[[], bytes | None], str]] = [
            ("GET /healthz", "GET", "/healthz", lambda: None, ""),
            ("GET /api/v1/csrf", "GET", "/api/v1/csrf", lambda: None, "csrf_token"),
            ("POST /api/v1/submissions, empty", "POST", "/api/v1/submissions", lambda: body([]), "results"),
            ("POST, one 250-answer submission", "POST", "/api/v1/submissions", one, "created"),
        ]
        with app.app_context():
            from inspections.extensions import db

            counter = bench.QueryCounter(db.engine)
        print(f"{bench.dialect_name(url)}, per request ({args.requests} of each, the app called directly):")
        listed = None
        for number, (label, method, path, make_body, expect) in enumerate(kinds, start=1):
            def environs(n: int = args.requests, method=method, path=path, make_body=make_body) -> list[dict]:
                return [environ(method, path, headers, make_body(), client.environ_base) for _ in range(n)]

            call(app, environs(20), expect)  # warm-up
            batch = environs()
            before, cpu = counter.snapshot(), time.thread_time()
            call(app, batch, expect)
            cpu = (time.thread_time() - cpu) / len(batch)
            statements, commits = [(b - a) / len(batch) for a, b in zip(before, counter.snapshot(), strict=True)]
            calls, profiler = profiled(app, environs(), expect)
            print(f"  {label:34} {cpu * 1000:6.3f} ms CPU  {calls:7.0f} Python calls  "
                  f"{statements:4.1f} statements + {commits:.1f} commit")
            if number == args.profile:
                listed = profiler
        if args.top and listed is not None:
            out = io.StringIO()
            pstats.Stats(listed, stream=out).sort_stats(args.sort).print_stats(args.top)
            print(out.getvalue())


def logged_in(app):
    """A test client logged in as inspector1 (the bench's users), and the headers a phone's
    request then carries: its session cookie and CSRF token."""
    client = app.test_client()
    login = client.post("/api/v1/session", json={"username": "inspector1", "password": bench.PASSWORD})
    assert login.status_code == 200, login.get_data(as_text=True)
    cookies = "; ".join(f"{c.key}={c.value}" for c in client._cookies.values())
    headers = {"X-CSRFToken": login.get_json()["csrf_token"], "Cookie": cookies,
               "Accept": "application/json", "Accept-Encoding": "gzip, br"}
    return client, headers


def profiled(app, environs: list[dict[str, Any]], expect: str) -> tuple[float, cProfile.Profile]:
    """`environs` called under cProfile, by this thread's CPU time (waiting for the database
    counts nothing): the Python calls per request, and the profile."""
    profiler = cProfile.Profile(time.thread_time)
    profiler.enable()
    call(app, environs, expect)
    profiler.disable()
    return pstats.Stats(profiler).total_calls / len(environs), profiler  # type: ignore[attr-defined]


def environ(method: str, path: str, headers: dict[str, str], data: bytes | None,
            base: dict[str, Any]) -> dict[str, Any]:
    """A request's WSGI environ, from the same address and User-Agent as the log-in (`base`, the
    test client's): else Flask-Login's "basic" session protection sees another device and
    marks the session not fresh, and every request writes the session cookie again."""
    from werkzeug.test import EnvironBuilder

    builder = EnvironBuilder(path=path, method=method, headers=headers, data=data,
                             content_type="application/json" if data is not None else None,
                             environ_base=dict(base))
    try:
        return builder.get_environ()
    finally:
        builder.close()


def call(app, environs: list[dict[str, Any]], expect: str) -> None:
    status: list[str] = []
    cookies: list[str] = []

    def start_response(line: str, headers: Any, exc_info: Any = None) -> None:
        status.append(line)
        cookies.extend(value for name, value in headers if name.lower() == "set-cookie")

    for env in environs:
        status.clear()
        cookies.clear()
        chunks = app(env, start_response)
        try:
            data = b"".join(chunks)
        finally:
            if hasattr(chunks, "close"):
                chunks.close()
        assert status[0].startswith("200"), (status, data[:300])
        assert not cookies, f"the session cookie was written again: {cookies[0][:80]}"  # as a phone's request would not
        assert expect.encode() in data, data[:300]


if __name__ == "__main__":
    main()
