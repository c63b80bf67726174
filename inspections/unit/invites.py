"""One-time invitation links for a unit's representative.

The lead of a visit's team (or a coordinator) names the account (username, full name); the
link carries a random token, of which only the SHA-256 digest is stored. Opening the link and
setting a password creates the account, once: a used or expired link never makes one.
"""
from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Optional, cast

from flask_babel import gettext as _
from sqlalchemy import CursorResult, func, select, update

from .. import audit
from ..core.text import text_error
from ..extensions import db
from ..models import Unit, UnitInvite, User, Visit, utcnow

INVITE_DAYS = 7
USERNAME_RE = re.compile(r"^[A-Za-z0-9._-]{3,80}$")
MIN_PASSWORD = 8
MAX_PASSWORD = 200


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


@dataclass
class FieldProblem:
    field: str
    message: str


def check_username(username: str) -> Optional[FieldProblem]:
    if not USERNAME_RE.match(username or ""):
        return FieldProblem("username", _("The username takes 3 to 80 letters, digits, dots, dashes or underscores."))
    # usernames are unique whatever their case (as on the users page)
    taken = db.session.scalar(select(User.id).where(func.lower(User.username) == username.lower()).limit(1))
    pending = db.session.scalar(select(UnitInvite.id).where(
        func.lower(UnitInvite.username) == username.lower(), UnitInvite.used_at.is_(None),
        UnitInvite.expires_at > utcnow()).limit(1))
    if taken is not None or pending is not None:
        return FieldProblem("username", _("The username %(name)s is already taken.", name=username))
    return None


def create_invite(creator: User, visit: Visit, *, username: str, full_name: str,
                  now: Optional[datetime] = None) -> tuple[Optional[str], list[FieldProblem]]:
    """(token, []) for a new link to the visit's unit, or (None, problems)."""
    username = (username or "").strip()
    full_name = (full_name or "").strip()
    problems = []
    problem = check_username(username)
    if problem:
        problems.append(problem)
    refused = text_error(full_name, _("The full name")) if full_name else None
    if refused:
        problems.append(FieldProblem("full_name", refused))
    elif len(full_name) > 200:
        problems.append(FieldProblem("full_name", _("The full name is too long (at most 200 characters).")))
    if visit.unit.archived_at is not None:
        problems.append(FieldProblem("unit", _("The unit is archived.")))
    if problems:
        return None, problems
    now = now or utcnow()
    token = secrets.token_urlsafe(32)
    invite = UnitInvite(token_hash=digest(token), unit_id=visit.unit_id, visit_id=visit.id, username=username,
                        full_name=full_name, created_by_id=creator.id, created_at=now,
                        expires_at=now + timedelta(days=INVITE_DAYS))
    db.session.add(invite)
    audit.record("unit_invite.created", invite, actor=creator, visit_id=visit.id,
                 after={"username": username, "unit": visit.unit.code, "expires_at": invite.expires_at.isoformat()})
    return token, []


def find_usable(token: str, now: Optional[datetime] = None) -> tuple[Optional[UnitInvite], str]:
    """(invite, "") for a link that can still be used, else (None or the invite, why not:
    unknown | used | expired | archived)."""
    if not isinstance(token, str) or not 20 <= len(token) <= 100:
        return None, "unknown"
    invite = db.session.scalar(select(UnitInvite).where(UnitInvite.token_hash == digest(token)))
    if invite is None:
        return None, "unknown"
    if invite.used_at is not None:
        return invite, "used"
    if invite.expires_at <= (now or utcnow()):
        return invite, "expired"
    unit = db.session.get(Unit, invite.unit_id)
    if unit is None or unit.archived_at is not None:
        return invite, "archived"
    return invite, ""


def accept(invite: UnitInvite, password: str, confirm: str,
           now: Optional[datetime] = None) -> tuple[Optional[User], list[FieldProblem]]:
    """Create the representative's account with this password, using the link up (once)."""
    problems = []
    if not isinstance(password, str) or len(password) < MIN_PASSWORD:
        problems.append(FieldProblem("password", _("The password needs at least %(count)d characters.",
                                                   count=MIN_PASSWORD)))
    elif len(password) > MAX_PASSWORD or text_error(password, _("The password")):
        problems.append(FieldProblem("password", _("The password may hold at most %(count)d ordinary characters.",
                                                   count=MAX_PASSWORD)))
    elif password != confirm:
        problems.append(FieldProblem("confirm", _("The two passwords differ.")))
    if db.session.scalar(select(User.id).where(func.lower(User.username) == invite.username.lower()).limit(1)) \
            is not None:
        problems.append(FieldProblem("username", _("The username %(name)s is already taken.", name=invite.username)))
    if problems:
        return None, problems
    now = now or utcnow()
    # One UPDATE claims the link: of two tabs sending the form at once only one gets the account.
    claim = update(UnitInvite).where(UnitInvite.id == invite.id, UnitInvite.used_at.is_(None)).values(used_at=now)
    claimed = cast(CursorResult[Any], db.session.execute(claim)).rowcount  # an UPDATE's result
    if claimed != 1:
        return None, [FieldProblem("", _("This link was already used."))]
    user = User(username=invite.username, full_name=invite.full_name, role="unit", unit_id=invite.unit_id,
                is_active_account=True)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    invite.user_id = user.id
    audit.record("unit_invite.used", invite, actor=user, visit_id=invite.visit_id,
                 after={"username": user.username, "user_id": user.id})
    return user, []


def pending_invites(visit: Visit) -> list[UnitInvite]:
    return list(db.session.scalars(select(UnitInvite).where(
        UnitInvite.visit_id == visit.id).order_by(UnitInvite.created_at.desc())))


def representatives(unit_id: int) -> list[User]:
    return list(db.session.scalars(select(User).where(User.role == "unit", User.unit_id == unit_id)
                                   .order_by(User.username)))
