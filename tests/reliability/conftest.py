"""A real gunicorn on the test database, with load inspectors seeded (bench/load/harness.py)."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.load import harness  # noqa: E402


@pytest.fixture
def load_server(make_app, database, tmp_path):
    """(server, plan): 20 inspectors in teams of 10 with 3 visits each, and gunicorn with 3 workers
    serving the test database. The server is stopped before the tables are emptied."""
    from werkzeug.security import generate_password_hash

    app = make_app()
    plan = harness.seed(app, 20, team_size=10, visits_per_team=3,
                        password_hash=generate_password_hash(harness.PASSWORD, method="pbkdf2:sha256:1000"))
    env = harness.server_env(database, tmp_path / "uploads")
    server = harness.GunicornServer(env, tmp_path / "gunicorn.log", workers=3, threads=2)
    server.start()
    yield server, plan
    server.stop(hard=True)
