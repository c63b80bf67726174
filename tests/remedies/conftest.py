"""The demo after the visit (inspections.demo.seed_after_visit): team 2's visit of Sở KH&CN is
final with two recommendations, one reported by its rep (rep-SKHCN; awaiting review, deadline in
30 days) and one overdue (deadline a week ago, nothing reported). The demo's reps of another unit
(rep-SXD, Sở Xây dựng, also team 2's) and of a team-1 unit (rep-SYT) must see none of it."""
from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy import select

from inspections.extensions import db
from inspections.models import Recommendation
from tests.conftest import TEST_PASSWORD, AuthActions

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@dataclass
class Remedies:
    visit_id: int
    reported: int  # the recommendation whose report awaits review
    overdue: int  # the one past its deadline, nothing reported
    rep: str = "rep-SKHCN"
    other_rep: str = "rep-SXD"  # Sở Xây dựng: same team, another unit
    team1_rep: str = "rep-SYT"


@pytest.fixture
def remedies(app, demo) -> Remedies:
    from inspections.core.clock import local_today
    from inspections.demo import REMEDY_RECOMMENDATIONS, seed_after_visit

    with app.test_request_context():
        assert seed_after_visit(TEST_PASSWORD, 2026, today=local_today()) == []  # seed_demo made the reps
        db.session.commit()
        recs = {r.text: r for r in db.session.scalars(select(Recommendation))}
        first, second = (recs[row[1]] for row in REMEDY_RECOMMENDATIONS)
        return Remedies(visit_id=first.visit_id, reported=first.id, overdue=second.id)


@pytest.fixture
def login(app):
    """A logged-in test client for a username (API session)."""

    def factory(username: str):
        client = app.test_client()
        AuthActions(client).login(username)
        return client

    return factory
