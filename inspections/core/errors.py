"""The one error contract: a refused request is a `DomainError`, answered in one shape.

Every /api/v1 error body (and every JSON error of the app) is::

    {"error": "<code>", "message": "<for people, in the user's language>",
     "fields": [{"item": "<checklist item code or "">", "field": "<field or JSON member>",
                 "message": "...", "kind": "<stable key, optional>"}],
     ...}

`error` is a stable machine key (bad_request, not_found, stale_version, invalid, ...), never an
item code. `fields` is always there (empty when no one field is at fault). A few errors carry
one more member, described in the OpenAPI ``Error`` schema: ``version`` (409 stale_version: the
visit's current version), ``reasons`` (422 not_ready), ``retry_after`` (429, seconds),
``max_batch`` (413 batch_too_large) and ``path``/``problem``/``problems`` or ``line``/``column``/
``position`` (400 bad_json: where the body is wrong).

The per-item results of a sync batch are not errors of the request: each rejected item keeps
its own ``errors`` list (``code`` is the item code there), as phones already read it.

`DomainError` is raised by services (which only flush); the handlers registered in
create_app (`inspections.web.init_app`) roll the request back and answer JSON under /api/ (or for a
view that asked for JSON errors) and the error page elsewhere.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Mapping, Optional, Union

from flask import Response, jsonify


@dataclass(frozen=True)
class FieldError:
    """One refused value: the checklist item it belongs to ("" if none), its field, why."""

    field: str
    message: str
    item: str = ""
    kind: str = ""

    def as_json(self) -> dict[str, str]:
        out = {"item": self.item, "field": self.field, "message": self.message}
        if self.kind:
            out["kind"] = self.kind
        return out


FieldLike = Union[FieldError, Mapping[str, Any]]


def as_field_error(value: FieldLike) -> FieldError:
    """A FieldError from itself or from a {field, message, item?, code?|kind?} dict."""
    if isinstance(value, FieldError):
        return value
    return FieldError(field=str(value.get("field") or ""), message=str(value.get("message") or ""),
                      item=str(value.get("item") or ""), kind=str(value.get("kind") or value.get("code") or ""))


class DomainError(Exception):
    """A request the app refuses: `status` (HTTP), `code` (stable key), `message`, `fields`,
    and `extra` members of the body (see the module docstring for which)."""

    status = 422
    code = "invalid"

    def __init__(self, message: str, *, code: Optional[str] = None, status: Optional[int] = None,
                 fields: Iterable[FieldLike] = (), **extra: Any):
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        if status is not None:
            self.status = status
        self.fields = [as_field_error(f) for f in fields]
        self.extra = extra

    def after_rollback(self) -> None:
        """Called by the handler once the request is rolled back (e.g. to read what is current)."""

    def body(self) -> dict[str, Any]:
        return error_body(self.code, self.message, self.fields, **self.extra)


def error_body(code: str, message: str, fields: Iterable[FieldLike] = (), **extra: Any) -> dict[str, Any]:
    """The one JSON error body."""
    body: dict[str, Any] = {"error": code, "message": message,
                            "fields": [as_field_error(f).as_json() for f in fields]}
    body.update(extra)
    return body


def json_error(status: int, code: str, message: str, fields: Iterable[FieldLike] = (), **extra: Any) -> Response:
    """A JSON error response in the one shape (`error_body`) with its HTTP status."""
    response = jsonify(error_body(code, message, fields, **extra))
    response.status_code = status
    return response


def json_errors(view: Any) -> Any:
    """Mark a view outside /api/ whose errors a script reads: they are answered in JSON too."""
    view.json_errors = True
    return view


#: The OpenAPI schema of `error_body` (the document's components.schemas.Error).
ERROR_SCHEMA: dict[str, Any] = {
    "type": "object", "required": ["error", "message", "fields"], "additionalProperties": False,
    "properties": {
        "error": {"type": "string", "description": "A stable machine key (bad_request, not_authenticated, "
                                                    "not_found, stale_version, invalid, too_large, ...)."},
        "message": {"type": "string", "description": "For people, in the user's language."},
        "fields": {"type": "array", "description": "The values at fault, each naming its checklist item "
                                                   "(\"\" when it is not an item's) and its field.",
                   "items": {"type": "object", "required": ["item", "field", "message"],
                             "additionalProperties": False,
                             "properties": {"item": {"type": "string"}, "field": {"type": "string"},
                                            "message": {"type": "string"}, "kind": {"type": "string"}}}},
        "version": {"type": "integer", "nullable": True, "description": "409 stale_version: the current version."},
        "reasons": {"type": "array", "items": {"type": "object"},
                    "description": "422 not_ready: why the visit cannot be finalized yet."},
        "retry_after": {"type": "integer", "description": "429: seconds to wait."},
        "path": {"type": "string", "description": "400 bad_json: where in the body (a JSON path)."},
        "problem": {"type": "string", "description": "400 bad_json: what is wrong there."},
        "problems": {"type": "array", "items": {"type": "object"}, "description": "400 bad_json: every problem found."},
        "line": {"type": "integer", "description": "400 bad_json (not JSON at all): the line of the syntax error."},
        "column": {"type": "integer", "description": "400 bad_json: its column."},
        "position": {"type": "integer", "description": "400 bad_json: its character offset."},
        "max_batch": {"type": "integer", "description": "413 batch_too_large: the most submissions a batch may hold."},
    },
}
