"""What the campaigns do: create, change, archive and restore campaigns, teams and visits, each
change written to the audit log (inspections.desk.records).

Functions here only add and flush; the view commits once per request. A value a user typed
that breaks a rule raises FormProblems naming the field, so the view can show it next to that
field and keep everything else the user typed. Nothing that inspection data may refer to is
deleted: it is archived (archived_at) and drops out of pickers.
"""
from __future__ import annotations

from datetime import date
from typing import Any, Optional

from flask import current_app
from flask_babel import get_locale, gettext as _
from sqlalchemy import exists, select
from sqlalchemy.orm import selectinload

from .. import access, audit
from ..core.clock import local_today as local_today  # the views and their tests read it here
from ..core.lifecycle import VisitState
from ..desk.records import (
    NONE_CHOICE,
    FormProblems,
    active_or_current,
    apply,
    archived_suffix,
    list_rows,
    save,
    set_archived,
    snapshot,
)
from ..extensions import db
from ..models import Campaign, Submission, TargetSet, Team, TeamMember, Template, Unit, User, Visit
from .deadlines import default_deadline


def deadline_for(year: int, period: str) -> date:
    """The default report deadline, with the deployment's CAMPAIGN_DEADLINES override if any."""
    return default_deadline(year, period, current_app.config.get("CAMPAIGN_DEADLINES"))


# --- campaigns -------------------------------------------------------------------------------

def _template_kinds(template_id: int) -> tuple[str, ...]:
    """The unit kinds a stored template has questions for."""
    from ..core.templates import core_template

    row = db.session.get(Template, template_id)
    return core_template(row).unit_kinds if row is not None else ()


def kind_word(kind: str) -> str:
    from ..checklist.messages import UNIT_KIND_LABELS, label

    return label(UNIT_KIND_LABELS, kind, str(get_locale() or "vi"))


def list_campaigns(user: User, show_archived: bool = False) -> list[Campaign]:
    """All campaigns for coordinators; for a lead the campaigns in which they lead a team."""
    campaigns = list_rows(Campaign, show_archived, [Campaign.year.desc(), Campaign.id.desc()],
                          [selectinload(Campaign.teams), selectinload(Campaign.template)])
    if access.can(user, "campaigns.manage"):
        return campaigns
    return [c for c in campaigns if any(access.can(user, "team.reports", t) for t in c.teams)]


def template_choices() -> list[tuple[int, str]]:
    """Every stored template version, newest first within a key (versions are immutable, never archived)."""
    rows = db.session.scalars(select(Template).order_by(Template.key, Template.version.desc()))
    return [NONE_CHOICE] + [(t.id, f"{t.title or t.key} · {t.key} v{t.version}") for t in rows]


def target_set_choices() -> list[tuple[int, str]]:
    rows = db.session.scalars(select(TargetSet).order_by(TargetSet.key, TargetSet.version.desc()))
    return [NONE_CHOICE] + [(t.id, f"{t.title or t.key} · {t.key} v{t.version}") for t in rows]


def default_choices() -> tuple[int, int]:
    """Template and target-set ids a new campaign starts with: the newest versions of the
    shipped checklist and 2021-2030 targets when stored, else the newest stored ones (0: none)."""
    from .. import checklist

    def newest(model, key: str) -> int:
        row = db.session.scalar(select(model).where(model.key == key).order_by(model.version.desc()).limit(1))
        if row is None:
            row = db.session.scalar(select(model).order_by(model.created_at.desc(), model.id.desc()).limit(1))
        return row.id if row is not None else 0

    return (newest(Template, checklist.default_template().key),
            newest(TargetSet, checklist.default_target_set().key))


def campaign_has_submissions(campaign: Campaign) -> bool:
    return bool(db.session.scalar(select(exists().where(
        Submission.visit_id == Visit.id, Visit.team_id == Team.id, Team.campaign_id == campaign.id))))


def save_campaign(values: dict[str, Any], campaign: Optional[Campaign] = None) -> Campaign:
    clean: dict[str, Any] = {key: values.get(key) for key in ("year", "period", "deadline", "start_date", "end_date",
                                                              "template_id", "target_set_id")}
    clean["name"] = values["name"].strip()
    clean["issuing_body"] = (values.get("issuing_body") or "").strip()
    clean["issuing_parent"] = (values.get("issuing_parent") or "").strip()
    clean["on_time_rule"] = values.get("on_time_rule") or "on_or_before"
    if not clean["deadline"]:
        clean["deadline"] = deadline_for(clean["year"], clean["period"])
    if db.session.get(Template, clean["template_id"]) is None:
        raise FormProblems({"template_id": _("Not a valid choice.")})
    if db.session.get(TargetSet, clean["target_set_id"]) is None:
        raise FormProblems({"target_set_id": _("Not a valid choice.")})
    if (campaign is not None and clean["template_id"] != campaign.template_id
            and campaign_has_submissions(campaign)):
        raise FormProblems({"template_id": _(
            "Checklists have already been submitted with the current template; it can no longer change.")})
    if campaign is not None and clean["template_id"] != campaign.template_id:
        kinds = _template_kinds(clean["template_id"])
        planned = set(db.session.scalars(select(Unit.kind).join(Visit, Visit.unit_id == Unit.id).join(Team).where(
            Team.campaign_id == campaign.id, Visit.archived_at.is_(None))))
        if planned - set(kinds):
            raise FormProblems({"template_id": _(
                "This checklist has no questions for some units already planned (%(kinds)s).",
                kinds=", ".join(kind_word(k) for k in sorted(planned - set(kinds))))})
    return save(campaign or Campaign(), clean, "campaign", campaign is None)


# --- teams -----------------------------------------------------------------------------------

def lead_choices(current_id: Optional[int] = None) -> list[tuple[int, str]]:
    """People who can lead a team: active users with the lead role."""
    rows = active_or_current(User, current_id, access.accounts_allowed("teams.lead"))
    rows.sort(key=lambda u: u.display_name)
    return [NONE_CHOICE] + [(u.id, _person_label(u)) for u in rows]


def _person_label(user: User) -> str:
    agency = user.agency.short_name or user.agency.name if user.agency else ""
    return user.display_name + (f" · {agency}" if agency else "") + archived_suffix(user)


def member_choices(team: Team) -> list[tuple[int, str]]:
    """Active leads and inspectors (of any agency) not yet in the team."""
    present = {m.user_id for m in team.members} | ({team.lead_id} if team.lead_id else set())
    rows = db.session.scalars(select(User).options(selectinload(User.agency)).where(
        User.is_active_account.is_(True), access.accounts_allowed("teams.join")))
    people = sorted((u for u in rows if u.id not in present),
                    key=lambda u: ((u.agency.name if u.agency else ""), u.display_name))
    return [NONE_CHOICE] + [(u.id, _person_label(u)) for u in people]


def _sync_lead(team: Team) -> None:
    """The team lead is also a member with the team role "lead"; nobody else has that role."""
    found = False
    for member in team.members:
        if member.user_id == team.lead_id:
            member.team_role = "lead"
            found = True
        elif member.team_role == "lead":
            member.team_role = "member"
    if team.lead_id and not found:
        team.members.append(TeamMember(user_id=team.lead_id, team_role="lead"))


def save_team(values: dict[str, Any], campaign: Campaign, team: Optional[Team] = None) -> Team:
    lead = db.session.get(User, values["lead_id"])
    if lead is None or not access.account_may(lead, "teams.lead"):
        raise FormProblems({"lead_id": _("Not a valid choice.")})
    clean = {"name": values["name"].strip(), "decision_number": values["decision_number"].strip(),
             "decision_date": values.get("decision_date"), "lead_id": lead.id}
    creating = team is None
    team = team or Team(campaign_id=campaign.id)
    before = None if creating else snapshot(team)
    apply(team, clean)
    if creating:
        db.session.add(team)
    _sync_lead(team)
    db.session.flush()
    after = snapshot(team)
    if before != after:
        audit.record("team.create" if creating else "team.update", team, before=before, after=after)
    return team


def _has_submitted(team: Team, user_id: int) -> bool:
    return bool(db.session.scalar(select(exists().where(
        Submission.inspector_id == user_id, Submission.visit_id == Visit.id, Visit.team_id == team.id))))


def add_member(team: Team, user_id: int, team_role: str) -> TeamMember:
    """Add someone to the team, or change their role in it."""
    user = db.session.get(User, user_id)
    if user is None or not user.is_active_account or not access.account_may(user, "teams.join"):
        raise FormProblems({"user_id": _("Not a valid choice.")})
    if user_id == team.lead_id:
        raise FormProblems({"user_id": _("This person is the team lead; change the lead in the team's details.")})
    before = snapshot(team)
    member = next((m for m in team.members if m.user_id == user_id), None)
    if member is None:
        member = TeamMember(user_id=user_id, team_role=team_role)
        team.members.append(member)
    else:
        member.team_role = team_role
    db.session.flush()
    audit.record("team.member_add", team, before=before, after=snapshot(team))
    return member


def remove_member(team: Team, member_id: int) -> None:
    """Take someone off the team, unless they lead it or have already submitted a checklist for it."""
    member = next((m for m in team.members if m.id == member_id), None)
    if member is None:
        raise FormProblems({"": _("This person is not a member of the team.")})
    if member.user_id == team.lead_id:
        raise FormProblems({"": _("The team lead cannot be removed; choose another lead first.")})
    if _has_submitted(team, member.user_id):
        raise FormProblems({"": _("%(name)s has already submitted checklists for this team and stays on it.",
                                  name=member.user.display_name)})
    before = snapshot(team)
    team.members.remove(member)
    db.session.flush()
    audit.record("team.member_remove", team, before=before, after=snapshot(team))


def team_choices(campaign: Campaign, current_id: Optional[int] = None) -> list[tuple[int, str]]:
    rows = active_or_current(Team, current_id, Team.campaign_id == campaign.id)
    return [NONE_CHOICE] + [(t.id, t.name + archived_suffix(t)) for t in sorted(rows, key=lambda t: t.id)]


def team_members(team: Team) -> list[TeamMember]:
    order = {role: i for i, role in enumerate(("lead", "deputy", "secretary", "member"))}
    return sorted(team.members, key=lambda m: (order.get(m.team_role, 9), m.user.display_name))


# --- visits ----------------------------------------------------------------------------------

def unit_choices(current_id: Optional[int] = None) -> list[tuple[int, str]]:
    """The units a visit may be of: active ones (plus the visit's own)."""
    rows = sorted(active_or_current(Unit, current_id), key=lambda u: (u.kind, u.name))
    return [NONE_CHOICE] + [(u.id, u.name + archived_suffix(u)) for u in rows]


def visit_has_submissions(visit: Visit) -> bool:
    return bool(db.session.scalar(select(exists().where(Submission.visit_id == visit.id))))


def save_visit(values: dict[str, Any], team: Team, visit: Optional[Visit] = None) -> Visit:
    """Plan a visit of a unit by a team, or change one (team and unit only before any checklist)."""
    creating = visit is None
    new_team = db.session.get(Team, values.get("team_id") or team.id)
    if new_team is None or new_team.campaign_id != team.campaign_id:
        raise FormProblems({"team_id": _("Not a valid choice.")})
    unit = db.session.get(Unit, values["unit_id"])
    if unit is None:
        raise FormProblems({"unit_id": _("Not a valid choice.")})
    if unit.kind not in _template_kinds(team.campaign.template_id):
        raise FormProblems({"unit_id": _(
            "The checklist of this campaign has no questions for a unit of this kind (%(kind)s).",
            kind=kind_word(unit.kind))})
    if visit is not None and values.get("version") not in (None, "") and str(visit.version) != str(values["version"]):
        raise FormProblems({"": _("Someone else changed this visit in the meantime. Reload the page and try again.")})
    if (visit is not None and (new_team.id != visit.team_id or unit.id != visit.unit_id)
            and visit_has_submissions(visit)):
        raise FormProblems({"unit_id" if unit.id != visit.unit_id else "team_id": _(
            "Checklists have already been submitted for this visit; its team and unit can no longer change.")})
    if visit is None or unit.id != visit.unit_id:
        if unit.archived_at is not None:
            raise FormProblems({"unit_id": _("This unit is archived.")})
        clash = db.session.scalar(
            select(Visit).join(Team).where(Team.campaign_id == team.campaign_id, Visit.unit_id == unit.id,
                                           Visit.archived_at.is_(None),
                                           Visit.id != (visit.id if visit else -1)).limit(1))
        if clash is not None:
            raise FormProblems({"unit_id": _("%(unit)s is already visited in this campaign by %(team)s.",
                                             unit=unit.name, team=clash.team.name)})
    clean = {"team_id": new_team.id, "unit_id": unit.id, "planned_date": values.get("planned_date"),
             "record_number": (values.get("record_number") or "").strip()}
    saved = save(visit or Visit(status=VisitState.PLANNED.value), clean, "visit", creating)
    return saved


def set_visit_archived(visit: Visit, archived: bool) -> None:
    if not archived and visit.archived_at is not None:
        clash = db.session.scalar(
            select(Visit.id).join(Team).where(Team.campaign_id == visit.team.campaign_id,
                                              Visit.unit_id == visit.unit_id,
                                              Visit.archived_at.is_(None), Visit.id != visit.id).limit(1))
        if clash is not None:
            raise FormProblems({"": _("Another visit of this unit is planned in the campaign; archive it first.")})
    set_archived(visit, "visit", archived)
