"""Coordinator desk pages: campaigns, teams, visits, agencies, units, users, imports, dashboard.

Coordinators and admins change things; leads may open the campaign list, the dashboard and
the page of a team they lead, read-only; coordinators add and look after lead and inspector
accounts, every other account and role is the admin's. Views stay thin: the
rules live in services.py / imports.py / dashboard.py, and each request commits once.
"""
from __future__ import annotations

import io
from typing import Any, Callable, Optional

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _, to_user_timezone
from flask_login import current_user, login_required
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import Conflict

from .. import access
from ..access import require, role_required
from ..core import sessions
from ..extensions import db
from ..models import Agency, Campaign, Team, Unit, User, Visit
from ..web import current_language
from . import charts, dashboard as dashboard_service, imports, services
from .forms import (
    KIND_LABELS,
    PERIOD_LABELS,
    ROLE_LABELS,
    STATE_LABELS,
    TEAM_ROLE_LABELS,
    AgencyForm,
    CampaignForm,
    ConfirmImportForm,
    ImportForm,
    MemberForm,
    OrganisationForm,
    TeamForm,
    UnitForm,
    UserForm,
    VisitForm,
    options,
)
from .services import FormProblems

bp = Blueprint("campaigns", __name__, url_prefix="/campaigns", cli_group=None)

MANAGE = "campaigns.manage"
VIEW = "campaigns.view"
USERS = "users.manage"
FIELD_USERS = "users.manage_field"  # coordinators: lead and inspector accounts only


# --- helpers ---------------------------------------------------------------------------------

@bp.errorhandler(IntegrityError)
@bp.errorhandler(StaleDataError)
def conflict(error):
    """Two people saved the same code, or a visit changed under us: 409, nothing half-written."""
    db.session.rollback()
    return current_app.handle_http_exception(Conflict())


@bp.context_processor
def desk_labels():
    """Labels users read for stored values, and local time for timestamps."""

    def local_datetime(value):
        return to_user_timezone(value).strftime("%d/%m/%Y %H:%M") if value else ""

    return {"period_labels": PERIOD_LABELS, "kind_labels": KIND_LABELS, "role_labels": ROLE_LABELS,
            "team_role_labels": TEAM_ROLE_LABELS, "state_labels": STATE_LABELS, "local_datetime": local_datetime}


def show_archived() -> bool:
    return request.args.get("archived") == "1"


def form_values(form) -> dict[str, Any]:
    return {name: field.data for name, field in form._fields.items() if name != "csrf_token"}


def show_problems(form, problems: FormProblems) -> None:
    """Put each problem next to its field (or at the top when it concerns no single field)."""
    for name, message in problems.errors.items():
        if name and name in form:
            form[name].errors = list(form[name].errors) + [message]
        else:
            flash(message, "error")


def render_form(form, *, title: str, back: str, fields: Optional[list[str]] = None, **extra):
    """The one form page of the desk; 400 when a submitted form had errors (values kept)."""
    status = 400 if request.method == "POST" else 200
    fields = fields or [name for name in form._fields if name not in ("csrf_token", "version")]
    return render_template("campaigns/form.html", form=form, title=title, back=back, fields=fields, **extra), status


def done(message: str, target: str):
    db.session.commit()
    flash(message, "success")
    return redirect(target)


def switch_archived(obj: Any, kind: str, archived: bool, target: str, setter: Optional[Callable] = None):
    """Archive / restore a row (POST only; CSRF is checked by CSRFProtect)."""
    try:
        if setter is not None:
            setter(obj, archived)
        else:
            services.set_archived(obj, kind, archived)
    except FormProblems as problems:
        db.session.rollback()
        for message in problems.errors.values():
            flash(message, "error")
        return redirect(target)
    return done(_("Archived.") if archived else _("Restored."), target)


# --- campaigns -------------------------------------------------------------------------------

@bp.get("/")
@login_required
@role_required(VIEW)
def index():
    """The campaigns (a lead sees the ones they lead a team in) and the links to the registers."""
    campaigns = services.list_campaigns(current_user, show_archived())
    return render_template("campaigns/index.html", campaigns=campaigns, show_archived=show_archived(),
                           manager=access.can(current_user, MANAGE), today=services.local_today())


def _campaign_form(form: CampaignForm) -> CampaignForm:
    form.template_id.choices = options(services.template_choices())
    form.target_set_id.choices = options(services.target_set_choices())
    return form


@bp.route("/new", methods=["GET", "POST"])
@login_required
@role_required(MANAGE)
def campaign_new():
    form = _campaign_form(CampaignForm())
    if request.method == "GET":
        form.year.data = services.local_today().year
        form.period.data = "annual"
        # Offer the newest version of the shipped checklist and target set (the 2026 frame),
        # else the newest of whatever is stored (choices run newest first within a key).
        form.template_id.data, form.target_set_id.data = services.default_choices()
        form.on_time_rule.data = "on_or_before"
    if form.validate_on_submit():
        try:
            campaign = services.save_campaign(form_values(form))
        except FormProblems as problems:
            show_problems(form, problems)
        else:
            return done(_("Campaign created."), url_for(".dashboard", campaign_id=campaign.id))
    return render_form(form, title=_("New campaign"), back=url_for(".index"),
                       no_templates=len(form.template_id.choices) <= 1)


@bp.route("/<int:campaign_id>/edit", methods=["GET", "POST"])
@login_required
@role_required(MANAGE)
def campaign_edit(campaign_id: int):
    campaign = db.get_or_404(Campaign, campaign_id)
    form = _campaign_form(CampaignForm(obj=campaign))
    if form.validate_on_submit():
        try:
            services.save_campaign(form_values(form), campaign)
        except FormProblems as problems:
            show_problems(form, problems)
        else:
            return done(_("Campaign saved."), url_for(".dashboard", campaign_id=campaign.id))
    return render_form(form, title=_("Edit campaign"), back=url_for(".dashboard", campaign_id=campaign.id),
                       archive_url=url_for(".campaign_restore" if campaign.archived_at else ".campaign_archive",
                                           campaign_id=campaign.id), archived=campaign.archived_at is not None)


@bp.post("/<int:campaign_id>/archive")
@login_required
@role_required(MANAGE)
def campaign_archive(campaign_id: int):
    return switch_archived(db.get_or_404(Campaign, campaign_id), "campaign", True, url_for(".index"))


@bp.post("/<int:campaign_id>/restore")
@login_required
@role_required(MANAGE)
def campaign_restore(campaign_id: int):
    return switch_archived(db.get_or_404(Campaign, campaign_id), "campaign", False,
                           url_for(".dashboard", campaign_id=campaign_id))


@bp.get("/<int:campaign_id>")
@login_required
@role_required(VIEW)
def dashboard(campaign_id: int):
    """Progress of one campaign; leads see their own team, read-only."""
    campaign = db.get_or_404(Campaign, campaign_id)
    board = dashboard_service.build(current_user, campaign, services.local_today())
    if board is None:
        abort(404)
    pictures = charts.build(campaign, board.teams, [row.visit for row in board.visits],
                            current_language())
    return render_template("campaigns/dashboard.html", board=board, campaign=campaign, charts=pictures)


# --- teams -----------------------------------------------------------------------------------

def _team_form(form: TeamForm, team: Optional[Team] = None) -> TeamForm:
    form.lead_id.choices = options(services.lead_choices(team.lead_id if team else None))
    return form


@bp.route("/<int:campaign_id>/teams/new", methods=["GET", "POST"])
@login_required
@role_required(MANAGE)
def team_new(campaign_id: int):
    campaign = db.get_or_404(Campaign, campaign_id)
    form = _team_form(TeamForm())
    if form.validate_on_submit():
        try:
            team = services.save_team(form_values(form), campaign)
        except FormProblems as problems:
            show_problems(form, problems)
        else:
            return done(_("Team created. Add its members and visits."), url_for(".team", team_id=team.id))
    return render_form(form, title=_("New team"), back=url_for(".dashboard", campaign_id=campaign.id),
                       subtitle=campaign.name)


@bp.get("/teams/<int:team_id>")
@login_required
@role_required(VIEW)
def team(team_id: int):
    """A team's members and visits; its lead sees it read-only."""
    team = db.get_or_404(Team, team_id)
    require("team.reports", team)
    manager = access.can(current_user, MANAGE)
    member_form = None
    if manager:
        member_form = MemberForm()
        member_form.user_id.choices = options(services.member_choices(team))
    visits = [v for v in team.visits if show_archived() or v.archived_at is None]
    return render_template("campaigns/team.html", team=team, members=services.team_members(team), visits=visits,
                           manager=manager, member_form=member_form, show_archived=show_archived(),
                           has_archived=any(v.archived_at for v in team.visits))


@bp.route("/teams/<int:team_id>/edit", methods=["GET", "POST"])
@login_required
@role_required(MANAGE)
def team_edit(team_id: int):
    team = db.get_or_404(Team, team_id)
    form = _team_form(TeamForm(obj=team), team)
    if form.validate_on_submit():
        try:
            services.save_team(form_values(form), team.campaign, team)
        except FormProblems as problems:
            show_problems(form, problems)
        else:
            return done(_("Team saved."), url_for(".team", team_id=team.id))
    return render_form(form, title=_("Edit team"), back=url_for(".team", team_id=team.id), subtitle=team.name,
                       archive_url=url_for(".team_restore" if team.archived_at else ".team_archive", team_id=team.id),
                       archived=team.archived_at is not None)


@bp.post("/teams/<int:team_id>/archive")
@login_required
@role_required(MANAGE)
def team_archive(team_id: int):
    team = db.get_or_404(Team, team_id)
    return switch_archived(team, "team", True, url_for(".dashboard", campaign_id=team.campaign_id))


@bp.post("/teams/<int:team_id>/restore")
@login_required
@role_required(MANAGE)
def team_restore(team_id: int):
    team = db.get_or_404(Team, team_id)
    return switch_archived(team, "team", False, url_for(".team", team_id=team.id))


@bp.post("/teams/<int:team_id>/members")
@login_required
@role_required(MANAGE)
def team_member_add(team_id: int):
    """Add a person to the team (or change their role in it)."""
    team = db.get_or_404(Team, team_id)
    form = MemberForm()
    form.user_id.choices = options(services.member_choices(team) + [
        (m.user_id, m.user.display_name) for m in team.members if m.user_id != team.lead_id])
    if form.validate_on_submit():
        already = any(m.user_id == form.user_id.data for m in team.members)
        try:
            member = services.add_member(team, form.user_id.data, form.team_role.data)
        except FormProblems as problems:
            db.session.rollback()
            for message in problems.errors.values():
                flash(message, "error")
        else:
            role = str(TEAM_ROLE_LABELS.get(member.team_role, member.team_role)).lower()
            if already:
                message = _("The role of %(name)s in the team is now: %(role)s.", name=member.user.display_name,
                            role=role)
            else:
                message = _("%(name)s was added to the team (%(role)s).", name=member.user.display_name, role=role)
            return done(message, url_for(".team", team_id=team.id))
    else:
        for field in form:
            for error in field.errors:
                flash(f"{field.label.text}: {error}", "error")
    return redirect(url_for(".team", team_id=team.id))


@bp.post("/teams/<int:team_id>/members/<int:member_id>/remove")
@login_required
@role_required(MANAGE)
def team_member_remove(team_id: int, member_id: int):
    team = db.get_or_404(Team, team_id)
    try:
        services.remove_member(team, member_id)
    except FormProblems as problems:
        db.session.rollback()
        for message in problems.errors.values():
            flash(message, "error")
        return redirect(url_for(".team", team_id=team.id))
    return done(_("Removed from the team."), url_for(".team", team_id=team.id))


# --- visits ----------------------------------------------------------------------------------

def _visit_form(form: VisitForm, team: Team, visit: Optional[Visit] = None) -> VisitForm:
    form.team_id.choices = options(services.team_choices(team.campaign, team.id))
    form.unit_id.choices = options(services.unit_choices(visit.unit_id if visit else None))
    return form


@bp.route("/teams/<int:team_id>/visits/new", methods=["GET", "POST"])
@login_required
@role_required(MANAGE)
def visit_new(team_id: int):
    team = db.get_or_404(Team, team_id)
    form = _visit_form(VisitForm(), team)
    if request.method == "GET":
        form.team_id.data = team.id
    if form.validate_on_submit():
        try:
            services.save_visit(form_values(form), team)
        except FormProblems as problems:
            show_problems(form, problems)
        else:
            return done(_("Visit planned."), url_for(".team", team_id=team.id))
    return render_form(form, title=_("Plan a visit"), back=url_for(".team", team_id=team.id), subtitle=team.name,
                       fields=["team_id", "unit_id", "planned_date", "record_number"])


@bp.route("/visits/<int:visit_id>/edit", methods=["GET", "POST"])
@login_required
@role_required(MANAGE)
def visit_edit(visit_id: int):
    visit = db.get_or_404(Visit, visit_id)
    form = _visit_form(VisitForm(obj=visit), visit.team, visit)
    if form.validate_on_submit():
        try:
            services.save_visit(form_values(form), visit.team, visit)
        except FormProblems as problems:
            show_problems(form, problems)
        else:
            return done(_("Visit saved."), url_for(".team", team_id=visit.team_id))
    return render_form(form, title=_("Edit visit"), back=url_for(".team", team_id=visit.team_id),
                       subtitle=f"{visit.unit.name} · {visit.team.name}",
                       fields=["team_id", "unit_id", "planned_date", "record_number"],
                       archive_url=url_for(".visit_restore" if visit.archived_at else ".visit_archive",
                                           visit_id=visit.id),
                       archived=visit.archived_at is not None)


@bp.post("/visits/<int:visit_id>/archive")
@login_required
@role_required(MANAGE)
def visit_archive(visit_id: int):
    visit = db.get_or_404(Visit, visit_id)
    return switch_archived(visit, "visit", True, url_for(".team", team_id=visit.team_id),
                           setter=services.set_visit_archived)


@bp.post("/visits/<int:visit_id>/restore")
@login_required
@role_required(MANAGE)
def visit_restore(visit_id: int):
    visit = db.get_or_404(Visit, visit_id)
    return switch_archived(visit, "visit", False, url_for(".team", team_id=visit.team_id, archived=1),
                           setter=services.set_visit_archived)


# --- agencies --------------------------------------------------------------------------------

@bp.get("/agencies")
@login_required
@role_required(MANAGE)
def agencies():
    return render_template("campaigns/agencies.html", agencies=services.list_agencies(show_archived()),
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


@bp.post("/agencies/<int:agency_id>/archive")
@login_required
@role_required(MANAGE)
def agency_archive(agency_id: int):
    return switch_archived(db.get_or_404(Agency, agency_id), "agency", True, url_for(".agencies"))


@bp.post("/agencies/<int:agency_id>/restore")
@login_required
@role_required(MANAGE)
def agency_restore(agency_id: int):
    return switch_archived(db.get_or_404(Agency, agency_id), "agency", False, url_for(".agencies"))


# --- units -----------------------------------------------------------------------------------

@bp.get("/units")
@login_required
@role_required(MANAGE)
def units():
    return render_template("campaigns/units.html", units=services.list_units(show_archived()),
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


@bp.post("/units/<int:unit_id>/archive")
@login_required
@role_required(MANAGE)
def unit_archive(unit_id: int):
    return switch_archived(db.get_or_404(Unit, unit_id), "unit", True, url_for(".units"))


@bp.post("/units/<int:unit_id>/restore")
@login_required
@role_required(MANAGE)
def unit_restore(unit_id: int):
    return switch_archived(db.get_or_404(Unit, unit_id), "unit", False, url_for(".units"))


# --- users (admin only) ----------------------------------------------------------------------

@bp.get("/users")
@login_required
@role_required(FIELD_USERS)
def users():
    return render_template("campaigns/users.html", users=services.list_users(show_archived()),
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


@bp.post("/users/<int:user_id>/archive")
@login_required
@role_required(FIELD_USERS)
def user_archive(user_id: int):
    user = db.get_or_404(User, user_id)
    require_user_edit(user)
    return switch_archived(user, "user", True, url_for(".users"), setter=_set_user_active)


@bp.post("/users/<int:user_id>/restore")
@login_required
@role_required(FIELD_USERS)
def user_restore(user_id: int):
    user = db.get_or_404(User, user_id)
    require_user_edit(user)
    return switch_archived(user, "user", False, url_for(".users"), setter=_set_user_active)


# --- the organisation (admin only) ----------------------------------------------------------

@bp.route("/organisation", methods=["GET", "POST"])
@login_required
@role_required(USERS)
def organisation():
    """Province, managing department, the body above it and form numbers, for every form."""
    from .. import organisation as org

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
    return render_form(form, title=_("Organisation"), back=url_for(".index"),
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
    return render_template("campaigns/import.html", kind=kind, form=form, preview=preview,
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
        return render_template("campaigns/import.html", kind=kind, form=ImportForm(), preview=check,
                               columns=imports.COLUMNS[kind], confirm_form=form, max_rows=imports.MAX_ROWS[kind]), 409
    db.session.commit()
    imports.discard_pending(form.token.data)
    response = make_response(render_template("campaigns/import_done.html", kind=kind, result=result))
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
