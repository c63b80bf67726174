"""What the registry does: create, change, archive and restore agencies, units and users, each
change written to the audit log (inspections.desk.records).

Functions here only add and flush; the view commits once per request. A value a user typed
that breaks a rule raises FormProblems naming the field. Nothing that inspection data may refer
to is deleted: it is archived (archived_at, or is_active_account for users).
"""
from __future__ import annotations

from typing import Any, Optional

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from .. import access, audit
from ..desk.records import (
    NONE_CHOICE,
    FormProblems,
    active_or_current,
    archived_suffix,
    code_taken,
    list_rows,
    save,
    snapshot,
)
from ..extensions import db
from ..models import NEW_UNIT_KINDS, Agency, Unit, User

# --- agencies --------------------------------------------------------------------------------

def list_agencies(show_archived: bool = False) -> list[Agency]:
    return list_rows(Agency, show_archived, [Agency.name])


def agency_choices(current_id: Optional[int] = None) -> list[tuple[int, str]]:
    rows = sorted(active_or_current(Agency, current_id), key=lambda a: a.name)
    return [NONE_CHOICE] + [(a.id, (a.short_name or a.name) + archived_suffix(a)) for a in rows]


def save_agency(values: dict[str, Any], agency: Optional[Agency] = None) -> Agency:
    values = {"code": values["code"].strip().upper(), "name": values["name"].strip(),
              "short_name": (values.get("short_name") or "").strip()}
    if code_taken(Agency, values["code"], agency.id if agency else None):
        raise FormProblems({"code": _("Another agency already has the code %(code)s.", code=values["code"])})
    return save(agency or Agency(), values, "agency", agency is None)


# --- units -----------------------------------------------------------------------------------

def list_units(show_archived: bool = False) -> list[Unit]:
    return list_rows(Unit, show_archived, [Unit.kind, Unit.name], [selectinload(Unit.parent)])


def _descendants(unit_id: int) -> set[int]:
    """Ids of the units below `unit_id` (so a unit is never made its own ancestor)."""
    children: dict[int, list[int]] = {}
    for child_id, parent_id in db.session.execute(select(Unit.id, Unit.parent_id)):
        if parent_id is not None:
            children.setdefault(parent_id, []).append(child_id)
    found: set[int] = set()
    stack = [unit_id]
    while stack:
        for child in children.get(stack.pop(), []):
            if child not in found:
                found.add(child)
                stack.append(child)
    return found


def parent_choices(unit: Optional[Unit] = None) -> list[tuple[int, str]]:
    """Possible parents: active departments and districts, never the unit itself or one below it."""
    excluded = {unit.id} | _descendants(unit.id) if unit is not None and unit.id else set()
    rows = active_or_current(Unit, unit.parent_id if unit else None, Unit.kind != "commune")
    rows = sorted((u for u in rows if u.id not in excluded), key=lambda u: (u.kind, u.name))
    return [NONE_CHOICE] + [(u.id, u.name + archived_suffix(u)) for u in rows]


def save_unit(values: dict[str, Any], unit: Optional[Unit] = None) -> Unit:
    if values.get("kind") not in NEW_UNIT_KINDS and (unit is None or values.get("kind") != unit.kind):
        # The district level was abolished in 2025: old district units stay, no new ones.
        raise FormProblems({"kind": _("Not a valid choice.")})
    values = {"code": values["code"].strip().upper(), "name": values["name"].strip(), "kind": values["kind"],
              "parent_id": values.get("parent_id") or None, "address": (values.get("address") or "").strip()}
    if code_taken(Unit, values["code"], unit.id if unit else None):
        raise FormProblems({"code": _("Another unit already has the code %(code)s.", code=values["code"])})
    if unit is not None and values["parent_id"] and values["parent_id"] in ({unit.id} | _descendants(unit.id)):
        raise FormProblems({"parent_id": _("A unit cannot belong to itself or to a unit below it.")})
    if unit is not None and values["kind"] == "commune" and db.session.scalar(
            select(Unit.id).where(Unit.parent_id == unit.id, Unit.archived_at.is_(None)).limit(1)):
        raise FormProblems({"kind": _("Other units belong to this one, so it cannot be a commune.")})
    return save(unit or Unit(), values, "unit", unit is None)


# --- users (admin) ---------------------------------------------------------------------------

def list_users(show_archived: bool = False) -> list[User]:
    return list_rows(User, show_archived, [User.role, User.username], [selectinload(User.agency)])


def username_taken(username: str, own_id: Optional[int] = None) -> bool:
    stmt = select(User.id).where(func.lower(User.username) == username.strip().lower())
    if own_id is not None:
        stmt = stmt.where(User.id != own_id)
    return db.session.scalar(stmt.limit(1)) is not None


def represented_unit_id(role: str, unit_code: Optional[str]) -> Optional[int]:
    """The unit a `unit` account represents, by its code; FormProblems naming unit_code when the
    code is missing, unknown or archived, or given for another role."""
    code = (unit_code or "").strip()
    if role != "unit":
        if code:
            raise FormProblems({"unit_code": _("Only an inspected unit's representative takes a unit code.")})
        return None
    if not code:
        raise FormProblems({"unit_code": _("Give the code of the unit this account represents.")})
    unit = db.session.scalar(select(Unit).where(func.lower(Unit.code) == code.lower()))
    if unit is None:
        raise FormProblems({"unit_code": _("There is no unit with the code %(code)s.", code=code[:40])})
    if unit.archived_at is not None:
        raise FormProblems({"unit_code": _("The unit %(code)s is archived.", code=unit.code)})
    return unit.id


def save_user(values: dict[str, Any], user: Optional[User] = None, *, actor: User) -> User:
    clean = {"username": values["username"].strip(), "full_name": values["full_name"].strip(),
             "email": (values.get("email") or "").strip(), "role": values["role"],
             "agency_id": values.get("agency_id") or None,
             "unit_id": represented_unit_id(values["role"], values.get("unit_code"))}
    if username_taken(clean["username"], user.id if user else None):
        raise FormProblems({"username": _("The username %(username)s is already taken.", username=clean["username"])})
    if user is not None and user.id == actor.id and clean["role"] != user.role:
        raise FormProblems({"role": _("You cannot change your own role; ask another administrator.")})
    if user is not None and not access.can(actor, "user.edit", user):
        raise FormProblems({"role": _("Only an administrator can change this account.")})
    if (user is None or clean["role"] != user.role) and not access.can(actor, "role.assign", clean["role"]):
        raise FormProblems({"role": _("Only an administrator can give this role.")})
    creating = user is None
    if creating and not values.get("password"):
        raise FormProblems({"password": _("This field is required.")})
    role_changed = user is not None and clean["role"] != user.role
    user = user or User(is_active_account=True)
    if values.get("password"):
        user.set_password(values["password"])  # also ends the user's sessions
    if role_changed:
        user.end_sessions()  # pages and permissions of the old role must not stay open anywhere
    saved = save(user, clean, "user", creating)
    if values.get("password") and not creating:
        audit.record("user.password_reset", saved)
    return saved


def set_user_active(user: User, active: bool, *, actor: User) -> None:
    """Archive (deactivate: the user can no longer log in) or restore a user."""
    if user.is_active_account == active:
        return
    if not active and user.id == actor.id:
        raise FormProblems({"": _("You cannot archive your own account.")})
    before = snapshot(user)
    user.is_active_account = active
    if not active:
        user.end_sessions()
    db.session.flush()
    audit.record("user.restore" if active else "user.archive", user, before=before, after=snapshot(user))


def end_user_sessions(user: User) -> None:
    """"Log out everywhere": every session and remember cookie of `user` stops working."""
    user.end_sessions()
    db.session.flush()
    audit.record("user.sessions_ended", user)
