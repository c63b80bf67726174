"""Rows of the desk: save or archive one with its audit entry; lists and pickers without archived rows.

Functions here only add and flush; the view commits once per request. A value a user typed
that breaks a rule raises FormProblems naming the field, so the view can show it next to that
field and keep everything else the user typed. Nothing that inspection data may refer to is
deleted: it is archived (archived_at, or is_active_account for users) and drops out of pickers.
"""
from __future__ import annotations

from datetime import date, datetime
from typing import Any, Iterable, Optional

from flask_babel import gettext as _
from sqlalchemy import func, select

from .. import audit
from ..extensions import db
from ..models import Team, User, utcnow

NONE_CHOICE = (0, "—")


class FormProblems(Exception):
    """Values that break a rule: {field name: message}. Nothing was written."""

    def __init__(self, errors: dict[str, str]):
        super().__init__(errors)
        self.errors = errors


# --- snapshots for the audit log -------------------------------------------------------------

def _plain(value: Any) -> Any:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return value


def snapshot(obj: Any) -> dict[str, Any]:
    """The row's columns as JSON-safe values (never a password hash or session token)."""
    data = {c.key: _plain(getattr(obj, c.key)) for c in obj.__table__.columns
            if c.key not in ("password_hash", "session_token", "created_at")}
    if isinstance(obj, Team):
        data["members"] = sorted([m.user_id, m.team_role] for m in obj.members)
    return data


# --- saving and archiving --------------------------------------------------------------------

def code_taken(model, code: str, own_id: Optional[int]) -> bool:
    """Whether another row of `model` has `code` (case does not count)."""
    stmt = select(model.id).where(func.lower(model.code) == code.lower())
    if own_id is not None:
        stmt = stmt.where(model.id != own_id)
    return db.session.scalar(stmt.limit(1)) is not None


def apply(obj: Any, values: dict[str, Any]) -> None:
    for key, value in values.items():
        setattr(obj, key, value)


def save(obj: Any, values: dict[str, Any], kind: str, creating: bool) -> Any:
    """Write `values` on `obj` (added when `creating`); audited as <kind>.create / <kind>.update when it changed."""
    before = None if creating else snapshot(obj)
    apply(obj, values)
    if creating:
        db.session.add(obj)
    db.session.flush()
    after = snapshot(obj)
    if before != after:
        audit.record(f"{kind}.{'create' if creating else 'update'}", obj, before=before, after=after)
    return obj


def set_archived(obj: Any, kind: str, archived: bool) -> None:
    """Archive (or restore) a row that has archived_at; a no-op when already in that state."""
    if (obj.archived_at is not None) == archived:
        return
    before = snapshot(obj)
    obj.archived_at = utcnow() if archived else None
    db.session.flush()
    audit.record(f"{kind}.{'archive' if archived else 'restore'}", obj, before=before, after=snapshot(obj))


# --- lists and pickers -----------------------------------------------------------------------

def active_or_current(model, current_id: Optional[int], *conditions) -> list:
    """Rows not archived (plus the one a form currently points at, so editing keeps it)."""
    is_active = model.is_active_account.is_(True) if model is User else model.archived_at.is_(None)
    stmt = select(model).where(*conditions)
    if current_id:
        stmt = stmt.where(is_active | (model.id == current_id))
    else:
        stmt = stmt.where(is_active)
    return list(db.session.scalars(stmt))


def archived_suffix(obj) -> str:
    """" (archived)" after the name of an archived row in a picker."""
    archived = (not obj.is_active_account) if isinstance(obj, User) else obj.archived_at is not None
    return " (" + _("archived") + ")" if archived else ""


def list_rows(model, show_archived: bool, order: Iterable, options: Iterable = ()) -> list:
    """The rows of a desk list, archived ones only when asked for."""
    stmt = select(model).options(*options).order_by(*order)
    if not show_archived:
        stmt = stmt.where(model.is_active_account.is_(True) if model is User else model.archived_at.is_(None))
    return list(db.session.scalars(stmt))
