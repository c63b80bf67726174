"""Sessions that end on the server.

Flask-Login keeps `User.get_id()` in the signed session cookie and, with "keep me logged in", in
the remember cookie. That id is `<user id>:<session token>:<issued at>:<nonce>`:

- the user's `session_token` must match on every request, so giving the user a new token
  (log-out, new password, archiving, new role, an admin's "log out everywhere") ends every
  session and remember cookie they have, on every device;
- `issued at` is checked against SESSION_DAYS on the server, whatever the cookie's own expiry
  says, and together with the nonce makes every log-in's cookies different.

The check is one query on every request (the user's row, by primary key; nothing is cached
in a worker, so a new token ends a session on every worker at once). On SQLite a write request
reads it ahead of the write lock (`sqlite_locking.reads_ahead`): checking the cookie does not
hold up the other writers.
"""
from __future__ import annotations

import hmac
import secrets
import time
from typing import TYPE_CHECKING, Optional

from flask import current_app, g, session
from flask_login import login_user, logout_user

from ..extensions import db
from ..sqlite_locking import reads_ahead

if TYPE_CHECKING:
    from ..models import User


def session_id(user: "User") -> str:
    """A new id for one log-in of `user` (Flask-Login asks for it in login_user)."""
    return f"{user.id}:{user.session_token}:{int(time.time())}:{secrets.token_hex(4)}"


def load_user(value: str) -> Optional["User"]:
    """The user a session or remember cookie names, or None when that session has ended."""
    from ..models import User

    parts = str(value).split(":")
    if len(parts) != 4 or not parts[0].isascii() or not parts[0].isdigit() or len(parts[0]) > 18:
        return None  # a cookie from before sessions had tokens, or a forged one
    user_id, token, issued = int(parts[0]), parts[1], parts[2]
    if not issued.isascii() or not issued.isdigit() or len(issued) > 12:
        return None
    age = time.time() - int(issued)
    lifetime = current_app.config["PERMANENT_SESSION_LIFETIME"].total_seconds()
    if age > lifetime or age < -300:
        return None
    with reads_ahead():
        user = db.session.get(User, user_id)
        if user is None or not user.may_log_in:  # (a unit's representative: its unit, read here too)
            return None
    if not hmac.compare_digest(token.encode("ascii", "replace"), user.session_token.encode("ascii")):
        return None
    return user


def start(user: "User", remember: bool) -> None:
    """Log `user` in on this device, with a new CSRF token (one from before log-in is void)."""
    field = current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    session.pop(field, None)
    g.pop(field, None)
    login_user(user, remember=remember)


def end_everywhere(user: "User") -> None:
    """End every session of `user` (the caller commits)."""
    user.end_sessions()
    db.session.flush()


def end_here() -> None:
    """Forget this device's session (and its remember cookie)."""
    logout_user()
