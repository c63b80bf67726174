"""The campaign dashboard: progress of the visits, who last synced, what is overdue.

Coordinators see every team of the campaign; a lead sees only the teams they lead (the
decision is access.can(user, "team.reports", team)), read-only.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Optional

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from .. import access
from ..core.lifecycle import VisitState
from ..core.remedies import remedy_overdue
from ..extensions import db
from ..models import VISIT_STATES, Campaign, Recommendation, Team, TeamMember, Unit, User, Visit
from ..self_reports import follow_up_rows
from .deadlines import days_left, visit_is_overdue


@dataclass
class VisitRow:
    visit: Visit
    overdue: bool


@dataclass
class PersonRow:
    user: User
    teams: list[Team]
    roles: list[str]


@dataclass
class Dashboard:
    campaign: Campaign
    teams: list[Team]
    today: date
    days_left: int
    counts: dict[str, int]
    visits: list[VisitRow]
    people: list[PersonRow]
    unplanned_units: Optional[list[Unit]]  # None: not shown (leads)
    read_only: bool
    total: int = 0
    overdue: int = 0
    not_visited: list[VisitRow] = field(default_factory=list)
    archived_teams: list[Team] = field(default_factory=list)  # coordinators only, to restore them
    # planned visits whose unit has not submitted its own report: [{"visit", "status"}], overdue first
    self_reports: list[dict] = field(default_factory=list)
    # Recommendations of final visits whose remedy deadline has passed, not remedied (quá hạn).
    overdue_remedies: list[Recommendation] = field(default_factory=list)


def visible_teams(user: User, campaign: Campaign) -> list[Team]:
    """The teams of `campaign` whose progress `user` may follow (archived teams left out)."""
    return [t for t in campaign.teams if t.archived_at is None and access.can(user, "team.reports", t)]


def build(user: User, campaign: Campaign, today: date) -> Optional[Dashboard]:
    """The dashboard of `campaign` as `user` may see it; None when they may see no team of it."""
    manager = access.can(user, "campaigns.manage")
    teams = visible_teams(user, campaign)
    if not manager and not teams:
        return None
    team_ids = [t.id for t in teams]
    visits = list(db.session.scalars(
        access.visible_visits(user, select(Visit))
        .where(Visit.team_id.in_(team_ids), Visit.archived_at.is_(None))
        .options(selectinload(Visit.unit), selectinload(Visit.team))
        .order_by(Visit.planned_date, Visit.id)
    )) if team_ids else []
    rows = [VisitRow(v, visit_is_overdue(v.planned_date, v.status, campaign.deadline, today)) for v in visits]
    counts = {state: 0 for state in VISIT_STATES}
    for visit in visits:
        counts[visit.status] = counts.get(visit.status, 0) + 1

    members = list(db.session.scalars(
        select(TeamMember).where(TeamMember.team_id.in_(team_ids))
        .options(selectinload(TeamMember.user).selectinload(User.agency))
    )) if team_ids else []
    by_user: dict[int, PersonRow] = {}
    team_by_id = {t.id: t for t in teams}
    for member in members:
        row = by_user.setdefault(member.user_id, PersonRow(member.user, [], []))
        row.teams.append(team_by_id[member.team_id])
        row.roles.append(member.team_role)
    # Never synced first, then the longest silence first: those are the people to call.
    people = sorted(by_user.values(), key=lambda p: (p.user.last_sync_at is not None,
                                                    p.user.last_sync_at or 0, p.user.display_name))

    unplanned = None
    if manager:
        planned_unit_ids = select(Visit.unit_id).join(Team).where(
            Team.campaign_id == campaign.id, Visit.archived_at.is_(None), Team.archived_at.is_(None))
        unplanned = list(db.session.scalars(
            select(Unit).where(Unit.archived_at.is_(None), Unit.id.not_in(planned_unit_ids))
            .order_by(Unit.kind, Unit.name)))

    overdue_remedies = overdue_remedies_of(user, team_ids, today)

    return Dashboard(
        campaign=campaign, teams=teams, today=today, days_left=days_left(campaign.deadline, today),
        counts=counts, visits=rows, people=people, unplanned_units=unplanned, read_only=not manager,
        total=len(rows), overdue=sum(1 for r in rows if r.overdue),
        not_visited=[r for r in rows if r.visit.status == VisitState.PLANNED],
        archived_teams=[t for t in campaign.teams if t.archived_at is not None] if manager else [],
        self_reports=follow_up_rows(visits, today),
        overdue_remedies=overdue_remedies,
    )


def overdue_remedies_of(user: User, team_ids: list[int], today: date) -> list[Recommendation]:
    """The overdue remedies (inspections/remedies) of these teams' final visits, oldest deadline first."""
    if not team_ids:
        return []
    stmt = access.visible_recommendations(user).where(remedy_overdue(today))
    return list(db.session.scalars(
        stmt.where(Visit.team_id.in_(team_ids))
        .options(selectinload(Recommendation.visit).selectinload(Visit.unit),
                 selectinload(Recommendation.visit).selectinload(Visit.team))
        .order_by(Recommendation.remedy_deadline, Recommendation.id)))
