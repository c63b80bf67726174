"""Logging in and out, lock-out after repeated wrong passwords, CSRF, the JSON session API."""
from datetime import timedelta

from sqlalchemy import select, update

from inspections.extensions import db
from inspections.models import LoginFailure, User, utcnow
from tests.conftest import TEST_PASSWORD


def form_login(client, username, password):
    return client.post("/login", data={"username": username, "password": password})


def test_login_page_is_vietnamese_by_default(client):
    page = client.get("/login").get_data(as_text=True)
    assert "<h1>Đăng nhập</h1>" in page
    assert 'lang="vi"' in page


def test_language_switch_persists_across_requests_and_logout(client, demo):
    client.post("/lang", data={"lang": "en", "next": "/login"})
    assert "<h1>Log in</h1>" in client.get("/login").get_data(as_text=True)
    form_login(client, "inspector1", TEST_PASSWORD)
    assert "Hello, Phạm Thị Lan" in client.get("/").get_data(as_text=True)
    client.post("/logout")
    assert "<h1>Log in</h1>" in client.get("/login").get_data(as_text=True)
    client.post("/lang", data={"lang": "vi"})
    assert "<h1>Đăng nhập</h1>" in client.get("/login").get_data(as_text=True)


def test_form_login_and_logout(client, demo):
    response = form_login(client, "inspector1", TEST_PASSWORD)
    assert response.status_code == 302 and response.headers["Location"] == "/"
    home = client.get("/").get_data(as_text=True)
    assert "Xin chào, Phạm Thị Lan" in home
    client.post("/logout")
    assert client.get("/").status_code == 302


def test_login_is_case_insensitive_on_username(client, demo):
    assert form_login(client, "Inspector1", TEST_PASSWORD).status_code == 302


def test_bad_password_says_so_and_keeps_username(client, demo):
    response = form_login(client, "inspector1", "wrong-password")
    assert response.status_code == 401
    page = response.get_data(as_text=True)
    assert "Sai tên đăng nhập hoặc mật khẩu." in page
    assert 'value="inspector1"' in page


def test_next_parameter_only_goes_to_this_site(client, demo):
    response = client.post("/login?next=https://evil.example/", data={"username": "inspector1", "password": TEST_PASSWORD})
    assert response.headers["Location"] == "/"
    client.post("/logout")
    response = client.post("/login?next=/healthz", data={"username": "inspector1", "password": TEST_PASSWORD})
    assert response.headers["Location"] == "/healthz"


def test_repeated_wrong_passwords_lock_the_account_for_a_while(app, client, demo):
    for _ in range(4):
        assert form_login(client, "inspector2", "nope-nope").status_code == 401
    locked = form_login(client, "inspector2", "nope-nope")
    assert locked.status_code == 429
    assert "tạm khóa" in locked.get_data(as_text=True)
    # even the right password is refused while locked
    right = form_login(client, "inspector2", TEST_PASSWORD)
    assert right.status_code == 429
    api = client.post("/api/v1/session", json={"username": "inspector2", "password": TEST_PASSWORD})
    assert api.status_code == 429 and int(api.headers["Retry-After"]) > 0
    # once the wrong passwords are older than the lock-out window, the right password works again
    with app.app_context():
        db.session.execute(update(LoginFailure).values(at=utcnow() - timedelta(seconds=901)))
        db.session.commit()
    assert form_login(client, "inspector2", TEST_PASSWORD).status_code == 302


def test_other_accounts_are_not_locked_by_someone_elses_failures(client, demo):
    for _ in range(6):
        form_login(client, "inspector2", "nope-nope")
    assert form_login(client, "inspector1", TEST_PASSWORD).status_code == 302


def test_json_session_login(client, demo):
    response = client.post("/api/v1/session", json={"username": "lead1", "password": TEST_PASSWORD})
    assert response.status_code == 200
    body = response.get_json()
    assert body["user"]["username"] == "lead1" and body["user"]["role"] == "lead"
    assert body["csrf_token"]
    assert client.get("/api/v1/session").get_json()["user"]["username"] == "lead1"
    assert client.delete("/api/v1/session").status_code == 200
    assert client.get("/api/v1/session").status_code == 401


def test_json_session_bad_credentials_and_bad_body(client, demo):
    bad = client.post("/api/v1/session", json={"username": "lead1", "password": "x"})
    assert bad.status_code == 401 and bad.get_json()["error"] == "bad_credentials"
    missing = client.post("/api/v1/session", json={"username": "lead1"})
    assert missing.status_code == 400 and [f["field"] for f in missing.get_json()["fields"]] == ["password"]
    garbage = client.post("/api/v1/session", data="{not json", content_type="application/json")
    assert garbage.status_code == 400


def test_api_answers_401_json_never_a_redirect(client):
    response = client.get("/api/v1/csrf")
    assert response.status_code == 401
    assert response.is_json and response.get_json()["error"] == "not_authenticated"


def test_csrf_is_required_when_enabled(make_app, demo):
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    # a form post without the token is refused and nothing happens
    response = client.post("/login", data={"username": "inspector1", "password": TEST_PASSWORD})
    assert response.status_code == 400
    assert client.get("/").status_code == 302
    # JSON login needs no token, but writes after it do (X-CSRFToken header)
    token = client.post("/api/v1/session", json={"username": "inspector1", "password": TEST_PASSWORD}).get_json()["csrf_token"]
    assert client.delete("/api/v1/session").status_code == 400
    assert client.delete("/api/v1/session", headers={"X-CSRFToken": token}).status_code == 200


def test_session_cookie_flags(make_app, demo):
    app = make_app(SESSION_COOKIE_SECURE=True)
    client = app.test_client()
    response = client.post("/api/v1/session", json={"username": "inspector1", "password": TEST_PASSWORD},
                           base_url="https://localhost")
    cookies = response.headers.getlist("Set-Cookie")
    assert {c.split("=")[0] for c in cookies} >= {"session", "remember_token"}
    for cookie in cookies:
        assert "HttpOnly" in cookie and "Secure" in cookie and "SameSite=Lax" in cookie, cookie


def test_archived_user_cannot_log_in(app, client, demo):
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == "inspector4"))
        user.is_active_account = False
        db.session.commit()
    assert form_login(client, "inspector4", TEST_PASSWORD).status_code == 401
