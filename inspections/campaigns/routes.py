"""Campaign pages: campaigns, teams, members, visits and the dashboard.

Coordinators and admins change things; leads may open the campaign list, the dashboard and
the page of a team they lead, read-only. Agencies, units and users are the registry's
(inspections.registry). Views stay thin: the rules live in services.py / dashboard.py, and each
request commits once (inspections.desk.views).
"""
from __future__ import annotations

from typing import Optional

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from .. import access
from ..access import require, role_required
from ..desk.forms import options
from ..desk.records import FormProblems
from ..desk.views import (
    DeskBlueprint,
    archive_routes,
    desk_context,
    done,
    flash_problems,
    form_values,
    render_form,
    show_archived,
    show_problems,
)
from ..extensions import db
from ..models import Campaign, Team, Visit
from ..web import current_language
from . import charts, dashboard as dashboard_service, services
from .forms import PERIOD_LABELS, STATE_LABELS, TEAM_ROLE_LABELS, CampaignForm, MemberForm, TeamForm, VisitForm

bp = DeskBlueprint("campaigns", __name__, url_prefix="/campaigns", cli_group=None)

MANAGE = "campaigns.manage"
VIEW = "campaigns.view"


@bp.context_processor
def campaign_labels():
    return desk_context(period_labels=PERIOD_LABELS, team_role_labels=TEAM_ROLE_LABELS, state_labels=STATE_LABELS)


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


archive_routes(bp, "campaign", Campaign, rule="/<int:campaign_id>", action=MANAGE,
               after=lambda campaign, archived: (url_for(".index") if archived
                                                 else url_for(".dashboard", campaign_id=campaign.id)))


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


archive_routes(bp, "team", Team, rule="/teams/<int:team_id>", action=MANAGE,
               after=lambda team, archived: (url_for(".dashboard", campaign_id=team.campaign_id) if archived
                                             else url_for(".team", team_id=team.id)))


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
            flash_problems(problems)
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
        flash_problems(problems)
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


archive_routes(bp, "visit", Visit, rule="/visits/<int:visit_id>", action=MANAGE, setter=services.set_visit_archived,
               after=lambda visit, archived: (url_for(".team", team_id=visit.team_id) if archived
                                              else url_for(".team", team_id=visit.team_id, archived=1)))
