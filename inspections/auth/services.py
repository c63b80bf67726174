"""Checking passwords, with throttling of repeated failures per account."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Optional

from flask import current_app
from sqlalchemy import func, select

from werkzeug.security import check_password_hash, generate_password_hash

from ..extensions import db
from ..models import User, utcnow


@dataclass
class LoginResult:
    user: Optional[User]
    locked_seconds: int = 0  # > 0: the account is locked for this many more seconds

    @property
    def ok(self) -> bool:
        return self.user is not None and self.locked_seconds == 0


def find_user(username: str) -> Optional[User]:
    username = (username or "").strip()
    if not username or "\x00" in username or len(username) > 200:
        return None  # no such account can exist (and PostgreSQL refuses NUL in text)
    return db.session.scalar(select(User).where(func.lower(User.username) == username.lower()))


def authenticate(username: str, password: str) -> LoginResult:
    """Check a password; after LOGIN_MAX_FAILURES wrong ones the account is locked for a while.

    The lock applies even to the right password, so guessing cannot continue. The caller
    commits (the failure counter must be saved even when login fails).
    """
    user = find_user(username)
    now = utcnow()
    if user is None or not user.is_active_account:
        # Spend the same time as a real check so usernames cannot be probed by timing.
        check_password_hash(_DUMMY_HASH, password or "")
        return LoginResult(None)
    if user.locked_until and user.locked_until > now:
        return LoginResult(None, _seconds_left(user.locked_until, now))
    if user.check_password(password or ""):
        user.failed_logins = 0
        user.locked_until = None
        user.last_login_at = now
        return LoginResult(user)
    user.failed_logins = (user.failed_logins or 0) + 1
    if user.failed_logins >= current_app.config["LOGIN_MAX_FAILURES"]:
        user.locked_until = now + timedelta(seconds=current_app.config["LOGIN_LOCKOUT_SECONDS"])
        user.failed_logins = 0
        return LoginResult(None, _seconds_left(user.locked_until, now))
    return LoginResult(None)


def _seconds_left(until: datetime, now: datetime) -> int:
    if until.tzinfo is None:
        until = until.replace(tzinfo=timezone.utc)
    return max(1, int((until - now).total_seconds()))


_DUMMY_HASH = generate_password_hash("not-a-real-password")
