"""Log-in answers tell nobody which usernames exist, and no stranger can lock an account out
(issue #12 §5, and the log-in cases of §3).

- an unknown name, a wrong password and a locked account answer alike at every step, and each
  costs one password hash of the configured kind;
- the wrong passwords of one address lock that address out of the account, not everyone:
  the owner logs in from elsewhere; all addresses together still hit an account-wide limit
  (guessing stays slow), and one address guessing across many accounts hits its own limit;
- the counts live in the database, so every worker process sees the same ones;
- a NUL or a lone surrogate in the username or password (form and JSON) is an ordinary wrong
  log-in, and an unsafe `next=` (CR/LF, a backslash, another site) sends the user home.
"""
from __future__ import annotations

import pytest
from werkzeug import security

from tests.conftest import TEST_PASSWORD


def api(client, username, password, address="198.51.100.7"):
    return client.post("/api/v1/session", json={"username": username, "password": password},
                       environ_base={"REMOTE_ADDR": address})


def form(client, username, password, address="198.51.100.7", query=""):
    return client.post("/login" + query, data={"username": username, "password": password},
                       environ_base={"REMOTE_ADDR": address})


def answer(response) -> tuple:
    body = response.get_json()
    body.pop("retry_after", None)  # seconds left: may differ by one between two requests
    return response.status_code, body, "Retry-After" in response.headers


def test_unknown_wrong_and_locked_answer_alike_at_every_step(make_app, demo):
    app = make_app(LOGIN_MAX_FAILURES=3)
    client = app.test_client()
    real = [answer(api(client, "inspector1", f"wrong-{i}")) for i in range(5)]
    made_up = [answer(api(client, "no-such-person", f"wrong-{i}")) for i in range(5)]
    assert real == made_up
    assert [status for status, _, _ in real] == [401, 401, 429, 429, 429]
    # and the form says the same words for both
    real_page = form(client, "inspector1", "wrong")
    made_up_page = form(client, "no-such-person", "wrong")
    assert real_page.status_code == made_up_page.status_code == 429
    assert real_page.headers["Retry-After"] and made_up_page.headers["Retry-After"]
    assert real_page.get_data(as_text=True) == made_up_page.get_data(as_text=True).replace("no-such-person",
                                                                                           "inspector1")


@pytest.fixture
def hash_checks(monkeypatch):
    """The method of every password hash checked (the real check runs; this only records it)."""
    seen: list[str] = []
    real_check = security.check_password_hash

    def recording(pwhash, password):
        seen.append(pwhash.split("$", 1)[0])
        return real_check(pwhash, password)

    import inspections.auth.services
    import inspections.models

    monkeypatch.setattr(inspections.models, "check_password_hash", recording)
    monkeypatch.setattr(inspections.auth.services, "check_password_hash", recording)
    return seen


def test_every_refusal_costs_one_hash_of_the_configured_kind(make_app, demo, hash_checks):
    """Timing: an unknown name, an archived account and a locked one cost what a wrong password costs."""
    app = make_app(LOGIN_MAX_FAILURES=2)
    client = app.test_client()
    method = app.config["PASSWORD_HASH_METHOD"]
    cases = [("no-such-person", "x"), ("inspector1", "wrong"), ("inspector1", "wrong"),  # now locked
             ("inspector1", "wrong"), ("inspector1", TEST_PASSWORD)]  # locked: refused all the same
    statuses = []
    for username, password in cases:
        hash_checks.clear()
        statuses.append(api(client, username, password).status_code)
        assert hash_checks == [method], (username, hash_checks)
    assert statuses == [401, 401, 429, 429, 429]


def test_one_address_cannot_lock_the_owner_out(make_app, demo):
    app = make_app(LOGIN_MAX_FAILURES=5)
    stranger, owner = app.test_client(), app.test_client()
    for _ in range(5):
        api(stranger, "admin", "guess", address="203.0.113.66")
    refused = api(stranger, "admin", TEST_PASSWORD, address="203.0.113.66")
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    assert api(owner, "admin", TEST_PASSWORD, address="192.0.2.10").status_code == 200
    # the form too
    assert form(app.test_client(), "admin", TEST_PASSWORD, address="192.0.2.11").status_code == 302


def test_all_addresses_together_hit_the_account_limit(make_app, demo):
    app = make_app(LOGIN_MAX_FAILURES=5, LOGIN_ACCOUNT_MAX_FAILURES=6)
    client = app.test_client()
    for index in range(6):
        assert api(client, "lead1", "guess", address=f"203.0.113.{index // 2}").status_code in (401, 429)
    refused = api(client, "lead1", TEST_PASSWORD, address="192.0.2.99")
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    assert api(client, "lead2", TEST_PASSWORD, address="192.0.2.99").status_code == 200  # other accounts open


def test_one_address_guessing_across_accounts_hits_its_own_limit(make_app, demo):
    app = make_app(LOGIN_ADDRESS_MAX_FAILURES=4)
    client = app.test_client()
    for username in ("lead1", "lead2", "inspector1", "inspector2"):
        api(client, username, "Password1", address="203.0.113.9")
    assert api(client, "inspector3", TEST_PASSWORD, address="203.0.113.9").status_code == 429
    assert api(client, "inspector3", TEST_PASSWORD, address="192.0.2.1").status_code == 200


def test_limits_are_counted_across_worker_processes(make_app, demo):
    """Two app instances stand for two gunicorn workers: only the shared database connects them."""
    worker_a, worker_b = make_app(LOGIN_MAX_FAILURES=4), make_app(LOGIN_MAX_FAILURES=4)
    statuses = []
    for index in range(4):
        worker = worker_a if index % 2 == 0 else worker_b
        statuses.append(api(worker.test_client(), "inspector4", "guess").status_code)
    assert statuses == [401, 401, 401, 429]
    assert api(worker_a.test_client(), "inspector4", TEST_PASSWORD).status_code == 429
    assert api(worker_b.test_client(), "inspector4", TEST_PASSWORD).status_code == 429


@pytest.mark.parametrize("username, password", [
    ("\ud800", "x"), ("inspector1", "\ud800"), ("insp\udfffector1", TEST_PASSWORD),
    ("\x00", "x"), ("inspector1", "\x00"), ("inspector1\x00", TEST_PASSWORD), ("\ud83d", "\udc00\x00"),
])
def test_nul_and_lone_surrogates_in_a_json_log_in_are_refused(make_app, demo, username, password):
    """The one JSON reader refuses such text before any account is looked up: a 400 that names
    where it is, the same for every account, never a 500 and never a log-in."""
    client = make_app().test_client()
    response = api(client, username, password)
    assert response.status_code == 400, response.get_data(as_text=True)
    assert response.get_json()["path"] in ("$.username", "$.password")
    assert client.get("/api/v1/session").status_code == 401


@pytest.mark.parametrize("raw", [
    b"username=%00&password=x", b"username=inspector1&password=%00",
    b"username=%ED%A0%80&password=x", b"username=inspector1&password=%ED%A0%80%00",
    b"username=inspector1%00&password=" + TEST_PASSWORD.encode(),
])
def test_nul_and_broken_utf8_in_a_form_log_in_are_a_wrong_log_in(make_app, demo, raw):
    client = make_app().test_client()
    response = client.post("/login", data=raw, content_type="application/x-www-form-urlencoded")
    assert response.status_code in (400, 401), response.status_code
    assert client.get("/").status_code == 302  # not logged in


@pytest.mark.parametrize("target", [
    "/%0d%0aSet-Cookie:%20stolen=1", "/healthz%0d%0aX-Evil:%201", "%0a/healthz", "/\\evil.example/",
    "/%5cevil.example", "https://evil.example/", "//evil.example/", "/%09/evil.example", "javascript:alert(1)",
])
def test_an_unsafe_next_after_log_in_goes_home(make_app, demo, target):
    client = make_app().test_client()
    response = client.post("/login?next=" + target, data={"username": "inspector1", "password": TEST_PASSWORD})
    assert response.status_code == 302, response.status_code
    assert response.headers["Location"] == "/"
    assert "stolen" not in str(response.headers) and "X-Evil" not in str(response.headers)


def test_a_safe_next_is_kept(make_app, demo):
    client = make_app().test_client()
    response = client.post("/login?next=/campaigns/%3Farchived%3D1",
                           data={"username": "admin", "password": TEST_PASSWORD})
    assert response.headers["Location"] == "/campaigns/?archived=1"
