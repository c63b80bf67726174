"""The one place that decides who may see and do what (role + team).

Views call `can(user, action, obj)` to decide and `require(action, obj)` to refuse;
queries that list visits go through `visible_visits()`. Nothing else in the code base
compares roles.
"""
from __future__ import annotations

from functools import wraps
from typing import Any, Callable, Optional

from flask import abort, g, has_request_context
from flask_login import current_user
from sqlalchemy import Select, false, or_, select
from sqlalchemy.orm import selectinload

from .core.lifecycle import VisitState, is_final
from .extensions import db, login_manager
from .models import Recommendation, RemedyReport, SelfReport, Submission, Team, TeamMember, User, Visit

MANAGERS = frozenset({"admin", "coordinator"})
# The accounts a coordinator may create and look after while building teams; admin and
# coordinator accounts (and promoting anyone to them) stay the admin's.
FIELD_ROLES = frozenset({"lead", "inspector", "unit"})
#: A unit's representative (đại diện đơn vị được kiểm tra): bound to one unit (User.unit_id), sees
#: that unit's visits of every campaign and nothing else; never the inspectors' answers, notes or
#: names before a visit is final.
UNIT_ROLE = "unit"

# action -> roles allowed regardless of team (object-free actions)
ROLE_ACTIONS: dict[str, frozenset[str]] = {
    "users.manage": frozenset({"admin"}),  # every account and role, the users import
    "users.manage_field": MANAGERS,  # the users page; new lead / inspector accounts
    "campaigns.manage": MANAGERS,
    "campaigns.view": frozenset({"admin", "coordinator", "lead"}),  # list + dashboard; leads: own teams only
    "templates.manage": MANAGERS,
    "reports.download_all": MANAGERS,
    "visits.view_all": MANAGERS,
    "outbox.upload": frozenset({"admin", "coordinator", "lead"}),
    "fieldwork.use": frozenset({"lead", "inspector"}),
    "review.use": frozenset({"admin", "coordinator", "lead"}),
    "team.reports_any": frozenset({"admin", "coordinator", "lead"}),  # the workbook downloads page
    # What an account may be in a team (asked of the account put in the team, and on the
    # home page: "my team's visits" for those who lead, "my visits" for the others).
    "teams.lead": frozenset({"lead"}),
    "teams.join": frozenset({"lead", "inspector"}),
    "unit.portal": frozenset({UNIT_ROLE}),  # the unit's own pages (its visits, its reports)
    "self_reports.follow": frozenset({"admin", "coordinator"}),  # missing/overdue reports on the dashboard
    # The remedies page and GET /api/v1/recommendations (each lists what the user may see).
    "remedies.use": frozenset({"admin", "coordinator", "lead", "inspector", UNIT_ROLE}),
}

# The action whose refusal means "you may not even know this object exists": require() answers
# 404 instead of 403 when this one is refused too (no leaking of ids).
SEE_ACTIONS: dict[type, str] = {
    Visit: "visit.view", Submission: "submission.view", SelfReport: "visit.view",
    Recommendation: "recommendation.view", RemedyReport: "recommendation.view",
}


def is_unit_rep(user: Any, unit_id: Optional[int]) -> bool:
    """True for an active representative of that unit."""
    return (getattr(user, "role", None) == UNIT_ROLE and user.unit_id is not None
            and unit_id is not None and user.unit_id == unit_id)


def team_ids_of(user: User) -> set[int]:
    """Teams the user belongs to, as member or lead (looked up once per request)."""
    cache = g.setdefault("team_ids_by_user", {}) if has_request_context() else {}
    if user.id not in cache:
        led = db.session.scalars(select(Team.id).where(Team.lead_id == user.id))
        member = db.session.scalars(select(TeamMember.team_id).where(TeamMember.user_id == user.id))
        cache[user.id] = set(led) | set(member)
    return cache[user.id]


def is_team_lead(user: User, team: Team) -> bool:
    if team.lead_id == user.id:
        return True
    return any(m.user_id == user.id and m.team_role in ("lead", "deputy") for m in team.members)


def visible_visits(user: User, stmt: Optional[Select] = None) -> Select:
    """Restrict a `select(Visit)` to the visits `user` may see."""
    stmt = stmt if stmt is not None else select(Visit)
    if user.role in MANAGERS:
        return stmt
    if user.role == UNIT_ROLE:
        return stmt.where(Visit.unit_id == user.unit_id) if user.unit_id is not None else stmt.where(false())
    led = select(Team.id).where(Team.lead_id == user.id)
    member = select(TeamMember.team_id).where(TeamMember.user_id == user.id)
    return stmt.where(or_(Visit.team_id.in_(led), Visit.team_id.in_(member)))


def account_may(account: User, action: str) -> bool:
    """Whether the account (not necessarily the one logged in, perhaps archived) has a role that
    allows the object-free `action`: asked of people put into a team ("teams.lead", "teams.join")."""
    return account.role in ROLE_ACTIONS[action]


def accounts_allowed(action: str):
    """A WHERE clause for the accounts that may do the object-free `action` (e.g. "teams.lead")."""
    return User.role.in_(sorted(ROLE_ACTIONS[action]))


def assigned_visits(user: User, *options: Any) -> list[Visit]:
    """The visits the user fills in ("my visits"): their teams' visits, not archived, by planned
    date; [] for those who do no fieldwork. `options`: more loader options for the caller."""
    if not can(user, "fieldwork.use"):
        return []
    return list(db.session.scalars(
        visible_visits(user, select(Visit))
        .where(Visit.archived_at.is_(None))
        .options(selectinload(Visit.unit), selectinload(Visit.team).selectinload(Team.campaign), *options)
        .order_by(Visit.planned_date, Visit.id)))


def can(user: Any, action: str, obj: Any = None) -> bool:
    """True when `user` may do `action` (on `obj`, when the action concerns one)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    role = user.role
    if action in ROLE_ACTIONS:
        return role in ROLE_ACTIONS[action]
    if isinstance(obj, Submission):
        if action == "submission.view":
            return obj.inspector_id == user.id or can(user, "visit.view_work", obj.visit)
        if action == "submission.edit":
            return obj.inspector_id == user.id and can(user, "visit.fill", obj.visit)
        return False
    if isinstance(obj, SelfReport):
        obj = obj.visit  # a unit's report goes with its visit (the self_report.* actions below)
    if isinstance(obj, RemedyReport):
        obj = obj.recommendation  # a remedy report is seen and reviewed with its recommendation
    if isinstance(obj, Recommendation):
        return _can_recommendation(user, action, obj)
    if isinstance(obj, Visit):
        if action == "visit.conclusions":  # after the visit: the record's conclusions, the unit too
            return _can_read_conclusions(user, obj)
        if role == UNIT_ROLE:
            return _unit_can(user, action, obj)
        team = obj.team
        in_team = team.id in team_ids_of(user)
        if action == "visit.view":
            return role in MANAGERS or in_team
        if action in ("visit.view_work", "visit.view_record", "self_report.view"):
            # the inspectors' answers, notes and names; the record; the unit's report
            return role in MANAGERS or in_team
        if action in ("self_report.manage", "visit.invite_unit"):  # due date, lock; invite a rep
            return role in MANAGERS or (role == "lead" and is_team_lead(user, team))
        if action == "visit.fill":  # fill in one's own checklist
            return role in ("lead", "inspector") and in_team and obj.archived_at is None
        if action in ("visit.merge", "visit.finalize", "visit.reopen", "visit.send_back"):
            return role == "lead" and is_team_lead(user, team)
        if action == "visit.review":  # the merge page: the lead, read-only for staff who see every visit
            return (role == "lead" and is_team_lead(user, team)) or role in MANAGERS
        if action == "visit.record":  # the printable record: reviewers, and the team once final
            return can(user, "visit.review", obj) or (is_final(obj) and in_team)
        if action == "visit.download":  # the visit's workbook and Word record
            return can(user, "team.reports", team)
        if action == "outbox.upload_for":  # store a teammate's work on this visit from a file
            return role in MANAGERS or (role == "lead" and is_team_lead(user, team))
        return False
    if isinstance(obj, User):
        if action == "user.edit":  # edit, reset the password, archive, restore
            return role == "admin" or (role in MANAGERS and obj.role in FIELD_ROLES)
        return False
    if isinstance(obj, str) and action == "role.assign":  # give an account this role
        return role == "admin" or (role in MANAGERS and obj in FIELD_ROLES)
    if isinstance(obj, Team):
        if action == "team.view":
            return role in MANAGERS or obj.id in team_ids_of(user)
        if action == "team.reports":
            return role in MANAGERS or (role == "lead" and is_team_lead(user, obj))
        return False
    return False


def self_report_open(visit: Visit) -> bool:
    """The unit may still write its report: the visit has not started and nobody locked it."""
    return visit.status == VisitState.PLANNED and visit.self_report_locked_at is None and visit.archived_at is None


def _unit_can(user: User, action: str, visit: Visit) -> bool:
    """What a unit's representative may do with a visit: only their own unit's."""
    if not is_unit_rep(user, visit.unit_id):
        return False
    if action in ("visit.view", "self_report.view"):
        return True
    if action == "self_report.edit":
        return self_report_open(visit)
    if action in ("visit.record", "visit.view_record"):  # the final record, once the team signed it
        return is_final(visit.status)
    return False  # visit.view_work (inspectors' answers, notes, names), fill, merge, ...


def _can_read_conclusions(user: User, visit: Visit) -> bool:
    """A final visit's conclusions and recommendations: its unit's rep and whoever sees the visit."""
    if not is_final(visit.status) or visit.archived_at is not None:
        return False
    return is_unit_rep(user, visit.unit_id) or can(user, "visit.view_record", visit)


def _can_recommendation(user: User, action: str, rec: Recommendation) -> bool:
    """Remedies after the visit (inspections/remedies): only once the visit is final.

    recommendation.view: the unit's rep, and whoever may see the visit's record; remedy.report:
    the unit's rep; remedy.review (accept or return a remedy report): the lead of the visit's
    team and coordinators.
    """
    visit = rec.visit
    if not is_final(visit.status) or visit.archived_at is not None:
        return False
    if action == "recommendation.view":
        return _can_read_conclusions(user, visit)
    if action == "remedy.report":
        return is_unit_rep(user, visit.unit_id)
    if action == "remedy.review":
        return user.role in MANAGERS or (user.role == "lead" and is_team_lead(user, visit.team))
    return False


def visible_recommendations(user: User, stmt: Optional[Select] = None) -> Select:
    """Restrict a `select(Recommendation)` to what `user` may see: recommendations of final
    visits; a unit's rep its own unit's, a team member their teams', coordinators all."""
    stmt = stmt if stmt is not None else select(Recommendation)
    stmt = stmt.join(Visit, Recommendation.visit_id == Visit.id).where(
        Visit.status == VisitState.FINAL.value, Visit.archived_at.is_(None))
    return visible_visits(user, stmt)


def require(action: str, obj: Any = None) -> None:
    """The one refusal: anonymous users log in; 404 for an object the user may not see at all
    (no leaking of ids), else 403. Under /api/ the app's error handler answers these in JSON."""
    if can(current_user, action, obj):
        return
    if not current_user.is_authenticated:
        abort(login_manager.unauthorized())
    see = SEE_ACTIONS.get(type(obj))
    if see is not None and not can(current_user, see, obj):
        abort(404)
    abort(403)


def role_required(action: str) -> Callable:
    """Decorator for views guarded by an object-free action of ROLE_ACTIONS."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(*args, **kwargs):
            require(action)
            return view(*args, **kwargs)

        return wrapped

    return decorator
