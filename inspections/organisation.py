"""The organisation that runs the inspections: a setting, not strings in the code.

Since 2025 a province's gender-equality work is managed by the Sở Nội vụ (it took over from
the Sở LĐTB&XH), but which department it is, the body above it and the form numbers are the
province's to say. The values come, field by field, from

1. the campaign (``Campaign.issuing_body`` = the department, ``Campaign.issuing_parent``),
   for a campaign that needs another issuing body (and so old campaigns keep theirs);
2. the admin's settings page (the one ``OrganisationSetting`` row, or ``flask
   set-organisation``);
3. the environment of the install (``ORG_PROVINCE``, ``ORG_DEPARTMENT``, ``ORG_PARENT``,
   ``ORG_FORM_PREFIX``, ``ORG_RECORD_SYMBOL``; the department defaults to "Sở Nội vụ").

Every form — workbooks, the printed record, Word documents — calls :func:`issuing_body_for`
and prints the two-line issuing body of Decree 30/2020/NĐ-CP: the parent above, the
department in bold below.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional

from flask import current_app
from flask_babel import gettext as _

from . import audit
from .extensions import db
from .models import Campaign, OrganisationSetting, User, utcnow

SETTING_ID = 1
FIELDS = ("province", "department", "parent", "form_prefix", "record_symbol")
LIMITS = {"province": 200, "department": 300, "parent": 300, "form_prefix": 40, "record_symbol": 40}
BLANK = "……"


@dataclass(frozen=True)
class Organisation:
    """The organisation's settings with every default filled in."""

    province: str
    department: str
    parent: str
    form_prefix: str
    record_symbol: str


@dataclass(frozen=True)
class IssuingBody:
    """What the top-left corner of a form says (Decree 30/2020: two lines, in capitals).

    ``parent`` goes above in regular weight, ``department`` below in bold with a short rule
    under it. ``form_prefix`` starts every workbook's form number (see :meth:`form_number`);
    ``record_symbol`` follows the number of an inspection record (``……/BB-ĐKTLN``).
    """

    parent: str
    department: str
    province: str
    form_prefix: str
    record_symbol: str

    @property
    def lines(self) -> tuple[str, str]:
        return self.parent, self.department

    def form_number(self, number: str) -> str:
        """``KTBĐG-01``: the form prefix, then the sheet's own number."""
        return f"{self.form_prefix}-{number}" if self.form_prefix else number

    def blank_record_number(self) -> str:
        return f"……/{self.record_symbol}" if self.record_symbol else "……"


def default_parent(province: str) -> str:
    """The body above a provincial department: the province's People's Committee."""
    return f"UBND tỉnh {province}" if province else f"UBND tỉnh {BLANK}"


def _environment() -> dict[str, str]:
    config = current_app.config
    return {"province": config.get("ORG_PROVINCE", "") or "",
            "department": config.get("ORG_DEPARTMENT", "") or "Sở Nội vụ",
            "parent": config.get("ORG_PARENT", "") or "",
            "form_prefix": config.get("ORG_FORM_PREFIX", "") or "",
            "record_symbol": config.get("ORG_RECORD_SYMBOL", "") or ""}


def stored() -> Optional[OrganisationSetting]:
    return db.session.get(OrganisationSetting, SETTING_ID)


def settings() -> Organisation:
    """The settings as they apply now: the admin's values over the install's defaults."""
    values = _environment()
    row = stored()
    if row is not None:
        for name in FIELDS:
            if (getattr(row, name) or "").strip():
                values[name] = getattr(row, name).strip()
    if not values["parent"]:
        values["parent"] = default_parent(values["province"])
    return Organisation(**values)


def issuing_body_for(campaign: Optional[Campaign] = None) -> IssuingBody:
    """The issuing body printed on every form of ``campaign`` (or of the install, for None).

    The campaign's own department / parent win when set; the lines come back in capitals, as
    Decree 30/2020 writes them ("UBND TỈNH ..." above, "SỞ NỘI VỤ" below).
    """
    org = settings()
    department = ((campaign.issuing_body if campaign is not None else "") or "").strip() or org.department
    parent = ((getattr(campaign, "issuing_parent", "") if campaign is not None else "") or "").strip() or org.parent
    return IssuingBody(parent=upper(parent), department=upper(department), province=org.province,
                       form_prefix=org.form_prefix, record_symbol=org.record_symbol)


def upper(text: str) -> str:
    """Capitals, keeping the abbreviation "UBND" and Vietnamese letters right."""
    return text.upper()


def save_settings(values: dict[str, Any], user: Optional[User] = None) -> OrganisationSetting:
    """Store the admin's settings (flushes, audits; the caller commits).

    Raises ValueError({field: message}) for a value that is too long; nothing is stored then.
    """
    clean: dict[str, str] = {}
    errors: dict[str, str] = {}
    for name in FIELDS:
        raw = values.get(name)
        text = raw.strip() if isinstance(raw, str) else ""
        if len(text) > LIMITS[name]:
            errors[name] = _("At most %(count)d characters.", count=LIMITS[name])
        clean[name] = text
    if errors:
        raise ValueError(errors)
    row = stored()
    before = None if row is None else {name: getattr(row, name) for name in FIELDS}
    if row is None:
        row = OrganisationSetting(id=SETTING_ID)
        db.session.add(row)
    for name, value in clean.items():
        setattr(row, name, value)
    row.updated_by_id = user.id if user is not None else None
    row.updated_at = utcnow()
    db.session.flush()
    after = {name: getattr(row, name) for name in FIELDS}
    if before != after:
        audit.record("organisation.update", row, before=before, after=after, actor=user)
    return row
