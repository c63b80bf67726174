"""The unit's own report as every feature reads it: what the unit declared, where its report
stands, and where the team's check differs from the declaration (chênh lệch).

The unit writes its report through inspections.unit; the inspectors' checklist (fieldwork)
offers each declared value to confirm, the merge page and the record show the report and the
discrepancies (review), the bootstrap carries the declared values offline (sync), the
workbooks list the discrepancies (reports) and the dashboard follows reports up (campaigns).
What the unit declares is its last *submitted* revision; a draft is never read here. Only reads.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Iterable, Mapping, Optional

from sqlalchemy import select

from . import access
from .checklist.messages import language
from .checklist.validation import is_answered
from .core.answers import format_value
from .core.lifecycle import VisitState
from .core.merge import canonical
from .core.templates import core_template
from .core.values import resolutions_of, visit_values
from .extensions import db
from .models import SelfReport, SelfReportRevision, Visit

DUE_DAYS = 5


def report_items(template, unit_kind: str) -> list:
    """The items the unit reports itself, in checklist order."""
    return [item for item in template.items_for(unit_kind) if item.self_report]


def find_report(visit: Visit) -> Optional[SelfReport]:
    return db.session.scalar(select(SelfReport).where(SelfReport.visit_id == visit.id))


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


def declared(visit: Visit) -> tuple[dict[str, Any], dict[str, Any]]:
    """(answers, notes) the unit declared for the visit: its last submitted revision, or empty."""
    row = last_submitted(find_report(visit))
    if row is None:
        return {}, {}
    return dict(row.answers or {}), dict(row.notes or {})


def declared_for_visits(visits: Iterable[Visit]) -> dict[int, dict[str, Any]]:
    """visit id -> {"answers", "notes", "revision", "submitted_at"} for visits with a submitted report."""
    visits = list(visits)
    reports = reports_of(v.id for v in visits)
    out: dict[int, dict[str, Any]] = {}
    for visit_id, report in reports.items():
        row = last_submitted(report)
        if row is not None:
            out[visit_id] = {"answers": dict(row.answers or {}), "notes": dict(row.notes or {}),
                             "revision": row.revision, "submitted_at": row.saved_at.isoformat()}
    return out


# --- declared against verified ---------------------------------------------------------------

@dataclass
class Discrepancy:
    """A self-report item whose verified (final or merged) value differs from the declared one."""

    code: str
    label: str
    declared: Any
    verified: Any
    declared_text: str
    verified_text: str
    note: str


def discrepancies(visit: Visit, lang: str = "vi", *, values: Optional[Mapping[str, Any]] = None
                  ) -> list[Discrepancy]:
    """Items the unit declared whose value after the team's check (the final values of a final
    visit, the provisional merge before) differs from the declaration. Evidence files and items
    nobody verified are not compared."""
    answers, notes = declared(visit)
    if not answers:
        return []
    verified = dict(values) if values is not None else visit_values(visit)
    lead_notes = {code: r.note for code, r in resolutions_of(visit.id).items() if r.note}
    template = core_template(visit.team.campaign.template)
    return compare(template, visit.unit.kind, answers, notes, verified, lang, lead_notes)


def compare(template, unit_kind: str, answers: Mapping[str, Any], notes: Mapping[str, Any],
            verified: Mapping[str, Any], lang: str = "vi",
            lead_notes: Optional[Mapping[str, str]] = None) -> list[Discrepancy]:
    """The discrepancies between declared `answers` and `verified` values, in checklist order;
    the note is the lead's on the decision, else the unit's own."""
    lang = language(lang)
    lead_notes = lead_notes or {}
    out = []
    for item in report_items(template, unit_kind):
        if item.type == "file":
            continue
        said, found = answers.get(item.code), verified.get(item.code)
        if not is_answered(said) or not is_answered(found) or canonical(said) == canonical(found):
            continue
        note = lead_notes.get(item.code) or str(notes.get(item.code, "") or "")
        out.append(Discrepancy(item.code, item.label(lang), said, found, format_value(item, said, lang),
                               format_value(item, found, lang), note))
    return out


def declared_by_visit_ids(visit_ids: Iterable[int]) -> dict[int, tuple[dict[str, Any], dict[str, Any]]]:
    """visit id -> (answers, notes) of each unit's last submitted report (the workbook, in one query)."""
    ids = list(visit_ids)
    if not ids:
        return {}
    rows = db.session.execute(
        select(SelfReport.visit_id, SelfReportRevision.revision, SelfReportRevision.answers,
               SelfReportRevision.notes)
        .join(SelfReportRevision, SelfReportRevision.self_report_id == SelfReport.id)
        .where(SelfReport.visit_id.in_(ids), SelfReportRevision.state == "submitted")
        .order_by(SelfReport.visit_id, SelfReportRevision.revision)
    ).all()
    out: dict[int, tuple[dict[str, Any], dict[str, Any]]] = {}
    for visit_id, _revision, answers, notes in rows:
        out[visit_id] = (dict(answers or {}), dict(notes or {}))  # the last one wins
    return out


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
