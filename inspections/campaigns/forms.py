"""Forms of the campaigns: campaigns, teams, members and visits.

Pickers (template, lead, team, unit, ...) get their choices from services.py in the view, so
archived rows drop out of them; a value 0 means "none" (inspections.desk.forms).
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField, HiddenField, IntegerField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from ..desk.forms import DeskForm, optional_int, required
from ..models import ON_TIME_RULES, PERIODS, TEAM_ROLES

# Labels users read for the stored values (the values stay English in the database).
ON_TIME_LABELS = {"on_or_before": _l("On or before the deadline day"),
                  "before": _l("Strictly before the deadline day")}
PERIOD_LABELS = {"mid_year": _l("Mid-year"), "annual": _l("Annual")}
TEAM_ROLE_LABELS = {"lead": _l("Team lead"), "deputy": _l("Deputy lead"), "member": _l("Member"),
                    "secretary": _l("Secretary")}
STATE_LABELS = {"planned": _l("Planned"), "in_progress": _l("In progress"), "merging": _l("Merging"),
                "final": _l("Final")}


class CampaignForm(DeskForm):
    name = StringField(_l("Name"), validators=[required(), Length(max=300)])
    year = IntegerField(_l("Year"), validators=[InputRequired(message=_l("This field is required.")),
                                                NumberRange(min=2000, max=2100)])
    period = SelectField(_l("Reporting period"), choices=[SelectChoice(p, PERIOD_LABELS[p]) for p in PERIODS],
                         validators=[InputRequired(message=_l("This field is required."))])
    deadline = DateField(_l("Report deadline"), validators=[Optional()],
                         description=_l("Leave empty for the usual deadline: "
                                        "10 June (mid-year) or 10 December (annual) of the year."))
    start_date = DateField(_l("Start date"), validators=[Optional()])
    end_date = DateField(_l("End date"), validators=[Optional()])
    template_id = SelectField(_l("Checklist template"), coerce=optional_int)
    target_set_id = SelectField(_l("Target set"), coerce=optional_int)
    issuing_parent = StringField(_l("Issuing body: the body above"), validators=[Optional(), Length(max=300)],
                                 description=_l("Leave empty for the organisation's setting."))
    issuing_body = StringField(_l("Issuing body: the department"), validators=[Optional(), Length(max=300)],
                               description=_l("Leave empty for the organisation's setting."))
    on_time_rule = SelectField(_l("A report is on time when sent"),
                               choices=[SelectChoice(r, ON_TIME_LABELS[r]) for r in ON_TIME_RULES],
                               default="on_or_before")

    def validate_end_date(self, field):
        if field.data and self.start_date.data and field.data < self.start_date.data:
            raise ValidationError(_l("The end date cannot be before the start date."))

    def validate_template_id(self, field):
        if not field.data:
            raise ValidationError(_l("This field is required."))

    def validate_target_set_id(self, field):
        if not field.data:
            raise ValidationError(_l("This field is required."))


class TeamForm(DeskForm):
    name = StringField(_l("Team name"), validators=[required(), Length(max=200)])
    decision_number = StringField(_l("Decision number"), validators=[required(), Length(max=80)])
    decision_date = DateField(_l("Decision date"), validators=[Optional()])
    lead_id = SelectField(_l("Team lead"), coerce=optional_int)

    def validate_lead_id(self, field):
        if not field.data:
            raise ValidationError(_l("This field is required."))


class MemberForm(DeskForm):
    user_id = SelectField(_l("Person"), coerce=optional_int)
    team_role = SelectField(_l("Role in the team"),
                            choices=[SelectChoice(r, TEAM_ROLE_LABELS[r]) for r in TEAM_ROLES if r != "lead"])

    def validate_user_id(self, field):
        if not field.data:
            raise ValidationError(_l("This field is required."))


class VisitForm(DeskForm):
    version = HiddenField()
    team_id = SelectField(_l("Team"), coerce=optional_int)
    unit_id = SelectField(_l("Inspected unit"), coerce=optional_int)
    planned_date = DateField(_l("Planned date"), validators=[Optional()])
    record_number = StringField(_l("Record number"), validators=[Optional(), Length(max=80)])

    def validate_unit_id(self, field):
        if not field.data:
            raise ValidationError(_l("This field is required."))

    def validate_team_id(self, field):
        if not field.data:
            raise ValidationError(_l("This field is required."))
