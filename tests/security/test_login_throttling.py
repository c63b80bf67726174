"""Log-in throttling through the JSON API (what a script guessing passwords would use).

After LOGIN_MAX_FAILURES wrong passwords the account answers 429 with Retry-After, even to the
right password, until the lock runs out; other accounts are not affected; an unknown user name
gets exactly the answer a wrong password gets; wrong passwords sent in parallel do not get more
guesses than sent one by one.
"""
from __future__ import annotations

import threading
import time

import pytest

from tests.conftest import TEST_PASSWORD


def attempt(client, username: str, password: str):
    return client.post("/api/v1/session", json={"username": username, "password": password})


def test_wrong_passwords_lock_the_account(make_app, demo):
    app = make_app(LOGIN_MAX_FAILURES=3, LOGIN_LOCKOUT_SECONDS=600)
    client = app.test_client()
    statuses = [attempt(client, "inspector1", f"wrong-{i}").status_code for i in range(3)]
    assert statuses == [401, 401, 429]
    locked = attempt(client, "inspector1", TEST_PASSWORD)
    assert locked.status_code == 429
    assert locked.get_json()["error"] == "locked"
    assert 0 < int(locked.headers["Retry-After"]) <= 600
    assert client.get("/api/v1/session").status_code == 401  # not logged in by the right password
    # Another account and another client are unaffected.
    assert attempt(app.test_client(), "inspector2", TEST_PASSWORD).status_code == 200
    # Changing the case of the name does not open a fresh counter.
    assert attempt(app.test_client(), "INSPECTOR1", TEST_PASSWORD).status_code == 429


def test_the_lock_runs_out(make_app, demo):
    app = make_app(LOGIN_MAX_FAILURES=2, LOGIN_LOCKOUT_SECONDS=1)
    client = app.test_client()
    assert [attempt(client, "inspector1", "nope").status_code for _ in range(2)] == [401, 429]
    assert attempt(client, "inspector1", TEST_PASSWORD).status_code == 429
    time.sleep(1.2)
    assert attempt(client, "inspector1", TEST_PASSWORD).status_code == 200


def test_unknown_users_look_like_wrong_passwords(make_app, demo):
    app = make_app(LOGIN_MAX_FAILURES=3)
    client = app.test_client()
    unknown = attempt(client, "nobody-here", "whatever")
    wrong = attempt(client, "inspector1", "whatever")
    assert unknown.status_code == wrong.status_code == 401
    assert unknown.get_json() == wrong.get_json()
    # Timing: an unknown name still costs a password check (within a generous factor).
    started = time.perf_counter()
    for _ in range(3):
        attempt(client, "nobody-here", "whatever")
    unknown_time = time.perf_counter() - started
    started = time.perf_counter()
    for _ in range(3):
        attempt(client, "inspector2", "whatever")
    wrong_time = time.perf_counter() - started
    assert unknown_time > wrong_time / 10


@pytest.mark.parametrize("body", [
    {"username": "inspector1"}, {"password": TEST_PASSWORD}, {"username": ["inspector1"], "password": TEST_PASSWORD},
    {"username": "inspector1", "password": None}, {"username": "", "password": ""}, [], "inspector1", None,
    {"username": "inspector1", "password": {"$ne": ""}},
    {"username": "inspector1' OR '1'='1", "password": "x' OR '1'='1"},
])
def test_malformed_log_ins_are_400_or_401(make_app, demo, body):
    client = make_app().test_client()
    response = client.post("/api/v1/session", json=body)
    assert response.status_code in (400, 401)
    assert response.is_json
    assert client.get("/api/v1/session").status_code == 401


def test_parallel_guesses_get_no_more_tries_than_serial_ones(make_app, demo, live_server_factory):
    """20 wrong passwords at once: the password is checked at most LOGIN_MAX_FAILURES times
    (the others are refused as locked), so parallel requests buy an attacker nothing."""
    # As many password checks at once as there are guesses: the limit itself is under test (with
    # one slot per worker the guesses of one process would queue; several workers would not).
    server = live_server_factory(LOGIN_MAX_FAILURES=5, LOGIN_LOCKOUT_SECONDS=600, LOGIN_CONCURRENT_CHECKS=20,
                                 LOGIN_BUSY_WAIT_MS=30_000)
    with server.app.app_context():  # a production-strength hash: each check takes real time
        from werkzeug.security import generate_password_hash

        from inspections.extensions import db
        from inspections.models import User

        user = db.session.scalar(db.select(User).where(User.username == "inspector1"))
        user.password_hash = generate_password_hash(TEST_PASSWORD, method="scrypt")
        db.session.commit()
        db.session.remove()
    import http.client
    import json

    statuses: list[int] = []
    lock = threading.Lock()
    barrier = threading.Barrier(20)

    def guess(i: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
        barrier.wait()
        connection.request("POST", "/api/v1/session",
                           body=json.dumps({"username": "inspector1", "password": f"guess-{i}"}),
                           headers={"Content-Type": "application/json"})
        status = connection.getresponse().status
        with lock:
            statuses.append(status)

    threads = [threading.Thread(target=guess, args=(i,)) for i in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert set(statuses) <= {401, 429}  # (a set: all 429 is fine too, no password was checked)
    checked = statuses.count(401)
    assert checked <= 5 - 1, f"{checked} passwords were checked (401) before the lock; at most 4 may be"


def test_a_worker_busy_checking_passwords_answers_busy_at_once(make_app, demo):
    """A log-in that finds every password-check slot of its worker taken is answered 503 "busy"
    with Retry-After, without waiting, counting or checking anything; then it gets through."""
    from inspections.auth import services

    app = make_app(LOGIN_CONCURRENT_CHECKS=1, LOGIN_BUSY_WAIT_MS=0, LOGIN_BUSY_RETRY_AFTER=3)
    client = app.test_client()
    slots = services.password_check_slots(1)
    assert slots.acquire(timeout=5)  # another request of this worker is checking a password
    try:
        started = time.perf_counter()
        busy = attempt(client, "inspector1", TEST_PASSWORD)
        assert time.perf_counter() - started < 2
    finally:
        slots.release()
    assert busy.status_code == 503
    assert busy.headers["Retry-After"] == "3"
    body = busy.get_json()
    assert body["error"] == "busy" and body["retry_after"] == 3 and body["fields"] == []
    assert client.get("/api/v1/session").status_code == 401
    with app.app_context():
        from inspections.extensions import db
        from inspections.models import LoginFailure

        assert db.session.scalar(db.select(db.func.count()).select_from(LoginFailure)) == 0  # nothing counted
    assert attempt(client, "inspector1", TEST_PASSWORD).status_code == 200


def test_the_login_page_says_busy_too(make_app, demo):
    from inspections.auth import services

    app = make_app(LOGIN_CONCURRENT_CHECKS=1, LOGIN_BUSY_WAIT_MS=0, LOGIN_BUSY_RETRY_AFTER=2)
    client = app.test_client()
    slots = services.password_check_slots(1)
    assert slots.acquire(timeout=5)
    try:
        page = client.post("/login", data={"username": "inspector1", "password": TEST_PASSWORD})
    finally:
        slots.release()
    assert page.status_code == 503
    assert page.headers["Retry-After"] == "2"
    assert "Đang có nhiều người đăng nhập cùng lúc" in page.get_data(as_text=True)
