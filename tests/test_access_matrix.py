"""Every route × every role, built from the app's URL map so new routes are covered automatically.

Each feature declares what each role should get for its GET routes in tests/access_matrix/<feature>.py
(ROUTES: endpoint -> {role: "ok" | "forbidden" | "skip: reason"}, or "public", or "public_link" for a
page opened by a link that carries its own token, with any answer but a log-in); the unit role is
"forbidden" wherever a declaration leaves it out; a route missing from every
declaration fails `test_every_route_is_declared`. URL arguments are filled with the demo province's
team-1 objects (lead1 leads team 1, inspector1 is in it; lead2 and inspector3 are in team 2).
"""
from __future__ import annotations

import importlib
import pkgutil

import pytest
from flask import url_for
from sqlalchemy import select

import tests.access_matrix as matrix_package
from inspections.extensions import db
from inspections.models import Agency, Campaign, Team, User, Visit
from tests.conftest import AuthActions

ROLES_AS = {"admin": "admin", "coordinator": "coordinator", "lead": "lead1", "inspector": "inspector1",
            "unit": "rep-SYT"}
EVERYONE = {"admin": "ok", "coordinator": "ok", "lead": "ok", "inspector": "ok", "unit": "ok"}
# The inspected unit's representative (rep-SYT, of team 1's first visit) is refused every route a
# feature does not open to it: a declaration without a "unit" entry means "forbidden" for it.
UNIT_DEFAULT = "forbidden"

# Core routes (not owned by a feature). "public" routes answer without login.
CORE_ROUTES = {
    "main.home": EVERYONE,
    "main.healthz": "public",
    "auth.login": "public",
    "auth_api.show_session": EVERYONE,
    "auth_api.fresh_csrf": EVERYONE,
    "static": "public",
}
# Write routes that need no login (logging in, switching language).
CORE_PUBLIC_WRITES = {"auth.login", "auth_api.create_session", "main.set_language"}
CORE_POST_ROUTES = {"auth.logout": EVERYONE, "auth_api.delete_session": EVERYONE}


def declared_routes() -> tuple[dict, dict, set, dict]:
    routes, params, public = dict(CORE_ROUTES), {}, set(CORE_PUBLIC_WRITES)
    writes = dict(CORE_POST_ROUTES)
    for info in pkgutil.iter_modules(matrix_package.__path__):
        module = importlib.import_module(f"tests.access_matrix.{info.name}")
        routes.update(getattr(module, "ROUTES", {}))
        params.update(getattr(module, "PARAMS", {}))
        public |= set(getattr(module, "PUBLIC_WRITES", ()))
        writes.update(getattr(module, "POST_ROUTES", {}))
    return routes, params, public, writes


ROUTES, PARAMS, PUBLIC_WRITES, POST_ROUTES = declared_routes()


def get_rules(app):
    return [r for r in app.url_map.iter_rules() if "GET" in r.methods]


def write_rules(app):
    return [r for r in app.url_map.iter_rules() if r.methods & {"POST", "PUT", "DELETE", "PATCH"}]


def demo_ids(app) -> dict[str, object]:
    with app.app_context():
        team = db.session.scalar(select(Team).join(User, Team.lead_id == User.id).where(User.username == "lead1"))
        visit = db.session.scalar(select(Visit).where(Visit.team_id == team.id).order_by(Visit.id))
        return {
            "campaign_id": team.campaign_id,
            "team_id": team.id,
            "visit_id": visit.id,
            "unit_id": visit.unit_id,
            "user_id": db.session.scalar(select(User.id).where(User.username == "inspector1")),
            "agency_id": db.session.scalar(select(Agency.id).order_by(Agency.id)),
            "year": db.session.scalar(select(Campaign.year)),
            "period": "annual",
            "filename": "css/app.css",
        }


def build_url(app, rule, ids, *, any_value: bool = False) -> str:
    """The rule's URL with demo ids; `any_value` fills unknown arguments with 1 (anonymous tests)."""
    values = dict(ids)
    values.update(PARAMS.get(rule.endpoint, {}))
    missing = [arg for arg in rule.arguments if arg not in values]
    if missing and not any_value:
        raise AssertionError(f"{rule.endpoint}: add PARAMS for {missing} in tests/access_matrix")
    with app.test_request_context():
        return url_for(rule.endpoint, **{arg: values.get(arg, 1) for arg in rule.arguments})


def is_login_redirect(response) -> bool:
    return response.status_code == 302 and "/login" in response.headers.get("Location", "")


def test_every_route_is_declared(app):
    missing = sorted({r.endpoint for r in get_rules(app)} - set(ROUTES))
    assert not missing, f"GET routes with no expected access in tests/access_matrix: {missing}"
    writes = {r.endpoint for r in write_rules(app)} - PUBLIC_WRITES
    missing_writes = sorted(writes - set(POST_ROUTES))
    assert not missing_writes, f"write routes with no POST_ROUTES entry in tests/access_matrix: {missing_writes}"


def test_anonymous_users_are_sent_to_login_or_get_401(app, demo):
    ids = demo_ids(app)
    client = app.test_client()
    for rule in get_rules(app):
        url = build_url(app, rule, ids)
        response = client.get(url)
        if ROUTES.get(rule.endpoint) == "public":
            assert response.status_code < 400, (url, response.status_code)
        elif ROUTES.get(rule.endpoint) == "public_link":
            assert response.status_code < 500 and not is_login_redirect(response), (url, response.status_code)
        elif url.startswith("/api/"):
            assert response.status_code == 401, (url, response.status_code)
            assert response.is_json and response.get_json()["error"] == "not_authenticated"
        else:
            assert is_login_redirect(response), (url, response.status_code)


def test_anonymous_writes_are_refused(app, demo):
    ids = demo_ids(app)
    client = app.test_client()
    for rule in write_rules(app):
        if rule.endpoint in PUBLIC_WRITES:
            continue
        url = build_url(app, rule, ids, any_value=True)
        for method in sorted(rule.methods & {"POST", "PUT", "DELETE", "PATCH"}):
            response = client.open(url, method=method)
            if url.startswith("/api/"):
                assert response.status_code == 401, (method, url, response.status_code)
            else:
                assert is_login_redirect(response), (method, url, response.status_code)


@pytest.mark.parametrize("role", sorted(ROLES_AS))
def test_each_role_gets_what_the_matrix_says(app, demo, role):
    ids = demo_ids(app)
    client = app.test_client()
    AuthActions(client).login(ROLES_AS[role])
    failures = []
    for rule in get_rules(app):
        expected = ROUTES.get(rule.endpoint)
        if expected in ("public", "public_link") or expected is None:
            continue
        wanted = expected.get(role, UNIT_DEFAULT) if role == "unit" else expected[role]
        if wanted.startswith("skip"):
            continue
        url = build_url(app, rule, ids)
        response = client.get(url)
        status = response.status_code
        if wanted == "ok" and (status >= 400 or is_login_redirect(response)):
            failures.append(f"{role} GET {url}: expected ok, got {status}")
        if wanted == "forbidden" and status not in (403, 404):
            failures.append(f"{role} GET {url}: expected 403/404, got {status}")
    assert not failures, "\n".join(failures)


def test_other_teams_visits_are_not_found(app, demo):
    """lead2 and inspector3 (team 2), and the representative of another unit (rep-SGDDT), get
    403/404 for every route of a team-1 visit of SYT."""
    ids = demo_ids(app)
    for username in ("lead2", "inspector3", "rep-SGDDT"):
        client = app.test_client()
        AuthActions(client).login(username)
        for rule in get_rules(app):
            expected = ROUTES.get(rule.endpoint)
            if "visit_id" not in rule.arguments or not isinstance(expected, dict):
                continue
            if any(str(v).startswith("skip") for v in expected.values()):
                continue
            status = client.get(build_url(app, rule, ids)).status_code
            assert status in (403, 404), (username, rule.endpoint, status)


@pytest.mark.parametrize("role", sorted(ROLES_AS))
def test_roles_refused_a_write_get_403_or_404_and_nothing_is_audited(app, demo, role):
    from sqlalchemy import func

    from inspections.models import AuditEvent

    ids = demo_ids(app)
    client = app.test_client()
    AuthActions(client).login(ROLES_AS[role])
    failures = []
    for rule in write_rules(app):
        declared = POST_ROUTES.get(rule.endpoint, {})
        default = UNIT_DEFAULT if role == "unit" else None
        if rule.endpoint in PUBLIC_WRITES or declared.get(role, default) != "forbidden":
            continue
        url = build_url(app, rule, ids)
        for method in sorted(rule.methods & {"POST", "PUT", "DELETE", "PATCH"}):
            kwargs = {"json": {}} if url.startswith("/api/") else {"data": {}}
            status = client.open(url, method=method, **kwargs).status_code
            if status not in (403, 404):
                failures.append(f"{role} {method} {url}: expected 403/404, got {status}")
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == 0
    assert not failures, "\n".join(failures)
