"""Helpers for the review tests: demo visits, logged-in clients, submissions stored the real way."""
from __future__ import annotations

from typing import Any, Optional

import pytest
from sqlalchemy import select

from inspections.extensions import db
from inspections.models import Submission, Unit, User, Visit
from inspections.submissions import SubmissionInput, default_uuid, store_submission
from tests.conftest import AuthActions

# Every required item of the default checklist for a department, answered consistently
# (C2 leaders within C1 staff).
REQUIRED_ANSWERS: dict[str, Any] = {
    "A1": "yes", "A2": "yes", "A3": "partial", "A4": "yes", "B1": "yes", "B4": "yes", "B5": "no",
    "C1": {"male": 60, "female": 40}, "C2": {"male": 3, "female": 1}, "C11": "yes",
    "D1": "no", "D3": "yes", "D4": "yes", "D5": "yes", "E3": "yes", "E4": "yes", "E5": "yes",
    "G1": "yes", "G2": "yes", "G5": "partial", "C12": "yes", "D7": "no", "D8": "yes",
}


def answers(**changes: Any) -> dict[str, Any]:
    """A complete set of answers with some items changed (None removes an item)."""
    out = dict(REQUIRED_ANSWERS)
    for code, value in changes.items():
        if value is None:
            out.pop(code, None)
        else:
            out[code] = value
    return out


@pytest.fixture
def visits(app, demo):
    """Demo visit ids by unit code (team 1: SYT, SGDDT, STC ...; team 2: SXD, SKHCN, XA-HP, PHUONG-TL ...)."""
    with app.app_context():
        rows = db.session.execute(select(Unit.code, Visit.id).join(Visit, Visit.unit_id == Unit.id)).all()
        return {code: visit_id for code, visit_id in rows}


@pytest.fixture
def visit_id(visits):
    """Team 1's visit of Sở Y tế (a department)."""
    return visits["SYT"]


@pytest.fixture
def login(app, demo):
    """login("lead1") -> a new test client with its own session."""

    def make(username: str):
        client = app.test_client()
        AuthActions(client).login(username)
        return client

    return make


@pytest.fixture
def submit(app, demo):
    """submit("inspector1", visit_id, {...}, notes={...}) stores the inspector's next revision."""

    def store(username: str, visit_id: int, answer_values: dict[str, Any], *,
              notes: Optional[dict[str, str]] = None, state: str = "submitted") -> int:
        with app.app_context():
            user = db.session.get(User, demo[username])
            uuid = default_uuid(visit_id, user.id)
            existing = db.session.scalar(select(Submission).where(Submission.uuid == uuid))
            result = store_submission(user, SubmissionInput(
                uuid=uuid, visit_id=visit_id, revision=(existing.revision + 1) if existing else 1,
                answers=answer_values, notes=notes or {}, state=state), lang="en")
            assert result.stored, result.as_json()
            db.session.commit()
            return result.submission.id

    return store


@pytest.fixture
def version(app):
    """version(visit_id) -> the visit's current version, read fresh from the database."""

    def read(visit_id: int) -> int:
        with app.app_context():
            return db.session.scalar(select(Visit.version).where(Visit.id == visit_id))

    return read


def page_text(response) -> str:
    return response.get_data(as_text=True)


@pytest.fixture
def write_findings(version):
    """write_findings(lead_client, visit_id): achievements and a conclusion, which finalizing needs."""

    def write(client, visit_id: int, achievements: str = "Kế hoạch ban hành đúng hạn",
              conclusion: str = "Cơ bản thực hiện tốt") -> None:
        response = client.post(f"/review/visits/{visit_id}/report", data={
            "version": version(visit_id), "achievements": achievements, "conclusion": conclusion})
        assert response.status_code == 303, response.status_code

    return write
