"""The seed-demo and create-user commands."""
from sqlalchemy import func, select

from inspections.extensions import db
from inspections.models import Campaign, Team, TeamMember, Unit, User, Visit


def counts():
    return {m.__name__: db.session.scalar(select(func.count()).select_from(m))
            for m in (User, Unit, Campaign, Team, TeamMember, Visit)}


def test_seed_demo_loads_a_province_and_prints_logins(app, runner):
    result = runner.invoke(args=["seed-demo", "--password", "secret-pass-1", "--year", "2026"])
    assert result.exit_code == 0, result.output
    for username in ("admin", "coordinator", "lead1", "lead2", "inspector1", "inspector4", "rep-SYT", "rep-XA-MS"):
        assert username in result.output
    with app.app_context():
        first = counts()
        # 8 staff and a representative of each of the 12 units
        assert first["Unit"] == 12 and first["Team"] == 2 and first["Visit"] == 12 and first["User"] == 20
        units = dict(db.session.execute(select(Unit.name, Unit.kind)).all())
        assert set(units.values()) == {"department", "commune"}  # two tiers since 2025: no district
        names = " ".join(units)
        assert "UBND xã" in names and "UBND phường" in names and "UBND đặc khu" in names and "huyện" not in names
        assert db.session.scalar(select(Campaign)).template.version == 2  # checklist v2
        team1 = db.session.scalar(select(Team).where(Team.name.like("%số 1")))
        members = {m.user.username for m in team1.members}
        assert members == {"lead1", "inspector1", "inspector2"}
        campaign = db.session.scalar(select(Campaign))
        assert campaign.period == "annual" and campaign.deadline.isoformat() == "2026-12-10"
    again = runner.invoke(args=["seed-demo", "--password", "secret-pass-1", "--year", "2026"])
    assert again.exit_code == 0
    with app.app_context():
        assert counts() == first  # idempotent


def test_seed_demo_refuses_a_production_configuration_unless_told(make_app):
    app = make_app(ENV_NAME="production")
    runner = app.test_cli_runner()
    refused = runner.invoke(args=["seed-demo", "--year", "2026"])
    assert refused.exit_code != 0 and "--allow-production" in refused.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User)) == 0  # nothing was changed
    allowed = runner.invoke(args=["seed-demo", "--year", "2026", "--allow-production"])
    assert allowed.exit_code == 0, allowed.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User)) == 20  # 8 staff, 12 unit reps
def test_set_organisation_for_a_new_install(app, runner, monkeypatch):
    from inspections import organisation

    with app.app_context():
        body = organisation.issuing_body_for(None)
        assert (body.parent, body.department) == ("UBND TỈNH ……", "SỞ NỘI VỤ")  # the defaults
    app.config.update(ORG_PROVINCE="Quảng Trị", ORG_FORM_PREFIX="QT")  # the environment of the install
    with app.app_context():
        body = organisation.issuing_body_for(None)
        assert (body.parent, body.department, body.form_number("01")) == ("UBND TỈNH QUẢNG TRỊ", "SỞ NỘI VỤ", "QT-01")
    result = runner.invoke(args=["set-organisation", "--province", "Hòa An", "--department", "Sở Nội vụ tỉnh Hòa An"])
    assert result.exit_code == 0, result.output
    assert "UBND TỈNH HÒA AN / SỞ NỘI VỤ TỈNH HÒA AN" in result.output
    result = runner.invoke(args=["set-organisation", "--form-prefix", "HA"])  # the rest is kept
    with app.app_context():
        body = organisation.issuing_body_for(None)
        assert (body.department, body.form_prefix) == ("SỞ NỘI VỤ TỈNH HÒA AN", "HA")
    result = runner.invoke(args=["set-organisation", "--province", "x" * 201])
    assert result.exit_code != 0 and "--province" in result.output


def test_seed_demo_refuses_a_short_password(runner):
    result = runner.invoke(args=["seed-demo", "--password", "short"])
    assert result.exit_code != 0 and "8 characters" in result.output


def test_create_user(app, runner, client):
    result = runner.invoke(args=["create-user", "hoa", "--role", "coordinator", "--full-name", "Lê Hoa",
                                 "--password", "a-long-password"])
    assert result.exit_code == 0, result.output
    response = client.post("/api/v1/session", json={"username": "hoa", "password": "a-long-password"})
    assert response.status_code == 200 and response.get_json()["user"]["role"] == "coordinator"


def test_create_user_rejects_unknown_agency_and_role(runner):
    result = runner.invoke(args=["create-user", "x", "--role", "coordinator", "--agency", "NOPE", "--password",
                                 "a-long-password"])
    assert result.exit_code != 0 and "NOPE" in result.output
    result = runner.invoke(args=["create-user", "x", "--role", "boss", "--password", "a-long-password"])
    assert result.exit_code != 0 and "boss" in result.output
