"""Registry pages: agencies, inspected units, users, the organisation and their Excel imports.

Coordinators look after agencies, units and the lead and inspector accounts; every other account
and role, the users import and the organisation are the admin's. The pages keep the desk's
addresses (/campaigns/agencies, /campaigns/units, /campaigns/users, ...). Views stay thin: the
rules live in services.py / imports.py, and each request commits once (inspections.desk.views).
"""
from __future__ import annotations

import io
from typing import Optional

from flask import abort, current_app, flash, make_response, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from .. import access, organisation as org
from ..access import role_required
from ..core import sessions
from ..desk.forms import KIND_LABELS, options
from ..desk.records import FormProblems
from ..desk.views import (
    DeskBlueprint,
    archive_routes,
    desk_context,
    done,
    form_values,
    render_form,
    show_archived,
    show_problems,
)
from ..extensions import db
from ..models import Agency, Unit, User
from . import imports, services
from .forms import ROLE_LABELS, AgencyForm, ConfirmImportForm, ImportForm, OrganisationForm, UnitForm, UserForm

bp = DeskBlueprint("registry", __name__, url_prefix="/campaigns", cli_group=None)

MANAGE = "campaigns.manage"
USERS = "users.manage"
FIELD_USERS = "users.manage_field"  # coordinators: lead and inspector accounts only


@bp.context_processor
def registry_labels():
    return desk_context(role_labels=ROLE_LABELS)


# --- agencies --------------------------------------------------------------------------------

@bp.get("/agencies")
@login_required
@role_required(MANAGE)
def agencies():
    return render_template("registry/agencies.html", agencies=services.list_agencies(show_archived()),
                           show_archived=show_archived())


@bp.route("/agencies/new", methods=["GET", "POST"])
@login_required
@role_required(MANAGE)
def agency_new():
    form = AgencyForm()
    if form.validate_on_submit():
        try:
            services.save_agency(form_values(form))
        except FormProblems as problems:
            show_problems(form, problems)
        else:
            return done(_("Agency saved."), url_for(".agencies"))
    return render_form(form, title=_("New agency"), back=url_for(".agencies"))


@bp.route("/agencies/<int:agency_id>/edit", methods=["GET", "POST"])
@login_required
@role_required(MANAGE)
def agency_edit(agency_id: int):
    agency = db.get_or_404(Agency, agency_id)
    form = AgencyForm(obj=agency)
    if form.validate_on_submit():
        try:
            services.save_agency(form_values(form), agency)
        except FormProblems as problems:
            show_problems(form, problems)
        else:
            return done(_("Agency saved."), url_for(".agencies"))
    return render_form(form, title=_("Edit agency"), back=url_for(".agencies"), subtitle=agency.name,
                       archive_url=url_for(".agency_restore" if agency.archived_at else ".agency_archive",
                                           agency_id=agency.id), archived=agency.archived_at is not None)


archive_routes(bp, "agency", Agency, rule="/agencies/<int:agency_id>", action=MANAGE,
               after=lambda agency, archived: url_for(".agencies"))


# --- units -----------------------------------------------------------------------------------

@bp.get("/units")
@login_required
@role_required(MANAGE)
def units():
    return render_template("registry/units.html", units=services.list_units(show_archived()),
                           show_archived=show_archived())


@bp.route("/units/new", methods=["GET", "POST"])
@login_required
@role_required(MANAGE)
def unit_new():
    form = UnitForm()
    form.parent_id.choices = options(services.parent_choices())
    if form.validate_on_submit():
        try:
            services.save_unit(form_values(form))
        except FormProblems as problems:
            show_problems(form, problems)
        else:
            return done(_("Unit saved."), url_for(".units"))
    return render_form(form, title=_("New inspected unit"), back=url_for(".units"))


@bp.route("/units/<int:unit_id>/edit", methods=["GET", "POST"])
@login_required
@role_required(MANAGE)
def unit_edit(unit_id: int):
    unit = db.get_or_404(Unit, unit_id)
    form = UnitForm(obj=unit)
    form.parent_id.choices = options(services.parent_choices(unit))
    if unit.kind not in [choice.value for choice in form.kind.choices]:
        # A district of a campaign before 2025 stays what it is; new units cannot be districts.
        form.kind.choices = list(form.kind.choices) + options([(unit.kind, KIND_LABELS.get(unit.kind, unit.kind))])
    if form.validate_on_submit():
        try:
            services.save_unit(form_values(form), unit)
        except FormProblems as problems:
            show_problems(form, problems)
        else:
            return done(_("Unit saved."), url_for(".units"))
    return render_form(form, title=_("Edit inspected unit"), back=url_for(".units"), subtitle=unit.name,
                       archive_url=url_for(".unit_restore" if unit.archived_at else ".unit_archive", unit_id=unit.id),
                       archived=unit.archived_at is not None)


archive_routes(bp, "unit", Unit, rule="/units/<int:unit_id>", action=MANAGE,
               after=lambda unit, archived: url_for(".units"))


# --- users -----------------------------------------------------------------------------------

@bp.get("/users")
@login_required
@role_required(FIELD_USERS)
def users():
    return render_template("registry/users.html", users=services.list_users(show_archived()),
                           show_archived=show_archived())


def limit_roles(form: UserForm, user: Optional[User] = None) -> None:
    """Offer only the roles the current user may give (a coordinator: lead and inspector)."""
    form.role.choices = [choice for choice in form.role.choices
                         if access.can(current_user, "role.assign", choice.value)
                         or (user is not None and choice.value == user.role)]


def require_user_edit(user: User) -> None:
    if not access.can(current_user, "user.edit", user):
        abort(403)


@bp.route("/users/new", methods=["GET", "POST"])
@login_required
@role_required(FIELD_USERS)
def user_new():
    form = UserForm(new=True)
    limit_roles(form)
    form.agency_id.choices = options(services.agency_choices())
    if form.validate_on_submit():
        try:
            services.save_user(form_values(form), actor=current_user)
        except FormProblems as problems:
            show_problems(form, problems)
        else:
            return done(_("User created."), url_for(".users"))
    return render_form(form, title=_("New user"), back=url_for(".users"))


@bp.route("/users/<int:user_id>/edit", methods=["GET", "POST"])
@login_required
@role_required(FIELD_USERS)
def user_edit(user_id: int):
    user = db.get_or_404(User, user_id)
    require_user_edit(user)
    form = UserForm(obj=user, new=False)
    limit_roles(form, user)
    form.agency_id.choices = options(services.agency_choices(user.agency_id))
    if request.method == "GET":
        form.password.data = ""
        form.unit_code.data = user.unit.code if user.unit is not None else ""
    if form.validate_on_submit():
        token = user.session_token
        try:
            services.save_user(form_values(form), user, actor=current_user)
        except FormProblems as problems:
            show_problems(form, problems)
        else:
            if user.session_token != token:
                keep_own_session(user)
            return done(_("User saved."), url_for(".users"))
    return render_form(form, title=_("Edit user"), back=url_for(".users"), subtitle=user.username,
                       archive_url=url_for(".user_archive" if user.is_active_account else ".user_restore",
                                           user_id=user.id), archived=not user.is_active_account,
                       archive_note=_("An archived user can no longer log in; their work stays."),
                       end_sessions_url=(url_for(".user_end_sessions", user_id=user.id)
                                         if user.is_active_account else None))


def keep_own_session(user: User) -> None:
    """An admin who ended their own sessions (new password, log out everywhere) stays logged in here."""
    if user.id == current_user.id:
        name = current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token")
        sessions.start(user, remember=name in request.cookies)


@bp.post("/users/<int:user_id>/sessions/end")
@login_required
@role_required(FIELD_USERS)
def user_end_sessions(user_id: int):
    """"Log out everywhere": a lost phone or a copied cookie stops working at once."""
    user = db.get_or_404(User, user_id)
    require_user_edit(user)
    services.end_user_sessions(user)
    keep_own_session(user)
    return done(_("%(name)s is logged out on every device.", name=user.display_name),
                url_for(".user_edit", user_id=user.id))


def _set_user_active(user: User, archived: bool) -> None:
    services.set_user_active(user, not archived, actor=current_user)


archive_routes(bp, "user", User, rule="/users/<int:user_id>", action=FIELD_USERS, check=require_user_edit,
               setter=_set_user_active, after=lambda user, archived: url_for(".users"))


# --- the organisation (admin only) ----------------------------------------------------------

@bp.route("/organisation", methods=["GET", "POST"])
@login_required
@role_required(USERS)
def organisation():
    """Province, managing department, the body above it and form numbers, for every form."""
    row = org.stored()
    form = OrganisationForm(obj=row)
    if form.validate_on_submit():
        try:
            org.save_settings(form_values(form), current_user)
        except ValueError as problems:
            show_problems(form, FormProblems(problems.args[0]))
        else:
            return done(_("Settings saved."), url_for(".organisation"))
    body = org.issuing_body_for(None)
    return render_form(form, title=_("Organisation"), back=url_for("campaigns.index"),
                       subtitle=_("Every form prints: %(parent)s / %(department)s",
                                  parent=body.parent, department=body.department))


# --- imports ---------------------------------------------------------------------------------

IMPORT_ACTIONS = {"units": MANAGE, "users": USERS}


def _blank(kind: str):
    data = imports.blank_workbook(kind)
    return send_file(io.BytesIO(data), as_attachment=True, download_name=f"{kind}-import.xlsx",
                     mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", max_age=0)


def _import_page(kind: str):
    """Upload (GET shows the form; POST reads the file and shows the preview)."""
    form = ImportForm()
    preview = None
    status = 200
    if form.validate_on_submit():
        try:
            preview = imports.preview(kind, form.file.data.stream, current_user)
        except imports.ImportRefused as refused:
            form.file.errors = list(form.file.errors) + [str(refused)]
            status = 400
        else:
            status = 200 if preview.clean else 400
    elif request.method == "POST":
        status = 400
    return render_template("registry/import.html", kind=kind, form=form, preview=preview,
                           columns=imports.COLUMNS[kind], confirm_form=ConfirmImportForm(),
                           max_rows=imports.MAX_ROWS[kind]), status


def _import_confirm(kind: str):
    form = ConfirmImportForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        check, result = imports.confirm(kind, form.token.data, current_user)
    except imports.ImportRefused as refused:
        db.session.rollback()
        flash(str(refused), "error")
        return redirect(url_for(f".{kind}_import"))
    if result is None:
        db.session.rollback()
        imports.discard_pending(form.token.data)
        check.token = None
        flash(_("The data changed since the preview; nothing was imported. Fix the rows below and upload again."),
              "error")
        return render_template("registry/import.html", kind=kind, form=ImportForm(), preview=check,
                               columns=imports.COLUMNS[kind], confirm_form=form, max_rows=imports.MAX_ROWS[kind]), 409
    db.session.commit()
    imports.discard_pending(form.token.data)
    response = make_response(render_template("registry/import_done.html", kind=kind, result=result))
    response.headers["Cache-Control"] = "no-store"  # initial passwords are shown once
    return response


@bp.route("/units/import", methods=["GET", "POST"])
@login_required
@role_required(MANAGE)
def units_import():
    return _import_page("units")


@bp.get("/units/import/blank.xlsx")
@login_required
@role_required(MANAGE)
def units_import_blank():
    return _blank("units")


@bp.post("/units/import/confirm")
@login_required
@role_required(MANAGE)
def units_import_confirm():
    return _import_confirm("units")


@bp.route("/users/import", methods=["GET", "POST"])
@login_required
@role_required(USERS)
def users_import():
    return _import_page("users")


@bp.get("/users/import/blank.xlsx")
@login_required
@role_required(USERS)
def users_import_blank():
    return _blank("users")


@bp.post("/users/import/confirm")
@login_required
@role_required(USERS)
def users_import_confirm():
    return _import_confirm("users")
