"""Creating a unit's representative: the users page and import (a unit code), the CLI, and the
one-time invitation link from a visit (single use, expires, never an account when unusable)."""
import io
import re
from datetime import timedelta

from openpyxl import Workbook
from sqlalchemy import func, select

from inspections.extensions import db
from inspections.models import AuditEvent, Unit, UnitInvite, User, Visit
from tests.conftest import AuthActions


def invite(client, visit_id, username="dd-sgddt", full_name="Nguyễn Văn Đại"):
    return client.post(f"/unit/visits/{visit_id}/invite", data={"username": username, "full_name": full_name})


def link_of(page: str) -> str:
    match = re.search(r'id="invite-link" readonly value="([^"]+)"', page)
    assert match, page[:2000]
    return match.group(1).split("://", 1)[1].split("/", 1)[1]


def users_named(app, username):
    with app.app_context():
        return db.session.scalar(select(func.count(User.id)).where(User.username == username))


def test_the_lead_invites_and_the_link_works_once(app, login, visits):
    lead = login("lead1")
    response = invite(lead, visits["SGDDT"])
    assert response.status_code == 200
    path = "/" + link_of(response.get_data(as_text=True))
    anonymous = app.test_client()
    form = anonymous.get(path)
    assert form.status_code == 200 and "dd-sgddt" in form.get_data(as_text=True)
    short = anonymous.post(path, data={"password": "short", "confirm": "short"})
    assert short.status_code == 422 and 'data-field="password"' in short.get_data(as_text=True)
    differ = anonymous.post(path, data={"password": "mat-khau-dai-1", "confirm": "mat-khau-dai-2"})
    assert differ.status_code == 422 and 'data-field="confirm"' in differ.get_data(as_text=True)
    assert users_named(app, "dd-sgddt") == 0
    done = anonymous.post(path, data={"password": "mat-khau-dai-1", "confirm": "mat-khau-dai-1"})
    assert done.status_code == 303
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == "dd-sgddt"))
        assert user.role == "unit" and user.unit.code == "SGDDT" and user.full_name == "Nguyễn Văn Đại"
        actions = set(db.session.scalars(select(AuditEvent.action)))
        assert {"unit_invite.created", "unit_invite.used"} <= actions
    again = app.test_client().post(path, data={"password": "mat-khau-dai-3", "confirm": "mat-khau-dai-3"})
    assert again.status_code == 410 and 'data-why="used"' in again.get_data(as_text=True)
    assert users_named(app, "dd-sgddt") == 1
    rep = app.test_client()
    AuthActions(rep).login("dd-sgddt", "mat-khau-dai-1")
    assert rep.get(f"/api/v1/visits/{visits['SGDDT']}/self-report").status_code == 200
    assert rep.get(f"/api/v1/visits/{visits['SYT']}/self-report").status_code == 404


def test_an_expired_or_unknown_link_never_makes_an_account(app, login, visits):
    lead = login("lead1")
    path = "/" + link_of(invite(lead, visits["SGDDT"], username="dd-het-han").get_data(as_text=True))
    with app.app_context():
        row = db.session.scalar(select(UnitInvite).where(UnitInvite.username == "dd-het-han"))
        row.expires_at = row.created_at - timedelta(seconds=1)
        db.session.commit()
    client = app.test_client()
    expired = client.post(path, data={"password": "mat-khau-dai-1", "confirm": "mat-khau-dai-1"})
    assert expired.status_code == 410 and 'data-why="expired"' in expired.get_data(as_text=True)
    assert users_named(app, "dd-het-han") == 0
    unknown = client.get("/unit/invite/" + "A" * 43)
    assert unknown.status_code == 404 and 'data-why="unknown"' in unknown.get_data(as_text=True)
    assert client.get("/unit/invite/short").status_code == 404


def test_who_may_invite_and_bad_input_names_the_field(login, visits):
    assert invite(login("inspector1"), visits["SGDDT"]).status_code == 403
    assert invite(login("lead2"), visits["SGDDT"]).status_code == 404
    assert invite(login("rep-SYT"), visits["SYT"]).status_code == 403
    coordinator = login("coordinator")
    taken = invite(coordinator, visits["SGDDT"], username="inspector1")
    assert taken.status_code == 422 and 'data-field="username"' in taken.get_data(as_text=True)
    bad = invite(coordinator, visits["SGDDT"], username="a b")
    assert bad.status_code == 422
    assert invite(coordinator, visits["SGDDT"], username="Inspector1").status_code == 422  # case aside, taken
    assert invite(coordinator, visits["SGDDT"], username="dd-sgddt-2").status_code == 200


def test_the_coordinator_creates_a_rep_on_the_users_page(app, login):
    coordinator = login("coordinator")
    base = {"username": "dd-stc", "full_name": "Đại diện Sở Tài chính", "email": "", "role": "unit",
            "agency_id": "", "password": "mat-khau-dai-1"}
    missing = coordinator.post("/campaigns/users/new", data=base)
    assert missing.status_code == 400 and users_named(app, "dd-stc") == 0
    assert "Hãy nhập mã của đơn vị" in missing.get_data(as_text=True)
    unknown = coordinator.post("/campaigns/users/new", data=dict(base, unit_code="KHONG-CO"))
    assert "Không có đơn vị mang mã KHONG-CO" in unknown.get_data(as_text=True)
    wrong_role = coordinator.post("/campaigns/users/new", data=dict(base, role="inspector", unit_code="STC"))
    assert "Chỉ tài khoản đại diện" in wrong_role.get_data(as_text=True)
    created = coordinator.post("/campaigns/users/new", data=dict(base, unit_code="stc"))
    assert created.status_code in (302, 303)
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == "dd-stc"))
        assert user.role == "unit" and user.unit.code == "STC"


def test_the_users_import_takes_a_unit_code(app, login):
    admin = login("admin")
    book = Workbook()
    sheet = book.active
    sheet.append(["username", "full_name", "email", "role", "agency_code", "unit_code"])
    sheet.append(["dd-sct", "Đại diện Sở Công Thương", "", "đại diện đơn vị", "", "SCT"])
    sheet.append(["dd-bad", "Không mã", "", "unit", "", ""])
    data = io.BytesIO()
    book.save(data)
    response = admin.post("/campaigns/users/import", data={"file": (io.BytesIO(data.getvalue()), "u.xlsx")},
                          content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and re.findall(r'<tr data-row="(\d+)">', page) == ["3"]
    sheet.delete_rows(3)
    data = io.BytesIO()
    book.save(data)
    response = admin.post("/campaigns/users/import", data={"file": (io.BytesIO(data.getvalue()), "u.xlsx")},
                          content_type="multipart/form-data")
    assert response.status_code == 200
    token = re.search(r'name="token" value="([^"]+)"', response.get_data(as_text=True)).group(1)
    assert admin.post("/campaigns/users/import/confirm", data={"token": token}).status_code in (200, 303)
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == "dd-sct"))
        assert user.role == "unit" and user.unit.code == "SCT" and user.agency_id is None


def test_create_user_cli_binds_the_unit(app, runner, demo):
    result = runner.invoke(args=["create-user", "dd-sxd", "--role", "unit", "--unit", "SXD", "--password",
                                 "mat-khau-dai-1"])
    assert result.exit_code == 0, result.output
    missing = runner.invoke(args=["create-user", "dd-x", "--role", "unit", "--password", "mat-khau-dai-1"])
    assert missing.exit_code != 0 and "--unit" in missing.output
    unknown = runner.invoke(args=["create-user", "dd-y", "--role", "unit", "--unit", "NOPE", "--password",
                                  "mat-khau-dai-1"])
    assert unknown.exit_code != 0 and "NOPE" in unknown.output
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == "dd-sxd"))
        assert user.role == "unit" and db.session.get(Unit, user.unit_id).code == "SXD"
        assert db.session.scalar(select(func.count(User.id)).where(User.username.in_(["dd-x", "dd-y"]))) == 0
        assert db.session.scalar(select(Visit.id).where(Visit.unit_id == user.unit_id)) is not None
