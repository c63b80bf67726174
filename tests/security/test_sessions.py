"""Sessions end on the server (issue #12 §1, §4).

A copied session or remember cookie is what an attacker with a stolen phone or a sniffed cookie
holds; each test copies the cookies into a second client ("the copy") and checks that the
event ends it: log-out, a new password, archiving, a new role, the admin's "log out
everywhere". The remember cookie differs at every log-in and is refused after SESSION_DAYS by
the server whatever its expiry says; the CSRF token of before log-in is void after it; a write
under /api/ without a session is a 401 "log in again", never a CSRF 400.
"""
from __future__ import annotations

import re
import time
from datetime import timedelta

import pytest
from sqlalchemy import select

from inspections.extensions import db
from inspections.models import AuditEvent, User
from tests.conftest import TEST_PASSWORD

COOKIES = ("session", "remember_token")


def api_login(client, username="inspector1", password=TEST_PASSWORD, remember=True):
    response = client.post("/api/v1/session", json={"username": username, "password": password, "remember": remember})
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()["csrf_token"]


def cookie(client, name):
    found = client.get_cookie(name)
    return found.value if found else None


def copy_of(app, client, names=COOKIES):
    """A second client holding exactly the cookies of `client` (no expiry: a thief ignores it)."""
    other = app.test_client()
    for name in names:
        value = cookie(client, name)
        if value:
            other.set_cookie(name, value)
    return other


def logged_in(client) -> bool:
    return client.get("/api/v1/session").status_code == 200


def remember_only(app, client):
    return copy_of(app, client, names=("remember_token",))


def admin_client(app):
    client = app.test_client()
    api_login(client, "admin")
    return client


def user_id(app, username):
    with app.app_context():
        return db.session.scalar(select(User.id).where(User.username == username))


def user_form(app, username, **changes):
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == username))
        data = {"username": user.username, "full_name": user.full_name, "email": user.email,
                "role": user.role, "agency_id": str(user.agency_id or ""), "password": ""}
    data.update(changes)
    return data


def test_a_copied_cookie_stops_working_after_log_out(app, demo):
    phone = app.test_client()
    api_login(phone)
    thief, thief_remember = copy_of(app, phone), remember_only(app, phone)
    assert logged_in(thief) and logged_in(thief_remember)  # the copies work while the session lives
    assert phone.post("/logout").status_code == 302
    assert not logged_in(phone)
    assert not logged_in(thief)
    assert not logged_in(thief_remember)


def test_log_out_through_the_api_ends_every_session(app, demo):
    phone, laptop = app.test_client(), app.test_client()
    api_login(phone)
    api_login(laptop, remember=False)
    copy = copy_of(app, phone)
    assert laptop.delete("/api/v1/session").status_code == 200
    assert not logged_in(phone) and not logged_in(copy)


@pytest.mark.parametrize("event", ["password", "role", "archive", "log_out_everywhere"])
def test_admin_actions_end_every_session_of_the_user(app, demo, event):
    phone = app.test_client()
    api_login(phone, "inspector2")
    copy = remember_only(app, phone)
    admin = admin_client(app)
    target = user_id(app, "inspector2")
    if event == "password":
        response = admin.post(f"/campaigns/users/{target}/edit",
                              data=user_form(app, "inspector2", password="a-new-password-1"))
    elif event == "role":
        response = admin.post(f"/campaigns/users/{target}/edit", data=user_form(app, "inspector2", role="lead"))
    elif event == "archive":
        response = admin.post(f"/campaigns/users/{target}/archive")
    else:
        page = admin.get(f"/campaigns/users/{target}/edit").get_data(as_text=True)
        assert f'action="/campaigns/users/{target}/sessions/end"' in page  # the button is on the user's page
        response = admin.post(f"/campaigns/users/{target}/sessions/end")
    assert response.status_code == 302, response.get_data(as_text=True)
    assert not logged_in(phone)
    assert not logged_in(copy)
    assert logged_in(admin)  # the admin's own session is untouched
    if event == "log_out_everywhere":
        with app.app_context():
            action = db.session.scalar(select(AuditEvent.action).where(AuditEvent.object_id == target))
            assert action == "user.sessions_ended"
    if event in ("password", "role", "log_out_everywhere"):
        password = "a-new-password-1" if event == "password" else TEST_PASSWORD
        api_login(phone, "inspector2", password)  # logging in again works at once
        assert logged_in(phone)


def test_an_admin_who_ends_their_own_sessions_stays_logged_in_here(app, demo):
    admin = admin_client(app)
    other_device = copy_of(app, admin)
    assert admin.post(f"/campaigns/users/{user_id(app, 'admin')}/sessions/end").status_code == 302
    assert logged_in(admin)
    assert not logged_in(other_device)


def test_an_ended_session_gets_401_json_on_the_api_reads_and_writes(make_app, demo):
    app = make_app(WTF_CSRF_ENABLED=True)
    phone = app.test_client()
    token = api_login(phone)
    assert phone.post("/logout", data={"csrf_token": token}).status_code == 302  # a log-out elsewhere
    stale = copy_of(app, phone)
    stale.set_cookie("session", "")
    for client in (phone, stale):
        read = client.get("/api/v1/session")
        assert read.status_code == 401 and read.get_json()["error"] == "not_authenticated"
        # The outbox drains with the token it had: it must hear "log in again", not "bad CSRF token".
        write = client.post("/api/v1/submissions", json={"submissions": []}, headers={"X-CSRFToken": token})
        assert write.status_code == 401, write.get_data(as_text=True)
        assert write.is_json and write.get_json()["error"] == "not_authenticated"


def test_api_writes_without_a_session_are_401_not_a_csrf_400(make_app, demo):
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    for method, url in (("POST", "/api/v1/submissions"), ("DELETE", "/api/v1/session")):
        response = client.open(url, method=method, json={"submissions": []})
        assert response.status_code == 401, (url, response.status_code)
        body = response.get_json()
        assert body["error"] == "not_authenticated" and "đăng nhập lại" in body["message"]
    # a logged-in client without a token still gets the CSRF 400 (the request itself is wrong)
    api_login(client)
    assert client.post("/api/v1/submissions", json={"submissions": []}).status_code == 400


def test_the_remember_cookie_differs_at_every_log_in(app, demo):
    values = []
    for _ in range(3):
        client = app.test_client()
        api_login(client)
        values.append(cookie(client, "remember_token"))
    assert all(values) and len(set(values)) == 3
    # logging in on a second device does not end the first one
    assert all(logged_in(remember_only_value(app, v)) for v in values)


def remember_only_value(app, value):
    client = app.test_client()
    client.set_cookie("remember_token", value)
    return client


def test_the_server_refuses_cookies_older_than_session_days(make_app, demo):
    app = make_app(PERMANENT_SESSION_LIFETIME=timedelta(seconds=2))
    phone = app.test_client()
    api_login(phone)
    copy, remembered = copy_of(app, phone), remember_only(app, phone)
    assert logged_in(copy) and logged_in(remembered)
    time.sleep(2.5)
    # the copies carry no expiry at all: only the server's own check can refuse them
    assert not logged_in(copy)
    assert not logged_in(remembered)


def test_cookies_from_before_session_tokens_no_longer_log_in(app, demo):
    """A session cookie holding just the user id (the old format) is not a session."""
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = str(user_id(app, "admin"))
        session["_fresh"] = True
    assert not logged_in(client)


def test_the_csrf_token_is_renewed_at_log_in(make_app, demo):
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    before = hidden_token(client.get("/login").get_data(as_text=True))
    response = client.post("/login", data={"username": "inspector1", "password": TEST_PASSWORD, "csrf_token": before})
    assert response.status_code == 302
    # a form prepared before log-in (e.g. planted by someone who knew that token) is refused
    assert client.post("/logout", data={"csrf_token": before}).status_code == 400
    assert logged_in(client)
    after = client.get("/api/v1/csrf").get_json()["csrf_token"]
    assert after != before
    assert client.post("/logout", data={"csrf_token": after}).status_code == 302


def test_the_csrf_token_is_renewed_at_json_log_in(make_app, demo):
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    before = hidden_token(client.get("/login").get_data(as_text=True))
    after = api_login(client)
    assert after != before
    assert client.delete("/api/v1/session", headers={"X-CSRFToken": before}).status_code == 400
    assert client.delete("/api/v1/session", headers={"X-CSRFToken": after}).status_code == 200


def hidden_token(page: str) -> str:
    match = re.search(r'<input[^>]*name="csrf_token"[^>]*value="([^"]+)"', page) or \
        re.search(r'<input[^>]*value="([^"]+)"[^>]*name="csrf_token"', page)
    assert match, "no CSRF token on the page"
    return match.group(1)
