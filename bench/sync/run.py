"""Benchmark: sync ingest through POST /api/v1/submissions.

    python bench/sync/run.py [--submissions 600] [--batch 50] [--wide 200]
    DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1/bench_sync python bench/sync/run.py

1. Answers stored per second through the API (Flask's test client in this process: routing,
   session, JSON parsing, shape checks, validation against the template, the idempotency
   rules, one savepoint per item, history rows, one commit per request) for full checklists
   of the default template, in batches of --batch.
2. The same rows (submission + submission_revision, same answers JSON, same batch size, one
   transaction per batch) written by a bare SQLAlchemy Core executemany into the same database,
   in this same run, batch by batch in turn with the API (so a busy neighbour on a shared
   machine slows both alike). Printed: both rates and their ratio (design target >= 0.5).
3. Submissions per second for a 250-answer checklist (a synthetic 250-item template), one
   submission per request and in batches, in this process (Flask's test client), with the
   statements and round trips (statements + commits) of one request counted by an engine
   event listener and this process's CPU time per submission (the server's, the client being
   the test client: it includes the request's parsing and building in Werkzeug).
4. The same 250-answer submission, one per request, from --clients (8) concurrent clients
   against gunicorn (`gunicorn -c gunicorn.conf.py app:app`, 4 workers x 2 threads, as
   bench/load runs it) on the same database: submissions/s and the gunicorn workers' CPU per
   submission (read from /proc). Issue #18 asks >= 400/s on this machine type (2 x ODK
   Central's as-answered 154-203/s at 8 clients).
5. With --floor, each round of 4 is followed by one against the stack's floor
   (bench/sync/floor.py: bare Flask, one Core INSERT and a commit per request, no session,
   CSRF, rules or history) on the same database, same clients and gunicorn settings; printed:
   its figures and product / floor (median round).

Runs on a fresh SQLite file in a temporary folder by default; with DATABASE_URL it uses that
(PostgreSQL) database and adds its own rows (the demo province, a bench campaign). Not a test:
it prints figures.
"""
from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import secrets
import sys
import tempfile
import time
import uuid as uuid_module
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Iterator

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bench import host  # noqa: E402

PASSWORD = secrets.token_urlsafe(12)  # the bench users' password, new every run


def make_app(url: str, upload_dir: str, *, production_like: bool = False):
    """The app on `url`; `production_like`: CSRF checked and no TESTING, as gunicorn serves it."""
    from inspections import create_app

    config = {"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": secrets.token_hex(16), "UPLOAD_DIR": upload_dir,
              "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000", "SYNC_MAX_BATCH": 250}
    if not production_like:
        config.update(TESTING=True, WTF_CSRF_ENABLED=False)
    return create_app(config)


def add_database_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", choices=("sqlite", "postgres"), default=None,
                        help="a fresh SQLite file (default) or a fresh PostgreSQL database on --pg-url, "
                             "dropped afterwards; DATABASE_URL instead uses that database as it is")
    parser.add_argument("--pg-url",
                        default=os.environ.get("BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"),
                        help="the PostgreSQL server to create the fresh database on")


@contextlib.contextmanager
def database(args: argparse.Namespace, tmp: str) -> Iterator[str]:
    """The database URL to run on: DATABASE_URL, or a fresh one of --db (dropped afterwards)."""
    from bench.load import harness

    if os.environ.get("DATABASE_URL") and args.db is None:
        yield os.environ["DATABASE_URL"]
        return
    if args.db != "postgres":
        yield f"sqlite:///{tmp}/bench.sqlite3"
        return
    url = harness.create_postgres_database(args.pg_url, f"bench_sync_{os.getpid()}")
    try:
        yield url
    finally:
        from sqlalchemy.orm import close_all_sessions

        close_all_sessions()
        harness.drop_postgres_database(url)


def dialect_name(url: str) -> str:
    return url.split(":", 1)[0].split("+", 1)[0]


def answer_for(item, rng: random.Random):
    """A valid answer to one item (subsets stay below their whole: wholes get big numbers)."""
    if item.type == "ynp":
        return rng.choice(item.allowed_values)
    if item.type == "mf":
        if item.subset_of:
            return {"male": rng.randint(0, 5), "female": rng.randint(0, 5)}
        return {"male": rng.randint(100, 400), "female": rng.randint(100, 400)}
    if item.type == "int":
        return rng.randint(0, 5) if item.subset_of else rng.randint(10, 50)
    if item.type == "money":
        return rng.randint(1, 200) * 1_000_000
    if item.type == "date":
        return (date.today() - timedelta(days=rng.randint(0, 300))).isoformat()
    if item.type == "text":
        return "Nội dung trả lời số %d về công tác bình đẳng giới." % rng.randint(1, 10_000)
    return []  # file: no evidence in this benchmark


def full_answers(template, unit_kind: str, rng: random.Random) -> dict:
    return {item.code: answer_for(item, rng) for item in template.items_for(unit_kind) if item.type != "file"}


def wide_template_dict(items: int = 250) -> dict:
    """A synthetic template of `items` items over 5 sections, every answer type but files."""
    types = ("ynp", "mf", "int", "money", "date", "text")
    per_section = items // 5
    sections = []
    for s, letter in enumerate("ABCDE"):
        sections.append({
            "code": letter, "title_vi": f"Phần {letter}", "title_en": f"Part {letter}",
            "items": [{"code": f"{letter}{n}", "type": types[(s * per_section + n) % len(types)],
                       "label_vi": f"Mục {letter}{n}", "label_en": f"Item {letter}{n}"}
                      for n in range(1, per_section + 1)],
        })
    return {"key": "bench_wide", "version": 1, "title_vi": "Phiếu 250 mục", "title_en": "250-item checklist",
            "sections": sections}


def setup(app):
    """Migrate, load the demo province and a bench campaign with the 250-item template."""
    from flask_migrate import upgrade
    from sqlalchemy import select

    from inspections import checklist
    from inspections.checklists.services import store_template
    from inspections.demo import seed_demo
    from inspections.extensions import db
    from inspections.models import Campaign, Team, TeamMember, Unit, User, Visit

    with app.app_context():
        upgrade()
        seed_demo(PASSWORD, year=2026)
        db.session.commit()
        inspector = db.session.scalar(select(User).where(User.username == "inspector1"))
        template, _ = store_template(checklist.Template.from_dict(wide_template_dict()))
        demo_campaign = db.session.scalar(select(Campaign).order_by(Campaign.id))
        tag = uuid_module.uuid4().hex[:6]
        campaign = Campaign(name=f"Bench {tag}", year=2026, period="annual", deadline=date(2026, 12, 10),
                            template_id=template.id, target_set_id=demo_campaign.target_set_id)
        db.session.add(campaign)
        db.session.flush()
        team = Team(campaign_id=campaign.id, name=f"Bench team {tag}", lead_id=inspector.id)
        db.session.add(team)
        db.session.flush()
        db.session.add(TeamMember(team_id=team.id, user_id=inspector.id, team_role="member"))
        unit = Unit(code=f"BENCH-{tag}", name="Đơn vị thử tải", kind="department")
        db.session.add(unit)
        db.session.flush()
        wide_visit = Visit(team_id=team.id, unit_id=unit.id, status="in_progress")
        db.session.add(wide_visit)
        db.session.commit()
        demo_visits = [v.id for v in db.session.scalars(
            select(Visit).join(Team, Visit.team_id == Team.id)
            .where(Team.campaign_id == demo_campaign.id, Team.lead_id != inspector.id)
            .join(TeamMember, TeamMember.team_id == Team.id).where(TeamMember.user_id == inspector.id))]
        return {"inspector_id": inspector.id, "demo_visits": demo_visits, "wide_visit": wide_visit.id,
                "demo_template": checklist.Template.from_dict(demo_campaign.template.definition),
                "demo_label": f"{demo_campaign.template.key}@{demo_campaign.template.version}",
                "demo_template_id": demo_campaign.template_id,
                "wide_template": checklist.Template.from_dict(template.definition), "wide_label": "bench_wide@1"}


def submission(visit_id: int, label: str, answers: dict) -> dict:
    return {"uuid": str(uuid_module.uuid4()), "visit_id": visit_id, "template": label, "revision": 1,
            "answers": answers, "notes": {}, "state": "submitted",
            "client_saved_at": datetime.now(timezone.utc).isoformat()}


class QueryCounter:
    """Statements and commits the app sends to the database (an engine event listener)."""

    def __init__(self, engine):
        from sqlalchemy import event

        self.statements = self.commits = 0
        event.listen(engine, "before_cursor_execute", self._statement)
        event.listen(engine, "commit", self._commit)

    def _statement(self, *args, **kwargs):
        self.statements += 1

    def _commit(self, *args, **kwargs):
        self.commits += 1

    def snapshot(self) -> tuple[int, int]:
        return self.statements, self.commits


def phone_json(body) -> bytes:
    """JSON as a phone's outbox sends it (JSON.stringify: UTF-8, no ASCII escapes)."""
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()


def send(client, items: list[dict], batch: int) -> float:
    started = time.perf_counter()
    for start in range(0, len(items), batch):
        response = client.post("/api/v1/submissions", data=phone_json({"submissions": items[start:start + batch]}),
                               content_type="application/json")
        assert response.status_code == 200, response.get_data(as_text=True)[:500]
        statuses = {r["status"] for r in response.get_json()["results"]}
        assert statuses == {"created"}, response.get_json()["results"][:3]
    return time.perf_counter() - started


def core_insert(app, chunk: list[dict], inspector_id: int, template_id: int) -> float:
    """The same rows with a bare Core executemany, one transaction for the chunk; returns seconds."""
    from sqlalchemy import insert, select

    from inspections.extensions import db
    from inspections.models import Submission, SubmissionRevision
    from inspections.submissions import content_hash

    with app.app_context():
        engine = db.engine
        sub_table, rev_table = Submission.__table__, SubmissionRevision.__table__
        started = time.perf_counter()
        now = datetime.now(timezone.utc)
        rows = [{"uuid": s["uuid"], "visit_id": s["visit_id"], "inspector_id": inspector_id,
                 "template_id": template_id, "revision": 1, "state": "submitted", "answers": s["answers"],
                 "notes": {}, "content_hash": content_hash(s["answers"], {}, "submitted"),
                 "client_saved_at": now, "received_at": now, "updated_at": now, "late": False,
                 "review_state": "received"} for s in chunk]
        with engine.begin() as connection:
            connection.execute(insert(sub_table), rows)
            ids = dict(connection.execute(
                select(sub_table.c.uuid, sub_table.c.id).where(sub_table.c.uuid.in_([r["uuid"] for r in rows]))).all())
            connection.execute(insert(rev_table), [
                {"submission_id": ids[r["uuid"]], "revision": 1, "state": "submitted", "answers": r["answers"],
                 "notes": {}, "content_hash": r["content_hash"], "client_saved_at": now, "received_at": now,
                 "late": False} for r in rows])
        return time.perf_counter() - started


def interleaved(app, client, items: list[dict], plan: dict, batch: int) -> tuple[float, float]:
    """API and bare Core, batch by batch in turn (the same load on a shared machine hits both);
    returns the seconds each spent in total."""
    api = core = 0.0
    for start in range(0, len(items), batch):
        chunk = items[start:start + batch]
        api += send(client, chunk, batch)
        core += core_insert(app, [dict(s, uuid=str(uuid_module.uuid4())) for s in chunk],
                            plan["inspector_id"], plan["demo_template_id"])
    with app.app_context():
        from inspections.extensions import db

        db.session.remove()
    return api, core


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--submissions", type=int, default=600, help="full checklists for the ingest ratio")
    parser.add_argument("--batch", type=int, default=50, help="submissions per request (the app's default limit is 50)")
    parser.add_argument("--wide", type=int, default=200, help="250-answer submissions to send")
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients against gunicorn (0: skip)")
    parser.add_argument("--concurrent", type=int, default=800, help="250-answer submissions the clients send")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument("--threads", type=int, default=2, help="threads per gunicorn worker")
    parser.add_argument("--rounds", type=int, default=1, help="measure the gunicorn part this many times")
    parser.add_argument("--gunicorn-only", action="store_true", help="skip the in-process parts (1-3)")
    parser.add_argument("--floor", action="store_true",
                        help="each gunicorn round also against the stack's floor (bench/sync/floor.py), in turn")
    add_database_arguments(parser)
    args = parser.parse_args()
    host_line = host.describe()  # measured before anything else runs in this process
    print(host_line)
    if args.gunicorn_only:
        with tempfile.TemporaryDirectory(prefix="bench-sync-") as tmp, database(args, tmp) as url:
            plan = setup(make_app(url, str(Path(tmp) / "uploads")))
            served = concurrent(url, tmp, plan, plan["wide_template"], random.Random(7), args)
            print(f"summary {dialect_name(url)}:{served} | {host_line}")
        return

    with tempfile.TemporaryDirectory(prefix="bench-sync-") as tmp, database(args, tmp) as url:
        app = make_app(url, str(Path(tmp) / "uploads"))
        plan = setup(app)
        dialect = dialect_name(url)
        client = app.test_client()
        assert client.post("/api/v1/session", json={"username": "inspector1", "password": PASSWORD}).status_code == 200

        rng = random.Random(7)
        template = plan["demo_template"]
        items = [submission(rng.choice(plan["demo_visits"]), plan["demo_label"],
                            full_answers(template, "department", rng))
                 for _ in range(args.submissions)]
        answer_count = sum(len(s["answers"]) for s in items)
        send(client, items[:args.batch], args.batch)  # warm-up: parsing the template, first queries
        api_items = items[args.batch:]
        api_answers = sum(len(s["answers"]) for s in api_items)
        api_seconds, core_seconds = interleaved(app, client, api_items, plan, args.batch)
        api_rate, core_rate = api_answers / api_seconds, api_answers / core_seconds

        print(f"database: {dialect}")
        print(f"ingest: {len(api_items)} checklists, {api_answers} answers "
              f"({answer_count / len(items):.0f} per checklist), batches of {args.batch}")
        print(f"  through POST /api/v1/submissions: {api_seconds:7.2f} s  {api_rate:10,.0f} answers/s  "
              f"{len(api_items) / api_seconds:8.1f} submissions/s")
        print(f"  bare SQLAlchemy Core insert:      {core_seconds:7.2f} s  {core_rate:10,.0f} answers/s  "
              f"{len(api_items) / core_seconds:8.1f} submissions/s")
        print(f"  ratio API / Core: {api_rate / core_rate:.3f}  (design target >= 0.5)")

        wide = plan["wide_template"]
        wide_items = [submission(plan["wide_visit"], plan["wide_label"], full_answers(wide, "department", rng))
                      for _ in range(args.wide)]
        per_item = len(wide_items[0]["answers"])
        half = len(wide_items) // 2
        with app.app_context():
            from inspections.extensions import db

            counter = QueryCounter(db.engine)
        before, cpu = counter.snapshot(), time.process_time()
        single_seconds = send(client, wide_items[:half], 1)
        single_cpu = (time.process_time() - cpu) / half
        single_queries = [(b - a) / half for a, b in zip(before, counter.snapshot(), strict=True)]
        before, cpu = counter.snapshot(), time.process_time()
        batch_seconds = send(client, wide_items[half:], args.batch)
        batch_cpu = (time.process_time() - cpu) / (len(wide_items) - half)
        batch_requests = -(-(len(wide_items) - half) // args.batch)
        batch_queries = [(b - a) / batch_requests for a, b in zip(before, counter.snapshot(), strict=True)]
        print(f"{per_item}-answer submissions ({len(wide_items)} sent, in this process):")
        print(f"  one per request:      {half / single_seconds:8.1f} submissions/s  "
              f"{single_queries[0]:5.1f} statements + {single_queries[1]:.1f} commit per request  "
              f"{single_cpu * 1000:6.2f} ms CPU per submission")
        print(f"  {args.batch} per request:      {(len(wide_items) - half) / batch_seconds:8.1f} submissions/s  "
              f"{batch_queries[0]:5.1f} statements + {batch_queries[1]:.1f} commit per request  "
              f"{batch_cpu * 1000:6.2f} ms CPU per submission")
        served = concurrent(url, tmp, plan, wide, rng, args) if args.clients else ""
        print(f"summary {dialect}: ratio {api_rate / core_rate:.3f} | 1/request in process "
              f"{half / single_seconds:.1f}/s, {single_queries[0]:.1f} statements, {single_cpu * 1000:.2f} ms CPU | "
              f"{args.batch}/request {(len(wide_items) - half) / batch_seconds:.1f}/s{served} | {host_line}")


def worker_cpu(server) -> float:
    """User + system CPU seconds of the gunicorn workers so far (from /proc)."""
    return processes_cpu(server.worker_pids())


def database_backends(url: str, floor: bool = False) -> list[int]:
    """The PostgreSQL server processes serving connections to this database (none for SQLite):
    the product's, or with `floor` those of the floor app (its connections carry FLOOR_APP)."""
    if not url.startswith("postgresql"):
        return []
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return [pid for (pid,) in connection.execute(text(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
                " AND (application_name = :floor) = :is_floor"), {"floor": FLOOR_APP, "is_floor": floor})]
    finally:
        engine.dispose()


FLOOR_APP = "bench_sync_floor"  # the application_name of the floor app's connections


def processes_cpu(pids: list[int]) -> float:
    """User + system CPU seconds of these processes so far (from /proc; gone ones count 0)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for pid in pids:
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()
        total += (int(fields[11]) + int(fields[12])) / ticks
    return total


def concurrent(url: str, tmp: str, plan: dict, wide, rng: random.Random, args) -> str:
    """--clients clients, one 250-answer submission per request, against gunicorn, --rounds
    times on the same server; with --floor, each round is followed by one against the stack's
    floor (bench/sync/floor.py: bare Flask, one Core INSERT) on the same database, so that both
    see the same minutes of a shared host. Returns the figures (the median round's) for the
    summary line."""
    from bench.load import harness

    env = harness.server_env(url, Path(tmp) / "uploads")
    servers = [("product", harness.GunicornServer(env, Path(tmp) / "gunicorn.log", workers=args.workers,
                                                  threads=args.threads))]
    if args.floor:
        from bench.sync import floor

        floor.create_table(url)
        floor_env = dict(env)
        if url.startswith("postgresql"):  # its connections told apart from the product's
            floor_env["DATABASE_URL"] = f"{url}{'&' if '?' in url else '?'}application_name={FLOOR_APP}"
        servers.append(("floor", harness.GunicornServer(floor_env, Path(tmp) / "gunicorn-floor.log",
                                                        workers=args.workers, threads=args.threads,
                                                        app_spec="bench.sync.floor:app")))
    stats = harness.Stats()
    failures: list[str] = []

    def run(client, items):
        try:
            for entry in items:
                result = client.sync([entry])[0]
                if result["status"] != "created":
                    failures.append(str(result)[:200])
        except Exception as exc:  # noqa: BLE001 - reported below
            failures.append(f"{type(exc).__name__}: {exc}")

    def new_items(count: int) -> list[dict]:
        return [submission(plan["wide_visit"], plan["wide_label"], full_answers(wide, "department", rng))
                for _ in range(count)]

    per_client = max(1, args.concurrent // args.clients)
    try:
        clients: dict[str, list] = {}
        for name, server in servers:
            server.start()
            clients[name] = []
            for _n in range(args.clients):
                person = harness.InspectorPlan("inspector1", plan["inspector_id"], [], {})
                client = harness.Inspector(server.url, person, PASSWORD, stats, deadline=600)
                client.login()
                clients[name].append(client)
            for client in clients[name]:  # warm-up: every worker parses the template once, opens its connections
                run(client, new_items(5))
        rounds: dict[str, list[dict]] = {name: [] for name, _server in servers}
        backends: dict[str, list[int]] = {}
        for number in range(1, args.rounds + 1):
            for name, server in servers:
                # the PostgreSQL server processes of this server's pooled connections, looked up
                # before each round: a pool opens more connections as rounds load it (the floor's
                # warm-up, at 1-2 ms a request, opens only one or two)
                backends[name] = database_backends(url, floor=name == "floor")
                figures = one_round(server, clients[name], backends[name], new_items, run, stats, per_client)
                rounds[name].append(figures)
                what = ("" if name == "product" else
                        " against the floor (bare Flask + one Core INSERT, no session, CSRF, rules or history)")
                print(f"{figures['answers']}-answer submissions, one per request, {args.clients} clients, "
                      f"gunicorn {args.workers} workers x {args.threads} threads{what} "
                      f"({per_client * args.clients} sent"
                      + (f", round {number} of {args.rounds}" if args.rounds > 1 else "") + "):")
                print(f"  {figures['rate']:8.1f} submissions/s  p50 {figures['p50_ms']:.0f} ms  "
                      f"p95 {figures['p95_ms']:.0f} ms  {figures['worker_ms']:6.2f} ms worker CPU per submission"
                      + ("  (issue #18 target >= 400/s)" if name == "product" else ""))
                print(f"  also per submission: {figures['client_ms']:.2f} ms CPU in the {args.clients} clients "
                      f"(this process)"
                      + (f", {figures['database_ms']:.2f} ms in PostgreSQL's {len(backends[name])} server processes"
                         if backends[name] else "")
                      + f"; load average {figures['load']:.1f} on {os.cpu_count()} cores at the end; "
                      f"host reference {figures['reference_ms']:.1f} ms just after")
        if failures:
            print(f"  FAILURES: {len(failures)}, e.g. {failures[:3]}")
        for group in clients.values():
            for client in group:
                client._drop()
        line = served_line("gunicorn", rounds["product"], args, bool(backends["product"]))
        if args.floor:
            pairs = list(zip(rounds["product"], rounds["floor"], strict=True))
            rate = middle([p["rate"] / f["rate"] for p, f in pairs])
            cpu = middle([p["worker_ms"] / f["worker_ms"] for p, f in pairs])
            line += (served_line("floor", rounds["floor"], args, bool(backends["floor"]))
                     + f" | product / floor: {rate:.2f} of the rate, "
                     f"{cpu:.2f}x the worker CPU (median of {len(pairs)} rounds in turn)")
        return line + (f", {len(failures)} FAILURES" if failures else "")
    finally:
        for _name, server in servers:
            server.stop()


def one_round(server, clients: list, backends: list[int], new_items, run, stats, per_client: int) -> dict:
    """Every client sends `per_client` submissions at once; the round's rate, latencies and CPU."""
    import threading

    from bench.load import harness

    work = [new_items(per_client) for _ in clients]
    barrier = threading.Barrier(len(clients) + 1)

    def timed(client, items):
        barrier.wait()
        run(client, items)

    threads = [threading.Thread(target=timed, args=(c, w)) for c, w in zip(clients, work, strict=True)]
    for thread in threads:
        thread.start()
    stats.latencies["sync"] = []
    cpu, client_cpu, database_cpu = worker_cpu(server), time.process_time(), processes_cpu(backends)
    barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    done = per_client * len(clients)
    latencies = stats.latencies.get("sync", [])
    return {
        "answers": len(work[0][0]["answers"]), "rate": done / elapsed,
        "worker_ms": (worker_cpu(server) - cpu) / done * 1000,
        "client_ms": (time.process_time() - client_cpu) / done * 1000,
        "database_ms": (processes_cpu(backends) - database_cpu) / done * 1000,
        "p50_ms": harness.Stats.percentile(latencies, 50) * 1000,
        "p95_ms": harness.Stats.percentile(latencies, 95) * 1000, "load": os.getloadavg()[0],
        # the host's speed right after the round: on a shared host it moves minute by minute
        "reference_ms": host.reference_ms(),
    }


def served_line(label: str, rounds: list[dict], args, postgres: bool) -> str:
    """The summary of `rounds` (the median round's figures, the spread of the rates)."""
    import statistics

    median = middle(rounds, key=lambda f: f["rate"])
    spread = (f" (rounds {min(f['rate'] for f in rounds):.0f}-{max(f['rate'] for f in rounds):.0f}/s, "
              f"worker CPU median {statistics.median(f['worker_ms'] for f in rounds):.2f} ms)"
              if len(rounds) > 1 else "")
    return (f" | {label} {args.workers}x{args.threads}, {args.clients} clients: {median['rate']:.1f}/s, "
            f"{median['worker_ms']:.2f} ms worker CPU"
            + (f" + {median['database_ms']:.2f} ms PostgreSQL CPU" if postgres else "")
            + f" + {median['client_ms']:.2f} ms client CPU, p95 {median['p95_ms']:.0f} ms, "
            f"host reference {median['reference_ms']:.1f} ms after that round" + spread)


def middle(values: list, key=None):
    """The middle value of `values` in order (the upper one of two): a round that happened."""
    return sorted(values, key=key)[len(values) // 2]


if __name__ == "__main__":
    main()
