"""Users and roles (admin only): create, edit, reset a password, archive (cannot log in), audit."""
from __future__ import annotations

from sqlalchemy import select

from inspections.models import User
from tests.conftest import TEST_PASSWORD
from tests.desk import page_text


def user_by_name(query, username):
    return query(lambda s: s.scalar(select(User).where(User.username == username)))


def new_user(**changes):
    data = {"username": "inspector5", "full_name": "Ngô Thị Hoa", "email": "hoa@example.org", "role": "inspector",
            "agency_id": "1", "password": "a-good-pass-1"}
    data.update(changes)
    return data


def test_admin_creates_a_user_who_can_log_in(client, login_as, query, audit_events, app):
    login_as("admin")
    response = client.post("/campaigns/users/new", data=new_user())
    assert response.status_code == 302
    assert "Ngô Thị Hoa" in page_text(client.get("/campaigns/users"))
    [event] = audit_events("user.create")
    assert event.after["username"] == "inspector5" and "password_hash" not in event.after
    fresh = app.test_client()
    assert fresh.post("/api/v1/session",
                      json={"username": "inspector5", "password": "a-good-pass-1"}).status_code == 200


def test_user_errors_name_the_field_and_keep_the_values(client, login_as):
    login_as("admin")
    response = client.post("/campaigns/users/new",
                           data=new_user(username="lead1", email="not-an-address", password="short"))
    page = page_text(response)
    assert response.status_code == 400
    assert "Thư điện tử: Nhập địa chỉ thư điện tử dạng ten@example.org." in page
    assert "Mật khẩu: Độ dài phải từ 8 đến 200 ký tự." in page
    assert 'value="Ngô Thị Hoa"' in page and 'value="not-an-address"' in page
    # once the fields are valid, the taken username is named
    response = client.post("/campaigns/users/new", data=new_user(username="LEAD1"))
    assert "Tên đăng nhập: Tên đăng nhập LEAD1 đã được sử dụng." in page_text(response)
    response = client.post("/campaigns/users/new", data=new_user(password=""))
    assert "Mật khẩu: Trường này là bắt buộc." in page_text(response)


def test_edit_changes_role_and_resets_the_password(client, login_as, query, audit_events, app):
    login_as("admin")
    inspector = user_by_name(query, "inspector4")
    data = new_user(username="inspector4", full_name="Đặng Quốc Bảo", role="lead", agency_id=str(inspector.agency_id),
                    email="", password="")
    assert client.post(f"/campaigns/users/{inspector.id}/edit", data=data).status_code == 302
    assert user_by_name(query, "inspector4").role == "lead"
    [event] = audit_events("user.update")
    assert event.before["role"] == "inspector" and event.after["role"] == "lead"
    assert audit_events("user.password_reset") == []
    data["password"] = "new-password-9"
    client.post(f"/campaigns/users/{inspector.id}/edit", data=data)
    assert len(audit_events("user.password_reset")) == 1
    fresh = app.test_client()
    assert fresh.post("/api/v1/session",
                      json={"username": "inspector4", "password": "new-password-9"}).status_code == 200


def test_admin_cannot_demote_or_archive_themselves(client, login_as, query):
    login_as("admin")
    admin = user_by_name(query, "admin")
    response = client.post(f"/campaigns/users/{admin.id}/edit", data=new_user(
        username="admin", full_name="Quản trị", role="inspector", password="", email=""))
    assert "Vai trò: Bạn không thể tự đổi vai trò của mình" in page_text(response)
    response = client.post(f"/campaigns/users/{admin.id}/archive", follow_redirects=True)
    assert "Bạn không thể lưu trữ tài khoản của chính mình." in page_text(response)
    assert user_by_name(query, "admin").is_active_account


def test_archived_user_cannot_log_in_and_is_not_offered_as_member(client, login_as, query, audit_events, app):
    login_as("admin")
    inspector = user_by_name(query, "inspector3")
    assert client.post(f"/campaigns/users/{inspector.id}/archive").status_code == 302
    stored = user_by_name(query, "inspector3")
    assert stored is not None and not stored.is_active_account  # archived, not deleted
    fresh = app.test_client()
    assert fresh.post("/api/v1/session", json={"username": "inspector3", "password": TEST_PASSWORD}).status_code == 401
    assert "Vũ Thị Mai" not in page_text(client.get("/campaigns/users"))
    assert "Vũ Thị Mai" in page_text(client.get("/campaigns/users?archived=1"))
    assert "Vũ Thị Mai" not in page_text(client.get("/campaigns/teams/1"))  # not offered in the member picker
    assert "Vũ Thị Mai" in page_text(client.get("/campaigns/teams/2"))  # still on team 2's record
    [event] = audit_events("user.archive")
    assert event.before["is_active_account"] is True and event.after["is_active_account"] is False
    client.post(f"/campaigns/users/{inspector.id}/restore")
    assert user_by_name(query, "inspector3").is_active_account


def test_coordinator_creates_an_inspector_and_a_lead_account(client, login_as, query, audit_events, app):
    login_as("coordinator")
    form = page_text(client.get("/campaigns/users/new"))
    offered = form.split('name="role"')[1].split("</select>")[0]
    assert 'value="inspector"' in offered and 'value="lead"' in offered
    assert 'value="admin"' not in offered and 'value="coordinator"' not in offered
    assert client.post("/campaigns/users/new", data=new_user()).status_code == 302
    assert client.post("/campaigns/users/new", data=new_user(username="lead7", role="lead")).status_code == 302
    assert user_by_name(query, "inspector5").role == "inspector" and user_by_name(query, "lead7").role == "lead"
    assert [e.after["username"] for e in audit_events("user.create")] == ["inspector5", "lead7"]
    fresh = app.test_client()
    assert fresh.post("/api/v1/session",
                      json={"username": "inspector5", "password": "a-good-pass-1"}).status_code == 200


def test_coordinator_cannot_create_or_promote_to_admin_or_coordinator(client, login_as, query):
    login_as("coordinator")
    for role in ("admin", "coordinator"):
        response = client.post("/campaigns/users/new", data=new_user(username=f"new-{role}", role=role))
        assert response.status_code == 400 and user_by_name(query, f"new-{role}") is None
        assert "Vai trò" in page_text(response)  # the refused field is named
    inspector = user_by_name(query, "inspector4")
    for role in ("admin", "coordinator"):
        data = new_user(username="inspector4", full_name="Đặng Quốc Bảo", role=role,
                        agency_id=str(inspector.agency_id), email="", password="")
        assert client.post(f"/campaigns/users/{inspector.id}/edit", data=data).status_code == 400
        assert user_by_name(query, "inspector4").role == "inspector"
    # An inspector may become a lead (building a team needs one).
    data = new_user(username="inspector4", full_name="Đặng Quốc Bảo", role="lead",
                    agency_id=str(inspector.agency_id), email="", password="")
    assert client.post(f"/campaigns/users/{inspector.id}/edit", data=data).status_code == 302
    assert user_by_name(query, "inspector4").role == "lead"


def test_coordinator_cannot_touch_admin_or_coordinator_accounts(client, login_as, query):
    login_as("coordinator")
    admin = user_by_name(query, "admin")
    assert client.get(f"/campaigns/users/{admin.id}/edit").status_code == 403
    data = new_user(username="admin", full_name="Quản trị", role="admin", agency_id="", email="",
                    password="taken-over-1")
    assert client.post(f"/campaigns/users/{admin.id}/edit", data=data).status_code == 403
    assert client.post(f"/campaigns/users/{admin.id}/archive").status_code == 403
    assert user_by_name(query, "admin").is_active_account
    page = page_text(client.get("/campaigns/users"))
    assert f"/campaigns/users/{admin.id}/edit" not in page
    assert client.post("/campaigns/users/import", data={}).status_code == 403


def test_admin_keeps_full_control_of_roles(client, login_as, query):
    login_as("admin")
    assert client.post("/campaigns/users/new", data=new_user(username="coord2", role="coordinator")).status_code == 302
    assert user_by_name(query, "coord2").role == "coordinator"
    form = page_text(client.get("/campaigns/users/new")).split('name="role"')[1].split("</select>")[0]
    assert all(f'value="{role}"' in form for role in ("admin", "coordinator", "lead", "inspector"))
