"""The inspected unit's own report (báo cáo của đơn vị): what it declares before the team comes.

The report holds answers to the template's ``self_report`` items only, checked by the same
validator as the inspectors' checklist (inspections.checklist) and read from the HTML form by
the same form reader (checklist.form_input, through inspections.checklist_form). Revisions follow the
rules of submissions (inspections.submissions):

- revision equal to the stored one, same content      -> unchanged
- revision equal to the stored one, different content -> rejected, "conflict"
- revision lower than the stored one                  -> stale, nothing changes
- revision higher                                     -> stored; every revision is kept

The report is open until the visit starts or the lead (or a coordinator) locks it; it is due
`DUE_DAYS` days before the planned date unless they set another date (inspections.self_reports).
What inspectors see of it
is the last *submitted* revision (`declared_answers`). Functions here add and flush; the caller
commits once per request.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Mapping, Optional

from flask_babel import gettext as _
from sqlalchemy import select

from .. import access, audit, checklist
from ..checklist.messages import language
from ..checklist.validation import AnswerError
from ..checklist_form import MAX_NOTE_LENGTH
from ..core.templates import core_template
from ..core.text import text_error, text_problem
from ..extensions import db
from ..models import SelfReport, SelfReportRevision, User, Visit, utcnow
from ..self_reports import find_report, report_items, status_of
from ..submissions import content_hash

MAX_REVISION = 1_000_000
STATES = ("draft", "submitted")


def template_of(visit: Visit):
    return core_template(visit.team.campaign.template)


def report_codes(visit: Visit) -> set[str]:
    return {item.code for item in report_items(template_of(visit), visit.unit.kind)}


def report_sections(template, unit_kind: str) -> list[tuple[Any, list]]:
    out = []
    for section, items in template.sections_for(unit_kind):
        mine = [item for item in items if item.self_report]
        if mine:
            out.append((section, mine))
    return out


# --- checking --------------------------------------------------------------------------------

def _error(code: str, field_name: str, message: str, kind: str) -> AnswerError:
    return AnswerError(code, field_name, message, kind)


def check_report(visit: Visit, answers: Any, notes: Any, *, submitting: bool, lang: str) -> list[AnswerError]:
    """Every problem with a unit's report: the checklist's validator on the answers (required
    items only among the unit's own, when submitting), answers or notes to items the unit does
    not report, and notes that are not short plain text."""
    lang = language(lang)
    template = template_of(visit)
    unit_kind = visit.unit.kind
    codes = {item.code for item in report_items(template, unit_kind)}
    errors: list[AnswerError] = []
    if not isinstance(answers, Mapping):
        return checklist.validate_answers(template, unit_kind, answers, lang=lang)
    problems = checklist.validate_answers(template, unit_kind, answers, lang=lang, require_complete=submitting)
    for problem in problems:
        if problem.kind == "required" and problem.code not in codes:
            continue  # the team answers that item on site
        errors.append(problem)
    known = {e.code for e in errors}
    for code in answers:
        if isinstance(code, str) and template.has_item(code) and code not in codes and code not in known:
            errors.append(_error(code, code, _("Item %(code)s is answered by the inspection team, not in the "
                                               "unit's report.", code=code), "not_self_report"))
    if not isinstance(notes, Mapping):
        errors.append(_error("", "notes", _("notes must be an object of item code to text."), "notes"))
        return errors
    for code, text in notes.items():
        name = f"note.{code}"
        if not isinstance(code, str) or code not in codes:
            errors.append(_error(str(code)[:40], name, _("Item %(code)s is not in the unit's report.",
                                                         code=str(code)[:40]), "unknown_item"))
            continue
        if not isinstance(text, str):
            errors.append(_error(code, name, _("The note on %(code)s must be text.", code=code), "note"))
            continue
        refused = text_error(text, _("The note on %(code)s", code=code)) if text_problem(text) else None
        if refused:
            errors.append(_error(code, name, refused, "text"))
        elif len(text) > MAX_NOTE_LENGTH:
            errors.append(_error(code, name, _("The note is too long (%(length)d/%(max)d characters).",
                                               length=len(text), max=MAX_NOTE_LENGTH), "note_too_long"))
    return errors


# --- storing ---------------------------------------------------------------------------------

@dataclass
class SaveResult:
    """What a save did: created | updated | unchanged | stale | conflict | invalid | closed."""

    status: str
    report: Optional[SelfReport] = None
    errors: list[AnswerError] = field(default_factory=list)
    revision: int = 0
    message: str = ""

    @property
    def stored(self) -> bool:
        return self.status in ("created", "updated")

    @property
    def ok(self) -> bool:
        return self.status in ("created", "updated", "unchanged")


def _clean_notes(notes: Mapping[str, Any]) -> dict[str, str]:
    return {code: text.replace("\r\n", "\n").strip() for code, text in notes.items()
            if isinstance(text, str) and text.strip()}


def save_report(user: User, visit: Visit, *, answers: dict[str, Any], notes: dict[str, Any], state: str,
                revision: Optional[int], lang: str, drop_invalid: bool = False,
                audited: bool = True) -> SaveResult:
    """Store a revision of the unit's report.

    `revision` is the client's counter (the API); None means "the next one" (the HTML form,
    which checks its base revision itself). `audited=False` only for loading data (the demo).
    With `drop_invalid` (a draft from the form) answers
    with a problem are left out and reported; otherwise any problem refuses the whole save.
    """
    report = find_report(visit)
    current = report.revision if report is not None else 0
    if not access.can(user, "self_report.edit", visit):
        return SaveResult("closed", report, revision=current, message=_(
            "The unit's report of this visit is closed: the visit has started or the team lead locked it."))
    submitting = state == "submitted"
    errors = check_report(visit, answers, notes, submitting=submitting, lang=lang)
    if errors and not (drop_invalid and not submitting):
        return SaveResult("invalid", report, errors, revision=current)
    answers = dict(answers)
    skipped = {e.code for e in errors if e.code}
    for code in skipped:
        answers.pop(code, None)
    notes = {code: text for code, text in _clean_notes(notes).items()
             if not any(e.field == f"note.{code}" for e in errors)}

    new_hash = content_hash(answers, notes, state)
    if revision is None:
        if report is not None and report.revision > 0 and report.content_hash == new_hash:
            return SaveResult("unchanged", report, errors, revision=current)
        revision = current + 1
    elif report is not None and report.revision > 0:
        if revision == report.revision:
            if report.content_hash == new_hash:
                return SaveResult("unchanged", report, errors, revision=current)
            return SaveResult("conflict", report, revision=current, message=_(
                "Revision %(revision)d was already saved with different content; save it as a new revision.",
                revision=revision))
        if revision < report.revision:
            return SaveResult("stale", report, revision=current, message=_(
                "The server already has a newer revision (%(revision)d).", revision=current))

    created = report is None
    if report is None:
        report = SelfReport(visit_id=visit.id, revision=0, state="draft", answers={}, notes={}, content_hash="")
        db.session.add(report)
    before = {"revision": report.revision, "state": report.state} if not created else None
    now = utcnow()
    report.revision = revision
    report.state = state
    report.answers = answers
    report.notes = notes
    report.content_hash = new_hash
    report.updated_by_id = user.id
    report.updated_at = now
    if submitting:
        report.submitted_at = now
    db.session.flush()
    db.session.add(SelfReportRevision(self_report_id=report.id, revision=revision, state=state, answers=answers,
                                      notes=notes, content_hash=new_hash, saved_by_id=user.id, saved_at=now))
    db.session.flush()
    if audited:
        audit.record("self_report.submitted" if submitting else "self_report.saved", report, actor=user,
                     visit_id=visit.id, before=before, after={"revision": revision, "state": state})
    return SaveResult("created" if created else "updated", report, errors, revision=revision)


def report_json(visit: Visit, report: Optional[SelfReport], *, today: Optional[date] = None) -> dict[str, Any]:
    """The report as the API gives it (the unit's own text: no inspector's work in it)."""
    status = status_of(visit, report, today)
    return {
        "visit_id": visit.id,
        "unit": {"id": visit.unit.id, "code": visit.unit.code, "name": visit.unit.name},
        "items": [item.code for item in report_items(template_of(visit), visit.unit.kind)],
        "revision": report.revision if report is not None else 0,
        "state": status.state,
        "answers": dict(report.answers or {}) if report is not None else {},
        "notes": dict(report.notes or {}) if report is not None else {},
        "due_date": status.due.isoformat() if status.due else None,
        "overdue": status.overdue,
        "open": status.open,
        "locked": status.locked,
        "submitted_at": report.submitted_at.isoformat() if report is not None and report.submitted_at else None,
        "updated_at": report.updated_at.isoformat() if report is not None and report.revision else None,
    }


def revisions_of(report: Optional[SelfReport]) -> list[SelfReportRevision]:
    if report is None:
        return []
    return list(db.session.scalars(select(SelfReportRevision).where(
        SelfReportRevision.self_report_id == report.id).order_by(SelfReportRevision.revision.desc())))


# --- the lead's settings ---------------------------------------------------------------------

def set_schedule(user: User, visit: Visit, *, due: Optional[date], locked: bool) -> None:
    """The lead or a coordinator sets the due date (None: five days before) and locks or opens."""
    before = {"due": visit.self_report_due.isoformat() if visit.self_report_due else None,
              "locked": visit.self_report_locked_at is not None}
    visit.self_report_due = due
    if locked and visit.self_report_locked_at is None:
        visit.self_report_locked_at = utcnow()
    elif not locked:
        visit.self_report_locked_at = None
    after = {"due": due.isoformat() if due else None, "locked": locked}
    if before != after:
        audit.record("self_report.schedule", visit, actor=user, visit_id=visit.id, before=before, after=after)


