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

Wire it in create_app(), right after ``db.init_app(app)``::

    from . import sqlite_locking
    sqlite_locking.init_app(app)
"""
from __future__ import annotations

from flask import Flask, has_request_context, request
from sqlalchemy import event
from sqlalchemy.engine import Engine

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def in_write_request() -> bool:
    return has_request_context() and request.method in WRITE_METHODS


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
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            dbapi_connection.isolation_level = ""  # the driver's default behaviour

    engine._inspections_sqlite_locking = True  # type: ignore[attr-defined]


def init_app(app: Flask) -> None:
    """Install on the app's SQLite engine(s); call after db.init_app(app)."""
    from .extensions import db

    with app.app_context():
        engines = db.engines.values()
        for engine in engines:
            install(engine)
