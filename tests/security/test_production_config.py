"""The production configuration, read from the environment exactly as gunicorn would read it.

Config reads the environment when it is imported, so each check runs a fresh interpreter with
INSPECTIONS_ENV=production: the app refuses to start without SECRET_KEY; once started, the
session and remember-me cookies it sets at log-in are Secure, HttpOnly and SameSite; debug is off.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import TEST_PASSWORD

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = r"""
import json, sys
from inspections import create_app
app = create_app()
client = app.test_client()
response = client.post("/api/v1/session", json={"username": "inspector1", "password": sys.argv[1]},
                       base_url="https://inspections.example")
print(json.dumps({
    "status": response.status_code,
    "cookies": response.headers.getlist("Set-Cookie"),
    "debug": app.debug,
    "testing": app.testing,
    "config": {k: app.config[k] for k in ("SESSION_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY",
               "SESSION_COOKIE_SAMESITE", "REMEMBER_COOKIE_SECURE", "REMEMBER_COOKIE_HTTPONLY",
               "REMEMBER_COOKIE_SAMESITE")},
}))
"""


def run(env_extra: dict, database: str, tmp_path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "FLASK_DEBUG", "TEST_DATABASE_URL")}
    env.update({"INSPECTIONS_ENV": "production", "DATABASE_URL": database, "UPLOAD_DIR": str(tmp_path / "up")})
    env.update(env_extra)
    return subprocess.run([sys.executable, "-c", SCRIPT, TEST_PASSWORD], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=60)


def test_production_refuses_to_start_without_a_secret_key(database, tmp_path):
    result = run({}, database, tmp_path)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_cookies_are_secure_httponly_and_samesite(demo, database, tmp_path):
    result = run({"SECRET_KEY": "a-long-random-production-secret-for-this-test"}, database, tmp_path)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["status"] == 200
    assert report["debug"] is False and report["testing"] is False
    assert report["config"] == {
        "SESSION_COOKIE_SECURE": True, "SESSION_COOKIE_HTTPONLY": True, "SESSION_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": True, "REMEMBER_COOKIE_HTTPONLY": True, "REMEMBER_COOKIE_SAMESITE": "Lax",
    }
    cookies = {c.split("=", 1)[0]: [p.strip().lower() for p in c.split(";")[1:]] for c in report["cookies"]}
    assert "session" in cookies and "remember_token" in cookies, report["cookies"]
    for name, flags in cookies.items():
        assert "secure" in flags, (name, flags)
        assert "httponly" in flags, (name, flags)
        assert any(f.startswith("samesite=") and f != "samesite=none" for f in flags), (name, flags)
    # The remember-me cookie lasts as long as a session (SESSION_DAYS, 14), not Flask-Login's year.
    from datetime import datetime, timedelta, timezone
    from email.utils import parsedate_to_datetime

    expires = next(f for f in cookies["remember_token"] if f.startswith("expires="))
    lasts = parsedate_to_datetime(expires.split("=", 1)[1]) - datetime.now(timezone.utc)
    assert timedelta(days=13) < lasts <= timedelta(days=14, minutes=5), lasts


def test_development_default_does_not_mark_cookies_secure_by_accident(demo, database, tmp_path):
    """The opposite case, so the test above proves the production switch (not a constant)."""
    result = run({"INSPECTIONS_ENV": "development", "SECRET_KEY": "dev-secret"}, database, tmp_path)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["config"]["SESSION_COOKIE_SECURE"] is False
    assert report["config"]["SESSION_COOKIE_HTTPONLY"] is True
