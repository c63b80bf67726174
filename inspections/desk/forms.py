"""What every desk form shares.

Pickers (agency, parent unit, template, lead, ...) get their choices from the feature's
services in the view, so archived rows drop out of them; a value 0 means "none" in optional
pickers. WTForms' own messages ("This field is required.", "Not a valid date value.") are
looked up in our catalogs (WTForms ships no Vietnamese), see DeskForm.Meta.
"""
from __future__ import annotations

from flask_babel import get_translations, lazy_gettext as _l
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired

from ..web import SafeForm

CODE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]*$"

# The unit kinds as users read them (the values stay English in the database); both the
# registry (units) and the campaigns (units not yet planned) show them.
KIND_LABELS = {"department": _l("Department level (department, board, sector)"),
               "district": _l("District level (before 2025)"),
               "commune": _l("Commune level (commune, ward, special zone)")}


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
