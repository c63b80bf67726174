"""Load: 200 inspectors syncing at once through gunicorn on loopback, zero errors, nothing lost.

    python bench/load/run.py                       # 200 inspectors, 3 rounds, SQLite then PostgreSQL
    python bench/load/run.py --db sqlite --inspectors 50 --rounds 2 --workers 3

Without a PostgreSQL server, `--db both` runs SQLite and says loudly that PostgreSQL was skipped
(under CI=true that fails the run, as `--db postgres` always does).

For each database: a fresh one (a SQLite file in a temporary folder; a new PostgreSQL database
named bench_load_<pid>, dropped afterwards), `flask db upgrade`, the demo province plus the
load inspectors (teams of 10, 5 visits per team), then `gunicorn -c gunicorn.conf.py app:app`
with --workers workers on 127.0.0.1. Every inspector logs in, fetches a CSRF token and its
visits, and syncs one batch per round (each round a new revision of every checklist it fills);
every third one also resends a batch as if an answer was lost, and an older revision. Clients
retry on connection errors, timeouts and 5xx with the same uuid + revision.

Printed per database: throughput, p50/p95 latency, transient failures (retried), errors
(anything a client could not get done or got a wrong answer for), and the exactly-once check
read straight from the tables. The exit status is 1 if any database had an error or failed
the check. See bench/README.md.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench import host  # noqa: E402
from bench.load import harness  # noqa: E402


def run_one(kind: str, args: argparse.Namespace) -> bool:
    with tempfile.TemporaryDirectory(prefix=f"bench-load-{kind}-") as tmp:
        tmp_dir = Path(tmp)
        if kind == "sqlite":
            url = harness.sqlite_url(tmp_dir)
        else:
            try:
                url = harness.create_postgres_database(args.pg_url, f"bench_load_{os.getpid()}")
            except Exception as exc:  # noqa: BLE001 - no server: say so loudly
                print(f"[postgres] SKIPPED: PostgreSQL at {args.pg_url} does not answer ({type(exc).__name__}: {exc})")
                return args.db == "both" and os.environ.get("CI") != "true"
        try:
            return _measure(kind, url, tmp_dir, args)
        finally:
            if kind == "postgres" and not args.keep:
                harness.drop_postgres_database(url)


def _measure(kind: str, url: str, tmp_dir: Path, args: argparse.Namespace) -> bool:
    from inspections import create_app

    env = harness.server_env(url, tmp_dir / "uploads")
    started = time.perf_counter()
    harness.migrate(env)
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": harness.SECRET_KEY,
                      "UPLOAD_DIR": str(tmp_dir / "uploads")})
    password_hash = None
    if args.fast_hash:
        from werkzeug.security import generate_password_hash

        password_hash = generate_password_hash(harness.PASSWORD, method="pbkdf2:sha256:1000")
    plan = harness.seed(app, args.inspectors, team_size=args.team_size,
                        visits_per_team=args.visits_per_team, password_hash=password_hash)
    print(f"[{kind}] database ready in {time.perf_counter() - started:.1f} s: {len(plan.inspectors)} inspectors, "
          f"{plan.submissions} checklists x {args.rounds} revisions", flush=True)
    server = harness.GunicornServer(env, tmp_dir / "gunicorn.log", workers=args.workers,
                                    threads=args.threads, app_spec=args.app)
    server.start()
    try:
        stats = harness.run_load(server.url, plan, args.rounds, deadline=args.deadline, think=args.think,
                                 logins_apart=args.logins_apart)
    finally:
        server.stop()
    figures = harness.describe(stats)
    check = harness.check_exactly_once(url, plan, args.rounds)
    log_text = (tmp_dir / "gunicorn.log").read_text(errors="replace")
    locked = log_text.count("database is locked")
    tracebacks = log_text.count("Traceback (most recent call last)")
    if args.verbose:
        print(json.dumps(figures, indent=2, ensure_ascii=False))
    for message in stats.errors[:10]:
        print(f"[{kind}] error: {message}")
    if tracebacks:
        start = log_text.find("Traceback")
        print(f"[{kind}] server log has {tracebacks} traceback(s); the first:\n{log_text[start:start + 3000]}")
    ok = check.ok and not stats.errors and not tracebacks
    print(f"[{kind}] SUMMARY {'OK' if ok else 'FAILED'}: {len(plan.inspectors)} inspectors x {args.rounds} rounds, "
          f"{args.workers} workers x {args.threads} threads, {args.app} | "
          f"{'log-in burst ' + str(figures['login_phase_s']) + ' s, then ' if args.logins_apart else ''}"
          f"{figures['requests']} requests in {figures['elapsed_s']} s "
          f"= {figures['requests_per_s']} req/s, {figures['submissions_stored_per_s']} submissions stored/s | "
          f"latency p50 {figures['p50_ms']} ms, p95 {figures['p95_ms']} ms "
          f"(sync p50 {figures['sync_p50_ms']} / p95 {figures['sync_p95_ms']} ms, "
          f"login p50 {figures['login_p50_ms']} / p95 {figures['login_p95_ms']} ms, max {figures['max_ms']} ms; "
          f"time to log in p50 {figures['time_to_log_in_p50_ms']} / p95 {figures['time_to_log_in_p95_ms']} / "
          f"max {figures['time_to_log_in_max_ms']} ms, {figures['login_busy_answers']} busy answers) | "
          f"errors {figures['errors']}, transient {sum(figures['transient_failures'].values())} "
          f"{figures['transient_failures'] or ''}, 'database is locked' in log {locked}, "
          f"server tracebacks {tracebacks} | "
          f"{check.summary()}", flush=True)
    return ok


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--inspectors", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3, help="revisions of each checklist (one batch each)")
    parser.add_argument("--db", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument("--threads", type=int, default=2, help="threads per gunicorn worker")
    parser.add_argument("--team-size", type=int, default=10)
    parser.add_argument("--visits-per-team", type=int, default=5)
    parser.add_argument("--think", type=float, default=0.02, help="most seconds an inspector waits between rounds")
    parser.add_argument("--deadline", type=float, default=300, help="seconds before a client gives up")
    parser.add_argument("--pg-url",
                        default=os.environ.get("BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"),
                        help="a PostgreSQL server to create the fresh database on")
    parser.add_argument("--app", default="app:app", help="WSGI app gunicorn loads")
    parser.add_argument("--fast-hash", action="store_true",
                        help="cheap password hashes (default: scrypt, as in production)")
    parser.add_argument("--keep", action="store_true", help="keep the PostgreSQL database")
    parser.add_argument("--logins-apart", action="store_true",
                        help="log everyone in first, then start the syncs together (latencies of each apart)")
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args(argv)
    print(host.describe(), flush=True)  # rates are only comparable beside the host's speed
    kinds = ("sqlite", "postgres") if args.db == "both" else (args.db,)
    results = [run_one(kind, args) for kind in kinds]
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
