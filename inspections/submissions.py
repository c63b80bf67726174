"""Storing a submission: validate, revision, idempotency.

The one path every checklist takes into the database, whether it comes from the HTML form
(fieldwork) or the JSON sync API (sync). The rules (DESIGN.md, "Sync protocol"):

- a new uuid                                   -> created
- same uuid, same revision, same content       -> unchanged (a resend changes nothing)
- same uuid, same revision, different content  -> rejected, reason "conflict"; nothing overwritten
- same uuid, higher revision                   -> updated; the old revision stays in history
- same uuid, lower revision                    -> stale; nothing changes
- a visit the user may not fill                -> rejected, reason "forbidden"
- answers the validator refuses                -> rejected, with one error per field
- a visit already final                        -> stored and flagged late, never dropped

Functions here only add and flush; the caller commits once per request.
"""
from __future__ import annotations

import hashlib
import json
import uuid as uuid_module
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Optional

from flask_babel import force_locale, gettext
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from . import access, checklist
from .checklist.messages import language
from .core import lifecycle
from .core.lifecycle import VisitState, is_final
from .core.templates import core_template
from .extensions import db
from .models import Submission, SubmissionRevision, User, Visit, utcnow

# A fixed namespace: the default uuid of (visit, inspector) is the same on every device. Anyone
# can compute it, and that is harmless: a uuid names a submission only within its inspector's
# own (submission.inspector_id, uuid is the unique key), so nobody can take someone else's.
SUBMISSION_NAMESPACE = uuid_module.UUID("6f1d8a52-3c1e-4f57-9d0b-7a0c2e3b9a41")

def _messages() -> dict[str, str]:
    """The per-item refusals, in the current language (Flask-Babel; the root catalog)."""
    return {
        "forbidden": gettext("You are not assigned to this visit."),
        "conflict": gettext("Revision %(revision)d was already sent with different content; send it as a new "
                            "revision."),
        "uuid_taken": gettext("This submission id belongs to another submission."),
        "template_mismatch": gettext("The checklist uses template %(sent)s but the campaign uses %(expected)s."),
        "stale": gettext("The server already has a newer revision (%(revision)d)."),
    }


def message(key: str, lang: str, **values: Any) -> str:
    """A refusal of one item in `lang` (vi or en), whatever the request's own language."""
    with force_locale(language(lang)):
        text = _messages()[key]
    return text % values if values else text


@dataclass
class SubmissionResult:
    """What happened to one submission; `as_json()` is the sync API's per-item result."""

    uuid: Optional[str]  # None: the item carried no usable uuid
    status: str  # created | updated | unchanged | stale | rejected
    errors: list[dict[str, str]] = field(default_factory=list)
    server_revision: Optional[int] = None
    reason: Optional[str] = None  # for rejected: forbidden | conflict | invalid | uuid_taken | template
    late: bool = False
    submission: Optional[Submission] = None

    @property
    def stored(self) -> bool:
        return self.status in ("created", "updated")

    def as_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "uuid": self.uuid,
            "status": self.status,
            "errors": self.errors,
            "server_revision": self.server_revision,
        }
        if self.reason:
            body["reason"] = self.reason
        if self.late:
            body["late"] = True
        return body


@dataclass
class SubmissionInput:
    """A checked-for-shape submission, as both the form and the API hand it over."""

    uuid: str
    visit_id: int
    revision: int
    answers: dict[str, Any]
    notes: dict[str, Any] = field(default_factory=dict)
    state: str = "submitted"  # draft | submitted
    template: Optional[str] = None  # "key@version", when the client says which it used
    client_saved_at: Optional[datetime] = None


def default_uuid(visit_id: int, inspector_id: int) -> str:
    """The submission id of an inspector's checklist for a visit, the same on every device."""
    return str(uuid_module.uuid5(SUBMISSION_NAMESPACE, f"visit:{visit_id}:inspector:{inspector_id}"))


# One encoder for every canonical text (json.dumps with these options builds a new one per call).
_canonical = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode


def encode_content(answers: dict[str, Any], notes: dict[str, Any], state: str) -> tuple[str, str, str]:
    """(answers JSON, notes JSON, content hash), each JSON text encoded once.

    The hash is the SHA-256 of the canonical JSON of {"answers", "notes", "state"} (sorted keys,
    compact, UTF-8). Sorted, those keys come in exactly that order, so the canonical text is
    the two encoded parts put together: the lean ingest path stores the same texts it hashed.
    Raises UnicodeEncodeError for text that is not valid Unicode (a lone surrogate).
    """
    answers_json, notes_json = _canonical(answers), _canonical(notes)
    canonical = f'{{"answers":{answers_json},"notes":{notes_json},"state":{_canonical(state)}}}'
    return answers_json, notes_json, hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def content_hash(answers: dict[str, Any], notes: dict[str, Any], state: str) -> str:
    return encode_content(answers, notes, state)[2]


def template_label(template_row) -> str:
    return f"{template_row.key}@{template_row.version}"


# `known` of store_submission when the caller has not looked the uuid up.
LOOK_UP = object()


def store_submission(user: User, data: SubmissionInput, *, lang: str = "vi",
                     now: Optional[datetime] = None, known: Any = LOOK_UP) -> SubmissionResult:
    """Store one submission by the rules in the module docstring; never raises for bad content.

    `known`: the Submission with this uuid, or None when there is none, when the caller has
    already looked it up in this transaction (the sync API looks up a whole batch in one query);
    by default it is looked up here.
    """
    now = now or utcnow()
    visit = db.session.get(Visit, data.visit_id)
    if visit is None or not access.can(user, "visit.fill", visit):
        return _rejected(data, "forbidden", [{"code": "", "field": "visit_id", "message": message("forbidden", lang)}])

    campaign_template = visit.team.campaign.template
    if data.template and data.template != template_label(campaign_template):
        return _rejected(data, "template", [{"code": "", "field": "template", "message": message(
            "template_mismatch", lang, sent=data.template, expected=template_label(campaign_template))}])

    new_hash = content_hash(data.answers, data.notes, data.state)
    existing = _find(user.id, data.uuid) if known is LOOK_UP else known
    if existing is not None:
        decided = _compare_with_existing(user, existing, data, new_hash, lang)
        if decided is not None:
            return decided

    template = core_template(campaign_template)
    problems = checklist.validate_answers(
        template, visit.unit.kind, data.answers, lang=lang, require_complete=False
    )
    if problems:
        return _rejected(data, "invalid", [
            {"code": p.code, "field": p.field, "message": p.message} for p in problems
        ])

    late = is_final(visit)
    try:
        with db.session.begin_nested():
            if existing is None:
                submission = Submission(
                    uuid=data.uuid, visit_id=visit.id, inspector_id=user.id,
                    template_id=campaign_template.id, received_at=now,
                )
                db.session.add(submission)
                status = "created"
            else:
                submission = existing
                status = "updated"
            submission.revision = data.revision
            submission.state = data.state
            submission.answers = data.answers
            submission.notes = data.notes
            submission.content_hash = new_hash
            submission.client_saved_at = data.client_saved_at
            submission.updated_at = now
            submission.late = late
            if status == "updated" and submission.review_state == "has_issues" and data.state == "submitted":
                submission.review_state = "received"  # the inspector answered the send-back
            revision = SubmissionRevision(
                revision=data.revision, state=data.state,
                answers=data.answers, notes=data.notes, content_hash=new_hash,
                client_saved_at=data.client_saved_at, received_at=now, late=late,
            )
            if status == "created":
                revision.submission = submission  # one flush writes the submission, then this
            else:
                revision.submission_id = submission.id
            db.session.add(revision)
            db.session.flush()
    except IntegrityError:
        # The same uuid or revision arrived at the same moment through another request:
        # compare with what that request stored, exactly as for a resend.
        raced = _find(user.id, data.uuid)
        if raced is not None:
            decided = _compare_with_existing(user, raced, data, new_hash, lang)
            if decided is not None:
                return decided
        raise
    if visit.status == VisitState.PLANNED:
        _mark_in_progress(visit)
    return SubmissionResult(data.uuid, status, server_revision=submission.revision,
                            late=late, submission=submission)


def _mark_in_progress(visit: Visit) -> None:
    """planned -> in_progress when a visit's first checklist arrives (see lifecycle.mark_in_progress)."""
    lifecycle.mark_in_progress([visit.id])
    db.session.expire(visit, ["status", "version"])


def _find(inspector_id: int, submission_uuid: str) -> Optional[Submission]:
    """The inspector's submission under this uuid (another inspector's of the same uuid is not it)."""
    return db.session.scalar(select(Submission).where(Submission.inspector_id == inspector_id,
                                                      Submission.uuid == submission_uuid))


def _compare_with_existing(user: User, existing: Submission, data: SubmissionInput,
                           new_hash: str, lang: str) -> Optional[SubmissionResult]:
    """The outcome for a uuid already on the server, or None when this is a newer revision."""
    if existing.inspector_id != user.id or existing.visit_id != data.visit_id:
        # Only ever the user's own submission under this uuid, for another visit.
        return _rejected(data, "uuid_taken", [{"code": "", "field": "uuid", "message": message("uuid_taken", lang)}])
    if data.revision == existing.revision:
        if existing.content_hash == new_hash:
            return SubmissionResult(data.uuid, "unchanged", server_revision=existing.revision,
                                    late=existing.late, submission=existing)
        return _rejected(data, "conflict", [{"code": "", "field": "revision", "message": message(
            "conflict", lang, revision=data.revision)}], server_revision=existing.revision)
    if data.revision < existing.revision:
        return SubmissionResult(data.uuid, "stale", server_revision=existing.revision, errors=[{
            "code": "", "field": "revision", "message": message("stale", lang, revision=existing.revision)}],
            submission=existing)
    return None


def _rejected(data: SubmissionInput, reason: str, errors: list[dict[str, str]],
              server_revision: Optional[int] = None) -> SubmissionResult:
    return SubmissionResult(data.uuid, "rejected", errors=errors, reason=reason,
                            server_revision=server_revision)


def latest_submissions(visit_id: int, *, include_drafts: bool = False) -> list[Submission]:
    """Each inspector's most recently updated submission for a visit (drafts left out by default)."""
    stmt = select(Submission).where(Submission.visit_id == visit_id)
    if not include_drafts:
        stmt = stmt.where(Submission.state == "submitted")
    rows = db.session.scalars(stmt.order_by(Submission.updated_at, Submission.id)).all()
    latest: dict[int, Submission] = {}
    for row in rows:
        latest[row.inspector_id] = row
    return sorted(latest.values(), key=lambda s: s.inspector_id)


def parse_client_time(value: Any) -> Optional[datetime]:
    """An ISO 8601 time from a client, as aware UTC; None when absent. Raises ValueError when bad."""
    if value in (None, ""):
        return None
    if not isinstance(value, str):
        raise ValueError("not a string")
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed.astimezone(timezone.utc)
