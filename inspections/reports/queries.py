"""Streamed queries feeding the workbooks.

Every query selects plain columns (rows, not ORM objects, so nothing piles up in the
session) and is executed with ``yield_per`` (server-side cursors on PostgreSQL), in chunks of
``CHUNK`` rows. The visit stream and the resolution stream share one order — campaign, team,
unit name, visit id — so the workbook walks them side by side (a merge join) and holds one
visit's answers at a time.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Iterable, Iterator, Optional

from sqlalchemy import Date, Select, String, Text, and_, cast, func, literal_column, null, select, union_all

from ..core.lifecycle import VisitState
from ..extensions import db
from ..models import Attachment, Campaign, Recommendation, Resolution, Shortcoming, Team, TeamMember, Unit, User, Visit
from .rules import person

__all__ = ["CHUNK", "TeamInfo", "VisitFilter", "attachments", "campaigns_of_period", "findings", "person",
           "previous_period_campaigns", "resolution_values", "status_counts", "stream", "teams", "visit_order",
           "visit_resolutions", "visits", "visits_with_resolutions"]

CHUNK = 2000


@dataclass(frozen=True)
class VisitFilter:
    """Which visits a workbook covers: campaigns, optionally only some teams, which states."""

    campaign_ids: tuple[int, ...]
    team_ids: Optional[tuple[int, ...]] = None  # None: every team of the campaigns
    statuses: Optional[tuple[str, ...]] = None  # None: every state

    def only(self, *statuses: str) -> "VisitFilter":
        return VisitFilter(self.campaign_ids, self.team_ids, tuple(statuses))

    def apply(self, stmt: Select) -> Select:
        """Join Team and Unit onto a statement over Visit and keep the covered visits."""
        stmt = (stmt.join(Team, Visit.team_id == Team.id).join(Unit, Visit.unit_id == Unit.id)
                .where(Team.campaign_id.in_(self.campaign_ids), Visit.archived_at.is_(None),
                       Team.archived_at.is_(None)))
        if self.team_ids is not None:
            stmt = stmt.where(Visit.team_id.in_(self.team_ids))
        if self.statuses is not None:
            stmt = stmt.where(Visit.status.in_(self.statuses))
        return stmt


def visit_order() -> tuple:
    """The one order of visits every stream uses."""
    return (Team.campaign_id, Team.id, Unit.name, Visit.id)


def stream(stmt: Select) -> Iterator[Any]:
    """Rows of ``stmt``, fetched ``CHUNK`` at a time."""
    result = db.session.execute(stmt.execution_options(yield_per=CHUNK))
    try:
        yield from result
    finally:
        result.close()


def visits(flt: VisitFilter) -> Iterator[Any]:
    """One row per covered visit, with its unit and team."""
    stmt = select(
        Visit.id.label("visit_id"), Visit.status, Visit.planned_date, Visit.record_number,
        Visit.finalized_at, Unit.id.label("unit_id"), Unit.code.label("unit_code"),
        Unit.name.label("unit_name"), Unit.kind.label("unit_kind"), Team.id.label("team_id"),
        Team.campaign_id,
    ).select_from(Visit)
    return stream(flt.apply(stmt).order_by(*visit_order()))


def visits_with_resolutions(flt: VisitFilter) -> Iterator[Any]:
    """Every covered visit, with one row per Resolution when the visit is final.

    One query (one snapshot): an open visit gives a single row whose resolution columns are
    NULL; a final visit gives one row per resolved item. Rows of a visit are consecutive.
    """
    stmt = (select(
        Visit.id.label("visit_id"), Visit.status, Visit.planned_date, Visit.record_number,
        Unit.code.label("unit_code"), Unit.name.label("unit_name"), Unit.kind.label("unit_kind"),
        Team.id.label("team_id"), Team.campaign_id,
        Resolution.item_code, Resolution.value, Resolution.source, Resolution.resolved_at,
        User.full_name.label("by_name"), User.username.label("by_username"))
        .select_from(Visit))
    stmt = (flt.apply(stmt)
            .outerjoin(Resolution, and_(Resolution.visit_id == Visit.id, Visit.status == VisitState.FINAL))
            .outerjoin(User, Resolution.resolved_by_id == User.id))
    return stream(stmt.order_by(*visit_order(), Resolution.item_code))


def visit_resolutions(visit_id: int) -> list[Any]:
    """One visit's Resolution rows with who decided (for its record workbook)."""
    return list(db.session.execute(
        select(Resolution.item_code, Resolution.value, Resolution.source, Resolution.resolved_at,
               User.full_name.label("by_name"), User.username.label("by_username"))
        .outerjoin(User, Resolution.resolved_by_id == User.id)
        .where(Resolution.visit_id == visit_id)))


def resolution_values(flt: VisitFilter) -> Iterator[Any]:
    """(visit id, unit kind, item code, value) of the covered final visits, in visit order."""
    stmt = (select(Visit.id.label("visit_id"), Unit.kind.label("unit_kind"),
                   Resolution.item_code, Resolution.value)
            .select_from(Visit)
            .join(Resolution, Resolution.visit_id == Visit.id))
    stmt = flt.only(VisitState.FINAL).apply(stmt)
    return stream(stmt.order_by(*visit_order()))


def status_counts(flt: VisitFilter) -> dict[str, int]:
    stmt = flt.apply(select(Visit.status, func.count(Visit.id)).select_from(Visit))
    return {status: count for status, count in db.session.execute(stmt.group_by(Visit.status))}


def findings(flt: VisitFilter) -> Iterator[Any]:
    """Shortcomings and recommendations of the covered visits, one stream, in visit order.

    Within a visit, rows come by section, then shortcomings before recommendations, then
    position, so a shortcoming and the recommendation at the same place can share a line.
    """
    shortcomings = flt.apply(
        select(literal_column("0").label("kind"), Visit.id.label("visit_id"), Visit.status,
               Team.campaign_id.label("campaign_id"), Team.id.label("team_id"),
               Unit.name.label("unit_name"), Shortcoming.section.label("section"),
               Shortcoming.position.label("position"), Shortcoming.id.label("row_id"),
               Shortcoming.text.label("text"), Shortcoming.cause_kind.label("cause_kind"),
               Shortcoming.cause.label("cause"), cast(null(), String).label("responsible"),
               cast(null(), Date).label("remedy_deadline"),
               cast(null(), String).label("remedy_status"))
        .select_from(Visit).join(Shortcoming, Shortcoming.visit_id == Visit.id))
    recommendations = flt.apply(
        select(literal_column("1").label("kind"), Visit.id.label("visit_id"), Visit.status,
               Team.campaign_id.label("campaign_id"), Team.id.label("team_id"),
               Unit.name.label("unit_name"), Recommendation.section.label("section"),
               Recommendation.position.label("position"), Recommendation.id.label("row_id"),
               Recommendation.text.label("text"), cast(null(), String).label("cause_kind"),
               cast(null(), Text).label("cause"), Recommendation.responsible.label("responsible"),
               Recommendation.remedy_deadline.label("remedy_deadline"),
               Recommendation.remedy_status.label("remedy_status"))
        .select_from(Visit).join(Recommendation, Recommendation.visit_id == Visit.id))
    both = union_all(shortcomings, recommendations).subquery()
    stmt = select(both).order_by(both.c.campaign_id, both.c.team_id, both.c.unit_name,
                                 both.c.visit_id, both.c.section, both.c.kind,
                                 both.c.position, both.c.row_id)
    return stream(stmt)


def attachments(flt: VisitFilter) -> Iterator[Any]:
    """Evidence files of the covered visits, in visit order."""
    stmt = (select(Visit.id.label("visit_id"), Visit.status, Unit.name.label("unit_name"),
                   Team.id.label("team_id"), Attachment.item_code, Attachment.filename,
                   Attachment.mime, Attachment.size, Attachment.created_at,
                   User.full_name.label("by_name"), User.username.label("by_username"))
            .select_from(Visit)
            .join(Attachment, Attachment.visit_id == Visit.id)
            .outerjoin(User, Attachment.uploaded_by_id == User.id))
    stmt = flt.apply(stmt)
    return stream(stmt.order_by(*visit_order(), Attachment.item_code, Attachment.created_at,
                                Attachment.id))


@dataclass(frozen=True)
class TeamInfo:
    """What the sheets show about a team (a handful per campaign; loaded once)."""

    id: int
    campaign_id: int
    name: str
    decision_number: str
    decision_date: Optional[date]
    lead_name: str
    members: str


def teams(campaign_ids: Iterable[int], team_ids: Optional[Iterable[int]] = None) -> dict[int, TeamInfo]:
    """The teams of the campaigns (only ``team_ids`` when given), by id, in team order."""
    campaign_ids = tuple(campaign_ids)
    stmt = (select(Team.id, Team.campaign_id, Team.name, Team.decision_number, Team.decision_date,
                   User.full_name, User.username)
            .outerjoin(User, Team.lead_id == User.id)
            .where(Team.campaign_id.in_(campaign_ids), Team.archived_at.is_(None))
            .order_by(Team.campaign_id, Team.id))
    if team_ids is not None:
        stmt = stmt.where(Team.id.in_(tuple(team_ids)))
    rows = db.session.execute(stmt).all()
    members: dict[int, list[str]] = {}
    member_rows = db.session.execute(
        select(TeamMember.team_id, TeamMember.team_role, User.full_name, User.username)
        .join(User, TeamMember.user_id == User.id)
        .where(TeamMember.team_id.in_([row.id for row in rows]))
        .order_by(TeamMember.team_id, TeamMember.id))
    for row in member_rows:
        if row.team_role != "lead":
            members.setdefault(row.team_id, []).append(person(row.full_name, row.username))
    return {row.id: TeamInfo(row.id, row.campaign_id, row.name, row.decision_number or "",
                             row.decision_date, person(row.full_name, row.username),
                             "; ".join(members.get(row.id, [])))
            for row in rows}


def campaigns_of_period(year: int, period: str) -> list[Campaign]:
    return list(db.session.scalars(
        select(Campaign).where(Campaign.year == year, Campaign.period == period,
                               Campaign.archived_at.is_(None)).order_by(Campaign.id)))


def previous_period_campaigns(year: int, period: str) -> list[Campaign]:
    """Campaigns of the latest earlier year with the same period kind (e.g. last year's annual)."""
    previous_year = db.session.scalar(
        select(func.max(Campaign.year)).where(Campaign.period == period, Campaign.year < year,
                                              Campaign.archived_at.is_(None)))
    if previous_year is None:
        return []
    return campaigns_of_period(previous_year, period)
