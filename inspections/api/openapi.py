"""The OpenAPI 3 document of /api/v1, assembled in create_app from what the features describe.

A feature's API module describes its own paths (and component schemas) as plain data:
``openapi_paths()`` and ``openapi_schemas()``. `register_blueprints` hands them to `describe()`
when it registers the module's blueprint; nothing is registered by importing a module. The
document is served at /api/v1/openapi.json (`document()`).

Shared pieces every operation refers to with ``$ref``: ``#/components/schemas/Error`` (the one
error body, `inspections.core.errors.ERROR_SCHEMA`), ``#/components/responses/{BadRequest,
Unauthorized,Forbidden,NotFound,MethodNotAllowed,Conflict,TooLarge,UnsupportedType,
TooManyRequests}`` (each an Error), ``#/components/parameters/CSRFToken`` and the ``session``
security scheme (on by default). A path or schema name described twice (with other content)
is refused, so two features cannot silently overwrite each other.
"""
from __future__ import annotations

import copy
from typing import Any, Optional

from flask import Blueprint, Flask, current_app, jsonify

from ..core.errors import ERROR_SCHEMA

bp = Blueprint("api", __name__, url_prefix="/api/v1")
ERROR_REF = "#/components/schemas/Error"
SHARED_SCHEMAS = ("Error",)


def error_response(description: str) -> dict[str, Any]:
    """A response whose body is the one error shape."""
    return {"description": description, "content": {"application/json": {"schema": {"$ref": ERROR_REF}}}}


def shared_responses() -> dict[str, Any]:
    return {
        "BadRequest": error_response("Malformed request (bad JSON says where), or a missing or expired CSRF token."),
        "Unauthorized": error_response("Not logged in (never a redirect)."),
        "Forbidden": error_response("Logged in, but not allowed."),
        "NotFound": error_response("No such object, or not yours to see."),
        "MethodNotAllowed": error_response("This method is not allowed here."),
        "Conflict": error_response("The object exists with different content."),
        "TooLarge": error_response("The body, the batch or the file is over its limit."),
        "UnsupportedType": error_response("The file is not of an accepted type."),
        "TooManyRequests": error_response("Too many attempts; wait and try again."),
    }


def _registry(app: Flask) -> dict[str, dict[str, Any]]:
    return app.extensions.setdefault("openapi", {"paths": {}, "schemas": {}})


def describe(app: Flask, paths: dict[str, dict[str, Any]],
             schemas: Optional[dict[str, dict[str, Any]]] = None) -> None:
    """Add a feature's path items (and component schemas). Paths start with /api/v1/."""
    registry = _registry(app)
    for path, item in paths.items():
        if not path.startswith("/api/v1/"):
            raise ValueError(f"API paths start with /api/v1/: {path!r}")
        if path in registry["paths"] and registry["paths"][path] != item:
            raise ValueError(f"OpenAPI path {path!r} is already described")
    for name, schema in (schemas or {}).items():
        if name in SHARED_SCHEMAS or (name in registry["schemas"] and registry["schemas"][name] != schema):
            raise ValueError(f"OpenAPI schema {name!r} is already described")
    registry["paths"].update(copy.deepcopy(paths))
    registry["schemas"].update(copy.deepcopy(schemas or {}))


def document(app: Optional[Flask] = None) -> dict[str, Any]:
    """The whole OpenAPI document (a fresh copy)."""
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    registry = _registry(app)
    schemas = {"Error": copy.deepcopy(ERROR_SCHEMA)}
    schemas.update(copy.deepcopy(registry["schemas"]))
    batch = app.config.get("SYNC_MAX_BATCH", 50)
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "Gender-equality inspections API",
            "version": "1",
            "description": (
                "JSON API of the inspections app. Log in with POST /api/v1/session (sets a "
                "session cookie); every write then needs the X-CSRFToken header (get one from "
                "GET /api/v1/csrf). Without a session every endpoint but POST /api/v1/session "
                "answers 401 JSON. Bodies over the request limit answer 413 JSON. "
                f"A submissions batch holds at most {batch} items. Every error answers the one "
                "Error body: {error, message, fields: [{item, field, message}]}."
            ),
        },
        "servers": [{"url": "/"}],
        "security": [{"session": []}],
        "paths": dict(sorted(copy.deepcopy(registry["paths"]).items())),
        "components": {
            "securitySchemes": {
                "session": {"type": "apiKey", "in": "cookie", "name": app.config.get("SESSION_COOKIE_NAME", "session")},
            },
            "parameters": {
                "CSRFToken": {
                    "name": "X-CSRFToken", "in": "header", "required": False,
                    "description": ("The CSRF token from GET /api/v1/csrf; "
                                    "required on writes when CSRF protection is on."),
                    "schema": {"type": "string"},
                },
            },
            "responses": shared_responses(),
            "schemas": schemas,
        },
    }


@bp.get("/openapi.json")
def openapi_document():
    """The OpenAPI 3 document of every /api/v1 endpoint."""
    return jsonify(document())


def paths() -> dict[str, Any]:
    """This package's own path: the document."""
    return {"/api/v1/openapi.json": {"get": {
        "summary": "This document", "operationId": "openapi", "security": [], "tags": ["meta"],
        "responses": {"200": {"description": "The OpenAPI 3 document.",
                              "content": {"application/json": {"schema": {"type": "object"}}}}},
    }}}
