"""Inspector pages: my visits, the checklist form, its revisions, evidence files.

Thin views: permissions through `access`, work in `services` and `attachments`, one commit
per request. The checklist page works as a plain HTML form without JavaScript.
"""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, jsonify, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from .. import access, checklist_form
from ..attachments import (
    ALLOWED_MIME,
    can_read_attachment,
    find_attachment,
    max_upload_bytes,
    size_label,
    storage_path,
    store_upload,
)
from ..checklist.client_rules import client_rules
from ..checklist.schema import DEFAULT_MAX_LENGTH
from ..core.answers import format_value
from ..core.errors import DomainError, FieldError, json_errors
from ..extensions import db
from ..models import User, Visit
from ..self_reports import declared, report_items
from ..submissions import default_uuid, template_label
from ..web import current_language
from . import services

bp = Blueprint("fieldwork", __name__, cli_group=None)


current_lang = current_language


@bp.get("/my-visits")
@login_required
@access.role_required("fieldwork.use")
def my_visits():
    """The visits assigned to me (a lead also sees the team's), with my checklist's state."""
    visits = access.assigned_visits(current_user)
    submissions = services.own_submissions([v.id for v in visits], current_user.id)
    comments = services.comments_by_visit(submissions)
    return render_template("fieldwork/my_visits.html", visits=visits, submissions=submissions,
                           comments=comments, lang=current_lang(), labels=checklist_form.labels(current_lang()))


@bp.route("/visits/<int:visit_id>/checklist", methods=["GET", "POST"])
@login_required
def checklist(visit_id: int):
    """The checklist form for my own findings at one visit; POST saves a draft or submits."""
    visit = db.get_or_404(Visit, visit_id)
    access.require("visit.fill", visit)
    lang = current_lang()
    template = services.template_of(visit)
    unit_kind = visit.unit.kind
    submission = services.own_submission(visit.id, current_user.id)

    if request.method == "GET":
        values = checklist_form.values_from_answers(
            template, unit_kind, submission.answers if submission else {},
            submission.notes if submission else {})
        return render_checklist(visit, template, submission, values, [], lang)

    action = request.form.get("action", "draft")
    if action not in ("draft", "submit"):
        action = "draft"
    outcome = services.save_checklist(
        current_user, visit, request.form, request.files, action=action, lang=lang,
        base_revision=checklist_form.int_or_none(request.form.get("base_revision")), gettext=_)
    if outcome.ok:
        db.session.commit()
        submission = services.own_submission(visit.id, current_user.id)
        if outcome.status == "unchanged":
            notice = _("Nothing changed since revision %(revision)d; nothing new was saved.", revision=outcome.revision)
        elif outcome.state == "submitted":
            notice = _("Checklist submitted (revision %(revision)d).", revision=outcome.revision)
        else:
            notice = _("Draft saved (revision %(revision)d).", revision=outcome.revision)
        if outcome.late:
            notice += " " + _("The visit was already final: your checklist is kept and marked late.")
        if not outcome.errors:
            flash(notice, "success")
            return redirect(url_for("fieldwork.checklist", visit_id=visit.id), code=303)
        # A draft without its invalid answers: show what was left out, keep what was typed.
        notice += " " + _("The answers marked below were not saved: correct them and save again.")
        return render_checklist(visit, template, submission, outcome.values, outcome.errors, lang,
                                notice=notice, notice_kind="warning", status=200)

    db.session.commit()  # evidence uploaded with the form is kept even when the checklist is not
    if outcome.status == "outdated":
        notice, status = outcome.message, 409
    elif outcome.status == "rejected":
        notice, status = _("The checklist could not be saved. Nothing was saved."), 409
    else:
        notice, status = _("Nothing was saved: correct the answers marked below."), 422
        if action == "submit" and any(e.kind == "required" for e in outcome.errors):
            notice = _("Not submitted: answer the required items marked below (or save a draft).")
    return render_checklist(visit, template, submission, outcome.values, outcome.errors, lang,
                            notice=notice, notice_kind="error", status=status)


def render_checklist(visit: Visit, template, submission, values, errors, lang: str, *,
                     notice: str = "", notice_kind: str = "", status: int = 200):
    unit_kind = visit.unit.kind
    comments = services.review_comments(submission)
    comments_by_code: dict[str, list] = {}
    for comment in comments:
        comments_by_code.setdefault(comment.item_code, []).append(comment)
    errors_by_field: dict[str, list[str]] = {}
    for error in errors:
        name = error.field if error.field else error.code
        errors_by_field.setdefault(name or "", []).append(error.message)
    error_codes = {e.code for e in errors if e.code}
    sections = checklist_form.section_views(template, unit_kind, values, error_codes, set(comments_by_code))
    return render_template(
        "fieldwork/checklist.html",
        visit=visit, template=template, template_label=template_label(visit.team.campaign.template),
        submission=submission, values=values, errors=errors, errors_by_field=errors_by_field,
        sections=sections, comments_by_code=comments_by_code,
        attachments=checklist_form.attachments_for_values(values, template, unit_kind),
        revisions=services.revision_rows(submission), lang=lang, labels=checklist_form.labels(lang),
        notice=notice, notice_kind=notice_kind,
        max_upload=size_label(max_upload_bytes()), max_upload_bytes=max_upload_bytes(),
        accept=",".join(ALLOWED_MIME), default_uuid=default_uuid(visit.id, current_user.id),
        rules=client_rules(template, unit_kind, lang), text_limit=DEFAULT_MAX_LENGTH,
        note_limit=checklist_form.MAX_NOTE_LENGTH, declared=declared_for_page(visit, template, lang),
        **checklist_form.display_helpers(),
    ), status


def declared_for_page(visit: Visit, template, lang: str) -> dict:
    """What the unit declared, per item code: {value, text, note} (static/js/declared.js offers
    each to confirm). Cached with the page, so it shows offline too."""
    answers, notes = declared(visit)
    out = {}
    for item in report_items(template, visit.unit.kind):
        if item.code in answers:
            out[item.code] = {"value": answers[item.code], "text": format_value(item, answers[item.code], lang),
                              "note": str(notes.get(item.code, "") or ""), "type": item.type}
    return out


@bp.get("/visits/<int:visit_id>/checklist/revisions/<int:revision>")
@login_required
def revision(visit_id: int, revision: int):
    """One stored revision of a checklist, read-only: my own, or (with ?inspector=<id>) a
    teammate's for those who may see that submission."""
    visit = db.get_or_404(Visit, visit_id)
    access.require("visit.view", visit)
    inspector_id = checklist_form.int_or_none(request.args.get("inspector")) or current_user.id
    submission = services.own_submission(visit.id, inspector_id)
    if submission is None:
        abort(404)
    access.require("submission.view", submission)
    row = services.find_revision(submission, revision)
    if row is None:
        abort(404)
    template = services.template_of(visit)
    unit_kind = visit.unit.kind
    values = checklist_form.values_from_answers(template, unit_kind, row.answers or {}, row.notes or {})
    lang = current_lang()
    return render_template(
        "fieldwork/revision.html", visit=visit, submission=submission, row=row,
        inspector=db.session.get(User, submission.inspector_id),
        sections=template.sections_for(unit_kind), answers=row.answers or {}, notes=row.notes or {},
        values=values, attachments=checklist_form.attachments_for_values(values, template, unit_kind),
        revisions=services.revision_rows(submission), lang=lang, labels=checklist_form.labels(lang),
        **checklist_form.display_helpers(),
    )


@bp.post("/visits/<int:visit_id>/attachments")
@json_errors
@login_required
def upload_attachment(visit_id: int):
    """Store one evidence file sent by the page's script (multipart: file, item_code, uuid).

    JSON answers: 201 stored, 200 the same file was already stored under that uuid, else an
    error with `field` and `message` (400, 403, 409, 413, 415)."""
    visit = db.session.get(Visit, visit_id)
    if visit is None or not access.can(current_user, "visit.view", visit):
        message = _("Not found, or not yours to see.")
        raise DomainError(message, code="not_found", status=404, fields=[FieldError("visit_id", message)])
    if not access.can(current_user, "visit.fill", visit):
        message = _("You are not assigned to this visit.")
        raise DomainError(message, code="forbidden", status=403, fields=[FieldError("visit_id", message)])
    body, status = store_upload(current_user, visit, request.files, request.form)
    db.session.commit()
    return jsonify(body), status


@bp.get("/attachments/<attachment_uuid>")
@login_required
def attachment(attachment_uuid: str):
    """An evidence file, for everyone who may see its visit (404 for anyone else)."""
    row = find_attachment(attachment_uuid)
    if row is None or not can_read_attachment(current_user, row):
        abort(404)
    try:
        path = storage_path(row.storage_key)
    except ValueError:
        abort(404)
    if not path.exists():
        current_app.logger.error("attachment %s is missing on disk at %s", row.uuid, path)
        abort(404, _("The file is missing on the server. Ask %(name)s to send it again.",
                     name=row.uploaded_by.display_name))
    response = send_file(path, mimetype=row.mime, download_name=row.filename,
                         as_attachment=request.args.get("download") == "1",
                         conditional=True, etag=row.sha256, max_age=3600)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, max-age=3600"
    # Nothing in an evidence file may run scripts or load anything; Chromium's PDF viewer needs
    # object-src, and the review pages may show a file in a frame of this site.
    response.headers["Content-Security-Policy"] = (
        "default-src 'none'; img-src 'self'; object-src 'self'; frame-ancestors 'self'")
    response.headers["X-Frame-Options"] = "SAMEORIGIN"
    return response
