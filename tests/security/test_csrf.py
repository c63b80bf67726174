"""CSRF on every write, built from the URL map so that new routes are covered automatically.

With WTF_CSRF_ENABLED on (as in production), every POST/PUT/PATCH/DELETE route, logged in,
without a token (or with another session's token) answers 400 and writes nothing: no row in any
table and no file under UPLOAD_DIR changes. The only write that needs no token is logging in
through the JSON API (there is no session to ride on yet), and that one accepts JSON only, which
a cross-site form cannot send.
"""
from __future__ import annotations

import pytest

from .conftest import WRITE_METHODS, api_login, changed, fingerprint, new_uuid, submission_item

# Writes that need no CSRF token, and why. Anything else missing a token must get 400.
EXEMPT = {"auth_api.create_session": "logging in: no session yet; JSON only (see below)"}


@pytest.fixture
def csrf_app(make_app):
    return make_app(WTF_CSRF_ENABLED=True)


def fill(rule, ids: dict) -> dict:
    """URL values: demo ids where the argument names one, something well-formed otherwise."""
    values = {}
    for name in rule.arguments:
        converter = type(rule._converters[name]).__name__
        if name in ids:
            values[name] = ids[name]
        elif converter in ("IntegerConverter", "NumberConverter", "BoundedIntConverter"):
            values[name] = 1
        elif name.endswith("uuid"):
            values[name] = new_uuid()
        else:
            values[name] = "x"
    return values


def write_routes(app):
    rules = []
    for rule in app.url_map.iter_rules():
        for method in sorted(rule.methods & set(WRITE_METHODS)):
            rules.append((rule, method))
    return rules


def demo_ids(teams) -> dict:
    one = teams["1"]
    return {"visit_id": one["visits"][0], "team_id": one["team_id"], "campaign_id": one["campaign_id"],
            "member_id": one["member_ids"][-1], "user_id": 1, "unit_id": 1, "agency_id": 1}


def send(client, app, rule, method, ids, headers=None):
    from flask import url_for

    with app.test_request_context():
        url = url_for(rule.endpoint, **fill(rule, ids))
    if url.startswith("/api/"):
        body = {"submissions": [], "version": 1, "username": "x", "password": "y"}
        return url, client.open(url, method=method, json=body, headers=headers or {})
    return url, client.open(url, method=method, data={"name": "csrf probe", "reason": "probe", "lang": "en"},
                            headers=headers or {})


@pytest.mark.parametrize("username", ["admin", "lead1", "inspector1"])
def test_every_write_route_refuses_a_request_without_token(csrf_app, teams, username):
    client = csrf_app.test_client()
    api_login(client, username)
    ids = demo_ids(teams)
    routes = write_routes(csrf_app)
    assert len(routes) > 20, "the URL map lost its write routes?"
    before = fingerprint(csrf_app)
    failures = []
    for rule, method in routes:
        if rule.endpoint in EXEMPT:
            continue
        url, response = send(client, csrf_app, rule, method, ids)
        if response.status_code != 400:
            failures.append(f"{method} {url} ({rule.endpoint}): {response.status_code}, expected 400")
        elif "CSRF token is missing" not in response.get_data(as_text=True):
            failures.append(f"{method} {url} ({rule.endpoint}): a 400, but not the CSRF refusal")
        elif url.startswith("/api/") and not response.is_json:
            failures.append(f"{method} {url}: the 400 is not JSON")
    assert not failures, "\n".join(failures)
    assert changed(before, fingerprint(csrf_app)) == []


def test_a_token_of_another_session_is_refused(csrf_app, teams):
    """A token is bound to its session: inspector1's token does not work in inspector2's session."""
    thief, victim = csrf_app.test_client(), csrf_app.test_client()
    stolen = api_login(thief, "inspector1")
    api_login(victim, "inspector2")
    ids = demo_ids(teams)
    before = fingerprint(csrf_app)
    for rule, method in write_routes(csrf_app):
        if rule.endpoint in EXEMPT:
            continue
        for header in ("X-CSRFToken", "X-CSRF-Token"):
            url, response = send(victim, csrf_app, rule, method, ids, headers={header: stolen})
            assert response.status_code == 400, (method, url, response.status_code)
        url, response = send(victim, csrf_app, rule, method, ids, headers={"X-CSRFToken": "garbage." + stolen[-20:]})
        assert response.status_code == 400, (method, url, response.status_code)
    assert changed(before, fingerprint(csrf_app)) == []


def test_with_the_right_token_writes_go_through(csrf_app, teams):
    """The control: the same requests with the session's own token are not refused for CSRF."""
    client = csrf_app.test_client()
    token = api_login(client, "inspector1")
    visit_id = teams["1"]["visits"][0]
    response = client.post("/api/v1/submissions", json={"submissions": [submission_item(visit_id)]},
                           headers={"X-CSRFToken": token})
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_json()["results"][0]["status"] == "created"
    response = client.post("/lang", data={"lang": "en", "csrf_token": token})
    assert response.status_code == 302
    fresh = client.get("/api/v1/csrf").get_json()["csrf_token"]
    response = client.post("/api/v1/submissions", json={"submissions": [submission_item(visit_id)]},
                           headers={"X-CSRFToken": fresh})
    assert response.status_code == 200


def test_only_the_json_login_is_exempt(csrf_app):
    """Every view CSRFProtect skips is listed in EXEMPT (so a new exemption is a decision, not an accident)."""
    from inspections.extensions import csrf

    exempt = set()
    for endpoint, view in csrf_app.view_functions.items():
        name = f"{view.__module__}.{view.__name__}"
        blueprint = csrf_app.blueprints.get(endpoint.rsplit(".", 1)[0]) if "." in endpoint else None
        if name in csrf._exempt_views or (blueprint is not None and blueprint in csrf._exempt_blueprints):
            exempt.add(endpoint)
    assert exempt == set(EXEMPT)


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data"])
def test_the_exempt_login_cannot_be_posted_by_a_cross_site_form(csrf_app, demo, content_type):
    """A cross-site form can send text/plain, urlencoded or multipart, never application/json:
    none of them logs anyone in (no login CSRF)."""
    client = csrf_app.test_client()
    body = '{"username": "inspector1", "password": "test-pass-123"}'
    if content_type == "text/plain":
        response = client.post("/api/v1/session", data=body, content_type=content_type)
    else:
        response = client.post("/api/v1/session", data={"username": "inspector1", "password": "test-pass-123",
                                                        body: ""}, content_type=content_type)
    assert response.status_code == 400
    assert "Set-Cookie" not in response.headers or "session=" not in response.headers.get("Set-Cookie", "")
    assert client.get("/api/v1/session").status_code == 401


def test_html_login_form_needs_its_token(csrf_app, demo):
    client = csrf_app.test_client()
    response = client.post("/login", data={"username": "inspector1", "password": "test-pass-123"})
    assert response.status_code == 400
    assert client.get("/api/v1/session").status_code == 401
