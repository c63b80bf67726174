"""The team lead's writes on one visit: resolve, send back, approve, findings, finalize, reopen.

Every write names the visit version it was based on. The rules:
- a version other than the visit's current one              -> StaleVersion (409), nothing written
- the visit row is updated first (optimistic lock: UPDATE ... WHERE version = v), so two
  saves that both passed the check still cannot both win: the second one's UPDATE finds no
  row and becomes a StaleVersion as well
- every successful write bumps Visit.version exactly once and adds an AuditEvent with the
  state before and after
- a final visit only accepts "reopen"                      -> NotAllowedNow (422)
- bad values (checked by the shared checklist validator)   -> InvalidInput (422), per field
- finalize with conflicts, missing required items, merged values that break the checklist
  rules, an empty conclusion or achievements, or submissions still sent back
                                                           -> NotReady (422) with the reasons

Functions here only add and flush; the view commits once per request.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from typing import Any, Iterable, Optional
from zoneinfo import ZoneInfo

from flask_babel import get_timezone, gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm.attributes import flag_modified
from sqlalchemy.orm.exc import StaleDataError

from .. import audit, checklist
from ..checklist.form_input import parse_form_date
from ..checklist.validation import is_answered
from ..core import lifecycle
from ..core.errors import DomainError
from ..core.ids import MAX_ID, parse_id
from ..core.lifecycle import Event, is_final
from ..core.merge import ItemMerge, merged_values
from ..core.templates import core_template
from ..core.text import text_error
from ..core.values import visit_merge
from ..extensions import db
from ..models import (
    Recommendation,
    Resolution,
    ReviewComment,
    Shortcoming,
    Submission,
    User,
    Visit,
    VisitReport,
    utcnow,
)

MAX_TEXT = 10_000
MAX_COMMENT = 2_000
CAUSE_KINDS = ("internal", "external")


# --- errors ---------------------------------------------------------------------------------

class ReviewError(DomainError):
    """A write that was refused; answered in the one error shape (inspections.core.errors)."""

    status = 422
    code = "invalid"


class BadRequest(ReviewError):
    """The request lacks something every write needs (the version)."""

    status = 400
    code = "bad_request"


class StaleVersion(ReviewError):
    """Someone saved the visit after the version this change was based on."""

    status = 409
    code = "stale_version"
    retry_as_is = True  # re-sending the same change on the current version makes sense

    def __init__(self, current_version: Optional[int], *, visit_id: Optional[int] = None):
        super().__init__(_("Someone else saved this visit in the meantime. Nothing of yours was "
                           "saved; check the current state and apply your change again."),
                         version=current_version)
        self.current_version = current_version
        self.visit_id = visit_id

    def after_rollback(self) -> None:
        """Once the request is rolled back: read the current version when the flush that
        found it stale could not (the session was unusable until then)."""
        if self.current_version is None and self.visit_id is not None:
            self.current_version = db.session.scalar(select(Visit.version).where(Visit.id == self.visit_id))
            self.extra["version"] = self.current_version


class StaleSource(StaleVersion):
    """The inspector's answer the lead picked changed after the lead's page was loaded."""

    retry_as_is = False

    def __init__(self, current_version: Optional[int], *, visit_id: Optional[int] = None):
        super().__init__(current_version, visit_id=visit_id)
        self.message = _("The answer you picked was changed by the inspector in the meantime. "
                         "Nothing was saved; look at the new answer and decide again.")


class InvalidInput(ReviewError):
    """Values the validator refused; `errors` holds one {field, code, message} per problem."""

    status = 422
    code = "invalid"

    def __init__(self, errors: list[dict[str, str]]):
        super().__init__(_("Some values need correcting."), fields=errors)
        self.errors = errors  # for the pages: {field, code, message, item}


class NotAllowedNow(ReviewError):
    """The visit is in a state that does not allow this write (e.g. final)."""

    status = 422

    def __init__(self, code: str, message: str):
        super().__init__(message, code=code)


class NotReady(ReviewError):
    """Finalizing was refused; `reasons` names every conflict and missing item."""

    status = 422
    code = "not_ready"

    def __init__(self, reasons: list[dict[str, str]]):
        super().__init__(_("The visit cannot be finalized yet."), reasons=reasons)
        self.reasons = reasons


def field_error(field_name: str, message: str, code: str = "", item: str = "") -> dict[str, str]:
    """One refused value for the pages; the API answers it as {item, field, message, kind}."""
    return {"field": field_name, "code": code or field_name, "message": message, "item": item}


# --- the version lock -----------------------------------------------------------------------

def parse_version(raw: Any) -> int:
    """The visit version a client sent (form string or JSON number); BadRequest if absent or
    not a version at all (other digits than 0-9, such as "²", or more than fits a version)."""
    if raw is None or raw == "":
        message = _("The visit version this change is based on is missing.")
        raise BadRequest(message, fields=[field_error("version", message, "required")])
    version = parse_id(raw)
    if version is None:
        message = _("The visit version must be a whole number written with the digits 0-9 "
                    "(at most %(max)d).", max=MAX_ID)
        raise BadRequest(message, fields=[field_error("version", message, "invalid")])
    return version


def check_version(visit: Visit, version: int) -> None:
    if version != visit.version:
        raise StaleVersion(visit.version)


def refuse_if_final(visit: Visit) -> None:
    if is_final(visit):
        raise NotAllowedNow("visit_final", _("This visit is final. Reopen it (with a reason) to change it."))


def lock_visit(visit: Visit, *, event: Optional[Event] = None, **changes: Any) -> None:
    """Apply `changes` (and the lifecycle `event`, if any) to the visit and write it now, bumping
    its version once.

    The UPDATE carries `WHERE version = <the version read>`; a concurrent save that got there
    first makes it match no row, which SQLAlchemy reports as StaleDataError: turned into
    StaleVersion. The service only flushes: whoever answers the StaleVersion rolls the request
    back (dropping the caller's half-done work) and then reads the current version.
    """
    visit_id = visit.id
    if event is not None:
        lifecycle.apply(visit, event)
    for name, value in changes.items():
        setattr(visit, name, value)
    flag_modified(visit, "status")  # an UPDATE even when nothing else changed
    try:
        db.session.flush()
    except StaleDataError:
        raise StaleVersion(None, visit_id=visit_id) from None


# --- helpers --------------------------------------------------------------------------------

def template_of(visit: Visit):
    return core_template(visit.team.campaign.template)


def applicable_item(visit: Visit, code: Any):
    """The template item `code` when it applies to the visit's unit, else None."""
    template = template_of(visit)
    if not isinstance(code, str) or not template.has_item(code):
        return None
    item = template.item(code)
    return item if item.applies(visit.unit.kind) else None


def jsonable(value: Any) -> Any:
    """Dates and times as ISO strings, so audit before/after are plain JSON."""
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    return value


def resolution_json(row: Optional[Resolution]) -> Optional[dict[str, Any]]:
    if row is None:
        return None
    return jsonable({
        "value": row.value, "source": row.source, "source_submission_id": row.source_submission_id,
        "source_revision": row.source_revision, "note": row.note or "",
        "resolved_by_id": row.resolved_by_id, "resolved_at": row.resolved_at,
    })


def find_resolution(visit_id: int, code: str) -> Optional[Resolution]:
    return db.session.scalar(select(Resolution).where(Resolution.visit_id == visit_id,
                                                      Resolution.item_code == code))


def value_errors(visit: Visit, merge: dict[str, ItemMerge], code: str, value: Any,
                 lang: str) -> list[dict[str, str]]:
    """Problems the shared validator finds with `value` as item `code`'s final answer.

    The value is checked on its own (type, range, length) and against the merged answers of
    the items it is part of or that are part of it (a part may not exceed its whole).
    """
    template = template_of(visit)
    item = template.item(code)
    related = {code}
    if item.subset_of:
        related.add(item.subset_of)
    parts = {other.code for other in template.items if other.subset_of == code}
    related |= parts
    answers = {c: v for c, v in merged_values(merge).items() if c in related and c != code}
    answers[code] = value
    out = []
    for error in checklist.validate_answers(template, visit.unit.kind, answers, lang, require_complete=False):
        if error.code == code:
            out.append(field_error(error.field, error.message, error.kind, item=code))
        elif error.code in parts and error.kind == "exceeds_whole":
            part = template.item(error.code)
            out.append(field_error(code, _("Item %(code)s (%(label)s) is part of this one and would "
                                           "then be larger than it.", code=part.code,
                                           label=part.label(lang)), "exceeded_by_part", item=code))
    return out


# --- resolutions ----------------------------------------------------------------------------

@dataclass
class ResolveRequest:
    """What the lead chose for one item: pick an inspector's answer, enter a value, or clear."""

    item_code: str
    choice: str  # pick | enter | clear
    submission_id: Optional[int] = None
    source_revision: Optional[int] = None  # the revision of the picked answer the lead saw
    value: Any = None
    note: str = ""
    parse_errors: list[dict[str, str]] = field(default_factory=list)


def resolve_item(visit: Visit, user: User, version: int, request: ResolveRequest,
                 lang: str = "vi") -> Optional[Resolution]:
    """Record the lead's final value for one item (or clear it); returns the row (None if cleared)."""
    check_version(visit, version)
    refuse_if_final(visit)
    item = applicable_item(visit, request.item_code)
    if item is None:
        raise InvalidInput([field_error("item_code", _("This item is not on the visit's checklist."))])
    code = item.code
    if item.type == "file":
        raise InvalidInput([field_error(code, _("Evidence files are merged automatically: every "
                                                "inspector's attachments are kept."))])
    note = (request.note or "").strip()
    refused = text_error(note, _("The note"))
    if refused:
        raise InvalidInput([field_error("note", refused, "text")])
    if len(note) > MAX_COMMENT:
        raise InvalidInput([field_error("note", _("The note is too long (at most %(max)d characters).",
                                                  max=MAX_COMMENT))])
    merge = visit_merge(visit)
    current = merge[code]
    existing = find_resolution(visit.id, code)
    before = {"item_code": code, **(resolution_json(existing)
                                     or jsonable({"state": current.state, "value": current.value}))}

    if request.choice == "clear":
        if existing is None:
            raise InvalidInput([field_error("choice", _("This item has no decision to clear."))])
        lock_visit(visit, event=Event.MERGE)
        db.session.delete(existing)
        audit.record("resolution.clear", visit, before=before, after={"item_code": code},
                     visit_id=visit.id, actor=user)
        return None

    source_submission_id: Optional[int]
    source_revision: Optional[int]
    if request.choice == "pick":
        source = next((s for s in current.sources if s.submission_id == request.submission_id), None)
        if source is None:
            raise InvalidInput([field_error("choice", _("Pick one of the answers shown."))])
        if request.source_revision is not None and request.source_revision != source.revision:
            raise StaleSource(visit.version)
        value, kind = source.value, "picked"
        source_submission_id, source_revision = source.submission_id, source.revision
    elif request.choice == "enter":
        if request.parse_errors:
            raise InvalidInput(request.parse_errors)
        value, kind = request.value, "entered"
        source_submission_id = source_revision = None
        if not is_answered(value):
            raise InvalidInput([field_error(item.fields[0], _("Enter a value."), "required")])
        refused = text_error(value, f"{code} ({item.label(lang)})")
        if refused:
            raise InvalidInput([field_error(item.fields[0], refused, "text")])
    else:
        raise InvalidInput([field_error("choice", _("Pick an answer or enter a value."))])

    errors = value_errors(visit, merge, code, value, lang)
    if errors:
        raise InvalidInput(errors)

    lock_visit(visit, event=Event.MERGE)
    now = utcnow()
    row = existing or Resolution(visit_id=visit.id, item_code=code)
    row.value = value
    row.source = kind
    row.source_submission_id = source_submission_id
    row.source_revision = source_revision
    row.note = note
    row.resolved_by_id = user.id
    row.resolved_at = now
    if existing is None:
        db.session.add(row)
    db.session.flush()
    audit.record(f"resolution.{'pick' if kind == 'picked' else 'enter'}", row, before=before,
                 after={"item_code": code, **(resolution_json(row) or {})}, visit_id=visit.id, actor=user)
    return row


# --- send back and approve ------------------------------------------------------------------

def valid_id(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= MAX_ID


def submission_of(visit: Visit, submission_id: Any) -> Submission:
    submission = db.session.get(Submission, submission_id) if valid_id(submission_id) else None
    if submission is None or submission.visit_id != visit.id or submission.state != "submitted":
        raise InvalidInput([field_error("submission_id", _("No such submitted checklist for this visit."))])
    return submission


def send_back(visit: Visit, user: User, version: int, submission_id: Any,
              comments: Iterable[tuple[str, str]]) -> list[ReviewComment]:
    """Mark a submission as having issues, with one comment per item ("" = the whole checklist)."""
    check_version(visit, version)
    refuse_if_final(visit)
    submission = submission_of(visit, submission_id)
    cleaned: list[tuple[str, str]] = []
    errors = []
    for code, text in comments:
        text = (text or "").strip()
        if not text:
            continue
        refused = text_error(text, _("The comment"))
        if refused:
            errors.append(field_error(f"comment-{code}", refused, "text", item=code))
        elif code and applicable_item(visit, code) is None:
            errors.append(field_error(f"comment-{code}", _("This item is not on the visit's checklist."), item=code))
        elif len(text) > MAX_COMMENT:
            errors.append(field_error(f"comment-{code}", _("The comment is too long (at most %(max)d characters).",
                                                           max=MAX_COMMENT), item=code))
        else:
            cleaned.append((code or "", text))
    if errors:
        raise InvalidInput(errors)
    if not cleaned:
        raise InvalidInput([field_error("comment-", _("Write at least one comment saying what to correct."))])

    lock_visit(visit)
    now = utcnow()
    before = {"review_state": submission.review_state, "revision": submission.revision}
    # Comments on earlier revisions were answered by the revision now being sent back.
    for old in db.session.scalars(select(ReviewComment).where(
            ReviewComment.submission_id == submission.id, ReviewComment.revision < submission.revision,
            ReviewComment.addressed_at.is_(None))):
        old.addressed_at = now
    rows = [ReviewComment(submission_id=submission.id, revision=submission.revision, item_code=code,
                          comment=text, author_id=user.id, created_at=now) for code, text in cleaned]
    db.session.add_all(rows)
    submission.review_state = "has_issues"
    db.session.flush()
    audit.record("submission.send_back", submission, before=before, after={
        "review_state": "has_issues", "revision": submission.revision,
        "inspector_id": submission.inspector_id,
        "comments": [{"item_code": code, "comment": text} for code, text in cleaned],
    }, visit_id=visit.id, actor=user)
    return rows


def approve(visit: Visit, user: User, version: int, submission_id: Any) -> Submission:
    """Mark a submission as approved; open send-back comments count as answered."""
    check_version(visit, version)
    refuse_if_final(visit)
    submission = submission_of(visit, submission_id)
    lock_visit(visit)
    before = {"review_state": submission.review_state, "revision": submission.revision}
    now = utcnow()
    for comment in db.session.scalars(select(ReviewComment).where(
            ReviewComment.submission_id == submission.id, ReviewComment.addressed_at.is_(None))):
        comment.addressed_at = now
    submission.review_state = "approved"
    db.session.flush()
    audit.record("submission.approve", submission, before=before,
                 after={"review_state": "approved", "revision": submission.revision,
                        "inspector_id": submission.inspector_id},
                 visit_id=visit.id, actor=user)
    return submission


# --- findings -------------------------------------------------------------------------------

def _text(data: dict, name: str, errors: list, *, required: bool = False, limit: int = MAX_TEXT,
          label: str = "") -> str:
    value = data.get(name)
    value = value.replace("\r\n", "\n").strip() if isinstance(value, str) else ""
    refused = text_error(value, label or name)
    if refused:
        errors.append(field_error(name, refused, "text"))
    elif required and not value:
        errors.append(field_error(name, _("%(field)s is required.", field=label or name), "required"))
    elif len(value) > limit:
        errors.append(field_error(name, _("Too long (at most %(max)d characters).", max=limit), "too_long"))
    return value


MAX_REPRESENTATIVES = 6
MAX_COPIES = 50


def report_json(report: Optional[VisitReport], visit: Visit) -> dict[str, Any]:
    return jsonable({"achievements": report.achievements if report else "",
                     "conclusion": report.conclusion if report else "",
                     "record_number": visit.record_number or "",
                     "meeting_at": report.meeting_at if report else None,
                     "meeting_place": report.meeting_place if report else "",
                     "unit_representatives": (report.unit_representatives or []) if report else [],
                     "secretary": report.secretary if report else "",
                     "copies": report.copies if report else None})


def _meeting_at(data: dict, errors: list) -> Optional[datetime]:
    """``YYYY-MM-DDTHH:MM`` (a datetime-local field) in the app's time zone, stored in UTC."""
    raw = data.get("meeting_at")
    raw = raw.strip() if isinstance(raw, str) else ""
    if not raw:
        return None
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError:
        moment = None
    if moment is None or not 2000 <= moment.year <= 2100:
        errors.append(field_error("meeting_at", _("Enter the date and time like 20/11/2026 08:30."), "invalid"))
        return None
    if moment.tzinfo is None:  # zoneinfo, not replace(tzinfo=<pytz zone>), which gives LMT offsets
        moment = moment.replace(tzinfo=ZoneInfo(str(get_timezone())))
    return moment.astimezone(timezone.utc)


def _representatives(data: dict, errors: list) -> list[dict[str, str]]:
    """The unit's representatives: a JSON list of {name, position}, or form rows repN_name/_position."""
    raw = data.get("unit_representatives")
    rows: list[tuple[Any, Any]] = []
    if isinstance(raw, list):
        rows = [(r.get("name"), r.get("position")) if isinstance(r, dict) else (None, None) for r in raw]
    else:
        rows = [(data.get(f"rep{n}_name"), data.get(f"rep{n}_position")) for n in range(1, MAX_REPRESENTATIVES + 1)]
    if len(rows) > MAX_REPRESENTATIVES:
        errors.append(field_error("unit_representatives", _("At most %(count)d representatives.",
                                                            count=MAX_REPRESENTATIVES), "too_many"))
        return []
    out = []
    for number, (name, position) in enumerate(rows, 1):
        name = name.strip() if isinstance(name, str) else ""
        position = position.strip() if isinstance(position, str) else ""
        if not name and not position:
            continue
        field = f"rep{number}_name"
        if not name:
            errors.append(field_error(field, _("Give the representative's name."), "required"))
        elif len(name) > 200 or len(position) > 200:
            errors.append(field_error(field, _("Too long (at most %(max)d characters).", max=200), "too_long"))
        out.append({"name": name, "position": position})
    return out


def _copies(data: dict, errors: list) -> Optional[int]:
    raw = data.get("copies")
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    try:
        value = int(str(raw).strip()) if not isinstance(raw, bool) else None
    except ValueError:
        value = None
    if value is None or not 1 <= value <= MAX_COPIES:
        errors.append(field_error("copies", _("Enter a whole number from 1 to %(max)d.", max=MAX_COPIES), "invalid"))
        return None
    return value


def _has_representatives(data: dict) -> bool:
    return "unit_representatives" in data or any(key.startswith("rep") for key in data)


def update_report(visit: Visit, user: User, version: int, data: dict[str, Any]) -> VisitReport:
    """Save achievements, conclusion, the record number (biên bản số) and the meeting details:
    time and place, the unit's representatives, the team's secretary, the number of copies."""
    check_version(visit, version)
    refuse_if_final(visit)
    errors: list = []
    achievements = _text(data, "achievements", errors, label=_("Achievements"))
    conclusion = _text(data, "conclusion", errors, label=_("Conclusion"))
    record_number = _text(data, "record_number", errors, limit=80, label=_("Record number"))
    # The record's meeting details change only when the request carries them (an API client
    # that sends the narrative alone keeps them).
    details: dict[str, Any] = {}
    if "meeting_at" in data:
        details["meeting_at"] = _meeting_at(data, errors)
    if "meeting_place" in data:
        details["meeting_place"] = _text(data, "meeting_place", errors, limit=300, label=_("Place of the meeting"))
    if "secretary" in data:
        details["secretary"] = _text(data, "secretary", errors, limit=200, label=_("Secretary of the team"))
    if "copies" in data:
        details["copies"] = _copies(data, errors)
    if _has_representatives(data):
        details["unit_representatives"] = _representatives(data, errors)
    if errors:
        raise InvalidInput(errors)
    report = db.session.scalar(select(VisitReport).where(VisitReport.visit_id == visit.id))
    before = report_json(report, visit)
    lock_visit(visit, event=Event.MERGE, record_number=record_number)
    if report is None:
        report = VisitReport(visit_id=visit.id)
        db.session.add(report)
    report.achievements = achievements
    report.conclusion = conclusion
    for name, value in details.items():
        setattr(report, name, value)
    report.updated_by_id = user.id
    report.updated_at = utcnow()
    db.session.flush()
    audit.record("report.update", report, before=before, after=report_json(report, visit),
                 visit_id=visit.id, actor=user)
    return report


def shortcoming_json(row: Shortcoming) -> dict[str, Any]:
    return {"id": row.id, "section": row.section, "text": row.text, "cause_kind": row.cause_kind,
            "cause": row.cause, "position": row.position}


def recommendation_json(row: Recommendation) -> dict[str, Any]:
    return jsonable({"id": row.id, "section": row.section, "text": row.text,
                     "responsible": row.responsible, "remedy_deadline": row.remedy_deadline,
                     "remedy_status": row.remedy_status, "position": row.position})


def _section(visit: Visit, data: dict, errors: list) -> str:
    section = data.get("section")
    section = section.strip() if isinstance(section, str) else ""
    if section and section not in {s.code for s in template_of(visit).sections}:
        errors.append(field_error("section", _("Choose a section of the checklist."), "section"))
    return section


def _finding_row(model, visit: Visit, row_id: Any):
    row_id = parse_id(row_id)
    row = db.session.get(model, row_id) if row_id is not None else None
    if row is None or row.visit_id != visit.id:
        raise InvalidInput([field_error("id", _("No such entry for this visit."))])
    return row


def _next_position(model, visit: Visit) -> int:
    return (db.session.scalar(select(func.max(model.position)).where(model.visit_id == visit.id)) or 0) + 1


def save_shortcoming(visit: Visit, user: User, version: int, data: dict[str, Any]) -> Shortcoming:
    """Add a shortcoming (tồn tại, hạn chế), or update the one named by data["id"]."""
    check_version(visit, version)
    refuse_if_final(visit)
    row = _finding_row(Shortcoming, visit, data["id"]) if data.get("id") else None
    errors: list = []
    section = _section(visit, data, errors)
    text = _text(data, "text", errors, required=True, label=_("The shortcoming"))
    cause_kind = data.get("cause_kind") if data.get("cause_kind") in CAUSE_KINDS else ""
    if not cause_kind:
        errors.append(field_error("cause_kind", _("Say whether the cause is internal or external."), "required"))
    cause = _text(data, "cause", errors, label=_("Cause"))
    if errors:
        raise InvalidInput(errors)
    before = shortcoming_json(row) if row else None
    lock_visit(visit, event=Event.MERGE)
    if row is None:
        row = Shortcoming(visit_id=visit.id, position=_next_position(Shortcoming, visit))
        db.session.add(row)
    row.section, row.text, row.cause_kind, row.cause = section, text, cause_kind, cause
    db.session.flush()
    audit.record("shortcoming.update" if before else "shortcoming.add", row, before=before,
                 after=shortcoming_json(row), visit_id=visit.id, actor=user)
    return row


def save_recommendation(visit: Visit, user: User, version: int, data: dict[str, Any]) -> Recommendation:
    """Add a recommendation (kiến nghị), or update the one named by data["id"]."""
    check_version(visit, version)
    refuse_if_final(visit)
    row = _finding_row(Recommendation, visit, data["id"]) if data.get("id") else None
    errors: list = []
    section = _section(visit, data, errors)
    text = _text(data, "text", errors, required=True, label=_("The recommendation"))
    responsible = _text(data, "responsible", errors, limit=300, label=_("Who must act"))
    deadline = None
    raw_deadline = data.get("remedy_deadline")
    if isinstance(raw_deadline, str) and raw_deadline.strip():
        try:
            deadline = date.fromisoformat(parse_form_date(raw_deadline))
        except ValueError:
            errors.append(field_error("remedy_deadline", _("Not a date (YYYY-MM-DD or DD/MM/YYYY)."), "date"))
    if errors:
        raise InvalidInput(errors)
    before = recommendation_json(row) if row else None
    lock_visit(visit, event=Event.MERGE)
    if row is None:
        row = Recommendation(visit_id=visit.id, position=_next_position(Recommendation, visit))
        db.session.add(row)
    row.section, row.text, row.responsible = section, text, responsible
    row.remedy_deadline = deadline  # the remedy status follows the remedy flow (inspections/remedies)
    db.session.flush()
    audit.record("recommendation.update" if before else "recommendation.add", row, before=before,
                 after=recommendation_json(row), visit_id=visit.id, actor=user)
    return row


def delete_finding(visit: Visit, user: User, version: int, kind: str, row_id: Any) -> None:
    """Delete a shortcoming or a recommendation of the visit."""
    check_version(visit, version)
    refuse_if_final(visit)
    model, as_json = ((Shortcoming, shortcoming_json) if kind == "shortcoming"
                      else (Recommendation, recommendation_json))
    row = _finding_row(model, visit, row_id)
    if kind == "recommendation" and row.remedy_reports:
        raise NotAllowedNow("has_remedy_reports", _(
            "The unit has sent remedy reports on this recommendation; it cannot be deleted."))
    before = as_json(row)
    lock_visit(visit, event=Event.MERGE)
    audit.record(f"{kind}.delete", row, before=before, after=None, visit_id=visit.id, actor=user)
    db.session.delete(row)
    db.session.flush()


# --- finalize and reopen --------------------------------------------------------------------

def finalize_reasons(visit: Visit, merge: dict[str, ItemMerge], lang: str = "vi") -> list[dict[str, str]]:
    """Why the visit cannot be finalized now, one reason per item or submission (empty: ready)."""
    template = template_of(visit)
    reasons: list[dict[str, str]] = []
    for code, item_merge in merge.items():
        item = template.item(code)
        label = item.label(lang)
        if item_merge.state == "conflict":
            reasons.append({"kind": "conflict", "item_code": code, "label": label, "message": _(
                "Inspectors disagree on %(code)s (%(label)s): pick an answer or enter a value.",
                code=code, label=label)})
        elif item.required and not (item_merge.has_value and is_answered(item_merge.value)):
            reasons.append({"kind": "missing_required", "item_code": code, "label": label, "message": _(
                "Required item %(code)s (%(label)s) has no answer.", code=code, label=label)})
    seen = {(r["item_code"]) for r in reasons}
    for error in checklist.validate_answers(template, visit.unit.kind, merged_values(merge), lang,
                                  require_complete=False):
        if error.code in seen:
            continue
        label = template.item(error.code).label(lang) if template.has_item(error.code) else ""
        reasons.append({"kind": "invalid", "item_code": error.code, "label": label, "message": _(
            "%(code)s (%(label)s): %(problem)s", code=error.code, label=label, problem=error.message)})
    report = db.session.scalar(select(VisitReport).where(VisitReport.visit_id == visit.id))
    for name, label in (("achievements", _("Achievements")), ("conclusion", _("Conclusion"))):
        if not (getattr(report, name, "") or "").strip():
            reasons.append({"kind": "missing_findings", "item_code": "", "field": name, "label": label,
                            "message": _("%(field)s is empty: write it under “Findings for the record” "
                                         "and save it before finalizing.", field=label)})
    for submission in db.session.scalars(select(Submission).where(
            Submission.visit_id == visit.id, Submission.state == "submitted",
            Submission.review_state == "has_issues").order_by(Submission.id)):
        name = submission.inspector.display_name
        reasons.append({"kind": "has_issues", "item_code": "", "label": name, "message": _(
            "The checklist of %(name)s was sent back and has not been corrected yet (or approve it).",
            name=name)})
    return reasons


def next_record_number(visit: Visit) -> str:
    """The next record number (biên bản số) in the team: 01/BB-ĐKTLN, 02/BB-ĐKTLN, ..."""
    used = db.session.scalar(select(func.count(Visit.id)).where(
        Visit.team_id == visit.team_id, Visit.record_number != "", Visit.id != visit.id)) or 0
    return f"{used + 1:02d}/BB-ĐKTLN"


def finalize(visit: Visit, user: User, version: int, lang: str = "vi") -> dict[str, Any]:
    """Sign the visit off: a Resolution row for every merged item, status final; returns the values."""
    check_version(visit, version)
    if not lifecycle.allows(visit.status, Event.FINALIZE):
        raise NotAllowedNow("visit_final", _("This visit is already final."))
    merge = visit_merge(visit)
    reasons = finalize_reasons(visit, merge, lang)
    if reasons:
        raise NotReady(reasons)
    before = {"status": visit.status, "record_number": visit.record_number or "", "version": visit.version}
    now = utcnow()
    lock_visit(visit, event=Event.FINALIZE, finalized_at=now, finalized_by_id=user.id,
               record_number=visit.record_number or next_record_number(visit))
    existing = {r.item_code: r for r in db.session.scalars(
        select(Resolution).where(Resolution.visit_id == visit.id))}
    values: dict[str, Any] = {}
    for code, item_merge in merge.items():
        if not (item_merge.has_value and is_answered(item_merge.value)):
            continue
        values[code] = item_merge.value
        if code in existing:
            continue
        first = item_merge.sources[0] if item_merge.sources else None
        db.session.add(Resolution(
            visit_id=visit.id, item_code=code, value=item_merge.value, source="agreed",
            source_submission_id=first.submission_id if first else None,
            source_revision=first.revision if first else None,
            resolved_by_id=user.id, resolved_at=now,
        ))
    db.session.flush()
    audit.record("visit.finalize", visit, before=before, after=jsonable({
        "status": visit.status, "record_number": visit.record_number, "finalized_at": now,
        "values": values,
    }), visit_id=visit.id, actor=user)
    return values


def reopen(visit: Visit, user: User, version: int, reason: Any) -> None:
    """Take a final visit back to merging; the reason is required and kept in the audit log.

    The "agreed" Resolution rows that finalizing wrote are removed, so the merge follows the
    inspectors' answers again (including late ones); the lead's own picks and entries stay.
    """
    check_version(visit, version)
    if not lifecycle.allows(visit.status, Event.REOPEN):
        raise NotAllowedNow("not_final", _("Only a final visit can be reopened."))
    reason = reason.strip() if isinstance(reason, str) else ""
    refused = text_error(reason, _("The reason"))
    if refused:
        raise InvalidInput([field_error("reason", refused, "text")])
    if not reason:
        raise InvalidInput([field_error("reason", _("Say why the visit is reopened."), "required")])
    if len(reason) > MAX_COMMENT:
        raise InvalidInput([field_error("reason", _("Too long (at most %(max)d characters).", max=MAX_COMMENT))])
    agreed = list(db.session.scalars(select(Resolution).where(
        Resolution.visit_id == visit.id, Resolution.source == "agreed")))
    before = jsonable({"status": visit.status, "record_number": visit.record_number,
                       "finalized_at": visit.finalized_at, "finalized_by_id": visit.finalized_by_id,
                       "agreed_values": {r.item_code: r.value for r in agreed}})
    lock_visit(visit, event=Event.REOPEN, finalized_at=None, finalized_by_id=None)
    for row in agreed:
        db.session.delete(row)
    db.session.flush()
    audit.record("visit.reopen", visit, before=before, after={"status": visit.status},
                 reason=reason, visit_id=visit.id, actor=user)
