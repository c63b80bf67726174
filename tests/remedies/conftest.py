"""The demo after the visit (inspections.demo.seed_after_visit): team 2's visit of Sở KH&CN is
final with two recommendations, one reported by the unit (awaiting review, deadline in 30 days)
and one overdue (deadline a week ago, nothing reported). Plus a rep of another unit (Sở Xây
dựng, also team 2's) and a rep of a team-1 unit, to prove that neither sees Sở KH&CN's."""
from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy import select

from inspections.extensions import db
from inspections.models import Recommendation, Unit, User
from tests.conftest import TEST_PASSWORD, AuthActions

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@dataclass
class Remedies:
    visit_id: int
    reported: int  # the recommendation whose report awaits review
    overdue: int  # the one past its deadline, nothing reported
    rep: str = "donvi-skhcn"
    other_rep: str = "donvi-sxd"  # Sở Xây dựng: same team, another unit
    team1_rep: str = "donvi-syt"


@pytest.fixture
def remedies(app, demo) -> Remedies:
    from inspections.campaigns.services import local_today
    from inspections.demo import REMEDY_RECOMMENDATIONS, seed_after_visit

    with app.test_request_context():
        seed_after_visit(TEST_PASSWORD, 2026, today=local_today())
        for username, code in (("donvi-sxd", "SXD"), ("donvi-syt", "SYT")):
            unit = db.session.scalar(select(Unit).where(Unit.code == code))
            user = User(username=username, full_name=f"Đại diện {code}", role="unit", unit_id=unit.id)
            user.set_password(TEST_PASSWORD)
            db.session.add(user)
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
