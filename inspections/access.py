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

from .extensions import db
from .models import Recommendation, RemedyReport, Submission, Team, TeamMember, User, Visit

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
    # The remedies page and GET /api/v1/recommendations (each lists what the user may see).
    "remedies.use": frozenset({"admin", "coordinator", "lead", "inspector", "unit"}),
}


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
    if isinstance(obj, RemedyReport):
        obj = obj.recommendation  # a report is seen and reviewed with its recommendation
    if isinstance(obj, Recommendation):
        return _can_recommendation(user, action, obj)
    if isinstance(obj, Visit):
        team = obj.team
        in_team = team.id in team_ids_of(user)
        if action == "visit.view":
            return role in MANAGERS or in_team
        if action == "visit.conclusions":  # after the visit: the record's conclusions, for the unit too
            return _can_read_conclusions(user, obj)
        if action == "visit.fill":  # fill in one's own checklist
            return role in ("lead", "inspector") and in_team and obj.archived_at is None
        if action in ("visit.merge", "visit.finalize", "visit.reopen", "visit.send_back"):
            return role == "lead" and is_team_lead(user, team)
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


def is_unit_rep_of(user: User, visit: Visit) -> bool:
    """The representative of the visit's inspected unit."""
    return user.role == "unit" and getattr(user, "unit_id", None) == visit.unit_id


def _can_recommendation(user: User, action: str, rec: Recommendation) -> bool:
    """Remedies after the visit (inspections/remedies): only once the visit is final.

    recommendation.view: the unit's rep, and whoever may see the visit; remedy.report: the
    unit's rep; remedy.review (accept or return a remedy report): the lead of the visit's team
    and coordinators.
    """
    visit = rec.visit
    if visit.status != "final" or visit.archived_at is not None:
        return False
    if action == "recommendation.view":
        return _can_read_conclusions(user, visit)
    if action == "remedy.report":
        return is_unit_rep_of(user, visit)
    if action == "remedy.review":
        return user.role in MANAGERS or (user.role == "lead" and is_team_lead(user, visit.team))
    return False


def _can_read_conclusions(user: User, visit: Visit) -> bool:
    """A final visit's conclusions and recommendations: its unit's rep and whoever sees the visit."""
    if visit.status != "final" or visit.archived_at is not None:
        return False
    return is_unit_rep_of(user, visit) or (user.role != "unit" and can(user, "visit.view", visit))


def visible_recommendations(user: User, stmt: Optional[Select] = None) -> Select:
    """Restrict a `select(Recommendation)` to what `user` may see: recommendations of final
    visits; a unit's rep its own unit's, a team member their teams', coordinators all."""
    stmt = stmt if stmt is not None else select(Recommendation)
    stmt = stmt.join(Visit, Recommendation.visit_id == Visit.id).where(
        Visit.status == "final", Visit.archived_at.is_(None))
    if user.role in MANAGERS:
        return stmt
    if user.role == "unit":
        return stmt.where(Visit.unit_id == getattr(user, "unit_id", None))
    led = select(Team.id).where(Team.lead_id == user.id)
    member = select(TeamMember.team_id).where(TeamMember.user_id == user.id)
    return stmt.where(or_(Visit.team_id.in_(led), Visit.team_id.in_(member)))


def require(action: str, obj: Any = None) -> None:
    """Send anonymous users to log in; 404 for objects the user may not see (no leaking of ids), else 403."""
    if can(current_user, action, obj):
        return
    if not current_user.is_authenticated:
        from flask import current_app

        abort(current_app.login_manager.unauthorized())
    if obj is not None and isinstance(obj, (Visit, Submission, Recommendation, RemedyReport)):
        view_action = ("visit.view" if isinstance(obj, Visit) else "submission.view"
                       if isinstance(obj, Submission) else "recommendation.view")
        if not can(current_user, view_action, obj):
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
