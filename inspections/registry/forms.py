"""Forms of the registry: agencies, units, users, the organisation and the Excel imports.

Pickers (agency, parent unit) get their choices from services.py in the view, so archived rows
drop out of them; a value 0 means "none" (inspections.desk.forms).
"""
from __future__ import annotations

import re

from flask_babel import gettext, lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import HiddenField, PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional, Regexp, ValidationError
from wtforms.widgets import PasswordInput

from ..desk.forms import CODE_PATTERN, KIND_LABELS, DeskForm, optional_int, required
from ..models import NEW_UNIT_KINDS, ROLES

USERNAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]*$"
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")

# Labels users read for the stored roles (the values stay English in the database).
ROLE_LABELS = {"admin": _l("Admin"), "coordinator": _l("Coordinator (department staff)"), "lead": _l("Lead"),
               "inspector": _l("Inspector"), "unit": _l("Inspected unit's representative")}


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


class ImportForm(DeskForm):
    file = FileField(_l("Excel file (.xlsx)"), render_kw={
        "accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"})

    def validate_file(self, field):
        if not field.data or not getattr(field.data, "filename", ""):
            raise ValidationError(_l("Choose a file to upload."))


class ConfirmImportForm(DeskForm):
    token = HiddenField(validators=[DataRequired()])
