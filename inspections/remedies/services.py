"""Remedies after the visit: the unit reports, the lead or a coordinator reviews.

A recommendation (kiến nghị) of a final visit is open (chưa khắc phục) until the unit's
representative sends a remedy report (what was done, when, evidence files): it is then
reported (đã báo cáo). The lead of the visit's team or a coordinator accepts the report
(remedied, đã khắc phục) or returns it with a comment (open again; the unit may send another).
A recommendation whose deadline has passed and that is not remedied shows as overdue (quá hạn);
a report sent after the deadline is kept and marked late.

Every step writes an audit event on the visit (remedy.submit, remedy.accept, remedy.return).
State changes are conditional UPDATEs, so two reviewers (or two tabs) at once never both win:
the second gets a conflict and nothing is written twice. Functions add and flush; the caller
commits once per request.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Iterable, Optional, cast

from flask_babel import gettext as _
from sqlalchemy import CursorResult, select, update

from .. import attachments, audit
from ..checklist.form_input import parse_form_date
from ..core.clock import local_today
from ..core.errors import DomainError, FieldError
from ..core.remedies import STATUSES, remedy_overdue, status_for
from ..core.text import text_error
from ..extensions import db
from ..models import Attachment, Recommendation, RemedyReport, User, new_uuid, utcnow

MAX_TEXT = 5000
MAX_COMMENT = 2000
MAX_FILES = 10


class RemedyError(DomainError):
    """A write that was refused: `status` and `code` are what the API answers (the one error
    shape, inspections.core.errors); the pages show `message` and each field's message."""

    def __init__(self, status: int, code: str, message: str, *, fields: Iterable[FieldError] = ()):
        super().__init__(message, code=code, status=status, fields=fields)


class InvalidRemedy(RemedyError):
    """Values to correct: one FieldError per problem (its `kind` says which rule)."""

    def __init__(self, errors: list[FieldError]):
        super().__init__(422, "invalid", _("Some values need correcting."), fields=errors)


def field_error(field: str, message: str, code: str) -> FieldError:
    return FieldError(field, message, kind=code)


# --- status ---------------------------------------------------------------------------------

def is_overdue(rec: Recommendation, today: date) -> bool:
    """The deadline has passed and the recommendation is not remedied."""
    return status_for(rec.remedy_status, rec.remedy_deadline, today) == "overdue"


def display_status(rec: Recommendation, today: Optional[date] = None) -> str:
    return status_for(rec.remedy_status, rec.remedy_deadline, today or local_today())


def pending_report(rec: Recommendation) -> Optional[RemedyReport]:
    """The report awaiting review, if any (at most one: a new one needs the status open)."""
    for report in reversed(rec.remedy_reports):
        if report.state == "submitted":
            return report
    return None


# --- reading input --------------------------------------------------------------------------

def _text(value: Any, field: str, label: str, limit: int, errors: list, *, required: bool) -> str:
    if value is not None and not isinstance(value, str):
        errors.append(field_error(field, _("%(field)s must be text.", field=label), "type"))
        return ""
    value = (value or "").replace("\r\n", "\n").strip()
    refused = text_error(value, label)
    if refused:
        errors.append(field_error(field, refused, "text"))
    elif required and not value:
        errors.append(field_error(field, _("%(field)s is required.", field=label), "required"))
    elif len(value) > limit:
        errors.append(field_error(field, _("%(field)s is too long (at most %(max)d characters).",
                                           field=label, max=limit), "too_long"))
    return value


def _date(value: Any, errors: list, today: date) -> Optional[date]:
    label = _("The date it was done")
    if value is None or (isinstance(value, str) and not value.strip()):
        errors.append(field_error("done_on", _("%(field)s is required.", field=label), "required"))
        return None
    if not isinstance(value, str):
        errors.append(field_error("done_on", _("Not a date (YYYY-MM-DD or DD/MM/YYYY)."), "date"))
        return None
    try:
        done_on = date.fromisoformat(parse_form_date(value))
    except ValueError:
        errors.append(field_error("done_on", _("Not a date (YYYY-MM-DD or DD/MM/YYYY)."), "date"))
        return None
    if done_on > today:
        errors.append(field_error("done_on", _("The date it was done cannot be in the future."), "future"))
        return None
    return done_on


@dataclass
class Upload:
    """One evidence file as received (a form or multipart upload)."""

    filename: str
    data: bytes


# --- the flow -------------------------------------------------------------------------------

def report_json(report: RemedyReport) -> dict[str, Any]:
    return {
        "id": report.id, "state": report.state, "text": report.text,
        "done_on": report.done_on.isoformat() if report.done_on else None, "late": bool(report.late),
        "author": report.author.display_name if report.author else None,
        "reviewer": report.reviewer.display_name if report.reviewer else None,
        "review_comment": report.review_comment or "",
        "created_at": report.created_at.isoformat() if report.created_at else None,
        "reviewed_at": report.reviewed_at.isoformat() if report.reviewed_at else None,
        "evidence": [{"uuid": a.uuid, "filename": a.filename, "mime": a.mime, "size": a.size}
                     for a in report.evidence],
    }


def _audit_report(report: RemedyReport) -> dict[str, Any]:
    """The audit trail's copy (keys the readable audit view labels)."""
    return {"recommendation_id": report.recommendation_id, "remedy_text": report.text,
            "done_on": report.done_on.isoformat() if report.done_on else None,
            "remedy_state": report.state, "late": bool(report.late),
            "review_comment": report.review_comment or "",
            "evidence": [a.uuid for a in report.evidence]}


def _set_status(rec: Recommendation, expected: Iterable[str], new: str) -> bool:
    """Move the recommendation's status only if it is still one of `expected` (atomic)."""
    result = cast(CursorResult[Any], db.session.execute(
        update(Recommendation).where(Recommendation.id == rec.id,
                                     Recommendation.remedy_status.in_(list(expected)))
        .values(remedy_status=new).execution_options(synchronize_session=False)))
    if result.rowcount != 1:
        return False
    db.session.expire(rec, ["remedy_status"])
    return True


def _refuse_unless_open(rec: Recommendation) -> None:
    if rec.remedy_status == "reported":
        raise RemedyError(409, "awaiting_review", _(
            "A remedy report for this recommendation is awaiting review; wait for the lead's answer."))
    if rec.remedy_status == "remedied":
        raise RemedyError(409, "already_remedied", _("This recommendation is already remedied."))


def submit_report(rec: Recommendation, user: User, data: dict[str, Any],
                  uploads: Iterable[Upload] = (), today: Optional[date] = None) -> RemedyReport:
    """The unit's remedy report on `rec` (the caller checked access remedy.report)."""
    today = today or local_today()
    uploads = [u for u in uploads if u.data or u.filename]
    errors: list = []
    text = _text(data.get("text"), "text", _("What was done"), MAX_TEXT, errors, required=True)
    done_on = _date(data.get("done_on"), errors, today)
    if len(uploads) > MAX_FILES:
        errors.append(field_error("evidence", _("At most %(max)d files per report.", max=MAX_FILES), "too_many"))
    if errors:
        raise InvalidRemedy(errors)
    _refuse_unless_open(rec)
    if not _set_status(rec, ["open"], "reported"):  # another report got in first
        db.session.refresh(rec)
        _refuse_unless_open(rec)
        raise RemedyError(409, "conflict", _("Someone else changed this in the meantime."))
    report = RemedyReport(recommendation_id=rec.id, author_id=user.id, text=text, done_on=done_on,
                          state="submitted", review_comment="",
                          late=rec.remedy_deadline is not None and today > rec.remedy_deadline)
    db.session.add(report)
    db.session.flush()
    for upload in uploads:
        try:
            attachments.store_file(user, attachment_uuid=new_uuid(), data=upload.data,
                                   filename=upload.filename, visit=None, remedy_report_id=report.id)
        except attachments.AttachmentError as error:
            raise InvalidRemedy([field_error("evidence", f"{upload.filename or _('File')}: {error.message}",
                                             error.kind)]) from None
    db.session.flush()
    db.session.refresh(report)
    audit.record("remedy.submit", report, before=None, after=_audit_report(report),
                 visit_id=rec.visit_id, actor=user)
    return report


def _review(rec: Recommendation, user: User, *, accept: bool, comment: Any) -> RemedyReport:
    errors: list = []
    comment = _text(comment, "comment", _("Comment"), MAX_COMMENT, errors, required=not accept)
    if errors:
        raise InvalidRemedy(errors)
    report = pending_report(rec)
    if report is None:
        raise RemedyError(409, "nothing_to_review", _("No remedy report is awaiting review."))
    before = _audit_report(report)
    state = "accepted" if accept else "returned"
    result = cast(CursorResult[Any], db.session.execute(
        update(RemedyReport).where(RemedyReport.id == report.id, RemedyReport.state == "submitted")
        .values(state=state, reviewer_id=user.id, review_comment=comment, reviewed_at=utcnow())
        .execution_options(synchronize_session=False)))
    if result.rowcount != 1 or not _set_status(rec, ["reported"], "remedied" if accept else "open"):
        raise RemedyError(409, "conflict", _("Someone else reviewed this report in the meantime."))
    db.session.expire(report)
    db.session.refresh(report)
    audit.record("remedy.accept" if accept else "remedy.return", report, before=before,
                 after=_audit_report(report), reason=comment, visit_id=rec.visit_id, actor=user)
    return report


def accept_report(rec: Recommendation, user: User, comment: Any = None) -> RemedyReport:
    """Accept the report awaiting review: the recommendation is remedied (access remedy.review)."""
    return _review(rec, user, accept=True, comment=comment)


def return_report(rec: Recommendation, user: User, comment: Any) -> RemedyReport:
    """Return the report awaiting review with a required comment: open again."""
    return _review(rec, user, accept=False, comment=comment)


# --- lists ----------------------------------------------------------------------------------

def parse_status_filter(raw: Optional[str]) -> Optional[str]:
    """A `status` filter: one of STATUSES, or None for all; ValueError otherwise."""
    if raw is None or raw == "":
        return None
    if raw not in STATUSES:
        raise ValueError(raw)
    return raw


def parse_bool_filter(raw: Optional[str]) -> Optional[bool]:
    if raw is None or raw == "":
        return None
    lowered = raw.strip().lower()
    if lowered in ("1", "true", "yes"):
        return True
    if lowered in ("0", "false", "no"):
        return False
    raise ValueError(raw)


def filtered(stmt, status: Optional[str], overdue: Optional[bool], today: date):
    """Add the status and overdue filters to a select of recommendations (in SQL)."""
    late = remedy_overdue(today)
    if status == "overdue":
        stmt = stmt.where(late)
    elif status is not None:
        stmt = stmt.where(Recommendation.remedy_status == status)
        if status != "remedied":
            stmt = stmt.where(~late)  # an overdue one shows as overdue, not open or reported
    if overdue is True:
        stmt = stmt.where(late)
    elif overdue is False:
        stmt = stmt.where(~late)
    return stmt


def attachment_of(report: RemedyReport, uuid: str) -> Optional[Attachment]:
    return db.session.scalar(select(Attachment).where(Attachment.remedy_report_id == report.id,
                                                      Attachment.uuid == uuid))
