"""inspections.sqlite_locking: real transactions for requests on SQLite, write lock up front.

On SQLite: a write request holds the write lock from its first statement (another connection
cannot write meanwhile), a read request does not; a request that fails after a savepoint leaves
nothing behind; concurrent saves of the same visit queue instead of failing; work outside a request
keeps the driver's behaviour. On other databases the module changes nothing.
"""
from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import text

from inspections import sqlite_locking
from inspections.extensions import db


@pytest.fixture
def locked_app(make_app, database):
    if not database.startswith("sqlite"):
        pytest.skip("SQLite only")
    app = make_app(TESTING=False, PROPAGATE_EXCEPTIONS=False)
    observed = {}

    @app.route("/_probe/<action>", methods=["GET", "POST"])
    def probe(action):
        if not action.startswith("ahead"):
            db.session.execute(text("SELECT count(*) FROM agency")).scalar()
            observed["other_writer"] = other_writer_can_write(app)
        if action.startswith("ahead"):  # reads ahead of the lock, then (maybe) a write
            with sqlite_locking.reads_ahead():
                db.session.execute(text("SELECT count(*) FROM agency")).scalar()
                observed["ahead"] = other_writer_can_write(app)
                if action == "ahead-write-inside":
                    db.session.execute(text("UPDATE agency SET name = name WHERE 0"))
                    observed["inside"] = other_writer_can_write(app)
            db.session.execute(text("SELECT count(*) FROM agency")).scalar()
            observed["after"] = other_writer_can_write(app)
            return "ok"
        if action == "fail-after-savepoint":
            with db.session.begin_nested():
                db.session.execute(text("INSERT INTO agency (code, name, short_name, created_at) "
                                        "VALUES ('PROBE', 'Probe', '', '2026-01-01')"))
            raise RuntimeError("the request fails after its savepoint was released")
        return "ok"

    sqlite_locking.init_app(app)
    app.observed = observed
    return app


def other_writer_can_write(app) -> bool:
    path = app.config["SQLALCHEMY_DATABASE_URI"].split("///", 1)[1]
    other = sqlite3.connect(path, timeout=0.05, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        other.execute("ROLLBACK")
        return True
    except sqlite3.OperationalError as exc:
        assert "locked" in str(exc)
        return False
    finally:
        other.close()


def agencies(app, code="PROBE") -> int:
    with app.app_context():
        count = db.session.execute(text("SELECT count(*) FROM agency WHERE code = :c"), {"c": code}).scalar()
        db.session.remove()
        return count


def test_a_write_request_takes_the_write_lock_before_it_reads(locked_app):
    client = locked_app.test_client()
    assert client.post("/_probe/read").status_code == 200
    assert locked_app.observed["other_writer"] is False


def test_reads_ahead_of_the_lock_do_not_hold_it_and_the_next_statement_takes_it(locked_app):
    """What a write request reads ahead (its session's user, a sync batch's facts) leaves other
    writers free; its first statement after that waits for the lock as before."""
    client = locked_app.test_client()
    assert client.post("/_probe/ahead").status_code == 200
    assert locked_app.observed["ahead"] is True
    assert locked_app.observed["after"] is False


def test_a_write_among_reads_ahead_takes_the_lock_first(locked_app):
    client = locked_app.test_client()
    assert client.post("/_probe/ahead-write-inside").status_code == 200
    assert locked_app.observed["ahead"] is True
    assert locked_app.observed["inside"] is False  # not written on its own, outside a transaction
    assert locked_app.observed["after"] is False


def test_a_read_request_does_not_block_writers(locked_app):
    client = locked_app.test_client()
    assert client.get("/_probe/read").status_code == 200
    assert locked_app.observed["other_writer"] is True


def test_a_request_failing_after_a_savepoint_leaves_nothing(locked_app):
    client = locked_app.test_client()
    assert client.post("/_probe/fail-after-savepoint").status_code == 500
    assert agencies(locked_app) == 0


def test_outside_requests_the_driver_behaves_as_before(locked_app):
    with locked_app.app_context():
        db.session.execute(text("SELECT 1"))
        assert other_writer_can_write(locked_app) is True  # no transaction held by a read
        db.session.remove()


def test_concurrent_form_saves_of_one_visit_queue_instead_of_failing(locked_app, demo):
    """The page saves of tests/reliability/test_concurrency.py, with the module installed."""
    from urllib.parse import urlencode

    from tests.conftest import LiveServer

    from .test_concurrency import at_once, login, planned_visits, stored

    live = LiveServer(locked_app)
    port = live.server.server_port
    try:
        visits = planned_visits(locked_app)
        cookies = {name: login(port, name) for name in ("inspector1", "inspector2", "lead1")}
        requests = [(port, "POST", f"/visits/{v}/checklist", urlencode({"action": "draft", "A1": "yes"}),
                     {"Content-Type": "application/x-www-form-urlencoded", "Cookie": c})
                    for v in visits for c in cookies.values()]
        statuses = [status for status, _ in at_once(requests)]
    finally:
        live.stop()
    assert statuses == [303] * len(requests)
    assert stored(locked_app, visits) == {v: 3 for v in visits}


def test_other_databases_are_left_alone():
    from sqlalchemy import create_engine, event

    engine = create_engine("postgresql+psycopg://nobody@127.0.0.1:1/none")
    sqlite_locking.install(engine)
    assert not event.contains(engine, "begin", lambda *a: None)
    assert not getattr(engine, "_inspections_sqlite_locking", False)
