"""Helpers for the hostile-input and security tests: a fingerprint of everything stored (to prove
"nothing was written"), API log-in with the CSRF token, demo ids per team, small evidence files."""
from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from sqlalchemy import select

from inspections.extensions import db
from inspections.models import Team, TeamMember, User, Visit
from tests.conftest import TEST_PASSWORD
from tests.samples import JPEG, PDF, PNG, new_uuid  # noqa: F401 (re-exported)

WRITE_METHODS = ("POST", "PUT", "PATCH", "DELETE")


def fingerprint(app) -> dict[str, str]:
    """A digest of every row of every table, and of every file under UPLOAD_DIR."""
    digests: dict[str, str] = {}
    with app.app_context():
        for table in db.metadata.sorted_tables:
            order = list(table.primary_key.columns) or list(table.columns)
            rows = db.session.execute(select(table).order_by(*order)).all()
            digests[table.name] = f"{len(rows)}:" + hashlib.sha256(repr(rows).encode()).hexdigest()
        db.session.remove()
    root = Path(app.config["UPLOAD_DIR"])
    files = sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []
    digests["<uploads>"] = hashlib.sha256(b"".join(
        str(p.relative_to(root)).encode() + hashlib.sha256(p.read_bytes()).digest() for p in files)).hexdigest()
    return digests


def changed(before: dict[str, str], after: dict[str, str]) -> list[str]:
    return sorted(name for name in set(before) | set(after) if before.get(name) != after.get(name))


def api_login(client, username: str, password: str = TEST_PASSWORD) -> str:
    """Log in through POST /api/v1/session; returns the CSRF token it hands out."""
    response = client.post("/api/v1/session", json={"username": username, "password": password})
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()["csrf_token"]


@pytest.fixture
def teams(app, demo):
    """Per demo team: its visit ids, and the ids of its users (team 1: lead1, inspector1, inspector2)."""
    with app.app_context():
        result = {}
        for lead in ("lead1", "lead2"):
            team = db.session.scalar(select(Team).join(User, Team.lead_id == User.id).where(User.username == lead))
            visit_ids = list(db.session.scalars(select(Visit.id).where(Visit.team_id == team.id).order_by(Visit.id)))
            members = list(db.session.scalars(select(TeamMember.id).where(TeamMember.team_id == team.id)))
            result[lead[-1]] = {"team_id": team.id, "campaign_id": team.campaign_id, "visits": visit_ids,
                                "member_ids": members}
        db.session.remove()
        return result


def submission_item(visit_id: int, *, uuid: str | None = None, revision: int = 1, **overrides) -> dict:
    item = {"uuid": uuid or new_uuid(), "visit_id": visit_id, "revision": revision,
            "answers": {"A1": "yes", "A2": "partial"}, "notes": {}, "state": "submitted",
            "client_saved_at": "2026-11-20T09:30:00Z"}
    item.update(overrides)
    return item


@pytest.fixture
def live_server_factory(make_app):
    """A threaded werkzeug server on 127.0.0.1 for an app with extra settings (CSRF on)."""
    from tests.conftest import LiveServer

    servers = []

    def start(**overrides):
        overrides.setdefault("WTF_CSRF_ENABLED", True)
        overrides.setdefault("TESTING", False)
        server = LiveServer(make_app(**overrides))
        server.port = server.server.server_port
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()
