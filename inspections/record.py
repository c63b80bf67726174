"""The inspection record (biên bản kiểm tra) of one visit, read from the database.

`build_record` gathers what the printed record shows: every item's value (the final values of
a final visit, the provisional merge before), the counts, the team's members, the lead's
findings and the record's details. The record page (review), the Word record and notice
(reports.documents) read it here, so they never disagree. Only reads.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Optional

from flask_babel import format_datetime, lazy_gettext as _l
from sqlalchemy import select

from .core.answers import format_value, number, share_text
from .core.lifecycle import is_final
from .core.templates import core_template
from .core.values import visit_values
from .extensions import db
from .models import Recommendation, Shortcoming, TeamMember, User, Visit, VisitReport
from .organisation import IssuingBody, issuing_body_for

TEAM_ROLE_LABELS = {
    "lead": _l("Team lead"),
    "deputy": _l("Deputy team lead"),
    "secretary": _l("Secretary"),
    "member": _l("Member"),
}
TEAM_ROLE_ORDER = {"lead": 0, "deputy": 1, "secretary": 2, "member": 3}


def agency_of(user: User) -> str:
    if user.agency is None:
        return ""
    return user.agency.short_name or user.agency.name


@dataclass
class RecordRow:
    code: str
    label: str
    text: str


@dataclass
class CountRow:
    code: str
    label: str
    total: str
    female: str
    share: str


@dataclass
class RecordSection:
    code: str
    title: str
    rows: list[RecordRow]
    counts: list[CountRow]


@dataclass
class Member:
    name: str
    agency: str
    role: str


@dataclass
class Record:
    visit: Visit
    final: bool
    issuing_body: IssuingBody
    record_number: str
    place: str
    day: Optional[date]
    members: list[Member]
    lead_name: str
    sections: list[RecordSection]
    report: Optional[VisitReport]
    shortcomings: list[Shortcoming]
    recommendations: list[Recommendation]
    meeting_time: str = ""  # "08 giờ 30", local time
    meeting_date: str = ""  # "20/11/2026"
    secretary: str = ""
    representatives: list[dict[str, str]] = field(default_factory=list)


def team_members(visit: Visit) -> list[Member]:
    team = visit.team
    rows = db.session.execute(
        select(TeamMember, User).join(User, TeamMember.user_id == User.id).where(TeamMember.team_id == team.id)
    ).all()
    members = sorted(rows, key=lambda r: (0 if r[1].id == team.lead_id else 1,
                                          TEAM_ROLE_ORDER.get(r[0].team_role, 9), r[0].id))
    out = [Member(user.display_name, agency_of(user),
                  "lead" if user.id == team.lead_id else member.team_role) for member, user in members]
    if team.lead is not None and all(r[1].id != team.lead_id for r in rows):
        out.insert(0, Member(team.lead.display_name, agency_of(team.lead), "lead"))
    return out


def build_record(visit: Visit, lang: str = "vi") -> Record:
    template = core_template(visit.team.campaign.template)
    values = visit_values(visit)
    sections = []
    for section, items in template.sections_for(visit.unit.kind):
        rows, counts = [], []
        for item in items:
            value = values.get(item.code)
            if item.type == "mf":
                if isinstance(value, dict):
                    male, female = int(value.get("male") or 0), int(value.get("female") or 0)
                    counts.append(CountRow(item.code, item.label(lang), number(male + female, lang),
                                           number(female, lang), share_text(female, male + female, lang)))
                else:
                    counts.append(CountRow(item.code, item.label(lang), "—", "—", "—"))
            else:
                rows.append(RecordRow(item.code, item.label(lang), format_value(item, value, lang)))
        sections.append(RecordSection(section.code, section.title(lang), rows, counts))
    members = team_members(visit)
    lead_name = next((m.name for m in members if m.role == "lead"), "")
    day = visit.planned_date or (visit.finalized_at.date() if visit.finalized_at else None)
    report, shortcomings, recommendations = findings(visit)
    meeting = report.meeting_at if report else None
    # The secretary the lead wrote down, else the team member with that role.
    secretary = (report.secretary if report else "") or next(
        (m.name for m in members if m.role == "secretary"), "")
    return Record(
        meeting_time=format_datetime(meeting, "HH 'giờ' mm") if meeting else "",
        meeting_date=format_datetime(meeting, "dd/MM/yyyy") if meeting else "",
        secretary=secretary,
        representatives=[p for p in ((report.unit_representatives or []) if report else [])
                         if isinstance(p, dict) and p.get("name")],
        visit=visit, final=is_final(visit),
        issuing_body=issuing_body_for(visit.team.campaign),
        record_number=visit.record_number or "", place=visit.unit.address or "",
        day=day, members=members, lead_name=lead_name, sections=sections,
        report=report, shortcomings=shortcomings, recommendations=recommendations,
    )




def findings(visit: Visit) -> tuple[Optional[VisitReport], list[Shortcoming], list[Recommendation]]:
    record_report = db.session.scalar(select(VisitReport).where(VisitReport.visit_id == visit.id))
    shortcomings = list(db.session.scalars(select(Shortcoming).where(Shortcoming.visit_id == visit.id)
                                           .order_by(Shortcoming.position, Shortcoming.id)))
    recommendations = list(db.session.scalars(select(Recommendation).where(Recommendation.visit_id == visit.id)
                                              .order_by(Recommendation.position, Recommendation.id)))
    return record_report, shortcomings, recommendations
