"""Where a visit's follow-up stands, read by more than one feature.

- The inspected unit's own report (inspections/unit): when it is due (``DUE_DAYS`` days before
  the planned date unless the lead set a date), whether it is missing, a draft or submitted,
  overdue or not, and the planned visits whose report the coordinators should chase (the
  campaign dashboard).
- The remedies (inspections/remedies): when a recommendation is overdue (quá hạn): its remedy
  deadline has passed and it is not remedied.

Queries only; nothing here writes. A shared module: it imports no feature.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Iterable, Optional

from sqlalchemy import ColumnElement, select

from . import access
from .core.lifecycle import VisitState
from .extensions import db
from .models import Recommendation, SelfReport, SelfReportRevision, Visit

DUE_DAYS = 5


# --- the unit's own report -------------------------------------------------------------------

def reports_of(visit_ids: Iterable[int]) -> dict[int, SelfReport]:
    ids = list(visit_ids)
    if not ids:
        return {}
    return {r.visit_id: r for r in db.session.scalars(select(SelfReport).where(SelfReport.visit_id.in_(ids)))}


def due_date(visit: Visit) -> Optional[date]:
    """The day the report is due: the date set on the visit, else five days before the visit."""
    if visit.self_report_due is not None:
        return visit.self_report_due
    if visit.planned_date is None:
        return None
    return visit.planned_date - timedelta(days=DUE_DAYS)


@dataclass
class ReportStatus:
    """Where a visit's unit report stands: missing | draft | submitted, overdue or not."""

    state: str
    due: Optional[date]
    overdue: bool
    open: bool
    locked: bool
    revision: int = 0

    @property
    def needs_attention(self) -> bool:
        return self.state != "submitted"


def status_of(visit: Visit, report: Optional[SelfReport], today: Optional[date] = None) -> ReportStatus:
    today = today or date.today()
    due = due_date(visit)
    state = report.state if report is not None and report.revision > 0 else "missing"
    submitted_once = report is not None and last_submitted(report) is not None
    overdue = state != "submitted" and not submitted_once and due is not None and today > due
    return ReportStatus(state=state, due=due, overdue=overdue, open=access.self_report_open(visit),
                        locked=visit.self_report_locked_at is not None,
                        revision=report.revision if report is not None else 0)


def last_submitted(report: Optional[SelfReport]) -> Optional[SelfReportRevision]:
    """The last revision the unit submitted (what it declares); None if it never submitted."""
    if report is None:
        return None
    if report.state == "submitted" and report.revision > 0:
        return db.session.scalar(select(SelfReportRevision).where(
            SelfReportRevision.self_report_id == report.id, SelfReportRevision.revision == report.revision))
    return db.session.scalar(select(SelfReportRevision).where(
        SelfReportRevision.self_report_id == report.id, SelfReportRevision.state == "submitted")
        .order_by(SelfReportRevision.revision.desc()).limit(1))


def follow_up_rows(visits: Iterable[Visit], today: Optional[date] = None) -> list[dict[str, Any]]:
    """Planned visits whose unit report is missing or not submitted, overdue first (the dashboard)."""
    visits = [v for v in visits if v.status == VisitState.PLANNED and v.archived_at is None]
    reports = reports_of(v.id for v in visits)
    rows: list[dict[str, Any]] = []
    for visit in visits:
        status = status_of(visit, reports.get(visit.id), today)
        if status.state == "submitted" or last_submitted(reports.get(visit.id)) is not None:
            continue
        rows.append({"visit": visit, "status": status})
    rows.sort(key=lambda r: (not r["status"].overdue, r["status"].due or date.max, r["visit"].id))
    return rows


# --- remedies --------------------------------------------------------------------------------

def remedy_overdue(today: date) -> ColumnElement[bool]:
    """SQL: the recommendation's remedy deadline is before `today` and it is not remedied."""
    return (Recommendation.remedy_deadline.is_not(None) & (Recommendation.remedy_deadline < today)
            & (Recommendation.remedy_status != "remedied"))
