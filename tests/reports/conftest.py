"""Helpers for the workbook tests: final visits made of Resolution rows, open visits made of
submissions, and downloads read back with openpyxl and pandas."""
from __future__ import annotations

import io
from datetime import date, datetime, timezone
from typing import Any, Optional

import pandas as pd
import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from inspections.extensions import db
from inspections.models import Campaign, Resolution, Submission, Team, Unit, User, Visit, new_uuid

HEADER_ROW = 7  # framed sheets: six frame rows, then the header


def user_id(username: str) -> int:
    return db.session.scalar(select(User.id).where(User.username == username))


def team_visits(lead: str) -> list[Visit]:
    """The visits of the team led by ``lead``, in id order."""
    return list(db.session.scalars(
        select(Visit).join(Team).join(User, Team.lead_id == User.id)
        .where(User.username == lead).order_by(Visit.id)))


def finalize(visit: Visit, answers: dict[str, Any], *, by: str = "lead1", source: str = "agreed",
             record_number: str = "") -> None:
    """Make ``visit`` final with one Resolution per answer (what finalizing writes)."""
    resolver = user_id(by)
    for code, value in answers.items():
        db.session.add(Resolution(visit_id=visit.id, item_code=code, value=value, source=source,
                                  resolved_by_id=resolver,
                                  resolved_at=datetime(2026, 11, 30, 3, 15, tzinfo=timezone.utc)))
    visit.status = "final"
    visit.finalized_at = datetime(2026, 11, 30, 3, 30, tzinfo=timezone.utc)
    visit.finalized_by_id = resolver
    visit.record_number = record_number or f"BB-{visit.id}"


def submit(visit: Visit, inspector: str, answers: dict[str, Any]) -> Submission:
    """An inspector's submitted checklist for an open visit."""
    campaign = visit.team.campaign
    row = Submission(uuid=new_uuid(), visit_id=visit.id, inspector_id=user_id(inspector),
                     template_id=campaign.template_id, revision=1, state="submitted",
                     answers=answers, notes={}, content_hash="x" * 64,
                     client_saved_at=datetime(2026, 11, 20, 2, 0, tzinfo=timezone.utc))
    db.session.add(row)
    if visit.status == "planned":
        visit.status = "in_progress"
    return row


def base_answers(**overrides: Any) -> dict[str, Any]:
    """A plausible set of answers for a provincial agency."""
    answers: dict[str, Any] = {
        "A1": "yes", "A1_date": "2026-02-01", "A2": "partial", "A3": "no", "A4": "yes",
        "B1": "yes", "B2": {"male": 3, "female": 4}, "B4": "yes", "B4_meetings": 2, "B5": "na",
        "C1": {"male": 90, "female": 10}, "C2": {"male": 2, "female": 1},
        "C3": {"male": 5, "female": 3}, "C4": {"male": 8, "female": 2},
        "C5": {"male": 3, "female": 1}, "C8": {"male": 2, "female": 2}, "C11": "yes",
        "D1": "no", "D3": "yes", "D4": "partial", "D5": "yes", "D6": 0,
        "E1_meetings": 3, "E1_talks": 1, "E1_banners": 5, "E1_articles": 2,
        "E2": {"male": 40, "female": 60}, "E3": "yes", "E4": "yes", "E5": "no",
        "G1": "yes", "G2": "yes", "G3": "2026-06-05", "G4": "2026-12-08", "G5": "yes",
        "H1": 15_000_000, "H2": "Kết quả tốt", "H3": "Chưa có kế hoạch riêng",
        "C12": "yes", "D7": "no", "D8": "yes",
    }
    answers.update(overrides)
    return answers


def demo_campaign() -> Campaign:
    return db.session.scalar(select(Campaign).order_by(Campaign.id))


def add_unit(code: str, name: str, kind: str = "department") -> Unit:
    unit = Unit(code=code, name=name, kind=kind)
    db.session.add(unit)
    db.session.flush()
    return unit


def download(client, url: str, expect: int = 200):
    response = client.get(url)
    assert response.status_code == expect, (url, response.status_code, response.get_data(as_text=True)[:500])
    return response


def read(data: bytes):
    """The workbook with openpyxl (values, not formulas)."""
    return load_workbook(io.BytesIO(data))


def frame(data: bytes, sheet: str, header: Any = HEADER_ROW - 1, **options) -> pd.DataFrame:
    """A sheet read by pandas, the second reader."""
    return pd.read_excel(io.BytesIO(data), sheet_name=sheet, header=header, engine="openpyxl",
                         **options)


def rows_after_header(ws, header_row: int = HEADER_ROW) -> list[tuple]:
    """Table rows under the header, up to the first row without a number or a name (totals)."""
    out = []
    for row in ws.iter_rows(min_row=header_row + 1, values_only=True):
        if row[0] is None or row[1] is None:
            break
        out.append(row)
    return out


def header(ws, row: int = HEADER_ROW) -> list:
    return [cell.value for cell in ws[row]]


def column_index(ws, title: str, row: int = HEADER_ROW) -> int:
    """1-based column of the header cell ``title``."""
    return header(ws, row).index(title) + 1


@pytest.fixture
def coordinator(client, auth, demo):
    auth.login("coordinator")
    return client


def today() -> date:
    return date(2026, 11, 30)


def campaign_url(campaign_id: int, provisional: bool = False, lang: Optional[str] = None) -> str:
    return f"/reports/campaigns/{campaign_id}.xlsx" + ("?provisional=1" if provisional else "")
