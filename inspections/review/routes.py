"""Team lead pages: merge, send back, findings, finalize, reopen, audit trail, the printable record.

Who (decided through access.can, never by comparing roles here):
- the team's lead (Team.lead_id, or lead/deputy in TeamMember) merges, sends back, approves,
  writes findings, finalizes and reopens;
- coordinators and admins see the merge page, the audit trail and the record, read-only;
- the team's other members (inspectors) see the record once the visit is final, nothing else;
- everyone else gets 404 for the visit (its id leaks nothing).

Every write form carries the visit version it was based on; a stale one gets the 409 page,
which shows what was typed and offers to apply it to the current version.
"""
from __future__ import annotations

from typing import Any, Callable, Optional

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import force_locale, gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from .. import access, checklist, self_reports
from ..checklist.messages import MF_PART_LABELS, YNP_LABELS, label as word
from ..core.answers import format_value
from ..core.ids import parse_id
from ..core.lifecycle import is_final
from ..extensions import db
from ..models import AuditEvent, Submission, Visit
from ..record import TEAM_ROLE_LABELS, build_record, findings
from ..web import current_language
from . import services, view as views
from .audit_view import AuditReader

bp = Blueprint("review", __name__, url_prefix="/review", cli_group=None)
RECORD_MARKER = "<!-- the inspection record -->"

def audit_action_label(action: str) -> str:
    """The translated description of an audit action (the msgids are listed for extraction)."""
    labels = {
        "resolution.pick": _("Picked an inspector's answer"),
        "resolution.enter": _("Entered a value"),
        "resolution.clear": _("Cleared a decision"),
        "submission.send_back": _("Sent a checklist back"),
        "submission.approve": _("Approved a checklist"),
        "report.update": _("Edited achievements and conclusion"),
        "shortcoming.add": _("Added a shortcoming"),
        "shortcoming.update": _("Edited a shortcoming"),
        "shortcoming.delete": _("Deleted a shortcoming"),
        "recommendation.add": _("Added a recommendation"),
        "recommendation.update": _("Edited a recommendation"),
        "recommendation.delete": _("Deleted a recommendation"),
        "visit.finalize": _("Finalized the visit"),
        "visit.reopen": _("Reopened the visit"),
        "remedy.submit": _("The unit sent a remedy report"),
        "remedy.accept": _("Accepted a remedy report"),
        "remedy.return": _("Returned a remedy report"),
    }
    return labels.get(action, action)


# --- access ---------------------------------------------------------------------------------

def load_visit(visit_id: int) -> Visit:
    return db.get_or_404(Visit, visit_id)  # the <int:> converter bounds the id


lang = current_language


# --- rendering ------------------------------------------------------------------------------

def template_helpers() -> dict[str, Any]:
    current = lang()
    return {
        "labels": {
            "state": views.STATE_LABELS, "review": views.REVIEW_STATE_LABELS,
            "status": views.VISIT_STATUS_LABELS, "source": views.RESOLUTION_SOURCE_LABELS,
            "cause": views.CAUSE_KIND_LABELS, "remedy": views.REMEDY_STATUS_LABELS,
            "team_role": TEAM_ROLE_LABELS,
        },
        "when": views.when,
        "lang": current,
        "ynp_choices": lambda item: [(v, word(YNP_LABELS, v, current)) for v in item.allowed_values],
        "mf_label": lambda part: word(MF_PART_LABELS, part, current),
        "prefill": prefill,
        "report_fields": views.report_fields,
    }


def prefill(item_view: views.ItemView) -> dict[str, str]:
    """The resolve form's starting values: the lead's current decision, else the merged value."""
    resolution = item_view.merge.resolution
    value = item_view.merge.value if item_view.merge.has_value else None
    fields = views.form_fields(item_view.item, value)
    if resolution is not None:
        fields["note"] = resolution.note or ""
        if resolution.source == "picked" and resolution.source_submission_id:
            source = next((s for s in item_view.merge.sources
                           if s.submission_id == resolution.source_submission_id), None)
            if source is not None:
                fields["choice"] = f"pick-{source.submission_id}-{source.revision}"
        elif resolution.source == "entered":
            fields["choice"] = "enter"
    return fields


def merge_url(visit: Visit, anchor: Optional[str] = None, show: Optional[str] = None) -> str:
    show = show if show in ("conflicts", "missing") else None
    return url_for("review.merge", visit_id=visit.id, show=show, _anchor=anchor)


def render_merge(visit: Visit, *, status: int = 200, item_errors: Optional[dict] = None,
                 typed: Optional[dict] = None, form_errors: Optional[dict] = None,
                 reasons_refused: Optional[list] = None):
    """The merge page; after a refused write, with the errors next to the fields and what was typed."""
    show = request.values.get("show", "all")
    show = show if show in views.FILTERS else "all"
    merge_view = views.build_merge_view(visit, lang())
    report, shortcomings, recommendations = findings(visit)
    can_merge = access.can(current_user, "visit.merge", visit)
    return render_template(
        "review/merge.html",
        visit=visit, view=merge_view, show=show, sections=merge_view.filtered(show),
        report=report, shortcomings=shortcomings, recommendations=recommendations,
        can_edit=can_merge and not is_final(visit),
        can_send_back=access.can(current_user, "visit.send_back", visit) and not is_final(visit),
        can_finalize=access.can(current_user, "visit.finalize", visit) and not is_final(visit),
        can_reopen=access.can(current_user, "visit.reopen", visit) and is_final(visit),
        item_errors=item_errors or {}, typed=typed or {}, form_errors=form_errors or {},
        reasons_refused=reasons_refused, unit_report=unit_report_panel(visit), **template_helpers(),
    ), status


def unit_report_panel(visit: Visit) -> dict:
    """The unit's own report beside the merge: its state, the declared value of each item and
    the items whose merged (or final) value differs from it (chênh lệch)."""

    report = self_reports.find_report(visit)
    answers, notes = self_reports.declared(visit)
    template = services.template_of(visit)
    declared = {item.code: {"text": format_value(item, answers[item.code], lang()),
                            "note": str(notes.get(item.code, "") or "")}
                for item in self_reports.report_items(template, visit.unit.kind) if item.code in answers}
    found = self_reports.discrepancies(visit, lang())
    return {"status": self_reports.status_of(visit, report), "declared": declared,
            "discrepancies": {d.code: d for d in found}, "discrepancy_list": found,
            "manage": access.can(current_user, "self_report.manage", visit)}


def typed_fields(visit: Visit) -> list[tuple[str, str, list[str]]]:
    """What the user sent, as (field name, readable label, values), for the 409 page."""
    template = services.template_of(visit)
    names = {
        "achievements": _("Achievements"), "conclusion": _("Conclusion"),
        "record_number": _("Record number"), "text": _("Text"), "cause": _("Cause"),
        "cause_kind": _("Kind of cause"), "section": _("Section"), "responsible": _("Who must act"),
        "remedy_deadline": _("Remedy deadline"), "remedy_status": _("Remedy status"),
        "note": _("Note"), "choice": _("Choice"), "reason": _("Reason"), "item_code": _("Item"),
        "submission_id": _("Checklist"), "id": _("Entry"), "action": _("Action"), "show": _("Filter"),
        "comment-": _("Comment on the whole checklist"),
    }
    out = []
    for name in request.form:
        if name in ("csrf_token", "version"):
            continue
        values = request.form.getlist(name)
        base = name.split(".", 1)[0]
        if name == "choice":
            label = names[name]
            values = [readable_choice(value, visit) for value in values]
        elif name in names:
            label = names[name]
        elif name.startswith("comment-") and template.has_item(name[len("comment-"):]):
            code = name[len("comment-"):]
            label = _("Comment on %(code)s (%(label)s)", code=code, label=template.item(code).label(lang()))
        elif template.has_item(base):
            label = f"{base} {template.item(base).label(lang())}"
            if "." in name:
                label += f" ({word(MF_PART_LABELS, name.split('.', 1)[1], lang())})"
        else:
            label = name
        out.append((name, label, values))
    return out


def raw_fields() -> list[tuple[str, str]]:
    """The posted fields to send again from the 409 page (all but the token and the version)."""
    return [(name, value) for name in request.form if name not in ("csrf_token", "version")
            for value in request.form.getlist(name)]


def readable_choice(value: str, visit: Visit) -> str:
    """pick-<submission>-<revision> as "Use the answer of <inspector> (revision n)".

    Only a checklist of this visit is named: the posted id is the user's input, and the 409
    page must not tell a lead who inspects for another team.
    """
    parts = value.split("-")
    submission_id = parse_id(parts[1]) if parts[0] == "pick" and len(parts) >= 2 else None
    if submission_id is not None:
        submission = db.session.get(Submission, submission_id)
        if submission is not None and submission.visit_id == visit.id:
            text = _("Use the answer of %(name)s", name=submission.inspector.display_name)
            revision = parse_id(parts[2]) if len(parts) == 3 else None
            if revision is not None:
                text += " (" + _("revision %(revision)d", revision=revision) + ")"
            return text
    if value == "enter":
        return _("Enter a value")
    if value == "clear":
        return _("Clear the decision (back to the inspectors' answers)")
    return value


def conflict_page(visit: Visit, exc: services.StaleVersion):
    """409: someone saved first. Show what was typed, and let the user apply it to the new version."""
    db.session.rollback()
    exc.after_rollback()
    visit = load_visit(visit.id)
    return render_template(
        "review/conflict.html", visit=visit, current_version=exc.current_version,
        fields=typed_fields(visit), raw_fields=raw_fields(), action=request.path, message=exc.message,
        retry=exc.retry_as_is,
        **template_helpers(),
    ), 409


def perform(visit: Visit, action: Callable[[], Any], *, success: str,
            on_invalid: Callable[[services.InvalidInput], Any], anchor: Optional[str] = None):
    """Run one write: commit and redirect on success; 409 page, error page or re-render otherwise."""
    try:
        action()
        db.session.commit()
    except services.StaleVersion as exc:
        return conflict_page(visit, exc)
    except services.InvalidInput as exc:
        db.session.rollback()
        return on_invalid(exc)
    except services.NotReady as exc:
        db.session.rollback()
        return render_merge(load_visit(visit.id), status=422, reasons_refused=exc.reasons)
    except services.BadRequest:
        raise  # the app's error handler: rolled back, the 400 page
    except services.ReviewError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return redirect(merge_url(visit, anchor, request.form.get("show")), 303)
    flash(success, "success")
    return redirect(merge_url(visit, anchor, request.form.get("show")), 303)


def errors_by_form(key: str, exc: services.InvalidInput) -> dict:
    return {key: exc.errors}


def version_from_form() -> int:
    return services.parse_version(request.form.get("version"))  # BadRequest: the app's 400 page


# --- pages ----------------------------------------------------------------------------------

@bp.get("/visits/<int:visit_id>")
@login_required
def merge(visit_id: int):
    """The merge of one visit: every inspector's answers item by item, marks, counts, findings."""
    visit = load_visit(visit_id)
    access.require("visit.review", visit)
    return render_merge(visit)


@bp.post("/visits/<int:visit_id>/resolve")
@login_required
def resolve(visit_id: int):
    """The lead picks an inspector's answer, enters a value, or clears the decision for one item."""
    visit = load_visit(visit_id)
    access.require("visit.merge", visit)
    version = version_from_form()
    form = request.form
    code = form.get("item_code", "")
    raw_choice = form.get("choice", "")
    resolve_request = services.ResolveRequest(item_code=code, choice="", note=form.get("note", ""))
    picked = raw_choice.split("-")  # pick-<submission id>-<revision seen>
    picked_ids = [parse_id(p) for p in picked[1:]]
    if len(picked) in (2, 3) and picked[0] == "pick" and None not in picked_ids:
        resolve_request.choice, resolve_request.submission_id = "pick", picked_ids[0]
        resolve_request.source_revision = picked_ids[1] if len(picked) == 3 else None
    elif raw_choice in ("enter", "clear"):
        resolve_request.choice = raw_choice
    item = services.applicable_item(visit, code)
    if resolve_request.choice == "enter" and item is not None:
        answers, problems = checklist.answers_from_form(services.template_of(visit), visit.unit.kind, form, lang())
        resolve_request.value = answers.get(code)
        resolve_request.parse_errors = [services.field_error(p.field, p.message, p.kind, item=code)
                                        for p in problems if p.code == code]

    def invalid(exc: services.InvalidInput):
        return render_merge(load_visit(visit_id), status=422,
                            item_errors={code: exc.errors}, typed={code: form})

    return perform(visit, lambda: services.resolve_item(visit, current_user, version, resolve_request, lang()),
                   success=_("Decision saved for %(code)s.", code=code), on_invalid=invalid,
                   anchor=f"item-{code}")


@bp.route("/visits/<int:visit_id>/send-back", methods=["GET", "POST"])
@login_required
def send_back(visit_id: int):
    """Send one inspector's checklist back with a comment per item; GET shows the form."""
    visit = load_visit(visit_id)
    access.require("visit.send_back", visit)
    submission_id = parse_id(request.values.get("submission_id"))
    submission = db.session.get(Submission, submission_id) if submission_id is not None else None
    if submission is not None and (submission.visit_id != visit.id or submission.state != "submitted"):
        submission = None
    if request.method == "GET":
        return render_send_back(visit, submission)
    version = version_from_form()
    comments = [(name[len("comment-"):], request.form.get(name, ""))
                for name in request.form if name.startswith("comment-")]
    submission_id = submission.id if submission is not None else None

    def invalid(exc: services.InvalidInput):
        return render_send_back(load_visit(visit_id),
                                db.session.get(Submission, submission_id) if submission_id else None,
                                errors=exc.errors, status=422)

    name = submission.inspector.display_name if submission is not None else ""
    return perform(visit, lambda: services.send_back(visit, current_user, version, submission_id, comments),
                   success=_("The checklist of %(name)s was sent back.", name=name),
                   on_invalid=invalid, anchor="submissions")


def render_send_back(visit: Visit, submission: Optional[Submission], *, errors=None, status: int = 200):
    if is_final(visit):
        flash(_("This visit is final. Reopen it (with a reason) to change it."), "error")
        return redirect(merge_url(visit, "sign-off"))
    merge_view = views.build_merge_view(visit, lang())
    rows = []
    if submission is not None:
        answers = submission.answers or {}
        notes = submission.notes or {}
        for section, item_views in merge_view.sections:
            rows.append((section, [(v.item, format_value(v.item, answers.get(v.code), lang()),
                                    str(notes.get(v.code) or "")) for v in item_views]))
    error_map: dict[str, list[str]] = {}
    for error in errors or []:
        error_map.setdefault(error["field"], []).append(error["message"])
    return render_template("review/send_back.html", visit=visit, view=merge_view, submission=submission,
                           rows=rows, errors=error_map, typed=request.form if errors else {},
                           **template_helpers()), status


@bp.post("/visits/<int:visit_id>/approve")
@login_required
def approve(visit_id: int):
    """Mark one inspector's checklist as approved."""
    visit = load_visit(visit_id)
    access.require("visit.send_back", visit)
    version = version_from_form()
    submission_id = parse_id(request.form.get("submission_id"))

    def invalid(exc: services.InvalidInput):
        flash(" ".join(e["message"] for e in exc.errors), "error")
        return redirect(merge_url(visit, "submissions"), 303)

    return perform(visit, lambda: services.approve(visit, current_user, version, submission_id),
                   success=_("Checklist approved."), on_invalid=invalid, anchor="submissions")


@bp.post("/visits/<int:visit_id>/report")
@login_required
def save_report(visit_id: int):
    """Achievements, conclusion and the record number."""
    visit = load_visit(visit_id)
    access.require("visit.merge", visit)
    version = version_from_form()
    data = request.form.to_dict()

    def invalid(exc: services.InvalidInput):
        return render_merge(load_visit(visit_id), status=422,
                            form_errors=errors_by_form("report", exc), typed={"report": request.form})

    return perform(visit, lambda: services.update_report(visit, current_user, version, data),
                   success=_("Findings saved."), on_invalid=invalid, anchor="findings")


def finding_route(visit_id: int, kind: str):
    visit = load_visit(visit_id)
    access.require("visit.merge", visit)
    version = version_from_form()
    data = request.form.to_dict()
    key = f"{kind}-{data.get('id') or 'new'}"
    action: Callable[[], Any]
    if data.get("action") == "delete":
        action = lambda: services.delete_finding(visit, current_user, version, kind, data.get("id"))  # noqa: E731
        success = _("Deleted.")
    elif kind == "shortcoming":
        action = lambda: services.save_shortcoming(visit, current_user, version, data)  # noqa: E731
        success = _("Shortcoming saved.")
    else:
        action = lambda: services.save_recommendation(visit, current_user, version, data)  # noqa: E731
        success = _("Recommendation saved.")

    def invalid(exc: services.InvalidInput):
        return render_merge(load_visit(visit_id), status=422,
                            form_errors=errors_by_form(key, exc), typed={key: request.form})

    return perform(visit, action, success=success, on_invalid=invalid, anchor=f"{kind}s")


@bp.post("/visits/<int:visit_id>/shortcomings")
@login_required
def save_shortcoming(visit_id: int):
    """Add, edit (with id) or delete (action=delete) a shortcoming."""
    return finding_route(visit_id, "shortcoming")


@bp.post("/visits/<int:visit_id>/recommendations")
@login_required
def save_recommendation(visit_id: int):
    """Add, edit (with id) or delete (action=delete) a recommendation."""
    return finding_route(visit_id, "recommendation")


@bp.post("/visits/<int:visit_id>/finalize")
@login_required
def finalize(visit_id: int):
    """Sign the visit off, or show every reason it cannot be yet."""
    visit = load_visit(visit_id)
    access.require("visit.finalize", visit)
    version = version_from_form()

    def invalid(exc: services.InvalidInput):  # pragma: no cover - finalize has no form fields
        return render_merge(load_visit(visit_id), status=422)

    return perform(visit, lambda: services.finalize(visit, current_user, version, lang()),
                   success=_("The visit is final."), on_invalid=invalid, anchor="sign-off")


@bp.post("/visits/<int:visit_id>/reopen")
@login_required
def reopen(visit_id: int):
    """Take a final visit back to merging; a reason is required."""
    visit = load_visit(visit_id)
    access.require("visit.reopen", visit)
    version = version_from_form()
    reason = request.form.get("reason", "")

    def invalid(exc: services.InvalidInput):
        return render_merge(load_visit(visit_id), status=422,
                            form_errors=errors_by_form("reopen", exc), typed={"reopen": request.form})

    return perform(visit, lambda: services.reopen(visit, current_user, version, reason),
                   success=_("The visit was reopened."), on_invalid=invalid, anchor="sign-off")


@bp.get("/visits/<int:visit_id>/audit")
@login_required
def audit(visit_id: int):
    """Every decision on the visit, newest first, with the state before and after."""
    visit = load_visit(visit_id)
    access.require("visit.review", visit)
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.visit_id == visit.id)
                                .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())).all()
    reader = AuditReader(visit, events, lang())
    rows = [(event, audit_action_label(event.action), reader.rows(event)) for event in events]
    return render_template("review/audit.html", visit=visit, rows=rows, **template_helpers())


@bp.get("/visits/<int:visit_id>/record")
@login_required
def record(visit_id: int):
    """The inspection record (biên bản kiểm tra), printable on A4; the record itself always in Vietnamese."""
    visit = load_visit(visit_id)
    access.require("visit.record", visit)
    with force_locale("vi"):
        data = build_record(visit, "vi")
        helpers = template_helpers()
        helpers["lang"] = "vi"
        document = render_template("review/_record_document.html", visit=visit, record=data,
                                   discrepancies=self_reports.discrepancies(visit, "vi"), **helpers)
    # The page around it (menu, buttons) stays in the user's language; the record, rendered
    # (and escaped) by its own template above, takes the place of the page's marker comment.
    page = render_template("review/record.html", visit=visit, record=data, **template_helpers())
    return page.replace(RECORD_MARKER, document, 1)
