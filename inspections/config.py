"""Settings read from the environment.

Every setting has a safe development default except SECRET_KEY in production:
the app refuses to start without one there (see create_app).
"""
import os
from datetime import timedelta


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


class Config:
    """Defaults for every environment; values come from environment variables."""

    ENV_NAME = os.environ.get("INSPECTIONS_ENV", "development")  # development | production
    SECRET_KEY = os.environ.get("SECRET_KEY")
    # Empty means: a SQLite file under the instance folder (filled in by create_app).
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL", "")
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    SQLITE_BUSY_TIMEOUT_MS = _int("SQLITE_BUSY_TIMEOUT_MS", 15000)
    # PostgreSQL: how large values (a checklist's answers) are compressed; "" keeps the server's
    # default (see extensions.tune_postgres).
    PG_TOAST_COMPRESSION = os.environ.get("PG_TOAST_COMPRESSION", "lz4")
    UPLOAD_DIR = os.environ.get("UPLOAD_DIR", "")  # empty: <instance>/uploads
    MAX_UPLOAD_BYTES = _int("MAX_UPLOAD_MB", 10) * 1024 * 1024
    # Whole request bodies (sync batches, uploads with form overhead) are capped here.
    MAX_CONTENT_LENGTH = _int("MAX_REQUEST_MB", 12) * 1024 * 1024
    SYNC_MAX_BATCH = _int("SYNC_MAX_BATCH", 50)
    # Workbooks of more visits than this are built as a job (a progress page, then the file).
    EXPORT_INLINE_MAX_VISITS = _int("EXPORT_INLINE_MAX_VISITS", 300)
    EXPORT_KEEP_HOURS = _int("EXPORT_KEEP_HOURS", 24)  # finished exports stay downloadable
    EXPORT_JOB_LEASE_SECONDS = _int("EXPORT_JOB_LEASE_SECONDS", 60)  # a silent worker loses its job
    # "thread": each web process runs jobs in a thread of its own while there are any;
    # "none": only `flask export-worker` processes run them.
    EXPORT_RUNNER = os.environ.get("EXPORT_RUNNER", "thread")
    EXPORT_RUNNER_IDLE_SECONDS = _int("EXPORT_RUNNER_IDLE_SECONDS", 30)
    # Text responses (pages, CSS, JS, JSON) compressed here (Brotli/gzip, Flask-Compress) when no
    # proxy does it; set 0 behind an nginx that compresses. Files and workbooks are left alone.
    COMPRESS_RESPONSES = _bool("COMPRESS_RESPONSES", True)
    COMPRESS_ALGORITHM = ["br", "gzip"]
    COMPRESS_ALGORITHM_STREAMING = ["br", "gzip"]
    COMPRESS_STREAMS = True  # static files are sent as streams; only the text types above are touched

    BABEL_DEFAULT_LOCALE = os.environ.get("DEFAULT_LANGUAGE", "vi")
    BABEL_DEFAULT_TIMEZONE = os.environ.get("TIMEZONE", "Asia/Ho_Chi_Minh")
    LANGUAGES = ("vi", "en")

    # Phones change networks all the time; "strong" protection would log them out.
    SESSION_PROTECTION = "basic"
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE", ENV_NAME == "production")
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    REMEMBER_COOKIE_SAMESITE = "Lax"
    # Inspectors stay logged in for a field trip; the outbox re-asks for a CSRF token anyway.
    PERMANENT_SESSION_LIFETIME = timedelta(days=_int("SESSION_DAYS", 14))
    # Flask-Login's remember-me cookie would otherwise last a year: a lost phone stays logged in
    # no longer than a session does.
    REMEMBER_COOKIE_DURATION = PERMANENT_SESSION_LIFETIME
    WTF_CSRF_TIME_LIMIT = 3600 * 12

    # The organisation for a new install (an admin changes it later on the settings page, or
    # with `flask set-organisation`); see inspections/organisation.py.
    ORG_PROVINCE = os.environ.get("ORG_PROVINCE", "")
    ORG_DEPARTMENT = os.environ.get("ORG_DEPARTMENT", "Sở Nội vụ")
    ORG_PARENT = os.environ.get("ORG_PARENT", "")  # empty: "UBND tỉnh <province>"
    ORG_FORM_PREFIX = os.environ.get("ORG_FORM_PREFIX", "KTBĐG")
    ORG_RECORD_SYMBOL = os.environ.get("ORG_RECORD_SYMBOL", "BB-ĐKTLN")

    PASSWORD_HASH_METHOD = "scrypt"
    # Log-in limits over a rolling window of LOCKOUT_SECONDS, counted in the database (so across
    # every worker): wrong passwords for one account from one address, for one account from all
    # addresses, and from one address over all accounts (see auth/services.py).
    LOGIN_MAX_FAILURES = _int("LOGIN_MAX_FAILURES", 5)
    LOGIN_ACCOUNT_MAX_FAILURES = _int("LOGIN_ACCOUNT_MAX_FAILURES", 20)
    LOGIN_ADDRESS_MAX_FAILURES = _int("LOGIN_ADDRESS_MAX_FAILURES", 30)
    LOGIN_LOCKOUT_SECONDS = _int("LOGIN_LOCKOUT_SECONDS", 15 * 60)
    # Password checks (scrypt, costly on purpose) one worker process makes at once; a log-in that
    # finds none free within LOGIN_BUSY_WAIT_MS is answered 503 "busy" with Retry-After at once
    # (see auth/services.py), instead of queueing until the client gives up.
    LOGIN_CONCURRENT_CHECKS = _int("LOGIN_CONCURRENT_CHECKS", 1)
    LOGIN_BUSY_WAIT_MS = _int("LOGIN_BUSY_WAIT_MS", 50)
    LOGIN_BUSY_RETRY_AFTER = _int("LOGIN_BUSY_RETRY_AFTER", 2)
    # Behind a TLS-terminating proxy, trust its X-Forwarded-* headers (number of proxies).
    PROXY_FIX = _int("PROXY_FIX", 0)
