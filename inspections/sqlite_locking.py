"""Real SQLite transactions for web requests, with the write lock taken up front by writes.

Python's sqlite3 driver manages transactions on its own: it sends BEGIN only right before an
INSERT, UPDATE or DELETE. In a request that means

- the SELECTs a view makes before its first write run outside any transaction, so what it
  checked may have changed by the time it writes;
- a SAVEPOINT (SQLAlchemy's ``begin_nested()``) sent while no transaction is open starts one that
  the matching RELEASE commits on the spot: a request that fails after a savepoint leaves that
  part committed (PostgreSQL rolls the whole request back);
- once reads are inside a transaction (the fix for the two points above), a reader that later
  writes fails at once with "database is locked" (SQLITE_BUSY_SNAPSHOT, no busy wait) when another
  connection committed in between -- which several gunicorn workers do all the time.

``init_app(app)`` applies SQLAlchemy's documented pysqlite recipe (the driver's own transaction
handling off, SQLAlchemy emits BEGIN itself) to the transactions of write requests -- POST, PUT,
PATCH and DELETE -- and begins them with ``BEGIN IMMEDIATE``: such a request waits (within the busy
timeout) for the write lock before it reads anything, so concurrent writers queue instead of
failing, and everything it does is committed or rolled back as one. Every other transaction (GET
requests, flask commands, migrations, tests' set-up) keeps the driver's behaviour unchanged, so a
read never holds a snapshot that a later write could find outdated. PostgreSQL and other
databases are left alone.

Reads ahead of the lock (``with reads_ahead():``): a write request may read a few things before
it queues for the lock -- the session's user (inspections.core.sessions), the facts a sync batch
is decided from, a log-in's counts and password hash -- so that checking a cookie, parsing and
validating a body or computing a password hash do not hold every other writer up. Inside the
block, a SELECT that starts the request's transaction runs on its own (autocommit: it sees what
is committed, holds no snapshot, so a later write cannot find it outdated); the transaction's
first statement after the block (or any statement inside it that is not a SELECT) takes the
lock with ``BEGIN IMMEDIATE`` first. What was read ahead may change before the lock is taken,
exactly as under PostgreSQL's READ COMMITTED, so only reads whose writes re-check what they
rely on (a conditional UPDATE, ``ON CONFLICT DO NOTHING``) or that nothing writes back belong
there. Once the transaction holds the lock, the block changes nothing.

Wire it in create_app(), right after ``db.init_app(app)``::

    from . import sqlite_locking
    sqlite_locking.init_app(app)
"""
from __future__ import annotations

import contextlib
import contextvars
from typing import Iterator

from flask import Flask, has_request_context, request
from sqlalchemy import event
from sqlalchemy.engine import Engine

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_PENDING = "inspections_begin_immediate_pending"  # in Connection.info: BEGIN IMMEDIATE still to send
_reading_ahead: contextvars.ContextVar[bool] = contextvars.ContextVar("sqlite_reads_ahead", default=False)


def in_write_request() -> bool:
    return has_request_context() and request.method in WRITE_METHODS


@contextlib.contextmanager
def reads_ahead() -> Iterator[None]:
    """Let the SELECTs inside run before a write request takes the SQLite write lock (see above);
    anywhere else (PostgreSQL, a read request, a transaction already holding the lock) a no-op."""
    token = _reading_ahead.set(True)
    try:
        yield
    finally:
        _reading_ahead.reset(token)


def install(engine: Engine) -> None:
    """Listen on `engine` (a SQLite engine; anything else is left alone)."""
    if engine.dialect.name != "sqlite" or getattr(engine, "_inspections_sqlite_locking", False):
        return

    @event.listens_for(engine, "begin")
    def _begin(connection) -> None:
        dbapi_connection = connection.connection.dbapi_connection
        if in_write_request():
            # The driver stays out of transactions (no implicit BEGIN, no implicit COMMIT);
            # SQLAlchemy's transaction is the database's transaction, holding the write lock.
            dbapi_connection.isolation_level = None
            if _reading_ahead.get():
                connection.info[_PENDING] = True  # sent before the first statement past reads_ahead()
            else:
                connection.info[_PENDING] = False
                connection.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            connection.info[_PENDING] = False
            dbapi_connection.isolation_level = ""  # the driver's default behaviour

    @event.listens_for(engine, "before_cursor_execute")
    def _take_the_lock(connection, cursor, statement, parameters, context, executemany) -> None:
        if not connection.info.get(_PENDING):
            return
        if _reading_ahead.get() and statement.lstrip()[:6].upper() == "SELECT":
            return  # read ahead, on its own
        connection.info[_PENDING] = False
        connection.connection.dbapi_connection.execute("BEGIN IMMEDIATE")

    @event.listens_for(engine, "commit")
    @event.listens_for(engine, "rollback")
    def _end(connection) -> None:
        connection.info[_PENDING] = False

    engine._inspections_sqlite_locking = True  # type: ignore[attr-defined]


def init_app(app: Flask) -> None:
    """Install on the app's SQLite engine(s); call after db.init_app(app)."""
    from .extensions import db

    with app.app_context():
        engines = db.engines.values()
        for engine in engines:
            install(engine)
