"""The inspector's checklist: what the form shows, and saving a draft or a submission.

Views stay thin: they hand the posted form and files to `save_checklist`, which parses them
with the checklist core (`answers_from_form`), checks them with the one validator
(`validate_answers`), stores evidence through `attachments.store_attachment` and the
checklist through `submissions.store_submission`. Nothing here commits.

The rules the inspector sees:
- "Save draft" stores every answer that is valid, even when required items are still empty;
  answers that cannot be read or are invalid are reported next to their field and left out
  of the draft (the form keeps showing what was typed).
- "Submit" stores nothing unless every answer is valid and every required item is answered.
- Every save is a new revision (the submission's current revision + 1); saving the same
  content again creates nothing.
- Saving from a page that was opened before someone (another device) saved a newer revision
  is refused once, with the typed values kept, so nobody overwrites a newer revision unaware.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping, Optional

from sqlalchemy import func, select

from .. import checklist
from ..attachments import AttachmentError, attachments_by_uuid, link_to_submission, store_attachment
from ..checklist.messages import language
from ..checklist_form import (
    MAX_NOTE_LENGTH,
    NOTE_PREFIX,
    UPLOAD_PREFIX,
    file_values as read_file_values,
    text_errors,
    values_from_form,
)
from ..core.templates import core_template
from ..core.text import text_error
from ..extensions import db
from ..models import ReviewComment, Submission, SubmissionRevision, User, Visit, new_uuid
from ..submissions import SubmissionInput, content_hash, default_uuid, store_submission, template_label

AnswerError = checklist.AnswerError


# --- reading ----------------------------------------------------------------------------------

def own_submission(visit_id: int, user_id: int) -> Optional[Submission]:
    """The user's checklist for a visit (the most recently updated, if a device made several)."""
    return db.session.scalar(
        select(Submission)
        .where(Submission.visit_id == visit_id, Submission.inspector_id == user_id)
        .order_by(Submission.updated_at.desc(), Submission.id.desc())
        .limit(1)
    )


def own_submissions(visit_ids: Iterable[int], user_id: int) -> dict[int, Submission]:
    """The user's checklist per visit, for a list of visits."""
    ids = list(visit_ids)
    if not ids:
        return {}
    rows = db.session.scalars(
        select(Submission)
        .where(Submission.visit_id.in_(ids), Submission.inspector_id == user_id)
        .order_by(Submission.updated_at, Submission.id)
    )
    return {row.visit_id: row for row in rows}  # the latest one wins


def review_comments(submission: Optional[Submission]) -> list[ReviewComment]:
    """What the lead sent back: the comments on the latest commented revision, while the
    submission's review state is "has_issues" (a draft saved since keeps them visible)."""
    if submission is None or submission.review_state != "has_issues":
        return []
    latest = db.session.scalar(
        select(func.max(ReviewComment.revision))
        .where(ReviewComment.submission_id == submission.id,
               ReviewComment.revision <= submission.revision)
    )
    if latest is None:
        return []
    return list(db.session.scalars(
        select(ReviewComment)
        .where(ReviewComment.submission_id == submission.id, ReviewComment.revision == latest)
        .order_by(ReviewComment.id)
    ))


def comments_by_visit(submissions: Mapping[int, Submission]) -> dict[int, list[ReviewComment]]:
    return {visit_id: comments for visit_id, sub in submissions.items()
            if (comments := review_comments(sub))}


def revision_rows(submission: Optional[Submission]) -> list[SubmissionRevision]:
    if submission is None:
        return []
    return list(db.session.scalars(
        select(SubmissionRevision).where(SubmissionRevision.submission_id == submission.id)
        .order_by(SubmissionRevision.revision.desc())
    ))


def find_revision(submission: Submission, revision: int) -> Optional[SubmissionRevision]:
    return db.session.scalar(select(SubmissionRevision).where(
        SubmissionRevision.submission_id == submission.id, SubmissionRevision.revision == revision))


def template_of(visit: Visit):
    return core_template(visit.team.campaign.template)


# --- saving -----------------------------------------------------------------------------------

@dataclass
class SaveOutcome:
    """What a save did: status saved | unchanged | invalid | outdated | rejected."""

    status: str
    values: dict[str, Any]
    errors: list[AnswerError] = field(default_factory=list)
    revision: Optional[int] = None
    state: Optional[str] = None
    late: bool = False
    skipped_codes: list[str] = field(default_factory=list)  # draft: invalid answers left out
    message: str = ""

    @property
    def ok(self) -> bool:
        return self.status in ("saved", "unchanged")


def _error(code: str, field_name: str, message: str, kind: str) -> AnswerError:
    return AnswerError(code, field_name, message, kind)


def _store_uploads(user: User, visit: Visit, template, unit_kind: str, files,
                   file_values: dict[str, list[str]], errors: list[AnswerError], gettext) -> None:
    """Store files sent with the form (the no-JavaScript path); their uuids join the answers."""
    for item in template.items_for(unit_kind):
        if item.type != "file":
            continue
        for storage in files.getlist(UPLOAD_PREFIX + item.code):
            if storage is None or not storage.filename:
                continue
            data = storage.read()  # bounded by MAX_CONTENT_LENGTH; the exact size goes in the message
            try:
                attachment, _created = store_attachment(
                    user, attachment_uuid=new_uuid(), data=data, filename=storage.filename,
                    visit=visit, item_code=item.code)
            except AttachmentError as exc:
                errors.append(_error(item.code, item.code, gettext(
                    "%(file)s was not attached: %(reason)s Choose it again after fixing this.",
                    file=storage.filename[:80], reason=exc.message), "attachment_" + exc.kind))
                continue
            file_values[item.code].append(attachment.uuid)


def _check_file_answers(visit: Visit, file_values: dict[str, list[str]],
                        errors: list[AnswerError], gettext) -> None:
    """Attachments named in the form must belong to this visit; others are dropped and reported."""
    known = attachments_by_uuid([u for uuids in file_values.values() for u in uuids])
    for code, uuids in file_values.items():
        for value in list(uuids):
            attachment = known.get(value)
            if attachment is not None and attachment.visit_id != visit.id:
                uuids.remove(value)
                errors.append(_error(code, code, gettext(
                    "Attachment %(id)s belongs to another visit and was removed.", id=value[:36]),
                    "attachment_other_visit"))


def _notes(template, unit_kind: str, form, errors: list[AnswerError], gettext) -> dict[str, str]:
    notes: dict[str, str] = {}
    for item in template.items_for(unit_kind):
        name = NOTE_PREFIX + item.code
        text = str(form.get(name, "")).replace("\r\n", "\n").strip()
        if not text:
            continue
        refused = text_error(text, gettext("The note on %(code)s", code=item.code))
        if refused:
            errors.append(_error(item.code, name, refused, "text"))
            continue
        if len(text) > MAX_NOTE_LENGTH:
            errors.append(_error(item.code, name, gettext(
                "The note is too long (%(length)d/%(max)d characters).", length=len(text), max=MAX_NOTE_LENGTH),
                "note_too_long"))
            continue
        notes[item.code] = text
    return notes


def save_checklist(user: User, visit: Visit, form, files, *, action: str, lang: str,
                   base_revision: Optional[int], gettext) -> SaveOutcome:
    """Store the posted checklist as a draft (action "draft") or a submission ("submit")."""
    lang = language(lang)
    template = template_of(visit)
    unit_kind = visit.unit.kind
    errors: list[AnswerError] = []

    file_values = read_file_values(template, unit_kind, form)
    _store_uploads(user, visit, template, unit_kind, files, file_values, errors, gettext)
    _check_file_answers(visit, file_values, errors, gettext)
    values = values_from_form(template, unit_kind, form, file_values)

    # The core reads the typed strings; the file lists are handed over already cleaned.
    parse_input = {name: values[name] for item in template.items_for(unit_kind)
                   for name in item.fields if item.type != "file"}
    answers, parse_errors = checklist.answers_from_form(template, unit_kind, parse_input, lang=lang)
    errors.extend(text_errors(template, parse_input, lang))
    for code, uuids in file_values.items():
        if uuids:
            answers[code] = list(uuids)
    errors.extend(parse_errors)
    notes = _notes(template, unit_kind, form, errors, gettext)

    submitting = action == "submit"
    problems = checklist.validate_answers(template, unit_kind, answers, lang=lang,
                                          require_complete=submitting)
    fields_with_errors = {e.field for e in errors}
    errors.extend(p for p in problems if not (p.kind == "required" and p.field in fields_with_errors))

    submission = own_submission(visit.id, user.id)
    current = submission.revision if submission is not None else 0
    if base_revision is not None and current > base_revision:
        return SaveOutcome("outdated", values, errors, revision=current, message=gettext(
            "Revision %(revision)d of this checklist was saved from another page or device after you "
            "opened this one. Nothing was saved. Check the values below and save again to replace it.",
            revision=current))

    if errors and submitting:
        return SaveOutcome("invalid", values, errors, revision=current or None)
    # A draft keeps every valid answer; an answer with a problem is left out (a refused upload
    # or a bad note does not take the item's other values with it).
    skipped = sorted({e.code for e in errors if e.code and not e.kind.startswith("attachment_")
                      and not e.field.startswith(NOTE_PREFIX)})
    for code in skipped:
        answers.pop(code, None)

    state = "submitted" if submitting else "draft"
    if submission is not None and submission.content_hash == content_hash(answers, notes, state):
        return SaveOutcome("unchanged", values, errors, revision=current, state=state,
                           late=submission.late, skipped_codes=skipped)

    result = store_submission(user, SubmissionInput(
        uuid=submission.uuid if submission is not None else default_uuid(visit.id, user.id),
        visit_id=visit.id, revision=current + 1, answers=answers, notes=notes, state=state,
        template=template_label(visit.team.campaign.template),
    ), lang=lang)
    if not result.stored:
        rejected = [_error(e.get("code", ""), e.get("field", ""), e.get("message", ""), result.reason or "rejected")
                    for e in result.errors]
        return SaveOutcome("rejected", values, errors + rejected, revision=result.server_revision)
    link_to_submission(result.submission, [u for uuids in file_values.values() for u in uuids])
    return SaveOutcome("saved", values, errors, revision=result.server_revision, state=state,
                       late=result.late, skipped_codes=skipped)
