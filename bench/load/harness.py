"""The load harness shared by bench/load/run.py and tests/reliability/.

- a fresh database (a SQLite file in a temporary folder, or a new PostgreSQL database),
  migrated with `flask db upgrade` and seeded with the demo province plus many inspectors
  spread over teams and visits;
- a real gunicorn (`gunicorn -c gunicorn.conf.py app:app`) on 127.0.0.1 with several workers,
  which can lose a worker (SIGKILL) or be restarted as a whole while clients keep going;
- simulated inspectors written on the standard library only (threads + http.client): each logs
  in through POST /api/v1/session, fetches a CSRF token and its visits (GET /api/v1/bootstrap)
  and syncs one batch per round, every round a new revision of each of its checklists, resending
  the same uuid + revision after a connection error, a timeout or a 5xx (the API is idempotent);
- the exactly-once check: every expected submission is in the database once, at the latest
  revision with the latest content, and each revision of its history exists exactly once.

Nothing here depends on test fixtures, so the benchmark and the tests measure the same thing.
"""
from __future__ import annotations

import http.client
import json
import os
import random
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any, Callable, Optional

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

PASSWORD = "load-test-pass-123"
SECRET_KEY = "load-test-secret-key-not-for-production"
YNP = ("yes", "partial", "no")
RETRY_STATUSES = {500, 502, 503, 504}
IDLE_RECONNECT_S = 1.5  # a keep-alive connection idle longer is opened anew (gunicorn keeps them 2 s)


# --- databases ------------------------------------------------------------------------------

def sqlite_url(folder: Path) -> str:
    return "sqlite:///" + str(Path(folder) / "load.sqlite3")


def create_postgres_database(base_url: str, name: str) -> str:
    """CREATE DATABASE `name` on the server of `base_url`; returns the new database's URL."""
    import psycopg
    from sqlalchemy.engine import make_url

    url = make_url(base_url)
    with psycopg.connect(_libpq(url, "postgres"), autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')
    return url.set(drivername="postgresql+psycopg", database=name).render_as_string(hide_password=False)


def drop_postgres_database(database_url: str) -> None:
    import psycopg
    from sqlalchemy.engine import make_url

    url = make_url(database_url)
    with psycopg.connect(_libpq(url, "postgres"), autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)')


def _libpq(url, database: str) -> str:
    parts = [f"host={url.host or '127.0.0.1'}", f"port={url.port or 5432}",
             f"user={url.username or 'postgres'}", f"dbname={database}", "connect_timeout=5"]
    if url.password:
        parts.append(f"password={url.password}")
    return " ".join(parts)


def server_env(database_url: str, upload_dir: Path, **extra: str) -> dict[str, str]:
    """The environment of `flask` and `gunicorn` processes serving `database_url`."""
    env = dict(os.environ)
    env.update({
        "DATABASE_URL": database_url,
        "SECRET_KEY": SECRET_KEY,
        "UPLOAD_DIR": str(upload_dir),
        "INSPECTIONS_ENV": "development",
        "PYTHONDONTWRITEBYTECODE": "1",
    })
    env.pop("TEST_DATABASE_URL", None)
    env.update(extra)
    return env


def bin_path(name: str) -> str:
    """A console script of the running interpreter's environment (flask, gunicorn)."""
    candidate = Path(sys.executable).parent / name
    return str(candidate) if candidate.exists() else name


def migrate(env: dict[str, str]) -> None:
    """`flask --app app db upgrade` on the database of `env`."""
    subprocess.run([bin_path("flask"), "--app", "app", "db", "upgrade"], cwd=ROOT, env=env,
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=120)


# --- seeding --------------------------------------------------------------------------------

@dataclass
class InspectorPlan:
    username: str
    user_id: int
    visit_ids: list[int]
    uuids: dict[int, str]  # visit id -> the submission uuid the phone uses (default_uuid)


@dataclass
class Plan:
    inspectors: list[InspectorPlan]
    template: str
    password: str = PASSWORD

    @property
    def submissions(self) -> int:
        return sum(len(i.visit_ids) for i in self.inspectors)


def seed(app, inspectors: int, *, team_size: int = 10, visits_per_team: int = 5,
         password_hash: Optional[str] = None, prefix: str = "load") -> Plan:
    """The demo province plus `inspectors` inspectors in teams of `team_size`, each team with
    `visits_per_team` visits to its own units. Runs inside `app` (committed on return).

    Every load user shares one password hash (computed once: scrypt by default, like production),
    so seeding 200 users does not take 200 hash computations while logging in still costs what
    it costs in production.
    """
    from datetime import date

    from werkzeug.security import generate_password_hash

    from inspections.demo import seed_demo
    from inspections.extensions import db
    from inspections.models import Campaign, Team, TeamMember, Unit, User, Visit
    from inspections.submissions import default_uuid, template_label

    with app.app_context():
        seed_demo(PASSWORD)
        db.session.flush()
        campaign = db.session.scalars(db.select(Campaign).order_by(Campaign.id)).first()
        hashed = password_hash or generate_password_hash(PASSWORD)
        plans: list[InspectorPlan] = []
        teams = (inspectors + team_size - 1) // team_size
        for t in range(teams):
            team = Team(campaign_id=campaign.id, name=f"{prefix} team {t + 1}")
            db.session.add(team)
            visits = []
            for v in range(visits_per_team):
                unit = Unit(code=f"{prefix.upper()}-{t + 1}-{v + 1}", name=f"Đơn vị {t + 1}.{v + 1}",
                            kind="department")
                db.session.add(unit)
                db.session.flush()
                visit = Visit(team=team, unit_id=unit.id, planned_date=date(campaign.year, 11, 20),
                              status="planned")
                db.session.add(visit)
                visits.append(visit)
            db.session.flush()
            for m in range(min(team_size, inspectors - t * team_size)):
                number = t * team_size + m + 1
                user = User(username=f"{prefix}{number:04d}", full_name=f"Thanh tra viên {number}",
                            role="inspector", password_hash=hashed)
                db.session.add(user)
                db.session.flush()
                db.session.add(TeamMember(team_id=team.id, user_id=user.id, team_role="member"))
                plans.append(InspectorPlan(user.username, user.id, [v.id for v in visits],
                                           {v.id: default_uuid(v.id, user.id) for v in visits}))
        label = template_label(campaign.template)
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return Plan(plans, label)


def answers_for(uuid: str, revision: int) -> tuple[dict[str, Any], dict[str, str]]:
    """The answers and notes an inspector sends as `revision` of submission `uuid`."""
    spin = int(uuid[:8], 16)
    answers = {
        "A1": YNP[(spin + revision) % 3],
        "A2": YNP[(spin + 2 * revision) % 3],
        "A3": "yes",
        "A4": YNP[revision % 3],
        "B1": "yes",
        "B1_decision": f"{revision}/QĐ-UBND-{spin % 1000}",
    }
    notes = {"A1": f"Ghi chú lần {revision}"}
    return answers, notes


def item_for(uuid: str, visit_id: int, revision: int, template: str) -> dict[str, Any]:
    answers, notes = answers_for(uuid, revision)
    return {"uuid": uuid, "visit_id": visit_id, "template": template, "revision": revision,
            "state": "submitted", "answers": answers, "notes": notes,
            "client_saved_at": "2026-11-20T09:%02d:00Z" % (revision % 60)}


def expected_hash(uuid: str, revision: int) -> str:
    from inspections.submissions import content_hash

    answers, notes = answers_for(uuid, revision)
    return content_hash(answers, notes, "submitted")


# --- gunicorn -------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class GunicornServer:
    """`gunicorn -c gunicorn.conf.py app:app` on 127.0.0.1:<port>, in its own process group."""

    def __init__(self, env: dict[str, str], log_path: Path, *, workers: int = 4, threads: int = 2,
                 port: Optional[int] = None, app_spec: str = "app:app"):
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = Path(log_path)
        self.app_spec = app_spec
        self.env = dict(env)
        self.env.update({"GUNICORN_BIND": f"127.0.0.1:{self.port}", "GUNICORN_WORKERS": str(workers),
                         "GUNICORN_THREADS": str(threads), "GUNICORN_TIMEOUT": "60"})
        self.workers = workers
        self.process: Optional[subprocess.Popen] = None

    def start(self, timeout: float = 60) -> None:
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [bin_path("gunicorn"), "-c", "gunicorn.conf.py", self.app_spec], cwd=ROOT, env=self.env,
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}; see {self.log_path}")
            if self._healthy() and len(self.worker_pids()) >= self.workers:
                return
            time.sleep(0.1)
        raise RuntimeError(f"gunicorn did not answer within {timeout} s; see {self.log_path}")

    def _healthy(self) -> bool:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
            connection.request("GET", "/healthz")
            ok = connection.getresponse().status == 200
            connection.close()
            return ok
        except OSError:
            return False

    def worker_pids(self) -> list[int]:
        """The master's live child processes (the workers)."""
        if self.process is None:
            return []
        children = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            fields = stat[stat.rindex(")") + 2:].split()
            if fields[0] != "Z" and int(fields[1]) == self.process.pid:
                children.append(int(entry.name))
        return sorted(children)

    def kill_worker(self) -> int:
        """SIGKILL one worker (the master starts a new one); returns its pid."""
        pids = self.worker_pids()
        if not pids:
            raise RuntimeError("no gunicorn worker to kill")
        victim = random.choice(pids)
        os.kill(victim, signal.SIGKILL)
        return victim

    def stop(self, *, hard: bool = False, timeout: float = 30) -> None:
        """SIGTERM (graceful) or SIGKILL (a crash) for the master and its workers."""
        if self.process is None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGKILL if hard else signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
        self.process = None

    def restart(self, *, hard: bool = True) -> None:
        self.stop(hard=hard)
        self.start()


class LossyProxy:
    """A reverse proxy on 127.0.0.1 that loses the answer to every `every`-th sync request: the
    request reaches the server in full (and is stored), then the connection to the phone is cut
    before the answer arrives, as when a phone loses its signal at the wrong moment."""

    def __init__(self, target_port: int, every: int = 4):
        import http.server

        self.dropped = 0
        self.syncs = 0
        lock = threading.Lock()
        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # quiet
                pass

            def _forward(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else None
                upstream = http.client.HTTPConnection("127.0.0.1", target_port, timeout=60)
                headers = {k: v for k, v in self.headers.items() if k.lower() not in ("connection", "keep-alive")}
                try:
                    upstream.request(self.command, self.path, body=body, headers=headers)
                    response = upstream.getresponse()
                    data = response.read()
                except OSError:
                    self.send_error(502)
                    return
                finally:
                    upstream.close()
                if self.command == "POST" and self.path.startswith("/api/v1/submissions"):
                    with lock:
                        proxy.syncs += 1
                        drop = proxy.syncs % every == 0
                        if drop:
                            proxy.dropped += 1
                    if drop:
                        self.close_connection = True  # the answer is lost on the way back
                        return
                self.send_response(response.status)
                for name, value in response.getheaders():
                    if name.lower() not in ("connection", "keep-alive", "transfer-encoding", "content-length"):
                        self.send_header(name, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_PUT = do_DELETE = _forward

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


# --- simulated inspectors -------------------------------------------------------------------

class Stats:
    """Latencies and outcomes from every client thread."""

    def __init__(self):
        self.lock = threading.Lock()
        self.latencies: dict[str, list[float]] = {}
        self.failures: dict[str, int] = {}  # transient: connection errors, timeouts, 5xx (then retried)
        self.errors: list[str] = []  # final: what a client could not get done, or got wrong
        self.items: dict[str, int] = {}
        self.requests = 0
        self.sync_done = 0
        self.started = self.finished = 0.0
        self.login_phase_s = 0.0  # with logins_apart: the log-in burst, before `started`
        self.login_waits: list[float] = []  # each log-in from its first try to its session

    def add(self, kind: str, seconds: float) -> None:
        with self.lock:
            self.latencies.setdefault(kind, []).append(seconds)
            self.requests += 1

    def fail(self, what: str) -> None:
        with self.lock:
            self.failures[what] = self.failures.get(what, 0) + 1

    def error(self, message: str) -> None:
        with self.lock:
            self.errors.append(message)

    def item(self, status: str) -> None:
        with self.lock:
            self.items[status] = self.items.get(status, 0) + 1

    def all_latencies(self) -> list[float]:
        """Every answered request's latency but the quick "busy, come back later" answers."""
        return [value for kind, values in self.latencies.items() if not kind.endswith(" busy") for value in values]

    @staticmethod
    def percentile(values: list[float], q: float) -> float:
        if not values:
            return 0.0
        ordered = sorted(values)
        index = min(len(ordered) - 1, max(0, int(round(q / 100 * len(ordered) + 0.5)) - 1))
        return ordered[index]


class ClientError(Exception):
    pass


class Inspector:
    """One phone: its cookies, CSRF token and keep-alive connection; retries what may be retried."""

    def __init__(self, base_url: str, plan: InspectorPlan, password: str, stats: Stats, *,
                 timeout: float = 30, deadline: float = 300):
        host, port = base_url.split("//", 1)[1].split(":")
        self.host, self.port = host, int(port)
        self.plan, self.password, self.stats = plan, password, stats
        self.timeout = timeout
        self.deadline = time.monotonic() + deadline
        self.cookies: dict[str, str] = {}
        self.csrf = ""
        self.connection: Optional[http.client.HTTPConnection] = None
        self.rng = random.Random(plan.user_id)
        self.retry_after = 0.0
        self.last_used = 0.0

    # transport
    def _send(self, method: str, path: str, body: Any = None) -> tuple[int, Any]:
        """One request; returns (status, parsed JSON or None) and keeps its Retry-After in
        `self.retry_after` (seconds, 0 without one). Raises OSError-like on transport errors."""
        if self.connection is not None and time.monotonic() - self.last_used > IDLE_RECONNECT_S:
            self._drop()  # the server may have closed it meanwhile (keep-alive): a browser opens a new one
        if self.connection is None:
            self.connection = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        headers = {"Accept": "application/json", "Accept-Language": "en"}
        data = None
        if body is not None:
            data = json.dumps(body, ensure_ascii=False).encode()  # as a phone sends it (UTF-8)
            headers["Content-Type"] = "application/json"
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if method != "GET" and self.csrf:
            headers["X-CSRFToken"] = self.csrf
        self.connection.request(method, path, body=data, headers=headers)
        response = self.connection.getresponse()
        raw = response.read()
        self.last_used = time.monotonic()
        retry_after = response.headers.get("Retry-After", "")
        self.retry_after = float(retry_after) if retry_after.isdigit() else 0.0
        for header in response.headers.get_all("Set-Cookie") or ():
            cookie = SimpleCookie()
            cookie.load(header)
            for name, morsel in cookie.items():
                self.cookies[name] = morsel.value
        if response.headers.get("Connection", "").lower() == "close":
            self._drop()
        try:
            parsed = json.loads(raw) if raw else None
        except ValueError:
            parsed = None
        return response.status, parsed

    def _drop(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None

    def call(self, kind: str, method: str, path: str, body: Any = None,
             ok: tuple[int, ...] = (200,)) -> Any:
        """Send until an answer in `ok` arrives: retries transport errors, timeouts and 5xx with
        backoff (a 503 with Retry-After after that many seconds), logs in again on 401 and
        fetches a fresh token on a CSRF 400."""
        backoff = 0.05
        while True:
            if time.monotonic() > self.deadline:
                raise ClientError(f"{self.plan.username}: {method} {path} gave up at the deadline")
            started = time.perf_counter()
            try:
                status, parsed = self._send(method, path, body)
            except (OSError, http.client.HTTPException) as exc:
                self._drop()
                self.stats.fail(f"{kind}: {type(exc).__name__}")
                time.sleep(backoff * (0.5 + self.rng.random()))
                backoff = min(backoff * 2, 1.0)
                continue
            busy = status == 503 and self.retry_after > 0
            self.stats.add(f"{kind} busy" if busy else kind, time.perf_counter() - started)
            if status in ok:
                return parsed
            if busy:
                # the server is busy (e.g. checking as many passwords as it may): come back when
                # it says, spread out a little so that a burst does not come back as one
                self.stats.fail(f"{kind}: HTTP 503 busy (Retry-After honoured)")
                time.sleep(self.retry_after * (1 + 0.5 * self.rng.random()))
                continue
            if status in RETRY_STATUSES:
                self.stats.fail(f"{kind}: HTTP {status}")
                time.sleep(backoff * (0.5 + self.rng.random()))
                backoff = min(backoff * 2, 1.0)
                continue
            if status == 401 and kind != "login":
                self.stats.fail(f"{kind}: HTTP 401 (logged in again)")
                self.login()
                continue
            if (status == 400 and method != "GET" and isinstance(parsed, dict)
                    and "token" in str(parsed.get("message", "")).lower()):
                self.stats.fail(f"{kind}: CSRF refused (fresh token fetched)")
                self.fetch_csrf()
                continue
            raise ClientError(f"{self.plan.username}: {method} {path} -> {status} {str(parsed)[:200]}")

    # the protocol
    def login(self) -> None:
        started = time.perf_counter()
        body = self.call("login", "POST", "/api/v1/session",
                         {"username": self.plan.username, "password": self.password})
        self.csrf = body["csrf_token"]
        with self.stats.lock:  # from the first try to the session, busy answers and waits included
            self.stats.login_waits.append(time.perf_counter() - started)

    def fetch_csrf(self) -> None:
        self.csrf = self.call("csrf", "GET", "/api/v1/csrf")["csrf_token"]

    def bootstrap(self) -> dict[int, str]:
        body = self.call("bootstrap", "GET", "/api/v1/bootstrap")
        return {row["id"]: row["submission_uuid"] for row in body["visits"]}

    def sync(self, items: list[dict]) -> list[dict]:
        body = self.call("sync", "POST", "/api/v1/submissions", {"submissions": items})
        with self.stats.lock:
            self.stats.sync_done += 1
        return body["results"]


def run_inspector(base_url: str, plan: InspectorPlan, template: str, rounds: int, stats: Stats, *,
                  password: str = PASSWORD, start: Optional[threading.Barrier] = None,
                  deadline: float = 300, think: float = 0.02,
                  synced: Optional[threading.Barrier] = None) -> None:
    """One inspector's day: log in, take a token and the visits, then `rounds` revisions of each
    checklist (one batch per round). Every 3rd inspector also resends a batch as if the answer
    had been lost (expects unchanged) and, from round 2, an older revision (expects stale)."""
    client = Inspector(base_url, plan, password, stats, deadline=deadline)
    if start is not None:
        start.wait()
    try:
        client.login()
        client.fetch_csrf()
        visits = client.bootstrap()
        if synced is not None:  # logins apart: everyone syncs together once all are in
            _arrive(synced)
            synced = None
        if visits != plan.uuids:
            stats.error(f"{plan.username}: bootstrap sent visits {sorted(visits)} / uuids that differ from the plan")
            return
        for revision in range(1, rounds + 1):
            items = [item_for(plan.uuids[v], v, revision, template) for v in plan.visit_ids]
            fresh = "created" if revision == 1 else "updated"
            for result in client.sync(items):
                stats.item(result["status"])
                # "unchanged" is right when an earlier attempt of this very batch got through
                # before its connection broke (the resend is recognised, nothing is stored twice).
                if result["status"] not in (fresh, "unchanged") or result.get("server_revision") != revision:
                    stats.error(f"{plan.username} rev {revision}: {result}")
            if plan.user_id % 3 == 0:
                for result in client.sync(items):  # the answer was "lost": the phone sends again
                    stats.item("resent:" + result["status"])
                    if result["status"] != "unchanged":
                        stats.error(f"{plan.username} resend rev {revision}: {result}")
                if revision >= 2:
                    old = [item_for(plan.uuids[plan.visit_ids[0]], plan.visit_ids[0], revision - 1, template)]
                    result = client.sync(old)[0]
                    stats.item("old:" + result["status"])
                    if result["status"] != "stale" or result.get("server_revision") != revision:
                        stats.error(f"{plan.username} old rev {revision - 1}: {result}")
            if think:
                time.sleep(client.rng.random() * think)
    except ClientError as exc:
        stats.error(str(exc))
    except Exception as exc:  # noqa: BLE001 - a bug in the client must show, not hang the run
        stats.error(f"{plan.username}: {type(exc).__name__}: {exc}")
    finally:
        if synced is not None:  # failed before the syncs: the others must not wait for it
            _arrive(synced)
        client._drop()


def _arrive(barrier: threading.Barrier) -> None:
    try:
        barrier.wait(timeout=600)
    except threading.BrokenBarrierError:
        pass


def run_load(base_url: str, plan: Plan, rounds: int, *, deadline: float = 300,
             think: float = 0.02, stats: Optional[Stats] = None,
             during: Optional[Callable[[Stats], None]] = None, logins_apart: bool = False) -> Stats:
    """All inspectors at once (a barrier releases them together); `during` runs in the calling
    thread while they work (fault injection). Returns the statistics.

    `logins_apart`: every inspector logs in (and fetches its token and visits) first; the syncs
    start together once all are in, so their latencies are not queued behind 200 scrypt checks
    (`stats.login_phase_s` is how long the log-in burst took)."""
    stats = stats or Stats()
    barrier = threading.Barrier(len(plan.inspectors) + 1)
    synced = threading.Barrier(len(plan.inspectors) + 1) if logins_apart else None
    threads = [threading.Thread(target=run_inspector, daemon=True,
                                args=(base_url, inspector, plan.template, rounds, stats),
                                kwargs={"password": plan.password, "start": barrier,
                                        "deadline": deadline, "think": think, "synced": synced})
               for inspector in plan.inspectors]
    for thread in threads:
        thread.start()
    barrier.wait()
    stats.started = time.perf_counter()
    if synced is not None:
        synced.wait()
        stats.login_phase_s = time.perf_counter() - stats.started
        stats.started = time.perf_counter()
    if during is not None:
        during(stats)
    for thread in threads:
        thread.join(timeout=deadline + 30)
        if thread.is_alive():
            stats.error("a client thread did not finish")
    stats.finished = time.perf_counter()
    return stats


def wait_for_syncs(stats: Stats, count: int, timeout: float = 60) -> None:
    """Block until `count` sync requests have been answered (for fault injection mid-run)."""
    deadline = time.monotonic() + timeout
    while stats.sync_done < count and time.monotonic() < deadline:
        time.sleep(0.01)


# --- the exactly-once check -----------------------------------------------------------------

@dataclass
class Check:
    expected: int = 0
    found: int = 0
    missing: list[str] = field(default_factory=list)
    duplicated: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)
    wrong_revision: list[str] = field(default_factory=list)
    wrong_content: list[str] = field(default_factory=list)
    history_problems: list[str] = field(default_factory=list)
    revisions: int = 0
    integrity: str = "n/a"

    @property
    def ok(self) -> bool:
        return not (self.missing or self.duplicated or self.extra or self.wrong_revision
                    or self.wrong_content or self.history_problems) and self.integrity in ("ok", "n/a")

    def summary(self) -> str:
        if self.ok:
            return (f"exactly once: OK ({self.found}/{self.expected} submissions at their latest revision, "
                    f"{self.revisions} history rows, integrity {self.integrity})")
        parts = [f"{name}={len(getattr(self, name))} e.g. {getattr(self, name)[:3]}"
                 for name in ("missing", "duplicated", "extra", "wrong_revision", "wrong_content", "history_problems")
                 if getattr(self, name)]
        return f"exactly once: FAILED ({'; '.join(parts)}; integrity {self.integrity})"


def check_exactly_once(database_url: str, plan: Plan, rounds: int) -> Check:
    """Compare the database with what every inspector sent (read straight from the tables)."""
    from sqlalchemy import create_engine, text

    check = Check(expected=plan.submissions)
    expected = {u: (plan_.user_id, v) for plan_ in plan.inspectors for v, u in plan_.uuids.items()}
    user_ids = sorted({i.user_id for i in plan.inspectors})
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(text(
                "SELECT id, uuid, inspector_id, visit_id, revision, content_hash FROM submission")).all()
            history = connection.execute(text(
                "SELECT submission_id, revision, content_hash FROM submission_revision")).all()
    finally:
        engine.dispose()
    load_users = set(user_ids)
    seen: dict[str, int] = {}
    by_id = {}
    for row in rows:
        if row.inspector_id not in load_users:
            continue
        seen[row.uuid] = seen.get(row.uuid, 0) + 1
        by_id[row.id] = row
        if row.uuid not in expected:
            check.extra.append(row.uuid)
            continue
        if expected[row.uuid] != (row.inspector_id, row.visit_id):
            check.wrong_content.append(f"{row.uuid}: stored for another inspector or visit")
        if row.revision != rounds:
            check.wrong_revision.append(f"{row.uuid}: revision {row.revision}, expected {rounds}")
        elif row.content_hash != expected_hash(row.uuid, rounds):
            check.wrong_content.append(f"{row.uuid}: content of revision {rounds} differs")
    check.found = len(seen)
    check.duplicated = [u for u, n in seen.items() if n > 1]
    check.missing = sorted(set(expected) - set(seen))
    revisions: dict[int, list[tuple[int, str]]] = {}
    for row in history:
        if row.submission_id in by_id:
            revisions.setdefault(row.submission_id, []).append((row.revision, row.content_hash))
            check.revisions += 1
    for submission_id, row in by_id.items():
        got = sorted(revisions.get(submission_id, []))
        numbers = [r for r, _ in got]
        if numbers != list(range(1, rounds + 1)):
            check.history_problems.append(f"{row.uuid}: history revisions {numbers}")
            continue
        for revision, digest in got:
            if digest != expected_hash(row.uuid, revision):
                check.history_problems.append(f"{row.uuid}: revision {revision} has other content")
    if database_url.startswith("sqlite"):
        path = database_url.split("///", 1)[1]
        connection = sqlite3.connect(path)
        try:
            check.integrity = connection.execute("PRAGMA integrity_check").fetchone()[0]
        finally:
            connection.close()
    return check


# --- reporting ------------------------------------------------------------------------------

def describe(stats: Stats) -> dict[str, Any]:
    elapsed = max(stats.finished - stats.started, 1e-9)
    sync = stats.latencies.get("sync", [])
    every = stats.all_latencies()
    stored = stats.items.get("created", 0) + stats.items.get("updated", 0)
    return {
        "elapsed_s": round(elapsed, 2),
        "login_phase_s": round(stats.login_phase_s, 2),
        "requests": stats.requests,
        "requests_per_s": round(stats.requests / elapsed, 1),
        "sync_requests": len(sync),
        "submissions_stored_per_s": round(stored / elapsed, 1),
        "p50_ms": round(Stats.percentile(every, 50) * 1000, 1),
        "p95_ms": round(Stats.percentile(every, 95) * 1000, 1),
        "sync_p50_ms": round(Stats.percentile(sync, 50) * 1000, 1),
        "sync_p95_ms": round(Stats.percentile(sync, 95) * 1000, 1),
        "login_p50_ms": round(Stats.percentile(stats.latencies.get("login", []), 50) * 1000, 1),
        "login_p95_ms": round(Stats.percentile(stats.latencies.get("login", []), 95) * 1000, 1),
        "login_busy_answers": len(stats.latencies.get("login busy", [])),
        "time_to_log_in_p50_ms": round(Stats.percentile(stats.login_waits, 50) * 1000, 1),
        "time_to_log_in_p95_ms": round(Stats.percentile(stats.login_waits, 95) * 1000, 1),
        "time_to_log_in_max_ms": round(max(stats.login_waits, default=0) * 1000, 1),
        "max_ms": round(max(every, default=0) * 1000, 1),
        "transient_failures": dict(sorted(stats.failures.items())),
        "errors": len(stats.errors),
        "items": dict(sorted(stats.items.items())),
        "mean_ms": round(statistics.fmean(every) * 1000, 1) if every else 0.0,
    }
