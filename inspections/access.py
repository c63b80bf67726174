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
from sqlalchemy import Select, or_, select
from sqlalchemy.orm import selectinload

from .core.lifecycle import is_final
from .extensions import db, login_manager
from .models import Submission, Team, TeamMember, User, Visit

MANAGERS = frozenset({"admin", "coordinator"})
# The accounts a coordinator may create and look after while building teams; admin and
# coordinator accounts (and promoting anyone to them) stay the admin's.
FIELD_ROLES = frozenset({"lead", "inspector"})

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
    "teams.join": FIELD_ROLES,
}

# The action whose refusal means "you may not even know this object exists": require() answers
# 404 instead of 403 when this one is refused too (no leaking of ids).
SEE_ACTIONS: dict[type, str] = {Visit: "visit.view", Submission: "submission.view"}


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
            return obj.inspector_id == user.id or can(user, "visit.view", obj.visit)
        if action == "submission.edit":
            return obj.inspector_id == user.id and can(user, "visit.fill", obj.visit)
        return False
    if isinstance(obj, Visit):
        team = obj.team
        in_team = team.id in team_ids_of(user)
        if action == "visit.view":
            return role in MANAGERS or in_team
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
