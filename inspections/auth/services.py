"""Checking passwords, with limits on wrong ones per address and per account.

Why the database: every gunicorn worker shares it, so a limit counts every attempt whatever
worker answers it, with no extra service to run (an in-memory limiter counts per process and
multiplies the allowance by the number of workers).

Three limits over a rolling window of LOGIN_LOCKOUT_SECONDS:
- LOGIN_MAX_FAILURES wrong passwords for one account from one address: that address waits
  (the account stays open to everyone else, so nobody can keep `admin` locked out alone);
- LOGIN_ACCOUNT_MAX_FAILURES for one account from all addresses together: guessing stays slow
  even from many addresses;
- LOGIN_ADDRESS_MAX_FAILURES from one address over all accounts (guessing one password
  against every username).
Counts are per typed username, whether or not such an account exists, and every answer
spends one password hash, so replies do not tell which usernames exist.

A password hash (scrypt) costs tens of milliseconds of CPU on purpose. So that a burst of
log-ins (a whole province's inspectors at 8 o'clock) neither starves every other request nor
queues until the clients time out and send again, each worker process checks at most
LOGIN_CONCURRENT_CHECKS passwords at once: a log-in that finds no free slot within
LOGIN_BUSY_WAIT_MS is answered "busy" at once (503 with Retry-After: LOGIN_BUSY_RETRY_AFTER
seconds), before anything is counted or hashed, and the client tries again then. On SQLite the
counts, the account and the hash are read ahead of the write lock (`sqlite_locking.reads_ahead`):
only the attempt's row and a success's changes are written under it, so the hash never holds
other writers up.
"""
from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Optional

from flask import current_app
from sqlalchemy import delete, func, select
from werkzeug.security import check_password_hash, generate_password_hash

from ..extensions import db
from ..models import LoginFailure, User, utcnow
from ..sqlite_locking import reads_ahead


@dataclass
class LoginResult:
    user: Optional[User]
    retry_after: int = 0  # > 0: refused by a limit (or busy); try again after this many seconds
    busy: bool = False  # refused because this worker was checking as many passwords as it may

    @property
    def ok(self) -> bool:
        return self.user is not None and self.retry_after == 0


_SLOTS: dict[int, threading.BoundedSemaphore] = {}
_SLOTS_LOCK = threading.Lock()


def password_check_slots(size: int) -> threading.BoundedSemaphore:
    """This process's slots for password checks (one semaphore per configured size)."""
    with _SLOTS_LOCK:
        if size not in _SLOTS:
            _SLOTS[size] = threading.BoundedSemaphore(size)
        return _SLOTS[size]


def usable_text(value: object) -> bool:
    """A str the database and the hash can take: no NUL, no lone surrogate."""
    if not isinstance(value, str) or "\x00" in value:
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def find_user(username: str) -> Optional[User]:
    username = (username or "").strip()
    if not username or len(username) > 200 or not usable_text(username):
        return None  # no such account can exist (and the database refuses NUL and surrogates)
    return db.session.scalar(select(User).where(func.lower(User.username) == username.lower()))


def account_key(username: str) -> str:
    """The digest a username's attempts are counted under (real or not)."""
    normal = (username or "").strip().lower().encode("utf-8", "surrogatepass")
    return hashlib.sha256(normal).hexdigest()


def authenticate(username: str, password: str, address: Optional[str]) -> LoginResult:
    """Check a password under the log-in limits, in one of this process's slots. Commits.

    The attempt is stored (and committed) before the password is checked, so parallel guesses
    each see the others and cannot all get a try; a refused attempt is not kept, so waiting out
    the window always works. No free slot: a busy result, nothing stored or checked.
    """
    config = current_app.config
    slots = password_check_slots(max(1, int(config["LOGIN_CONCURRENT_CHECKS"])))
    if not slots.acquire(timeout=max(0, int(config["LOGIN_BUSY_WAIT_MS"])) / 1000):
        return LoginResult(None, max(1, int(config["LOGIN_BUSY_RETRY_AFTER"])), busy=True)
    try:
        return _authenticate(username, password, address)
    finally:
        slots.release()


def _authenticate(username: str, password: str, address: Optional[str]) -> LoginResult:
    config = current_app.config
    window = timedelta(seconds=config["LOGIN_LOCKOUT_SECONDS"])
    now = utcnow()
    since = now - window
    key = account_key(username)
    address = (address or "")[:64]
    db.session.execute(delete(LoginFailure).where(LoginFailure.at < since))
    attempt = LoginFailure(at=now, address=address, account=key)
    db.session.add(attempt)
    db.session.commit()  # the attempt counts even if this request dies during the slow check
    attempt_id = attempt.id

    scopes = [
        (config["LOGIN_MAX_FAILURES"], (LoginFailure.account == key, LoginFailure.address == address)),
        (config["LOGIN_ACCOUNT_MAX_FAILURES"], (LoginFailure.account == key,)),
        (config["LOGIN_ADDRESS_MAX_FAILURES"], (LoginFailure.address == address,)),
    ]
    with reads_ahead():  # the counts, the account and the hash: not under SQLite's write lock
        user = find_user(username)
        counts = [_count(where, since) for _maximum, where in scopes]
        may_log_in = user is not None and user.may_log_in  # a unit's representative: its unit too
    for (maximum, where), count in zip(scopes, counts, strict=True):
        if count > maximum:
            _spend_one_hash(user)
            db.session.execute(delete(LoginFailure).where(LoginFailure.id == attempt_id))
            db.session.commit()
            return LoginResult(None, _wait(where, since, maximum, now, window))

    if user is not None and may_log_in and usable_text(password) and user.check_password(password):
        db.session.execute(delete(LoginFailure).where(LoginFailure.account == key, LoginFailure.address == address))
        user.last_login_at = now
        db.session.commit()
        return LoginResult(user)
    if user is None or not may_log_in or not usable_text(password):
        _spend_one_hash(None)
    # A wrong password: this one may have reached a limit; then say so now, as before.
    with reads_ahead():
        for maximum, where in scopes:
            if _count(where, since) >= maximum:
                return LoginResult(None, _wait(where, since, maximum, now, window))
    return LoginResult(None)


def _count(where, since: datetime) -> int:
    return db.session.scalar(select(func.count(LoginFailure.id)).where(LoginFailure.at >= since, *where)) or 0


def _wait(where, since: datetime, maximum: int, now: datetime, window: timedelta) -> int:
    """Seconds until enough of these failures leave the window for one more try."""
    count = _count(where, since)
    oldest = db.session.scalar(
        select(LoginFailure.at).where(LoginFailure.at >= since, *where)
        .order_by(LoginFailure.at, LoginFailure.id).offset(max(0, count - maximum)).limit(1))
    if oldest is None:
        return 1
    if oldest.tzinfo is None:
        oldest = oldest.replace(tzinfo=timezone.utc)
    return max(1, int((oldest + window - now).total_seconds()) + 1)


_DUMMY_HASHES: dict[str, str] = {}


def _spend_one_hash(user: Optional[User]) -> None:
    """As much time as checking a real password, so refusals cannot be told apart by timing."""
    if user is not None and user.password_hash:
        check_password_hash(user.password_hash, "not the password")
        return
    method = current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")
    if method not in _DUMMY_HASHES:
        _DUMMY_HASHES[method] = generate_password_hash("not-a-real-password", method=method)
    check_password_hash(_DUMMY_HASHES[method], "not the password")
