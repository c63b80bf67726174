"""The OpenAPI document: it covers every /api/v1 route, other features can add paths, and the
API's answers match it (schemathesis generates requests from the document)."""
from __future__ import annotations

import re

import pytest

from inspections.api import openapi as api_openapi
from inspections.sync import openapi

schemathesis = pytest.importorskip("schemathesis", reason="schemathesis is a dev dependency (requirements-dev.txt)")
from hypothesis import HealthCheck, settings  # noqa: E402
from schemathesis import checks as st_checks  # noqa: E402
from schemathesis.specs.openapi import checks as openapi_checks  # noqa: E402


def documented(document) -> set[tuple[str, str]]:
    return {(path, method.upper()) for path, item in document["paths"].items() for method in item}


def app_routes(app) -> set[tuple[str, str]]:
    out = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/"):
            continue
        path = re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule.rule)
        out |= {(path, method) for method in rule.methods - {"HEAD", "OPTIONS"}}
    return out


def test_the_sync_and_session_endpoints_are_described(client):
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["openapi"].startswith("3.")
    assert {("/api/v1/session", "POST"), ("/api/v1/session", "GET"), ("/api/v1/session", "DELETE"),
            ("/api/v1/csrf", "GET"), ("/api/v1/bootstrap", "GET"), ("/api/v1/submissions", "POST"),
            ("/api/v1/attachments/{uuid}", "PUT"), ("/api/v1/templates/{key}/{version}", "GET"),
            ("/api/v1/openapi.json", "GET")} <= documented(document)


def test_every_api_route_of_the_app_is_described(app, client):
    """Features with JSON routes describe them (openapi_paths() of the module, see inspections.api.openapi)."""
    described = documented(client.get("/api/v1/openapi.json").get_json())
    # the attachment route's argument is named attachment_uuid in Flask, {uuid} in the document
    routes = {(p.replace("{attachment_uuid}", "{uuid}"), m) for p, m in app_routes(app)}
    missing = sorted(routes - described)
    assert not missing, (
        f"/api/v1 routes missing from the OpenAPI document (add them to the module's openapi_paths()): {missing}")


def test_other_features_can_describe_paths(app, client):
    path = "/api/v1/visits/{visit_id}/example"
    item = {"get": {"summary": "example", "parameters": [
        {"name": "visit_id", "in": "path", "required": True, "schema": {"type": "integer"}}],
        "responses": {"200": {"description": "ok",
                              "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Example"}}}},
                      "401": {"$ref": "#/components/responses/Unauthorized"}}}}
    api_openapi.describe(app, {path: item}, schemas={"Example": {"type": "object"}})
    api_openapi.describe(app, {path: item})  # the same again is fine
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["paths"][path] == item and "Example" in document["components"]["schemas"]
    other = dict(item, summary="another")
    with pytest.raises(ValueError):
        api_openapi.describe(app, {"/api/v1/bootstrap": other})  # never overwrite another's path
    with pytest.raises(ValueError):
        api_openapi.describe(app, {"/visits/1": item})
    with pytest.raises(ValueError):
        api_openapi.describe(app, {}, schemas={"Error": {}})
    assert path not in api_openapi.document(make_plain_app())["paths"]  # per app, not per process


def make_plain_app():
    import tempfile

    from inspections import create_app

    folder = tempfile.mkdtemp(prefix="openapi-")
    return create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/x.db",
                       "UPLOAD_DIR": folder})


def test_importing_an_api_module_describes_nothing():
    """The document is assembled in create_app from the registered blueprints, not on import."""
    assert not hasattr(openapi, "register_paths") and not hasattr(openapi, "_registered_paths")
    assert "/api/v1/visits/{visit_id}/merge" in api_openapi.document(make_plain_app())["paths"]


def test_every_error_answer_is_the_one_error_body(client):
    """Every 4xx/5xx of every operation refers to the Error component (directly or through a
    shared response), and the shared responses all are Error."""
    document = client.get("/api/v1/openapi.json").get_json()
    shared = document["components"]["responses"]
    error = {"$ref": "#/components/schemas/Error"}
    assert all(r["content"]["application/json"]["schema"] == error for r in shared.values())
    seen = 0
    for path, item in document["paths"].items():
        for method, operation in item.items():
            for status, response in operation["responses"].items():
                if int(status) < 400:
                    continue
                seen += 1
                if "$ref" in response:
                    assert response["$ref"].split("/")[-1] in shared, (path, method, status)
                else:
                    assert response["content"]["application/json"]["schema"] == error, (path, method, status)
    assert seen > 20
    assert document["components"]["schemas"]["Error"]["required"] == ["error", "message", "fields"]


# --- schemathesis against the document --------------------------------------------------------------
#
# The document is read once from an app without a database (it needs only the configuration);
# each generated request then goes, in-process, to the test's own app with the demo data.
# (schemathesis.pytest.from_fixture would read it from the `app` fixture, but its lazy loader
# does not work with pytest 9.)

def _document() -> dict:
    import tempfile

    from inspections import create_app

    folder = tempfile.mkdtemp(prefix="openapi-")
    doc_app = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/x.db",
                          "UPLOAD_DIR": folder})
    return api_openapi.document(doc_app)


schema = schemathesis.openapi.from_dict(_document())
# The session, CSRF and sync endpoints (this feature's) and the other features' registered paths
# are two tests, so that a failure says whose endpoint it is.
OWN_PATHS = sorted(list(openapi.paths()) + list(api_openapi.paths()))
own_schema = schema.include(path=OWN_PATHS)
others_schema = schema.exclude(path=OWN_PATHS)
CHECKS = [st_checks.not_a_server_error, openapi_checks.status_code_conformance,
          openapi_checks.content_type_conformance, openapi_checks.response_schema_conformance]


@pytest.fixture
def app(make_app):
    """The app without response compression: the document describes bodies, not the transport,
    and schemathesis's WSGI transport does not decode Brotli or gzip."""
    return make_app(COMPRESS_RESPONSES=False)


@pytest.fixture
def session_cookie(app, demo):
    client = app.test_client()
    response = client.post("/api/v1/session", json={"username": "inspector1", "password": "test-pass-123",
                                                      "remember": False})
    assert response.status_code == 200
    return {"session": client.get_cookie("session").value}


@own_schema.parametrize()
@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
def test_the_sync_api_answers_as_documented(case, app, session_cookie):
    """No 500s; every status, content type and body is the one the document describes."""
    case.call_and_validate(app=app, cookies=session_cookie, checks=CHECKS)


@others_schema.parametrize()
@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
def test_the_other_features_api_answers_as_documented(case, app, session_cookie):
    """The same for the paths other features registered (review: /api/v1/visits/...)."""
    case.call_and_validate(app=app, cookies=session_cookie, checks=CHECKS)
