"""Pages of the inspected unit: its visits, its own report; the lead's view of that report
(due date, lock, invitation links); the one-time link that sets a representative's password.

Thin views: permissions through `access`, work in `services` and `invites`, one commit per
request. The report form works without JavaScript; static/js/self_report.js saves drafts as
the representative types.
"""
from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import get_locale, gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from .. import access, checklist, checklist_form, self_reports
from ..attachments import (
    ALLOWED_MIME,
    AttachmentError,
    attachments_by_uuid,
    max_upload_bytes,
    size_label,
    store_attachment,
    store_upload,
)
from ..checklist.client_rules import client_rules
from ..checklist.messages import language
from ..checklist.schema import DEFAULT_MAX_LENGTH
from ..checklist.validation import AnswerError
from ..core.answers import format_value
from ..core.errors import DomainError, FieldError, json_errors
from ..extensions import db
from ..models import SelfReport, Team, Visit, new_uuid
from . import invites, services

bp = Blueprint("unit", __name__, url_prefix="/unit", cli_group=None)


def current_lang() -> str:
    return language(str(get_locale()))


def wants_json() -> bool:
    return request.accept_mimetypes.best == "application/json"


def load_visit(visit_id: int, action: str) -> Visit:
    """The visit, 404 when the user may not see it (or it is archived), 403 for `action`."""
    visit = db.get_or_404(Visit, visit_id)
    if visit.archived_at is not None or not access.can(current_user, "visit.view", visit):
        abort(404)
    access.require(action, visit)
    return visit


@bp.get("/")
@login_required
@access.role_required("unit.portal")
def home():
    """The unit's visits of every campaign, with where its report stands."""
    visits = db.session.scalars(
        access.visible_visits(current_user, select(Visit)).where(Visit.archived_at.is_(None))
        .options(selectinload(Visit.unit), selectinload(Visit.team).selectinload(Team.campaign))
        .order_by(Visit.planned_date.desc(), Visit.id)
    ).all()
    reports = self_reports.reports_of(v.id for v in visits)
    rows = [(visit, self_reports.status_of(visit, reports.get(visit.id))) for visit in visits]
    return render_template("unit/home.html", rows=rows, labels=checklist_form.labels(current_lang()))


# --- the unit's report -----------------------------------------------------------------------

def _read_form(visit: Visit, template, report: SelfReport | None, lang: str):
    """(answers, notes, values, errors) from the posted form, the checklist's form reader."""
    unit_kind = visit.unit.kind
    codes = {item.code for item in self_reports.report_items(template, unit_kind)}
    errors: list[AnswerError] = []
    file_values = {code: uuids for code, uuids in checklist_form.file_values(template, unit_kind, request.form).items()
                   if code in codes}
    _store_uploads(visit, template, report, file_values, errors)
    known = attachments_by_uuid([u for uuids in file_values.values() for u in uuids])
    for code, uuids in file_values.items():
        for value in list(uuids):
            row = known.get(value)
            if row is None or row.visit_id != visit.id or row.self_report_id is None:
                uuids.remove(value)
                errors.append(AnswerError(code, code, _("Attachment %(id)s is not evidence of this report and was "
                                                        "removed.", id=value[:36]), "attachment_other_visit"))
    values = checklist_form.values_from_form(template, unit_kind, request.form, file_values)
    typed = {name: values[name] for item in self_reports.report_items(template, unit_kind)
             for name in item.fields if item.type != "file"}
    answers, parse_errors = checklist.answers_from_form(template, unit_kind, typed, lang=lang)
    errors.extend(checklist_form.text_errors(template, typed, lang))
    errors.extend(parse_errors)
    for code, uuids in file_values.items():
        if uuids:
            answers[code] = list(uuids)
    notes = {}
    for code in codes:
        text = str(request.form.get(checklist_form.NOTE_PREFIX + code, "")).replace("\r\n", "\n").strip()
        if text:
            notes[code] = text
    bad_codes = {e.code for e in errors if not e.kind.startswith("attachment_")}
    for code in bad_codes:
        answers.pop(code, None)
    return answers, notes, values, errors


def _store_uploads(visit: Visit, template, report: SelfReport | None, file_values, errors) -> None:
    """Files sent with the form (the no-JavaScript path) join the report's evidence."""
    for item in self_reports.report_items(template, visit.unit.kind):
        if item.type != "file":
            continue
        for storage in request.files.getlist(checklist_form.UPLOAD_PREFIX + item.code):
            if storage is None or not storage.filename:
                continue
            report = report or _ensure_report(visit)
            try:
                row, _created = store_attachment(current_user, attachment_uuid=new_uuid(), data=storage.read(),
                                                 filename=storage.filename, visit=visit, item_code=item.code,
                                                 self_report=report)
            except AttachmentError as exc:
                errors.append(AnswerError(item.code, item.code, _(
                    "%(file)s was not attached: %(reason)s Choose it again after fixing this.",
                    file=storage.filename[:80], reason=exc.message), "attachment_" + exc.kind))
                continue
            file_values.setdefault(item.code, []).append(row.uuid)


def _ensure_report(visit: Visit) -> SelfReport:
    """The report row evidence files hang on (revision 0 until something is saved)."""
    report = self_reports.find_report(visit)
    if report is None:
        report = SelfReport(visit_id=visit.id, revision=0, state="draft", answers={}, notes={}, content_hash="")
        db.session.add(report)
        db.session.flush()
    return report


@bp.route("/visits/<int:visit_id>/report", methods=["GET", "POST"])
@login_required
def report(visit_id: int):
    """The unit's own report; POST saves a draft (also as the rep types) or submits."""
    visit = db.get_or_404(Visit, visit_id)
    if visit.archived_at is not None or not access.can(current_user, "self_report.view", visit):
        abort(404)
    if not access.can(current_user, "unit.portal"):  # the team lead and coordinators follow it there
        access.require("self_report.manage" if request.method == "GET" else "self_report.edit", visit)
        return redirect(url_for("unit.manage", visit_id=visit.id))
    lang = current_lang()
    template = services.template_of(visit)
    row = self_reports.find_report(visit)
    if request.method == "GET":
        values = checklist_form.values_from_answers(template, visit.unit.kind, row.answers if row else {},
                                                    row.notes if row else {})
        return render_report(visit, template, row, values, [], lang)

    if not access.can(current_user, "self_report.edit", visit):
        message = _("The unit's report of this visit is closed: the visit has started or the team lead locked it.")
        if wants_json():
            return jsonify({"error": "report_closed", "message": message}), 409
        flash(message, "error")
        return redirect(url_for("unit.report", visit_id=visit.id), code=303)
    action = request.form.get("action", "draft")
    submitting = action == "submit"
    base = checklist_form.int_or_none(request.form.get("base_revision"))
    current = row.revision if row is not None else 0
    if base is not None and current > base:
        db.session.rollback()
        message = _("Revision %(revision)d of this report was saved from another page or device after you opened "
                    "this one. Nothing was saved. Check the values below and save again to replace it.",
                    revision=current)
        if wants_json():
            return jsonify({"error": "stale", "message": message, "server_revision": current}), 409
        values = checklist_form.values_from_form(template, visit.unit.kind, request.form, {})
        return render_report(visit, template, row, values, [], lang, notice=message, notice_kind="error", status=409)

    answers, notes, values, form_errors = _read_form(visit, template, row, lang)
    if form_errors and submitting:
        db.session.commit()  # evidence uploaded with the form is kept
        return _answer_invalid(visit, template, row, values, form_errors, lang, submitting)
    result = services.save_report(current_user, visit, answers=answers, notes=notes,
                                  state="submitted" if submitting else "draft", revision=None, lang=lang,
                                  drop_invalid=not submitting)
    errors = form_errors + result.errors
    if not result.ok:
        db.session.commit()
        return _answer_invalid(visit, template, result.report or row, values, errors, lang, submitting)
    db.session.commit()
    if result.status == "unchanged":
        notice = _("Nothing changed since revision %(revision)d; nothing new was saved.", revision=result.revision)
    elif submitting:
        notice = _("Report submitted (revision %(revision)d).", revision=result.revision)
    else:
        notice = _("Draft saved (revision %(revision)d).", revision=result.revision)
    if wants_json():
        return jsonify({"status": result.status, "revision": result.revision, "message": notice,
                        "errors": [_error_json(e) for e in errors]})
    if errors:
        notice += " " + _("The answers marked below were not saved: correct them and save again.")
        return render_report(visit, template, result.report, values, errors, lang, notice=notice,
                             notice_kind="warning")
    flash(notice, "success")
    return redirect(url_for("unit.report", visit_id=visit.id), code=303)


def _error_json(error: AnswerError) -> dict:
    return {"code": error.code, "field": error.field, "message": error.message, "kind": error.kind}


def _answer_invalid(visit, template, row, values, errors, lang, submitting):
    if submitting and any(e.kind == "required" for e in errors):
        notice = _("Not submitted: answer the required items marked below (or save a draft).")
    else:
        notice = _("Nothing was saved: correct the answers marked below.")
    if wants_json():
        return jsonify({"error": "invalid", "message": notice, "errors": [_error_json(e) for e in errors]}), 422
    return render_report(visit, template, row, values, errors, lang, notice=notice, notice_kind="error", status=422)


def render_report(visit: Visit, template, row, values, errors, lang: str, *, notice: str = "",
                  notice_kind: str = "", status: int = 200):
    unit_kind = visit.unit.kind
    errors_by_field: dict[str, list[str]] = {}
    for error in errors:
        errors_by_field.setdefault(error.field or error.code or "", []).append(error.message)
    error_codes = {e.code for e in errors if e.code}
    codes = {item.code for item in self_reports.report_items(template, unit_kind)}
    rules = client_rules(template, unit_kind, lang)
    for row_rule in rules["items"]:
        if row_rule["code"] not in codes:
            row_rule.pop("required", None)  # the team answers it on site
    sections = []
    for section, items in services.report_sections(template, unit_kind):
        answered = sum(1 for item in items if checklist_form.is_filled(item, values))
        sections.append(checklist_form.SectionView(section, items, answered, len(items),
                                                   bool({i.code for i in items} & error_codes), False, True))
    return render_template(
        "unit/report.html", visit=visit, template=template, report=row, values=values, errors=errors,
        errors_by_field=errors_by_field, sections=sections, comments_by_code={},
        status_info=self_reports.status_of(visit, row), editable=access.can(current_user, "self_report.edit", visit),
        attachments=checklist_form.attachments_for_values(values, template, unit_kind),
        revisions=services.revisions_of(row), lang=lang, labels=checklist_form.labels(lang),
        notice=notice, notice_kind=notice_kind, max_upload=size_label(max_upload_bytes()),
        max_upload_bytes=max_upload_bytes(), accept=",".join(ALLOWED_MIME), text_limit=DEFAULT_MAX_LENGTH,
        note_limit=checklist_form.MAX_NOTE_LENGTH, rules=rules, **checklist_form.display_helpers(),
    ), status


@bp.post("/visits/<int:visit_id>/report/attachments")
@json_errors
@login_required
def upload(visit_id: int):
    """One evidence file of the unit's report (the page's script); errors in the one JSON shape."""
    visit = db.session.get(Visit, visit_id)
    if visit is None or visit.archived_at is not None or not access.can(current_user, "self_report.view", visit):
        message = _("Not found, or not yours to see.")
        raise DomainError(message, code="not_found", status=404, fields=[FieldError("visit_id", message)])
    if not access.can(current_user, "self_report.edit", visit):
        message = _("The unit's report of this visit is closed: the visit has started or the team lead locked it.")
        raise DomainError(message, code="forbidden", status=403, fields=[FieldError("visit_id", message)])
    body, status = store_upload(current_user, visit, request.files, request.form,
                                item_codes=services.report_codes(visit), self_report=lambda: _ensure_report(visit))
    db.session.commit()
    return jsonify(body), status


# --- the lead's view: status, due date, lock, invitations ------------------------------------

@bp.get("/visits/<int:visit_id>/manage")
@login_required
def manage(visit_id: int):
    """The unit's report as the team lead and coordinators follow it."""
    visit = load_visit(visit_id, "self_report.manage")
    row = self_reports.find_report(visit)
    template = services.template_of(visit)
    declared_answers, declared_notes = self_reports.declared(visit)
    items = self_reports.report_items(template, visit.unit.kind)
    return render_template("unit/manage.html", visit=visit, report=row, status_info=self_reports.status_of(visit, row),
                           items=items, declared=declared_answers, declared_notes=declared_notes,
                           revisions=services.revisions_of(row), invites=invites.pending_invites(visit),
                           reps=invites.representatives(visit.unit_id), new_link=None, problems=[],
                           lang=current_lang(), labels=checklist_form.labels(current_lang()),
                           format_value=format_value)


@bp.post("/visits/<int:visit_id>/schedule")
@login_required
def schedule(visit_id: int):
    """Set the report's due date (empty: five days before the visit) and lock or open it."""
    visit = load_visit(visit_id, "self_report.manage")
    raw = (request.form.get("due_date") or "").strip()
    due = None
    if raw:
        try:
            due = date.fromisoformat(raw[:10])
        except ValueError:
            flash(_("Due date: write the date as YYYY-MM-DD."), "error")
            return redirect(url_for("unit.manage", visit_id=visit.id), code=303)
    services.set_schedule(current_user, visit, due=due, locked=request.form.get("locked") == "1")
    db.session.commit()
    flash(_("The unit's report settings were saved."), "success")
    return redirect(url_for("unit.manage", visit_id=visit.id), code=303)


@bp.post("/visits/<int:visit_id>/invite")
@login_required
def invite(visit_id: int):
    """Make a one-time link for the unit's representative; the page shows it to copy."""
    visit = load_visit(visit_id, "visit.invite_unit")
    token, problems = invites.create_invite(current_user, visit, username=request.form.get("username", ""),
                                            full_name=request.form.get("full_name", ""))
    row = self_reports.find_report(visit)
    template = services.template_of(visit)
    declared_answers, declared_notes = self_reports.declared(visit)
    if token:
        db.session.commit()
    else:
        db.session.rollback()
    link = url_for("unit.accept_invite", token=token, _external=True) if token else None
    return render_template("unit/manage.html", visit=visit, report=row, status_info=self_reports.status_of(visit, row),
                           items=self_reports.report_items(template, visit.unit.kind), declared=declared_answers,
                           declared_notes=declared_notes, revisions=services.revisions_of(row),
                           invites=invites.pending_invites(visit), reps=invites.representatives(visit.unit_id),
                           new_link=link, problems=problems, form=request.form, lang=current_lang(),
                           labels=checklist_form.labels(current_lang()), format_value=format_value), \
        200 if token else 422


@bp.route("/invite/<token>", methods=["GET", "POST"])
def accept_invite(token: str):
    """The one-time link: set a password, and the representative's account exists."""
    row, why = invites.find_usable(token)
    if why:
        return render_template("unit/invite_unusable.html", why=why), 410 if why in ("used", "expired") else 404
    problems: list[invites.FieldProblem] = []
    if request.method == "POST" and row is not None:
        user, problems = invites.accept(row, request.form.get("password", ""), request.form.get("confirm", ""))
        if user is not None:
            db.session.commit()
            flash(_("Your account %(name)s is ready. Log in with your new password.", name=user.username), "success")
            return redirect(url_for("auth.login"), code=303)
        db.session.rollback()
    return render_template("unit/invite.html", invite=row, problems=problems), 422 if problems else 200
