"""Checking passwords, with throttling of repeated failures per account."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Optional

from flask import current_app
from sqlalchemy import func, or_, select, update

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

    The attempt is counted (and committed) before the password is checked, with one atomic
    UPDATE, so parallel guesses cannot each read the same counter and all get a try. The lock
    applies even to the right password. Commits.
    """
    user = find_user(username)
    now = utcnow()
    if user is None or not user.is_active_account:
        # Spend the same time as a real check so usernames cannot be probed by timing.
        check_password_hash(_DUMMY_HASH, password or "")
        return LoginResult(None)
    user_id = user.id
    maximum = current_app.config["LOGIN_MAX_FAILURES"]
    attempts = db.session.scalar(
        update(User)
        .where(User.id == user_id, or_(User.locked_until.is_(None), User.locked_until <= now))
        .values(failed_logins=User.failed_logins + 1)
        .returning(User.failed_logins)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()  # the attempt counts even if this request dies during the slow check
    if attempts is None or attempts > maximum:
        db.session.refresh(user)
        if user.locked_until is None or user.locked_until <= now:  # over the count, lock not yet set
            user.locked_until = now + timedelta(seconds=current_app.config["LOGIN_LOCKOUT_SECONDS"])
            db.session.commit()
        return LoginResult(None, _seconds_left(user.locked_until, now))
    if user.check_password(password or ""):
        db.session.execute(update(User).where(User.id == user_id).values(
            failed_logins=0, locked_until=None, last_login_at=now))
        db.session.commit()
        db.session.refresh(user)
        return LoginResult(user)
    if attempts >= maximum:
        locked_until = now + timedelta(seconds=current_app.config["LOGIN_LOCKOUT_SECONDS"])
        db.session.execute(update(User).where(User.id == user_id).values(
            locked_until=locked_until, failed_logins=0))
        db.session.commit()
        return LoginResult(None, _seconds_left(locked_until, now))
    return LoginResult(None)


def _seconds_left(until: datetime, now: datetime) -> int:
    if until.tzinfo is None:
        until = until.replace(tzinfo=timezone.utc)
    return max(1, int((until - now).total_seconds()))


_DUMMY_HASH = generate_password_hash("not-a-real-password")
