"""The stack's floor: a bare Flask app that stores a submission with no rule at all.

`bench/sync/run.py --floor` serves this app with the same gunicorn settings and sends it the same
250-answer submissions from the same clients, to show what Flask, the JSON body, SQLAlchemy Core
and the database cost by themselves on this host, beside the product. The app has none of the
product's work: no session cookie, no user row or log-out check, no CSRF check, no validation,
no revision history, no exactly-once rules. Per submission it parses the body, sends one INSERT
of the answers as JSON text and commits, and answers with the product's result shape.

    gunicorn -c gunicorn.conf.py bench.sync.floor:app     (DATABASE_URL: the database to write)
"""
from __future__ import annotations

import json
import os

from flask import Flask, jsonify, request
from sqlalchemy import Column, Integer, MetaData, String, Table, Text, create_engine, insert

metadata = MetaData()
floor_submission = Table(
    "bench_floor_submission", metadata,
    Column("id", Integer, primary_key=True),
    Column("uuid", String(36), nullable=False, unique=True),
    Column("answers", Text, nullable=False),
)
_INSERT = insert(floor_submission)


def create_table(database_url: str) -> None:
    """The floor's one table (made by the bench before gunicorn starts its workers)."""
    engine = create_engine(database_url)
    metadata.create_all(engine)
    engine.dispose()


def create_app(database_url: str) -> Flask:
    engine = create_engine(database_url, pool_pre_ping=True)  # as the product's engine
    app = Flask(__name__)

    @app.get("/healthz")
    def healthz():  # what the bench's harness waits for
        return jsonify({"status": "ok"})

    @app.post("/api/v1/session")
    def session():  # the bench's clients log in first: nothing to check here
        return jsonify({"csrf_token": "floor"})

    @app.post("/api/v1/submissions")
    def submissions():
        items = request.get_json()["submissions"]
        rows = [{"uuid": item["uuid"], "answers": json.dumps(item["answers"], ensure_ascii=False)}
                for item in items]
        with engine.begin() as connection:
            connection.execute(_INSERT, rows)
        return jsonify({"results": [{"uuid": row["uuid"], "status": "created"} for row in rows]})

    return app


app = create_app(os.environ["DATABASE_URL"]) if os.environ.get("DATABASE_URL") else None
