"""Sync services: what a phone needs offline, and storing batches of submissions.

The storing rules themselves live in inspections.submissions (shared with the HTML form);
this module checks the shape of each JSON item, stores each one in its own savepoint so that
one bad submission never sinks the rest of a batch, and decides on whose behalf the
submissions of an uploaded outbox file are stored. Functions here only flush; the caller
commits once per request.
"""
from __future__ import annotations

import base64
import binascii
import logging
import re
import typing
from dataclasses import dataclass, field
from typing import Any, Iterable, Optional, TypeGuard

from flask import current_app, url_for
from flask_babel import gettext as _
from flask_wtf.csrf import generate_csrf
from sqlalchemy import Connection, Table, Text, and_, bindparam, case, cast, exists, or_, select, text, update
from sqlalchemy.dialects.postgresql import JSONB, insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.exc import StaleDataError
from sqlalchemy.sql.expression import BindParameter

from .. import access, checklist
from ..core import lifecycle
from ..core.lifecycle import VisitState, is_final
from ..core.templates import core_template_by_id
from ..extensions import db
from ..models import (
    Campaign,
    ReviewComment,
    Submission,
    SubmissionRevision,
    Team,
    TeamMember,
    Template,
    Unit,
    User,
    UTCDateTime,
    Visit,
    as_utc,
    utcnow,
)
from ..self_reports import declared_for_visits
from ..sqlite_locking import reads_ahead
from ..submissions import (
    LOOK_UP,
    SubmissionInput,
    SubmissionResult,
    _rejected,
    default_uuid,
    encode_content,
    message,
    parse_client_time,
    store_submission,
    template_label,
)

log = logging.getLogger(__name__)

UUID_RE = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
MAX_REVISION = 2**31 - 1
MAX_NOTE_LENGTH = 5000
OUTBOX_FORMAT = "inspections-outbox"


def _iso(value) -> Optional[str]:
    return value.isoformat() if value is not None else None


# --- bootstrap ------------------------------------------------------------------------------

def assigned_visits(user: User) -> list[Visit]:
    """The visits the user fills in: their teams' visits (leads and inspectors only), not archived."""
    return access.assigned_visits(
        user, selectinload(Visit.team).selectinload(Team.campaign).selectinload(Campaign.template))


def bootstrap(user: User, lang: str) -> dict[str, Any]:
    """The user's fieldwork for offline use (GET /api/v1/bootstrap)."""
    visits = assigned_visits(user)
    visit_ids = [v.id for v in visits]
    own: dict[int, Submission] = {}
    if visit_ids:
        rows = db.session.scalars(
            select(Submission)
            .where(Submission.inspector_id == user.id, Submission.visit_id.in_(visit_ids))
            .order_by(Submission.updated_at, Submission.id)
        )
        for row in rows:
            own[row.visit_id] = row  # the most recently updated one wins
    comments: dict[int, list[ReviewComment]] = {}
    if own:
        for comment in db.session.scalars(
            select(ReviewComment)
            .where(ReviewComment.submission_id.in_([s.id for s in own.values()]),
                   ReviewComment.addressed_at.is_(None))
            .options(selectinload(ReviewComment.author))
            .order_by(ReviewComment.created_at, ReviewComment.id)
        ):
            comments.setdefault(comment.submission_id, []).append(comment)

    declared = declared_for_visits(visits)  # the units' own reports, as last submitted
    templates: dict[str, Any] = {}
    visit_rows = []
    for visit in visits:
        template = visit.team.campaign.template
        label = template_label(template)
        templates.setdefault(label, template.definition)
        submission = own.get(visit.id)
        visit_rows.append({
            "id": visit.id,
            "unit": {"id": visit.unit.id, "code": visit.unit.code, "name": visit.unit.name,
                     "kind": visit.unit.kind},
            "declared": declared.get(visit.id),
            "team": {"id": visit.team.id, "name": visit.team.name},
            "campaign": {"id": visit.team.campaign.id, "name": visit.team.campaign.name,
                         "year": visit.team.campaign.year, "period": visit.team.campaign.period,
                         "deadline": visit.team.campaign.deadline.isoformat()},
            "planned_date": _iso(visit.planned_date),
            "status": visit.status,
            "template": label,
            "submission_uuid": submission.uuid if submission else default_uuid(visit.id, user.id),
            "checklist_url": url_for("fieldwork.checklist", visit_id=visit.id),
            "submission": None if submission is None else {
                "uuid": submission.uuid,
                "revision": submission.revision,
                "state": submission.state,
                "review_state": submission.review_state,
                "late": submission.late,
                "updated_at": _iso(submission.updated_at),
                "comments": [{
                    "item_code": c.item_code, "comment": c.comment, "revision": c.revision,
                    "author": c.author.display_name if c.author else None,
                    "created_at": _iso(c.created_at),
                } for c in comments.get(submission.id, [])],
            },
        })
    return {
        "user": {"id": user.id, "username": user.username, "full_name": user.full_name,
                 "role": user.role, "agency": user.agency.name if user.agency else None},
        "csrf_token": generate_csrf(),
        "server_time": utcnow().isoformat(),
        "visits": visit_rows,
        "templates": templates,
        "offline_urls": offline_urls(visit_rows, templates, lang,
                                     my_visits=access.can(user, "fieldwork.use")),
        "limits": {
            "max_batch": int(current_app.config["SYNC_MAX_BATCH"]),
            "max_upload_bytes": int(current_app.config.get("MAX_UPLOAD_BYTES") or 0),
            "max_request_bytes": current_app.config.get("MAX_CONTENT_LENGTH"),
        },
    }


def offline_urls(visit_rows: list[dict], templates: dict[str, Any], lang: str, *,
                 my_visits: bool = True) -> list[str]:
    """The pages and data the phone caches for offline use, in the order worth fetching
    (*my visits* only for those who may open it: a coordinator's phone asking for it got 403)."""
    urls = [url_for("main.home"), url_for("fieldwork.my_visits") if my_visits else None, url_for("sync.status"),
            url_for("sync_api.bootstrap")]
    urls += [row["checklist_url"] for row in visit_rows]
    for label in templates:
        key, _, version = label.rpartition("@")
        urls.append(url_for("sync_api.template_version", key=key, version=int(version)))
    urls.append(url_for("sync.strings", lang=lang))
    return [u for u in dict.fromkeys(urls) if u]  # each once, in order


def template_for(user: User, key: str, version: int) -> Optional[Template]:
    """A template version the user may read: managers any; others one their teams' campaigns use."""
    if not 0 < version <= MAX_REVISION or len(key) > 80:
        return None
    template = db.session.scalar(select(Template).where(Template.key == key, Template.version == version))
    if template is None:
        return None
    if access.can(user, "templates.manage"):
        return template
    team_ids = access.team_ids_of(user)
    if not team_ids:
        return None
    used = db.session.scalar(
        select(Team.id).join(Campaign, Team.campaign_id == Campaign.id)
        .where(Team.id.in_(team_ids), Campaign.template_id == template.id).limit(1)
    )
    return template if used is not None else None


# --- checking the shape of one JSON submission -----------------------------------------------

def _field_error(field_name: str, message: str, code: str = "") -> dict[str, str]:
    return {"code": code, "field": field_name, "message": message}


def _is_int(value: Any) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def has_nul(value: Any) -> bool:
    """Whether a NUL character hides in a JSON value (PostgreSQL cannot store one in text or JSONB)."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        for k, v in value.items():
            if has_nul(k):
                return True
            cls = v.__class__
            if cls is str:  # the common leaves, without a call each
                if "\x00" in v:
                    return True
            elif cls is int or cls is bool or cls is float or v is None:
                continue
            elif has_nul(v):
                return True
        return False
    if isinstance(value, list):
        return any(has_nul(v) for v in value)
    return False


def parse_item(raw: Any, *, texts_checked: bool = False) -> tuple[Optional[SubmissionInput], list[dict[str, str]]]:
    """A SubmissionInput from one JSON item, or the list of what is wrong with its shape.

    `texts_checked`: the item comes from `api.read_json`, whose text check already refused
    every text holding a NUL (the item is then rejected before it gets here), so the answers,
    notes and template are not searched for one again.
    """
    if not isinstance(raw, dict):
        return None, [_field_error("", _("Each submission must be a JSON object."))]
    errors = []
    uuid = raw.get("uuid")
    if not (isinstance(uuid, str) and UUID_RE.match(uuid)):
        errors.append(_field_error("uuid",
                                   _("uuid must be a UUID string such as 6f1d8a52-3c1e-4f57-9d0b-7a0c2e3b9a41.")))
    visit_id = raw.get("visit_id")
    if not (_is_int(visit_id) and 0 < visit_id <= MAX_REVISION):
        errors.append(_field_error("visit_id", _("visit_id must be a positive whole number.")))
    revision = raw.get("revision")
    if not (_is_int(revision) and 1 <= revision <= MAX_REVISION):
        errors.append(_field_error("revision", _("revision must be a whole number of at least 1.")))
    answers = raw.get("answers")
    if not isinstance(answers, dict):
        errors.append(_field_error("answers", _("answers must be a JSON object of item code to value.")))
    elif not texts_checked and has_nul(answers):
        errors.append(_field_error("answers", _("Answers may not contain the NUL character (\\u0000).")))
    notes = raw.get("notes", {})
    if notes is None:
        notes = {}
    if not (isinstance(notes, dict) and all(isinstance(k, str) and isinstance(v, str) and len(v) <= MAX_NOTE_LENGTH
                                            for k, v in notes.items())):
        errors.append(_field_error("notes", _("notes must be a JSON object of item code to text "
                                              "(at most %(max)d characters each).", max=MAX_NOTE_LENGTH)))
    elif not texts_checked and has_nul(notes):
        errors.append(_field_error("notes", _("Notes may not contain the NUL character (\\u0000).")))
    state = raw.get("state", "submitted")
    if state not in ("draft", "submitted"):
        errors.append(_field_error("state", _("state must be draft or submitted.")))
    template = raw.get("template")
    if template is not None and not (isinstance(template, str) and 0 < len(template) <= 120
                                     and (texts_checked or not has_nul(template))):
        errors.append(_field_error("template", _("template must be a text such as gender_equality@1.")))
    client_saved_at = None
    try:
        client_saved_at = parse_client_time(raw.get("client_saved_at"))
    except ValueError:
        errors.append(_field_error("client_saved_at",
                                   _("client_saved_at must be an ISO 8601 time such as 2026-11-20T09:30:00Z.")))
    if errors:
        return None, errors
    assert isinstance(uuid, str) and _is_int(visit_id) and _is_int(revision) and isinstance(answers, dict)  # checked
    return SubmissionInput(
        uuid=uuid.lower(), visit_id=visit_id, revision=revision, answers=answers, notes=notes,
        state=state, template=template, client_saved_at=client_saved_at,
    ), []


def _shape_rejection(raw: Any, errors: list[dict[str, str]]) -> SubmissionResult:
    uuid = raw.get("uuid") if isinstance(raw, dict) else None
    return SubmissionResult(uuid if isinstance(uuid, str) else None, "rejected", errors=errors, reason="invalid")


# --- storing a batch ------------------------------------------------------------------------

def store_one(user: User, data: SubmissionInput, lang: str, known: Any = LOOK_UP) -> SubmissionResult:
    """store_submission in its own savepoint; a database failure rejects this item only.

    The result then has reason "error": the phone keeps the entry and sends it again later.
    A visit whose version moved on under this request (StaleDataError) is retried once with
    fresh data, as a safety net for flushes of the visit in the same request.
    `known`: see store_submission (used on the first attempt only; a retry looks it up again).
    """
    for attempt in (1, 2):
        try:
            with db.session.begin_nested():
                result = store_submission(user, data, lang=lang, known=known if attempt == 1 else LOOK_UP)
                db.session.flush()  # the visit's state change, inside this savepoint
            return result
        except StaleDataError:
            db.session.expire_all()
            if attempt == 2:
                log.warning("submission %s: visit %s kept changing", data.uuid, data.visit_id)
        except SQLAlchemyError:
            log.exception("submission %s could not be stored", data.uuid)
            db.session.expire_all()
            break
    return SubmissionResult(data.uuid, "rejected", reason="error", errors=[_field_error(
        "", _("The server could not store this submission just now; it stays on the phone and will be sent again."))])


def preload_visits(visit_ids: Iterable[int]) -> list[Visit]:
    """The batch's visits with their team, campaign, template and unit, in one round of queries.

    The caller keeps the returned list while it stores the batch: the session's identity map
    holds objects weakly, so without these references every item would load them again.
    """
    wanted = sorted({v for v in visit_ids if _is_int(v) and 0 < v <= MAX_REVISION})
    if not wanted:
        return []
    # The template's definition (large JSON) is left out: storing needs only its id, key,
    # version and content hash (core_template caches the parsed definition by id and hash and
    # loads the column on a cache miss). Team members are not needed to store either (the team
    # check uses access.team_ids_of, cached per request); both load on first use if ever needed.
    return list(db.session.scalars(
        select(Visit).where(Visit.id.in_(wanted)).options(
            selectinload(Visit.unit),
            selectinload(Visit.team).selectinload(Team.campaign).selectinload(Campaign.template)
            .defer(Template.definition),
        )))


def preload_submissions(user: User, uuids: Iterable[str]) -> dict[str, Submission]:
    """The user's submissions already stored under these uuids, in one query per 500 uuids."""
    wanted = sorted(set(uuids))
    found: dict[str, Submission] = {}
    for start in range(0, len(wanted), 500):
        for row in db.session.scalars(select(Submission).where(
                Submission.inspector_id == user.id, Submission.uuid.in_(wanted[start:start + 500]))):
            found[row.uuid] = row
    return found


def store_batch(user: User, items: Iterable[Any], lang: str, *, texts_checked: bool = False) -> list[SubmissionResult]:
    """Store each JSON item of a batch for `user`; one result per item, in order.

    The lean path (`_store_lean`): one query for everything the batch needs to know, the rules
    decided in Python, one multi-row INSERT of the new submissions and one of the history rows
    (on PostgreSQL both in one statement), a conditional UPDATE per newer revision, no
    savepoint. Items it cannot settle that way (a uuid repeated in the batch, a uuid the user
    already holds on a visit outside the batch, a row another request wrote meanwhile) go
    through `store_one`, one savepoint each. Should a statement of the lean path fail, the
    transaction is rolled back and the whole batch is
    stored item by item instead: same results, only slower. `texts_checked`: see parse_item.
    """
    parsed = [(raw, *parse_item(raw, texts_checked=texts_checked)) for raw in items]
    try:
        return _store_lean(user, parsed, lang)
    except SQLAlchemyError:
        log.exception("batch of %d: the lean path failed; storing item by item", len(parsed))
        db.session.rollback()
        return _store_each(user, parsed, lang)


def _visit_order(data: Optional[SubmissionInput]) -> int:
    """Items are stored in visit order (a malformed item, which has no visit, first)."""
    return data.visit_id if data is not None else 0


def _store_each(user: User, parsed: list[tuple[Any, Optional[SubmissionInput], list]],
                lang: str) -> list[SubmissionResult]:
    """Every item through store_one (the ORM path, a savepoint each): the fallback."""
    loaded = preload_visits(data.visit_id for _raw, data, _errors in parsed if data is not None)
    stored = preload_submissions(user, (data.uuid for _raw, data, _errors in parsed if data is not None))
    results: list[Optional[SubmissionResult]] = [None] * len(parsed)
    # Stored in visit order (a stable sort: one uuid's revisions keep their order), so that two
    # batches touching the same visits lock their rows in the same order and never deadlock.
    order = sorted(range(len(parsed)), key=lambda i: _visit_order(parsed[i][1]))
    seen: set[str] = set()
    for index in order:
        raw, data, errors = parsed[index]
        if data is None:
            results[index] = _shape_rejection(raw, errors)
            continue
        # The batch's lookup answers for a uuid's first item only: an earlier item of this
        # batch may have stored that uuid, so a later one looks it up again.
        known = stored.get(data.uuid) if data.uuid not in seen else LOOK_UP
        seen.add(data.uuid)
        results[index] = store_one(user, data, lang, known)
    del loaded, stored  # held until every item is stored (see preload_visits)
    return [r for r in results if r is not None]


@dataclass
class _VisitFacts:
    """What storing needs to know about one visit of a batch (one row of `_batch_facts`)."""

    visit_id: int
    status: str
    fillable: bool  # the user is on the visit's team and the visit is not archived
    unit_kind: str
    template_id: int
    template_label: str
    template_hash: str


@dataclass
class _Known:
    """The user's submission already stored under a uuid (columns only, no ORM object)."""

    id: int
    visit_id: int
    revision: int
    content_hash: str
    late: bool


def _batch_facts(user: User, visit_ids: list[int], uuids: list[str]) -> tuple[dict[int, _VisitFacts],
                                                                              dict[str, _Known]]:
    """One query: the batch's visits (status, unit kind, template, whether the user is on the
    team: lead or member) and the user's submissions under the batch's uuids on those visits.

    A uuid the user holds on a visit outside the batch is not found here; its INSERT then
    finds the row (unique per inspector) and that item goes through store_one, which says
    uuid_taken.

    On SQLite it is read ahead of the write lock (`sqlite_locking.reads_ahead`), so that the
    batch is checked and validated while other requests write: what it says may change before
    the writes, as under PostgreSQL's READ COMMITTED, and the writes are made for that (a new
    submission's INSERT does nothing on a uuid taken meanwhile, a revision's UPDATE nothing
    unless it is still newer, the visit's state change only from planned; such an item then
    goes through store_one, under the lock).
    """
    stmt = _STATEMENTS.get("facts")
    if stmt is None:  # built once: the same statement with new values every request
        # On the tables, not the mapped classes: the rows come back as plain tuples, run on the
        # session's connection without the ORM's layer (no entities here to load or flush).
        visit, team, member, campaign, template, unit, sub = (typing.cast(Table, model.__table__) for model in (
            Visit, Team, TeamMember, Campaign, Template, Unit, Submission))
        user_id: BindParameter[Any] = bindparam("user_id")
        in_team = or_(team.c.lead_id == user_id, exists().where(
            member.c.team_id == visit.c.team_id, member.c.user_id == user_id)).label("in_team")
        stmt = _STATEMENTS["facts"] = (
            select(visit.c.id, visit.c.status, visit.c.archived_at, unit.c.kind, template.c.id, template.c.key,
                   template.c.version, template.c.content_hash, in_team,
                   sub.c.id, sub.c.uuid, sub.c.revision, sub.c.content_hash, sub.c.late)
            .join(team, team.c.id == visit.c.team_id).join(campaign, campaign.c.id == team.c.campaign_id)
            .join(template, template.c.id == campaign.c.template_id).join(unit, unit.c.id == visit.c.unit_id)
            .outerjoin(sub, and_(sub.c.visit_id == visit.c.id, sub.c.inspector_id == user_id,
                                 sub.c.uuid.in_(bindparam("uuids", expanding=True))))
            .where(visit.c.id.in_(bindparam("visit_ids", expanding=True)))
        )
    may_fill = access.can(user, "fieldwork.use")
    visits: dict[int, _VisitFacts] = {}
    known: dict[str, _Known] = {}
    with reads_ahead():
        rows = db.session.connection().execute(
            stmt, {"user_id": user.id, "uuids": uuids, "visit_ids": visit_ids}).all()
    for (visit_id, status, archived_at, kind, template_id, key, version, template_hash, member,
         sub_id, sub_uuid, revision, digest, late) in rows:
        visits[visit_id] = _VisitFacts(visit_id, status, bool(may_fill and member and archived_at is None),
                                       kind, template_id, f"{key}@{version}", template_hash)
        if sub_id is not None:
            known[sub_uuid] = _Known(sub_id, visit_id, revision, digest, bool(late))
    return visits, known


def _json_param(name: str, postgres: bool):
    """A bound parameter carrying JSON text already encoded (stored as is, not encoded again)."""
    param = bindparam(name, type_=Text())
    return cast(param, JSONB) if postgres else param


def _insert_statements(postgres: bool):
    """The multi-row INSERTs of the lean path (built once per dialect)."""
    cached = _STATEMENTS.get(("writes", postgres))
    if cached is not None:
        return cached
    # a mapped class's table (typed as any FromClause)
    sub, rev = typing.cast(Table, Submission.__table__), typing.cast(Table, SubmissionRevision.__table__)
    insert = postgresql_insert if postgres else sqlite_insert
    common: dict[str, BindParameter[Any]] = {name: bindparam(name) for name in (
        "revision", "state", "content_hash", "client_saved_at", "late")}
    new_submissions = (
        insert(sub).values(uuid=bindparam("uuid"), visit_id=bindparam("visit_id"),
                           inspector_id=bindparam("inspector_id"), template_id=bindparam("template_id"),
                           answers=_json_param("answers", postgres), notes=_json_param("notes", postgres),
                           received_at=bindparam("now"), updated_at=bindparam("now"),
                           review_state="received", **common)
        # A uuid the user already holds (raced in by another request, or on another visit) is
        # left alone and not returned: that item goes through store_one.
        .on_conflict_do_nothing(index_elements=["inspector_id", "uuid"])
        .returning(sub.c.id, sub.c.uuid)
    )
    history = insert(rev).values(submission_id=bindparam("submission_id"), answers=_json_param("answers", postgres),
                                 notes=_json_param("notes", postgres), received_at=bindparam("now"), **common)
    newer = (
        update(sub)
        .where(sub.c.id == bindparam("submission_id"), sub.c.revision < bindparam("revision"))
        .values(answers=_json_param("answers", postgres), notes=_json_param("notes", postgres),
                updated_at=bindparam("now"),
                # the inspector answered a send-back
                review_state=case((and_(sub.c.review_state == "has_issues", bindparam("state") == "submitted"),
                                   "received"), else_=sub.c.review_state),
                **{name: bindparam(name) for name in ("revision", "state", "content_hash", "client_saved_at", "late")})
    )
    _STATEMENTS[("writes", postgres)] = (new_submissions, history, newer)
    return _STATEMENTS[("writes", postgres)]


# The lean path's statements, built once per process (SQLAlchemy then reuses their compiled form).
_STATEMENTS: dict[Any, Any] = {}

# PostgreSQL: the new submissions and their history rows in one statement (a data-modifying
# CTE), whatever the number of rows: each column comes as one array (unnest), the answers and
# notes as one JSON array each (element i for row i), sent and parsed once for both tables. A
# uuid the user already holds is left alone by ON CONFLICT, is not returned and gets no history
# row: that item goes through store_one, as on SQLite. The foreign key of a history row is
# checked at the end of the statement, when its submission exists.
_PG_NEW_WITH_HISTORY = text("""
WITH v AS (
    SELECT u.*, j.answers -> (u.ord::integer - 1) AS answers, j.notes -> (u.ord::integer - 1) AS notes
    FROM unnest(CAST(:uuid AS varchar[]), CAST(:visit_id AS integer[]), CAST(:template_id AS integer[]),
                CAST(:revision AS integer[]), CAST(:state AS varchar[]), CAST(:content_hash AS varchar[]),
                CAST(:client_saved_at AS timestamptz[]), CAST(:late AS boolean[]))
        WITH ORDINALITY AS u(uuid, visit_id, template_id, revision, state, content_hash, client_saved_at, late, ord)
    CROSS JOIN (SELECT CAST(:answers AS jsonb) AS answers, CAST(:notes AS jsonb) AS notes) AS j
), ins AS (
    INSERT INTO submission (uuid, visit_id, inspector_id, template_id, revision, state, answers, notes,
                            content_hash, client_saved_at, received_at, updated_at, late, review_state)
    SELECT uuid, visit_id, :inspector_id, template_id, revision, state, answers, notes,
           content_hash, client_saved_at, :now, :now, late, 'received' FROM v
    ON CONFLICT (inspector_id, uuid) DO NOTHING
    RETURNING id, uuid
), history AS (
    INSERT INTO submission_revision (submission_id, revision, state, answers, notes, content_hash,
                                     client_saved_at, received_at, late)
    SELECT ins.id, v.revision, v.state, v.answers, v.notes, v.content_hash, v.client_saved_at, :now, v.late
    FROM ins JOIN v ON v.uuid = ins.uuid
    ORDER BY ins.id
)
SELECT id, uuid FROM ins
""").bindparams(bindparam("now", type_=UTCDateTime()))

_PG_COLUMNS = ("uuid", "visit_id", "template_id", "revision", "state", "content_hash", "client_saved_at", "late")


def _pg_new_with_history(connection: Connection, rows: list[dict[str, Any]], inspector_id: int,
                         now: Any) -> dict[str, int]:
    """Write the new submissions and their history rows (PostgreSQL, one statement): uuid -> id
    of each one written."""
    params: dict[str, Any] = {name: [row[name] for row in rows] for name in _PG_COLUMNS}
    params["client_saved_at"] = [as_utc(value) for value in params["client_saved_at"]]
    # the JSON texts joined into one array each (no array quoting of every quote they hold)
    params["answers"] = "[" + ",".join(row["answers"] for row in rows) + "]"
    params["notes"] = "[" + ",".join(row["notes"] for row in rows) + "]"
    params["inspector_id"], params["now"] = inspector_id, now
    return {u: i for i, u in connection.execute(_PG_NEW_WITH_HISTORY, params)}


def check_item(user: User, data: SubmissionInput, facts: Optional[_VisitFacts], known: Optional[_Known],
               lang: str) -> tuple[Optional[SubmissionResult], Optional[tuple[str, str, str]]]:
    """The rules of inspections.submissions for one item, from the batch's facts.

    Returns (a final result, None) when the item is settled without writing (rejected,
    unchanged, stale), else (None, (answers JSON, notes JSON, content hash)) to store.
    """
    if facts is None or not facts.fillable:
        return _rejected(data, "forbidden", [_field_error("visit_id", message("forbidden", lang))]), None
    if data.template and data.template != facts.template_label:
        return _rejected(data, "template", [_field_error("template", message(
            "template_mismatch", lang, sent=data.template, expected=facts.template_label))]), None
    try:
        encoded = encode_content(data.answers, data.notes, data.state)
    except UnicodeEncodeError:
        return _rejected(data, "invalid", [_field_error("answers", _(
            "Answers and notes must be valid Unicode text (a lone surrogate such as \\ud800 is not)."))]), None
    if known is not None:
        if known.visit_id != data.visit_id:
            return _rejected(data, "uuid_taken", [_field_error("uuid", message("uuid_taken", lang))]), None
        if data.revision == known.revision:
            if known.content_hash == encoded[2]:
                return SubmissionResult(data.uuid, "unchanged", server_revision=known.revision, late=known.late), None
            return _rejected(data, "conflict", [_field_error("revision", message(
                "conflict", lang, revision=data.revision))], server_revision=known.revision), None
        if data.revision < known.revision:
            return SubmissionResult(data.uuid, "stale", server_revision=known.revision, errors=[_field_error(
                "revision", message("stale", lang, revision=known.revision))]), None
    template = core_template_by_id(facts.template_id, facts.template_hash)
    problems = checklist.validate_answers(template, facts.unit_kind, data.answers, lang=lang, require_complete=False)
    if problems:
        return _rejected(data, "invalid", [
            {"code": p.code, "field": p.field, "message": p.message} for p in problems]), None
    return None, encoded


def _store_lean(user: User, parsed: list[tuple[Any, Optional[SubmissionInput], list]],
                lang: str) -> list[SubmissionResult]:
    now = utcnow()
    wanted = [data for _raw, data, _errors in parsed if data is not None]
    facts, known = _batch_facts(user, sorted({d.visit_id for d in wanted}), sorted({d.uuid for d in wanted})) \
        if wanted else ({}, {})
    postgres = db.engine.dialect.name == "postgresql"
    new_submissions, history, newer = _insert_statements(postgres)

    results: list[Optional[SubmissionResult]] = [None] * len(parsed)
    later: list[int] = []  # items for store_one, after the lean writes
    fresh: dict[str, tuple[int, dict[str, Any]]] = {}  # uuid -> (index, row) of a new submission
    updates: list[tuple[int, dict[str, Any]]] = []
    seen: set[str] = set()
    order = sorted(range(len(parsed)), key=lambda i: _visit_order(parsed[i][1]))
    for index in order:
        raw, data, errors = parsed[index]
        if data is None:
            results[index] = _shape_rejection(raw, errors)
            continue
        if data.uuid in seen:  # a second item with this uuid: decided after the first is stored
            later.append(index)
            continue
        seen.add(data.uuid)
        visit = facts.get(data.visit_id)
        result, encoded = check_item(user, data, visit, known.get(data.uuid), lang)
        if result is not None:
            results[index] = result
            continue
        assert visit is not None and encoded is not None
        row: dict[str, Any] = {"uuid": data.uuid, "visit_id": data.visit_id, "inspector_id": user.id,
               "template_id": visit.template_id, "revision": data.revision, "state": data.state,
               "answers": encoded[0], "notes": encoded[1], "content_hash": encoded[2],
               "client_saved_at": data.client_saved_at, "late": is_final(visit), "now": now}
        if data.uuid in known:
            row["submission_id"] = known[data.uuid].id
            updates.append((index, row))
        else:
            fresh[data.uuid] = (index, row)

    revisions: list[dict[str, Any]] = []
    stored_visits: set[int] = set()
    # the lean writes are Core statements: run on the session's connection, in its transaction
    connection = db.session.connection()
    if fresh:
        rows = [row for _i, row in fresh.values()]
        if postgres:  # with their history rows, in the same statement
            ids = _pg_new_with_history(connection, rows, user.id, now)
        else:
            ids = dict((u, i) for i, u in connection.execute(new_submissions, rows))
        for submission_uuid, (index, row) in fresh.items():
            if submission_uuid not in ids:
                later.append(index)  # the uuid was taken meanwhile or is on another visit
                continue
            if not postgres:
                revisions.append(dict(row, submission_id=ids[submission_uuid]))
            results[index] = SubmissionResult(row["uuid"], "created", server_revision=row["revision"], late=row["late"])
            stored_visits.add(row["visit_id"])
    for index, row in updates:
        if connection.execute(newer, row).rowcount != 1:  # an UPDATE's result
            later.append(index)  # another request stored a revision meanwhile: compare with it
            continue
        revisions.append(row)
        results[index] = SubmissionResult(row["uuid"], "updated", server_revision=row["revision"], late=row["late"])
        stored_visits.add(row["visit_id"])
    if revisions:
        connection.execute(history, revisions)
    planned = sorted(v for v in stored_visits if facts[v].status == VisitState.PLANNED)
    if planned:
        lifecycle.mark_in_progress(planned)
    for index in sorted(later, key=lambda i: (_visit_order(parsed[i][1]), i)):
        data = parsed[index][1]
        assert data is not None  # only well-formed items are put off until later
        results[index] = store_one(user, data, lang)
    return [r for r in results if r is not None]


# --- uploaded outbox files ------------------------------------------------------------------
#
# Who the submissions of an outbox file are stored for (documented in the report and on the
# upload page):
#
# - The file names the inspector who made it ("user": {"username": ...}). Without that, or when
#   it names the uploader, everything is stored as the uploader's own work, under the normal
#   rules (a coordinator may not fill checklists, so that is refused per item).
# - Work of another inspector is stored on that inspector's behalf only when the uploader is an
#   admin or coordinator, or leads (lead or deputy of) the team of *that submission's visit*.
#   Even then store_submission checks that the inspector may fill the visit (is on its team):
#   the upload never bypasses a team check. Each stored item is written to the audit log with
#   the uploader as actor.


@dataclass
class UploadRow:
    """One line of the upload results table."""

    uuid: Optional[str]
    status: str
    visit_id: Optional[int] = None
    unit: str = ""
    inspector: str = ""
    revision: Optional[int] = None
    errors: list[dict[str, str]] = field(default_factory=list)
    late: bool = False
    kind: str = "submission"  # submission | attachment


class OutboxFileError(ValueError):
    """The file is not an outbox export at all."""


def read_outbox_file(data: Any) -> dict[str, Any]:
    """Check the top level of a parsed outbox file; raises OutboxFileError with a message."""
    if not isinstance(data, dict) or data.get("format") != OUTBOX_FORMAT:
        raise OutboxFileError(_("This is not a file saved with “Save unsent work to a file”."))
    if not isinstance(data.get("submissions", []), list) or not isinstance(data.get("attachments", []), list):
        raise OutboxFileError(_("The file is damaged: submissions and attachments must be lists."))
    return data


def _named_user(data: dict[str, Any]) -> Optional[User]:
    named = data.get("user")
    username = named.get("username") if isinstance(named, dict) else named if isinstance(named, str) else None
    if not isinstance(username, str) or not username or len(username) > 80 or has_nul(username):
        return None
    return db.session.scalar(select(User).where(User.username == username))


def may_upload_for(uploader: User, author: User, visit: Optional[Visit]) -> bool:
    """Whether `uploader` may store `author`'s work on `visit` from a file (see above)."""
    if author.id == uploader.id:
        return True
    if visit is None:
        return False
    return access.can(uploader, "outbox.upload_for", visit)


def store_outbox_file(uploader: User, data: dict[str, Any], lang: str) -> tuple[Optional[User], list[UploadRow]]:
    """Store the attachments, then the submissions, of an outbox file; returns (author, rows)."""
    from .. import audit

    named = data.get("user")
    author = _named_user(data)
    if author is None and named:
        return None, [UploadRow(None, "rejected", errors=[_field_error(
            "user", _("The file names a user who does not exist here."))])]
    author = author or uploader
    rows: list[UploadRow] = []

    for raw in data.get("attachments", []):
        rows.append(_store_outbox_attachment(uploader, author, raw))

    for raw in data.get("submissions", []):
        parsed, errors = parse_item(raw)
        if parsed is None:
            result = _shape_rejection(raw, errors)
            rows.append(UploadRow(result.uuid, "rejected", errors=result.errors, inspector=author.display_name))
            continue
        visit = db.session.get(Visit, parsed.visit_id)
        row = UploadRow(parsed.uuid, "rejected", visit_id=parsed.visit_id,
                        unit=visit.unit.name if visit is not None and access.can(uploader, "visit.view", visit) else "",
                        inspector=author.display_name, revision=parsed.revision)
        if not may_upload_for(uploader, author, visit):
            row.errors = [_field_error("visit_id", _("You may only upload the work of inspectors of teams you lead."))]
            rows.append(row)
            continue
        result = store_one(author, parsed, lang)
        row.status, row.errors, row.late = result.status, result.errors, result.late
        if result.stored and result.submission is not None:
            audit.record("submission.uploaded_from_file", result.submission, actor=uploader,
                         visit_id=parsed.visit_id,
                         after={"uuid": parsed.uuid, "revision": parsed.revision, "inspector_id": author.id},
                         reason=f"outbox file of {author.username}")
        rows.append(row)
    return author, rows


def _store_outbox_attachment(uploader: User, author: User, raw: Any) -> UploadRow:
    from ..attachments import AttachmentError, store_attachment

    if not isinstance(raw, dict):
        return UploadRow(None, "rejected", kind="attachment",
                         errors=[_field_error("", _("Each attachment must be a JSON object."))])
    uuid = raw.get("uuid") if isinstance(raw.get("uuid"), str) else None
    row = UploadRow(uuid, "rejected", kind="attachment", inspector=author.display_name)
    visit_id = raw.get("visit_id")
    valid_visit = _is_int(visit_id) and 0 < visit_id <= MAX_REVISION
    visit = db.session.get(Visit, visit_id) if valid_visit else None
    row.visit_id = visit_id if valid_visit else None
    if visit is not None and access.can(uploader, "visit.view", visit):
        row.unit = visit.unit.name
    if not may_upload_for(uploader, author, visit):
        row.errors = [_field_error("visit_id", _("You may only upload the work of inspectors of teams you lead."))]
        return row
    try:
        content = base64.b64decode(raw.get("data") or "", validate=True)
    except (binascii.Error, ValueError, TypeError):
        row.errors = [_field_error("data", _("The file's content is damaged (not base64)."))]
        return row
    try:
        with db.session.begin_nested():
            created = store_attachment(author, attachment_uuid=uuid or "", data=content,
                                       filename=str(raw.get("filename") or ""), visit=visit,
                                       item_code=str(raw.get("item_code") or ""))[1]
    except AttachmentError as error:
        row.errors = [_field_error(error.field, error.message)]
        return row
    row.status = "created" if created else "unchanged"
    return row
