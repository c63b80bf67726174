"""The OpenAPI 3 document of the JSON API under /api/v1, served at /api/v1/openapi.json.

This module describes the session, CSRF and sync endpoints. Other features add their own
paths with the hook, at import time of their API module, e.g. in review/api.py::

    from ..sync.openapi import register_paths

    register_paths({"/api/v1/visits/{visit_id}/merge": {...}},
                   schemas={"Resolution": {...}})

Registered paths and schemas are merged into the document each time it is built; a path or
schema name already present is refused, so two features cannot silently overwrite each other.
Shared pieces other modules may refer to with ``$ref``: ``#/components/schemas/Error``,
``#/components/responses/{BadRequest,Unauthorized,Forbidden,NotFound,Conflict,TooLarge}``,
``#/components/parameters/CSRFToken`` and the ``session`` security scheme (on by default).
"""
from __future__ import annotations

import copy
from typing import Any, Optional

from flask import current_app

_registered_paths: dict[str, dict[str, Any]] = {}
_registered_schemas: dict[str, dict[str, Any]] = {}


def register_paths(paths: dict[str, dict[str, Any]],
                   schemas: Optional[dict[str, dict[str, Any]]] = None) -> None:
    """Add path items (and component schemas) to the document. Paths start with /api/v1/."""
    for path, item in paths.items():
        if not path.startswith("/api/v1/"):
            raise ValueError(f"API paths start with /api/v1/: {path!r}")
        if path in _base_paths() or (path in _registered_paths and _registered_paths[path] != item):
            raise ValueError(f"OpenAPI path {path!r} is already described")
        _registered_paths[path] = item
    for name, schema in (schemas or {}).items():
        if name in _base_schemas() or (name in _registered_schemas and _registered_schemas[name] != schema):
            raise ValueError(f"OpenAPI schema {name!r} is already described")
        _registered_schemas[name] = schema


def document() -> dict[str, Any]:
    """The whole OpenAPI document (a fresh copy)."""
    paths = _base_paths()
    paths.update(copy.deepcopy(_registered_paths))
    schemas = _base_schemas()
    schemas.update(copy.deepcopy(_registered_schemas))
    batch = current_app.config.get("SYNC_MAX_BATCH", 50)
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
                f"A submissions batch holds at most {batch} items."
            ),
        },
        "servers": [{"url": "/"}],
        "security": [{"session": []}],
        "paths": dict(sorted(paths.items())),
        "components": {
            "securitySchemes": {
                "session": {"type": "apiKey", "in": "cookie", "name": current_app.config.get("SESSION_COOKIE_NAME", "session")},
            },
            "parameters": {
                "CSRFToken": {
                    "name": "X-CSRFToken", "in": "header", "required": False,
                    "description": "The CSRF token from GET /api/v1/csrf; required on writes when CSRF protection is on.",
                    "schema": {"type": "string"},
                },
            },
            "responses": _responses(),
            "schemas": schemas,
        },
    }


# --- the building blocks ----------------------------------------------------------------

def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _error_response(description: str) -> dict[str, Any]:
    return _json(_ref("Error"), description)


def _responses() -> dict[str, Any]:
    return {
        "BadRequest": _error_response("Malformed request (bad JSON says where), or a missing or expired CSRF token."),
        "Unauthorized": _error_response("Not logged in (never a redirect)."),
        "Forbidden": _error_response("Logged in, but not allowed."),
        "NotFound": _error_response("No such object, or not yours to see."),
        "MethodNotAllowed": _error_response("This method is not allowed here."),
        "Conflict": _error_response("The object exists with different content."),
        "TooLarge": _error_response("The body, the batch or the file is over its limit."),
        "UnsupportedType": _error_response("The file is not of an accepted type."),
        "TooManyRequests": _error_response("Too many attempts; wait and try again."),
    }


_COMMON = {"401": {"$ref": "#/components/responses/Unauthorized"}}
_WRITE = {"400": {"$ref": "#/components/responses/BadRequest"},
          "401": {"$ref": "#/components/responses/Unauthorized"}}
_CSRF = [{"$ref": "#/components/parameters/CSRFToken"}]


def _base_schemas() -> dict[str, Any]:
    nullable_str = {"type": "string", "nullable": True}
    nullable_int = {"type": "integer", "nullable": True}
    return {
        "Error": {
            "type": "object", "required": ["error", "message"],
            "properties": {
                "error": {"type": "string", "description": "A stable machine key (bad_request, not_authenticated, too_large, ...)."},
                "message": {"type": "string", "description": "For people, in the user's language."},
            },
            "additionalProperties": True,
        },
        "User": {
            "type": "object", "required": ["id", "username", "full_name", "role"],
            "properties": {
                "id": {"type": "integer"}, "username": {"type": "string"},
                "full_name": {"type": "string"},
                "role": {"type": "string", "enum": ["admin", "coordinator", "lead", "inspector"]},
                "agency": nullable_str,
            },
        },
        "SessionRequest": {
            "type": "object", "required": ["username", "password"],
            "properties": {"username": {"type": "string"}, "password": {"type": "string"},
                           "remember": {"type": "boolean"}},
        },
        "Session": {
            "type": "object", "required": ["user", "csrf_token"],
            "properties": {"user": _ref("User"), "csrf_token": {"type": "string"}},
        },
        "CSRFToken": {
            "type": "object", "required": ["csrf_token"],
            "properties": {"csrf_token": {"type": "string"}},
        },
        "Answers": {
            "type": "object",
            "description": (
                "Item code -> value. ynp: \"yes\"|\"partial\"|\"no\"|\"na\"; mf: {male: int, female: int}; "
                "int and money: integers; date: \"YYYY-MM-DD\"; text: string; file: list of attachment uuids. "
                "A missing code is unanswered."
            ),
            "additionalProperties": True,
        },
        "SubmissionIn": {
            "type": "object",
            "description": (
                "One checklist as the client has it. Items are checked one by one: an item with a "
                "wrong shape comes back rejected with field errors, it does not fail the batch."
            ),
            "properties": {
                "uuid": {"type": "string", "format": "uuid", "description": "Client id of the submission, stable across revisions."},
                "visit_id": {"type": "integer"},
                "template": {"type": "string", "description": "key@version of the template the answers follow."},
                "revision": {"type": "integer", "minimum": 1, "description": "Client counter; higher replaces lower."},
                "answers": _ref("Answers"),
                "notes": {"type": "object", "additionalProperties": {"type": "string"}},
                "state": {"type": "string", "enum": ["draft", "submitted"], "default": "submitted"},
                "client_saved_at": {"type": "string", "format": "date-time", "nullable": True},
            },
        },
        "SubmissionBatch": {
            "type": "object", "required": ["submissions"],
            "properties": {"submissions": {"type": "array", "items": _ref("SubmissionIn")}},
        },
        "FieldError": {
            "type": "object", "required": ["field", "message"],
            "properties": {"code": {"type": "string", "description": "Item code, when the error concerns one."},
                           "field": {"type": "string", "description": "Form field or JSON member the error is about."},
                           "message": {"type": "string"}},
        },
        "SubmissionResult": {
            "type": "object", "required": ["uuid", "status", "errors", "server_revision"],
            "properties": {
                "uuid": nullable_str,
                "status": {"type": "string", "enum": ["created", "updated", "unchanged", "stale", "rejected"]},
                "errors": {"type": "array", "items": _ref("FieldError")},
                "server_revision": nullable_int,
                "reason": {"type": "string", "description": "For rejected items: forbidden, conflict, invalid, uuid_taken (you already use this uuid for another visit; uuids are unique per inspector), template, error."},
                "late": {"type": "boolean", "description": "Stored after the visit was finalized."},
            },
        },
        "SubmissionResults": {
            "type": "object", "required": ["results", "server_time"],
            "properties": {"results": {"type": "array", "items": _ref("SubmissionResult")},
                           "server_time": {"type": "string", "format": "date-time"}},
        },
        "Attachment": {
            "type": "object", "required": ["uuid", "status", "sha256", "size", "mime", "filename", "visit_id", "item_code"],
            "properties": {
                "uuid": {"type": "string", "format": "uuid"},
                "status": {"type": "string", "enum": ["created", "unchanged"]},
                "sha256": {"type": "string"}, "size": {"type": "integer"},
                "mime": {"type": "string", "enum": ["image/jpeg", "image/png", "application/pdf"]},
                "filename": {"type": "string"}, "visit_id": nullable_int, "item_code": {"type": "string"},
            },
        },
        "ReviewComment": {
            "type": "object", "required": ["item_code", "comment", "revision"],
            "properties": {"item_code": {"type": "string"}, "comment": {"type": "string"},
                           "revision": {"type": "integer"}, "author": nullable_str,
                           "created_at": {"type": "string", "format": "date-time"}},
        },
        "OwnSubmission": {
            "type": "object", "nullable": True,
            "required": ["uuid", "revision", "state", "review_state"],
            "properties": {
                "uuid": {"type": "string"}, "revision": {"type": "integer"},
                "state": {"type": "string", "enum": ["draft", "submitted"]},
                "review_state": {"type": "string", "enum": ["received", "has_issues", "approved"]},
                "late": {"type": "boolean"}, "updated_at": {"type": "string", "format": "date-time"},
                "comments": {"type": "array", "items": _ref("ReviewComment")},
            },
        },
        "BootstrapVisit": {
            "type": "object",
            "required": ["id", "unit", "team", "campaign", "planned_date", "status", "template", "submission_uuid", "submission"],
            "properties": {
                "id": {"type": "integer"},
                "unit": {"type": "object", "properties": {"id": {"type": "integer"}, "code": {"type": "string"},
                                                          "name": {"type": "string"}, "kind": {"type": "string"}}},
                "declared": {"type": "object", "nullable": True,
                             "description": "The unit's own report as last submitted (null: none yet): what "
                                            "the checklist offers to confirm on each self_report item.",
                             "properties": {"answers": {"type": "object"},
                                            "notes": {"type": "object", "additionalProperties": {"type": "string"}},
                                            "revision": {"type": "integer"},
                                            "submitted_at": {"type": "string", "format": "date-time"}}},
                "team": {"type": "object", "properties": {"id": {"type": "integer"}, "name": {"type": "string"}}},
                "campaign": {"type": "object", "properties": {
                    "id": {"type": "integer"}, "name": {"type": "string"}, "year": {"type": "integer"},
                    "period": {"type": "string"}, "deadline": {"type": "string", "format": "date"}}},
                "planned_date": {"type": "string", "format": "date", "nullable": True},
                "status": {"type": "string", "enum": ["planned", "in_progress", "merging", "final"]},
                "template": {"type": "string", "description": "key@version"},
                "submission_uuid": {"type": "string", "description": "The uuid to submit this visit's checklist under."},
                "checklist_url": nullable_str,
                "submission": _ref("OwnSubmission"),
            },
        },
        "Bootstrap": {
            "type": "object",
            "required": ["user", "csrf_token", "server_time", "visits", "templates", "offline_urls", "limits"],
            "properties": {
                "user": _ref("User"),
                "csrf_token": {"type": "string"},
                "server_time": {"type": "string", "format": "date-time"},
                "visits": {"type": "array", "items": _ref("BootstrapVisit")},
                "templates": {"type": "object", "description": "key@version -> the full template definition.",
                              "additionalProperties": {"type": "object"}},
                "offline_urls": {"type": "array", "items": {"type": "string"},
                                 "description": "Pages and data a phone caches to work offline."},
                "limits": {"type": "object", "properties": {"max_batch": {"type": "integer"},
                                                            "max_upload_bytes": {"type": "integer"},
                                                            "max_request_bytes": nullable_int}},
            },
        },
        "TemplateVersion": {
            "type": "object", "required": ["key", "version", "label", "definition"],
            "properties": {"key": {"type": "string"}, "version": {"type": "integer"},
                           "label": {"type": "string"}, "title": {"type": "string"},
                           "definition": {"type": "object"}},
        },
    }


def _base_paths() -> dict[str, Any]:
    return {
        "/api/v1/session": {
            "post": {
                "summary": "Log in", "operationId": "createSession", "security": [], "tags": ["session"],
                "requestBody": {"required": True, "content": {"application/json": {"schema": _ref("SessionRequest")}}},
                "responses": {
                    "200": _json(_ref("Session"), "Logged in; the session cookie is set."),
                    "400": {"$ref": "#/components/responses/BadRequest"},
                    "401": _error_response("Wrong username or password."),
                    "429": {"$ref": "#/components/responses/TooManyRequests"},
                },
            },
            "get": {
                "summary": "Who is logged in", "operationId": "showSession", "tags": ["session"],
                "responses": {"200": _json(_ref("Session"), "The session's user and a CSRF token."), **_COMMON},
            },
            "delete": {
                "summary": "Log out", "operationId": "deleteSession", "tags": ["session"], "parameters": _CSRF,
                "responses": {"200": _json({"type": "object", "properties": {"ok": {"type": "boolean"}}}, "Logged out."),
                              **_WRITE},
            },
        },
        "/api/v1/csrf": {
            "get": {
                "summary": "A fresh CSRF token", "operationId": "freshCsrf", "tags": ["session"],
                "description": "The offline outbox asks for one before it sends, so work queued for days still goes through.",
                "responses": {"200": _json(_ref("CSRFToken"), "A token for the X-CSRFToken header."), **_COMMON},
            },
        },
        "/api/v1/bootstrap": {
            "get": {
                "summary": "Everything a phone needs to work offline", "operationId": "bootstrap", "tags": ["sync"],
                "description": ("The user's assigned visits with their own submission (uuid, revision, state, "
                                "review state, send-back comments), the template versions they use, a CSRF "
                                "token and the URLs to cache for offline use."),
                "responses": {"200": _json(_ref("Bootstrap"), "The user's fieldwork."), **_COMMON},
            },
        },
        "/api/v1/templates/{key}/{version}": {
            "get": {
                "summary": "One checklist template version", "operationId": "templateVersion", "tags": ["sync"],
                "parameters": [
                    {"name": "key", "in": "path", "required": True, "schema": {"type": "string"}},
                    {"name": "version", "in": "path", "required": True, "schema": {"type": "integer"}},
                ],
                "responses": {"200": _json(_ref("TemplateVersion"), "The full definition."),
                              "404": {"$ref": "#/components/responses/NotFound"}, **_COMMON},
            },
        },
        "/api/v1/submissions": {
            "post": {
                "summary": "Send checklists (idempotent)", "operationId": "postSubmissions", "tags": ["sync"],
                "description": (
                    "Each item is stored on its own (one bad item never sinks the others). Per item: a new "
                    "uuid is created; the same uuid, revision and content is unchanged; the same uuid and "
                    "revision with other content is rejected (conflict) and nothing is overwritten; a higher "
                    "revision is updated (history kept); a lower one is stale; a visit the user may not fill "
                    "is rejected (forbidden); invalid answers are rejected with one error per field; a visit "
                    "already final is stored and flagged late."
                ),
                "parameters": _CSRF,
                "requestBody": {"required": True, "content": {"application/json": {"schema": _ref("SubmissionBatch")}}},
                "responses": {
                    "200": _json(_ref("SubmissionResults"), "One result per item, in the order sent."),
                    **_WRITE,
                    "413": {"$ref": "#/components/responses/TooLarge"},
                },
            },
        },
        "/api/v1/attachments/{uuid}": {
            "put": {
                "summary": "Upload an evidence file (idempotent by uuid + sha256)", "operationId": "putAttachment",
                "tags": ["sync"],
                "description": ("The body is the file's raw bytes. The type is read from the bytes (JPEG, PNG "
                                "or PDF). visit_id, item_code and filename come from the query or from the "
                                "X-Visit-Id, X-Item-Code and X-Filename headers (URL-encoded)."),
                "parameters": _CSRF + [
                    {"name": "uuid", "in": "path", "required": True, "schema": {"type": "string"}},
                    {"name": "visit_id", "in": "query", "required": False, "schema": {"type": "integer"}},
                    {"name": "item_code", "in": "query", "required": False, "schema": {"type": "string"}},
                    {"name": "filename", "in": "query", "required": False, "schema": {"type": "string"}},
                ],
                "requestBody": {"required": True, "description": "The file's bytes; any Content-Type is accepted.",
                                "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}},
                "responses": {
                    "201": _json(_ref("Attachment"), "Stored."),
                    "200": _json(_ref("Attachment"), "The same bytes were already stored under this uuid."),
                    **_WRITE,
                    "403": {"$ref": "#/components/responses/Forbidden"},
                    "404": {"$ref": "#/components/responses/NotFound"},
                    "409": {"$ref": "#/components/responses/Conflict"},
                    "413": {"$ref": "#/components/responses/TooLarge"},
                    "415": {"$ref": "#/components/responses/UnsupportedType"},
                },
            },
        },
        "/api/v1/openapi.json": {
            "get": {
                "summary": "This document", "operationId": "openapi", "security": [], "tags": ["meta"],
                "responses": {"200": _json({"type": "object"}, "The OpenAPI 3 document.")},
            },
        },
    }
