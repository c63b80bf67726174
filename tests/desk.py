"""Helpers for the desk tests (tests/campaigns, tests/registry): log in, read rows, build .xlsx files."""
from __future__ import annotations

import io

import pytest
from sqlalchemy import select

from inspections.extensions import db
from inspections.models import AuditEvent


@pytest.fixture
def login_as(auth, demo):
    """Log in as a demo user (logging out whoever was logged in first)."""

    def login(username: str):
        auth.logout()
        auth.login(username)

    return login


@pytest.fixture
def query(app):
    """Run a function against the database in a fresh app context and return its result."""

    def run(fn):
        with app.app_context():
            result = fn(db.session)
            db.session.expunge_all()
            return result

    return run


@pytest.fixture
def audit_events(query):
    def events(action: str):
        return query(lambda s: list(s.scalars(select(AuditEvent).where(AuditEvent.action == action)
                                              .order_by(AuditEvent.id))))

    return events


def xlsx(rows: list[list]) -> io.BytesIO:
    """An in-memory .xlsx whose first sheet holds `rows` (the first one being the header)."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    return buffer


def page_text(response) -> str:
    return response.get_data(as_text=True)
