"""Shared fixtures: a migrated database (SQLite, or PostgreSQL via TEST_DATABASE_URL), the app,
a client, an AuthActions helper and the demo province.

The schema is built once per run with the real migrations; each test starts with empty tables
(rows are deleted after every test), so tests never see each other's data.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from inspections import create_app
from inspections.extensions import db

TEST_PASSWORD = "test-pass-123"


def database_url(tmp_path_factory) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return url
    return "sqlite:///" + str(tmp_path_factory.mktemp("db") / "test.sqlite3")


def base_config(url: str, tmp_dir: Path) -> dict:
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "SQLALCHEMY_DATABASE_URI": url,
        "WTF_CSRF_ENABLED": False,
        "UPLOAD_DIR": str(tmp_dir / "uploads"),
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",  # fast hashes keep the suite quick
        "LOGIN_MAX_FAILURES": 5,
        "LOGIN_LOCKOUT_SECONDS": 900,
    }


@pytest.fixture(scope="session")
def database(tmp_path_factory):
    """A database migrated to the latest revision once for the whole run; yields its URL."""
    url = database_url(tmp_path_factory)
    tmp_dir = tmp_path_factory.mktemp("app")
    app = create_app(base_config(url, tmp_dir))
    with app.app_context():
        from flask_migrate import upgrade

        if url.startswith("postgresql"):
            db.session.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
            db.session.commit()
        upgrade()
        db.engine.dispose()
    return app.config["SQLALCHEMY_DATABASE_URI"]


def empty_all_tables(url: str) -> None:
    """Delete every row, children first, and restart id counters where the database has them."""
    tables = list(reversed(db.metadata.sorted_tables))
    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            if engine.dialect.name == "postgresql":
                names = ", ".join(f'"{t.name}"' for t in tables)
                connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
            else:
                for table in tables:
                    connection.execute(table.delete())
    finally:
        engine.dispose()


@pytest.fixture
def make_app(database, tmp_path):
    """Build an app on the test database with extra settings; tables are emptied afterwards."""
    apps = []

    def factory(**overrides):
        config = base_config(database, tmp_path)
        config.update(overrides)
        app = create_app(config)
        apps.append(app)
        return app

    yield factory
    for app in apps:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
    empty_all_tables(database)


@pytest.fixture
def app(make_app):
    return make_app()


@pytest.fixture
def app_ctx(app):
    """Run the test inside an app context (for service-level tests)."""
    with app.app_context():
        yield app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def demo(app):
    """The demo province, with TEST_PASSWORD for every user; returns {username: user id}."""
    from inspections.demo import seed_demo

    with app.app_context():
        users = seed_demo(TEST_PASSWORD, year=2026)
        db.session.commit()
        return {user.username: user.id for user in users}


@pytest.fixture
def old_campaign(app, demo):
    """A campaign from before the 2025 reform next to the demo: checklist v1, the Labour
    department as its issuing body, a district (HUYEN-MS) with a commune under it (XA-CU),
    visited by a team led by lead1 with inspector1. Returns ids by name."""
    from datetime import date

    from inspections import checklist
    from inspections.models import Campaign, TargetSet, Team, TeamMember, Template, Unit, Visit

    with app.app_context():
        v1 = checklist.template_v1()
        template = Template(key=v1.key, version=1, title=v1.title_vi, definition=v1.to_dict(),
                            content_hash=v1.content_hash())
        db.session.add(template)
        targets = db.session.scalars(db.select(TargetSet)).first()
        district = Unit(code="HUYEN-MS", name="UBND huyện Minh Sơn", kind="district", address="Minh Sơn")
        db.session.add(district)
        db.session.flush()
        commune = Unit(code="XA-CU", name="UBND xã Tân Lập (cũ)", kind="commune", parent_id=district.id)
        db.session.add(commune)
        campaign = Campaign(name="Kiểm tra liên ngành năm 2024", year=2024, period="annual",
                            deadline=date(2024, 12, 10), start_date=date(2024, 11, 15),
                            end_date=date(2024, 12, 15), template=template, target_set=targets,
                            issuing_body="SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI")
        db.session.add(campaign)
        db.session.flush()
        team = Team(campaign_id=campaign.id, name="Đoàn kiểm tra số 1 (2024)", decision_number="90/QĐ-SLĐTBXH",
                    decision_date=date(2024, 11, 1), lead_id=demo["lead1"])
        db.session.add(team)
        db.session.flush()
        db.session.add_all([TeamMember(team_id=team.id, user_id=demo["lead1"], team_role="lead"),
                            TeamMember(team_id=team.id, user_id=demo["inspector1"], team_role="member")])
        visit = Visit(team_id=team.id, unit_id=district.id, planned_date=date(2024, 11, 20), status="planned")
        commune_visit = Visit(team_id=team.id, unit_id=commune.id, planned_date=date(2024, 11, 21), status="planned")
        db.session.add_all([visit, commune_visit])
        db.session.commit()
        return {"campaign": campaign.id, "template": template.id, "team": team.id, "district": district.id,
                "commune": commune.id, "district_visit": visit.id, "commune_visit": commune_visit.id}


class AuthActions:
    """Log in and out through the real endpoints (flaskr's helper)."""

    def __init__(self, client):
        self.client = client

    def login(self, username="inspector1", password=TEST_PASSWORD):
        response = self.client.post("/api/v1/session", json={"username": username, "password": password})
        assert response.status_code == 200, response.get_data(as_text=True)
        return response

    def logout(self):
        return self.client.post("/logout")


@pytest.fixture
def auth(client):
    return AuthActions(client)


# --- a real server and a real browser (Debian's Chromium through Playwright) ---------------

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


class LiveServer:
    """The app served by werkzeug in a thread on 127.0.0.1 (a secure context for service workers)."""

    def __init__(self, app):
        import threading

        from werkzeug.serving import make_server

        self.app = app
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.server.shutdown()
        self.thread.join(timeout=5)


@pytest.fixture
def live_server(make_app):
    """A running server on the test database (CSRF on, as in production)."""
    server = LiveServer(make_app(WTF_CSRF_ENABLED=True, TESTING=False))
    yield server
    server.stop()


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, never a downloaded one. Missing Chromium fails the run (CI must have it)."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium package (apt-get install chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    """A fresh browser profile (context) and page per test, phone-sized."""
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="vi-VN")
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def visits(app, demo):
    """Demo visit ids by unit code (team 1: SYT, SGDDT, STC, SVHTTDL, SCT, SNNMT;
    team 2: SXD, SKHCN, XA-HP (a xã), PHUONG-TL (a phường), DK-AT (an đặc khu), XA-MS).
    The demo province of 2026 has no district; see `old_campaign` for one from before 2025."""
    from sqlalchemy import select

    from inspections.models import Unit, Visit

    with app.app_context():
        rows = db.session.execute(select(Unit.code, Visit.id).join(Visit, Visit.unit_id == Unit.id)).all()
        return {code: visit_id for code, visit_id in rows}
