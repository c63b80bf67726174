"""The sync API under /api/v1: bootstrap, submissions, attachments.

Every write needs the X-CSRFToken header (checked by CSRFProtect like any form post); without
a session every endpoint answers 401 JSON (the app's unauthorized handler). Views stay thin:
the rules are in inspections.submissions and inspections.attachments, the batch handling in
.services; each view commits once.
"""
from __future__ import annotations

from datetime import timedelta
from typing import Any, cast
from urllib.parse import unquote

from flask import Blueprint, current_app, jsonify, request
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import Table, bindparam, update

from .. import access
from ..api import Problem, json_path, read_json
from ..core.errors import DomainError, FieldError, json_error
from ..core.ids import parse_id
from ..core.text import text_problem
from ..extensions import db
from ..models import User, Visit, utcnow
from ..submissions import SubmissionResult
from ..web import current_language
from . import openapi, services

bp = Blueprint("sync_api", __name__, url_prefix="/api/v1")


_lang = current_language


@bp.get("/bootstrap")
@login_required
def bootstrap():
    """The user's visits, the templates they use, a CSRF token and the URLs to cache offline."""
    return jsonify(services.bootstrap(current_user, _lang()))


@bp.get("/templates/<key>/<int:version>")
@login_required
def template_version(key: str, version: int):
    """One template version's full definition, for a user whose team uses it (or staff)."""
    template = services.template_for(current_user, key, version)
    if template is None:
        return json_error(404, "not_found", _("Not found, or not yours to see."))
    return jsonify({"key": template.key, "version": template.version,
                    "label": f"{template.key}@{template.version}", "title": template.title,
                    "definition": template.definition})


@bp.post("/submissions")
@login_required
def submissions():
    """Store a batch of submissions, each by the rules of inspections.submissions."""
    # Bad texts and numbers are not fatal here: the items holding them are rejected one by one.
    parsed = read_json(report_values=True)
    body = parsed.value
    if not isinstance(body, dict) or not isinstance(body.get("submissions"), list):
        message = _("Send a JSON object with a list named submissions.")
        return json_error(400, "bad_request", message, [FieldError("submissions", message)])
    items = body["submissions"]
    limit = int(current_app.config["SYNC_MAX_BATCH"])
    if len(items) > limit:
        return json_error(413, "batch_too_large", _(
            "A batch may hold at most %(max)d submissions; this one has %(count)d. Send them in smaller batches.",
            max=limit, count=len(items)), max_batch=limit)
    user = current_user._get_current_object()
    clean, refused = parsed.split_items("submissions")
    results = services.store_batch(user, clean, _lang(), texts_checked=True)  # by read_json
    if refused:
        results = with_refused_items(items, refused, results)
    # One UPDATE, no ORM flush, at most once a minute (the desk shows the time to the minute,
    # and a phone draining its outbox sends batch after batch); on SQLite the request's
    # transaction already holds the write lock (inspections.sqlite_locking), so this is
    # committed with the batch or not at all.
    now = utcnow()
    if user.last_sync_at is None or now - user.last_sync_at >= SYNC_TIME_GRAIN:
        db.session.execute(_SYNC_TIME, {"user_id": user.id, "now": now})
    db.session.commit()
    return jsonify({"results": [r.as_json() for r in results], "server_time": utcnow().isoformat()})


def with_refused_items(items: list[Any], refused: dict[int, list[Problem]],
                       stored: list[SubmissionResult]) -> list[SubmissionResult]:
    """The batch's results in order: the items the JSON reader refused (a NUL, a lone surrogate,
    a control character or an impossible number in them) as rejected, the others as stored."""
    rest = iter(stored)
    out = []
    for index, raw in enumerate(items):
        if index not in refused:
            out.append(next(rest))
            continue
        uuid = raw.get("uuid") if isinstance(raw, dict) else None
        out.append(SubmissionResult(uuid if isinstance(uuid, str) and text_problem(uuid) is None else None,
                                    "rejected", errors=item_errors(refused[index]), reason="invalid"))
    return out


def item_errors(problems: list[Problem]) -> list[dict[str, str]]:
    """Sync errors ({code, field, message, path}) for the problems inside one item: `code` is the
    item code under answers and notes, `field` the answer field (C1.male) or note.<code>."""
    errors = []
    for problem in problems:
        inner = problem.path[2:]  # after ("submissions", index)
        code, field = "", str(inner[0]) if inner else ""
        if len(inner) >= 2 and inner[0] in ("answers", "notes") and isinstance(inner[1], str) \
                and text_problem(inner[1]) is None:
            code = inner[1]
            field = f"note.{code}" if inner[0] == "notes" else code
            if inner[0] == "answers" and len(inner) >= 3 and isinstance(inner[2], str):
                field = f"{code}.{inner[2]}"
        errors.append({"code": code, "field": field, "message": problem.message, "path": json_path(problem.path)})
    return errors


# The user's sync time, on the table (no ORM bulk-update machinery for one column of one row),
# written again only when the one stored is SYNC_TIME_GRAIN old.
SYNC_TIME_GRAIN = timedelta(minutes=1)
_USERS = cast(Table, User.__table__)  # a mapped class's table (typed as any FromClause)
_SYNC_TIME = (update(_USERS).where(_USERS.c.id == bindparam("user_id"))
              .values(last_sync_at=bindparam("now")))


def _upload_param(name: str, header: str) -> str:
    value = request.args.get(name)
    if value is None:
        value = unquote(request.headers.get(header, ""))
    return value.strip()


@bp.put("/attachments/<attachment_uuid>")
@login_required
def put_attachment(attachment_uuid: str):
    """Store an evidence file sent as raw bytes; idempotent by uuid + sha256."""
    from ..attachments import (
        find_attachment,
        max_upload_bytes,
        normalize_uuid,
        size_label,
        store_attachment,
    )

    canonical = normalize_uuid(attachment_uuid)
    if canonical is None:
        message = _("The file id is not valid.")
        raise DomainError(message, code="uuid", status=400, fields=[FieldError("uuid", message)])
    limit = max_upload_bytes()
    if request.content_length is not None and request.content_length > limit:
        return json_error(413, "too_large", _("The file is %(size)s; the limit is %(limit)s per file.",
                                              size=size_label(request.content_length), limit=size_label(limit)))
    visit_text = _upload_param("visit_id", "X-Visit-Id")
    existing = find_attachment(canonical)
    if not visit_text and existing is not None and existing.visit_id is not None:
        visit_text = str(existing.visit_id)  # a resend may leave the visit out
    visit_id = parse_id(visit_text)
    if visit_id is None:
        message = _("Say which visit the file belongs to (visit_id).")
        raise DomainError(message, code="bad_request", status=400, fields=[FieldError("visit_id", message)])
    visit = db.session.get(Visit, visit_id)
    if visit is None or not access.can(current_user, "visit.view", visit):
        message = _("Not found, or not yours to see.")
        raise DomainError(message, code="not_found", status=404, fields=[FieldError("visit_id", message)])
    data = request.get_data(cache=False)
    attachment, created = store_attachment(  # an AttachmentError is answered by the app's handler
        current_user, attachment_uuid=canonical, data=data,
        filename=_upload_param("filename", "X-Filename"), visit=visit,
        item_code=_upload_param("item_code", "X-Item-Code"),
    )
    db.session.commit()
    response = jsonify({
        "uuid": attachment.uuid, "status": "created" if created else "unchanged",
        "sha256": attachment.sha256, "size": attachment.size, "mime": attachment.mime,
        "filename": attachment.filename, "visit_id": attachment.visit_id, "item_code": attachment.item_code,
    })
    response.status_code = 201 if created else 200
    return response


openapi_paths = openapi.paths  # described in the /api/v1 document by create_app
openapi_schemas = openapi.schemas
