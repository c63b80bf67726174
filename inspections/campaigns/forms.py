"""Forms of the coordinator's desk.

Pickers (agency, parent unit, template, lead, ...) get their choices from services.py in the
view, so archived rows drop out of them; a value 0 means "none" in optional pickers.
WTForms' own messages ("This field is required.", "Not a valid date value.") are looked up
in our catalogs (WTForms ships no Vietnamese), see DeskForm.Meta.
"""
from __future__ import annotations

import re

from flask_babel import get_translations, gettext, lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import DateField, HiddenField, IntegerField, PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, Regexp, ValidationError
from wtforms.widgets import PasswordInput

from ..models import NEW_UNIT_KINDS, ON_TIME_RULES, PERIODS, ROLES, TEAM_ROLES
from ..web import SafeForm

CODE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]*$"
USERNAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]*$"
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")

# Labels users read for the stored values (the values stay English in the database).
KIND_LABELS = {"department": _l("Department level (department, board, sector)"),
               "district": _l("District level (before 2025)"),
               "commune": _l("Commune level (commune, ward, special zone)")}
ON_TIME_LABELS = {"on_or_before": _l("On or before the deadline day"),
                  "before": _l("Strictly before the deadline day")}
PERIOD_LABELS = {"mid_year": _l("Mid-year"), "annual": _l("Annual")}
ROLE_LABELS = {"admin": _l("Admin"), "coordinator": _l("Coordinator (department staff)"), "lead": _l("Lead"),
               "inspector": _l("Inspector"), "unit": _l("Inspected unit's representative")}
TEAM_ROLE_LABELS = {"lead": _l("Team lead"), "deputy": _l("Deputy lead"), "member": _l("Member"),
                    "secretary": _l("Secretary")}
STATE_LABELS = {"planned": _l("Planned"), "in_progress": _l("In progress"), "merging": _l("Merging"),
                "final": _l("Final")}


class _BabelTranslations:
    """WTForms' built-in messages through Flask-Babel (our catalogs carry them in Vietnamese)."""

    # The raw catalog calls: WTForms fills in %(min)s / %(max)s itself afterwards.
    def gettext(self, string):
        return get_translations().ugettext(string)

    def ngettext(self, singular, plural, n):
        return get_translations().ungettext(singular, plural, n)


class DeskForm(SafeForm):
    """Every desk form: WTForms' messages in our catalogs; every string field text-checked."""

    class Meta:
        def get_translations(self, form):
            return _BabelTranslations()


def options(pairs) -> list[SelectChoice]:
    """Picker options from (value, label) pairs."""
    return [SelectChoice(str(value), label) for value, label in pairs]


def required():
    return DataRequired(message=_l("This field is required."))


def optional_int(value) -> int:
    """Coerce a picker value; "" (nothing chosen) becomes 0, meaning none."""
    if value in (None, ""):
        return 0
    return int(value)


def _email(form, field):
    if field.data and not EMAIL_PATTERN.match(field.data.strip()):
        raise ValidationError(_l("Enter an e-mail address like name@example.org."))


class AgencyForm(DeskForm):
    code = StringField(_l("Code"), validators=[required(), Length(max=40),
                                              Regexp(CODE_PATTERN,
                                                     message=_l("Use letters, digits, dot, dash or underscore only."))])
    name = StringField(_l("Name"), validators=[required(), Length(max=200)])
    short_name = StringField(_l("Short name"), validators=[Optional(), Length(max=80)])


class UnitForm(DeskForm):
    code = StringField(_l("Code"), validators=[required(), Length(max=40),
                                              Regexp(CODE_PATTERN,
                                                     message=_l("Use letters, digits, dot, dash or underscore only."))])
    name = StringField(_l("Name"), validators=[required(), Length(max=200)])
    kind = SelectField(_l("Kind"), choices=[SelectChoice(k, KIND_LABELS[k]) for k in NEW_UNIT_KINDS],
                       validators=[InputRequired(message=_l("This field is required."))])
    parent_id = SelectField(_l("Parent unit"), coerce=optional_int, validate_choice=True)
    address = StringField(_l("Address"), validators=[Optional(), Length(max=300)])


class UserForm(DeskForm):
    username = StringField(_l("Username"), validators=[required(), Length(min=2, max=80),
                                                      Regexp(USERNAME_PATTERN, message=_l(
                                                          "Use letters, digits, dot, dash or underscore only."))])
    full_name = StringField(_l("Full name"), validators=[required(), Length(max=200)])
    email = StringField(_l("E-mail"), validators=[Optional(), Length(max=200), _email])
    role = SelectField(_l("Role"), choices=[SelectChoice(r, ROLE_LABELS[r]) for r in ROLES],
                       validators=[InputRequired(message=_l("This field is required."))])
    agency_id = SelectField(_l("Agency"), coerce=optional_int)
    unit_code = StringField(_l("Unit code (for an inspected unit's representative)"),
                            validators=[Optional(), Length(max=40)])
    # hide_value=False: a form sent back with an error keeps what the admin typed
    password = PasswordField(_l("Password"), validators=[Optional(), Length(min=8, max=200)],
                             widget=PasswordInput(hide_value=False))

    def __init__(self, *args, new: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.is_new = new
        if not new:
            self.password.label.text = gettext("New password (leave blank to keep the current one)")

    def validate(self, extra_validators=None):
        # Not an inline validate_password: Optional() would stop the chain before it on an empty field.
        valid = super().validate(extra_validators)
        if self.is_new and not self.password.data:
            self.password.errors = list(self.password.errors) + [gettext("This field is required.")]
            return False
        return valid


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


class OrganisationForm(DeskForm):
    province = StringField(_l("Province"), validators=[Optional(), Length(max=200)],
                           description=_l("e.g. Ninh Bình"))
    parent = StringField(_l("Body above the department"), validators=[Optional(), Length(max=300)],
                         description=_l("Printed above the department on every form; empty: UBND tỉnh <province>."))
    department = StringField(_l("Managing department"), validators=[Optional(), Length(max=300)],
                             description=_l("The department that manages gender equality; empty: Sở Nội vụ."))
    form_prefix = StringField(_l("Workbook form-number prefix"), validators=[Optional(), Length(max=40)],
                              description=_l("Form numbers read <prefix>-01, <prefix>-02 ..."))
    record_symbol = StringField(_l("Inspection record symbol"), validators=[Optional(), Length(max=40)],
                                description=_l("Written after the record number: ……/<symbol>."))


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


class ImportForm(DeskForm):
    file = FileField(_l("Excel file (.xlsx)"), render_kw={
        "accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"})

    def validate_file(self, field):
        if not field.data or not getattr(field.data, "filename", ""):
            raise ValidationError(_l("Choose a file to upload."))


class ConfirmImportForm(DeskForm):
    token = HiddenField(validators=[DataRequired()])
