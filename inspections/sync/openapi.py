"""The sync feature's part of the /api/v1 OpenAPI document: the session, CSRF, bootstrap,
template, submissions and attachments endpoints.

`paths()` and `schemas()` are plain data; create_app hands them to `inspections.api.openapi`
(see there for the shared components: the Error body, the responses, the CSRF parameter).
"""
from __future__ import annotations

from typing import Any

from ..api.openapi import error_response as _error_response
from ..core.lifecycle import STATES as VISIT_STATES

# --- the building blocks ----------------------------------------------------------------

def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


_COMMON = {"401": {"$ref": "#/components/responses/Unauthorized"}}
_WRITE = {"400": {"$ref": "#/components/responses/BadRequest"},
          "401": {"$ref": "#/components/responses/Unauthorized"}}
_CSRF = [{"$ref": "#/components/parameters/CSRFToken"}]


def schemas() -> dict[str, Any]:
    nullable_str = {"type": "string", "nullable": True}
    nullable_int = {"type": "integer", "nullable": True}
    return {
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
                "uuid": {"type": "string", "format": "uuid",
                         "description": "Client id of the submission, stable across revisions."},
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
            "description": "One refused value of a rejected sync item (not a request error: those are Error).",
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
                "reason": {"type": "string",
                           "description": "For rejected items: forbidden, conflict, invalid, uuid_taken "
                                          "(you already use this uuid for another visit; uuids are unique per "
                                          "inspector), template, error."},
                "late": {"type": "boolean", "description": "Stored after the visit was finalized."},
            },
        },
        "SubmissionResults": {
            "type": "object", "required": ["results", "server_time"],
            "properties": {"results": {"type": "array", "items": _ref("SubmissionResult")},
                           "server_time": {"type": "string", "format": "date-time"}},
        },
        "Attachment": {
            "type": "object",
            "required": ["uuid", "status", "sha256", "size", "mime", "filename", "visit_id", "item_code"],
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
            "required": ["id", "unit", "team", "campaign", "planned_date", "status", "template", "submission_uuid",
                         "submission"],
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
                "status": {"type": "string", "enum": list(VISIT_STATES)},
                "template": {"type": "string", "description": "key@version"},
                "submission_uuid": {"type": "string",
                                    "description": "The uuid to submit this visit's checklist under."},
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


def paths() -> dict[str, Any]:
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
                "responses": {"200": _json({"type": "object", "properties": {"ok": {"type": "boolean"}}},
                                           "Logged out."),
                              **_WRITE},
            },
        },
        "/api/v1/csrf": {
            "get": {
                "summary": "A fresh CSRF token", "operationId": "freshCsrf", "tags": ["session"],
                "description": ("The offline outbox asks for one before it sends, "
                                "so work queued for days still goes through."),
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
                                "content": {"application/octet-stream": {"schema": {"type": "string",
                                                                                    "format": "binary"}}}},
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
    }
