"""The checklist form (the inspectors' checklist and the unit's own report): its contract with
the page, its script and the offline feature, reading it back and what it shows.

The form is built from the template, not from WTForms classes: one field per item, named
like the JSON answers (see inspections.checklist.form_input):

- ``<code>``                ynp (yes|partial|no|na), int, money, date, text
- ``<code>.male`` / ``<code>.female``   the two counts of an mf item
- ``<code>`` (repeated)     hidden inputs holding the attachment uuids of a file item
- ``upload.<code>``         files sent with the form (no-JavaScript path)
- ``remove.<code>``         attachment uuids to drop from a file item
- ``note.<code>``           the note on an item (Submission.notes, SelfReport.notes)
- ``action``                draft | submit;  ``base_revision`` the revision the page showed

Both forms (fieldwork and unit) read the posted fields and show the items with these; each
feature stores what it read its own way. Nothing here writes.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping, Optional

from flask_babel import format_datetime, format_decimal, gettext as _

from .attachments import attachments_by_uuid, normalize_uuid
from .checklist import MF_PART_LABELS, UNIT_KIND_LABELS, YNP_LABELS, AnswerError
from .checklist.form_input import parse_whole_number
from .checklist.messages import label
from .checklist.validation import parse_date
from .core.ids import parse_id
from .core.text import text_error
from .models import Attachment

MAX_NOTE_LENGTH = 2000
NOTE_PREFIX = "note."
UPLOAD_PREFIX = "upload."
REMOVE_PREFIX = "remove."


def int_or_none(value: Any) -> Optional[int]:
    """An id or revision from the form or query string (bounded, digits 0-9; 0 is the revision
    of a page that showed no saved checklist), else None."""
    if isinstance(value, str) and value.strip() == "0":
        return 0
    return parse_id(value)


def labels(lang: str) -> dict[str, dict[str, str]]:
    """Words the fieldwork pages show for stored values, in the user's language."""
    return {
        "ynp": {value: label(YNP_LABELS, value, lang) for value in YNP_LABELS},
        "mf": {part: label(MF_PART_LABELS, part, lang) for part in MF_PART_LABELS},
        "unit_kind": {kind: label(UNIT_KIND_LABELS, kind, lang) for kind in UNIT_KIND_LABELS},
        "visit": {
            "planned": _("Planned"),
            "in_progress": _("In progress"),
            "merging": _("Merging"),
            "final": _("Final"),
        },
        "submission": {
            "none": _("Not started"),
            "draft": _("Draft"),
            "submitted": _("Submitted"),
        },
        "review": {
            "received": _("Received by the lead"),
            "has_issues": _("Sent back for changes"),
            "approved": _("Approved"),
        },
    }


# --- what the form shows ----------------------------------------------------------------------

def field_id(name: str) -> str:
    """The HTML id of a form field: C1.male -> f-C1-male (ids without dots are easy to select)."""
    return "f-" + name.replace(".", "-")


def values_from_answers(template, unit_kind: str, answers: Mapping[str, Any],
                        notes: Mapping[str, Any]) -> dict[str, Any]:
    """Form values (field name -> text, or a list of uuids for file items) from stored answers."""
    values: dict[str, Any] = {}
    for item in template.items_for(unit_kind):
        value = answers.get(item.code)
        if item.type == "file":
            values[item.code] = [str(v) for v in value] if isinstance(value, list) else []
        elif item.type == "mf":
            value = value if isinstance(value, Mapping) else {}
            for part in ("male", "female"):
                part_value = value.get(part)
                values[f"{item.code}.{part}"] = "" if part_value is None else str(part_value)
        else:
            values[item.code] = "" if value is None else str(value)
        note = notes.get(item.code) if isinstance(notes, Mapping) else None
        values[NOTE_PREFIX + item.code] = "" if note is None else str(note)
    return values


def values_from_form(template, unit_kind: str, form, file_values: Mapping[str, list[str]]) -> dict[str, Any]:
    """The posted values exactly as typed (for re-showing the form after an error)."""
    values: dict[str, Any] = {}
    for item in template.items_for(unit_kind):
        if item.type == "file":
            values[item.code] = list(file_values.get(item.code, []))
        else:
            for name in item.fields:
                values[name] = form.get(name, "")
        values[NOTE_PREFIX + item.code] = form.get(NOTE_PREFIX + item.code, "")
    return values


def is_filled(item, values: Mapping[str, Any]) -> bool:
    if item.type == "file":
        return bool(values.get(item.code))
    return all(str(values.get(name) or "").strip() for name in item.fields)


def mf_summary(item, values: Mapping[str, Any]) -> Optional[dict[str, Any]]:
    """Total and women's share of an mf item when both numbers can be read."""
    try:
        male = parse_whole_number(str(values.get(f"{item.code}.male") or ""))
        female = parse_whole_number(str(values.get(f"{item.code}.female") or ""))
    except ValueError:
        return None
    total = male + female
    share = None if total <= 0 else female * 100 / total
    return {"total": total, "share": share}


def is_iso_date(text: Any) -> bool:
    return parse_date(text) is not None


def format_count(value: Optional[int]) -> str:
    return "–" if value is None else format_decimal(value)


def format_share(share: Optional[float]) -> str:
    """A women's share as the page shows it: 40 %, 33,3 % (one decimal at most)."""
    return "–" if share is None else format_decimal(round(share, 1), format="#,##0.#") + "%"


def format_time(value) -> str:
    return "" if value is None else format_datetime(value, "dd/MM/yyyy HH:mm")


@dataclass
class SectionView:
    section: Any
    items: list
    answered: int
    applicable: int
    has_error: bool
    has_comment: bool
    open: bool = False


def section_views(template, unit_kind: str, values: Mapping[str, Any],
                  error_codes: set[str], comment_codes: set[str]) -> list[SectionView]:
    """Sections with their progress; those needing attention are open (else the first
    unfinished one), the rest folded."""
    out = []
    for section, items in template.sections_for(unit_kind):
        answered = sum(1 for item in items if is_filled(item, values))
        codes = {item.code for item in items}
        out.append(SectionView(section, items, answered, len(items), bool(codes & error_codes),
                               bool(codes & comment_codes)))
    attention = [view for view in out if view.has_error or view.has_comment]
    for view in attention:
        view.open = True
    if not attention:
        for view in out:
            if view.answered < view.applicable:
                view.open = True
                break
    return out


def attachments_for_values(values: Mapping[str, Any], template, unit_kind: str) -> dict[str, Attachment]:
    uuids: list[str] = []
    for item in template.items_for(unit_kind):
        if item.type == "file":
            uuids.extend(values.get(item.code) or [])
    return attachments_by_uuid(uuids)


def display_helpers() -> dict:
    """The helpers the checklist form's templates (fieldwork/_item.html) call."""
    return {"field_id": field_id, "mf_summary": mf_summary, "format_count": format_count,
            "format_share": format_share, "format_time": format_time, "is_iso_date": is_iso_date}


# --- reading the posted form ------------------------------------------------------------------

def file_values(template, unit_kind: str, form) -> dict[str, list[str]]:
    """Attachment uuids per file item, in order, without duplicates or the ones marked removed."""
    out: dict[str, list[str]] = {}
    for item in template.items_for(unit_kind):
        if item.type != "file":
            continue
        removed = {normalize_uuid(v) or v for v in form.getlist(REMOVE_PREFIX + item.code)}
        seen: list[str] = []
        for raw in form.getlist(item.code):
            for part in str(raw).split(","):
                part = part.strip()
                if not part:
                    continue
                value = normalize_uuid(part) or part
                if value not in seen and value not in removed:
                    seen.append(value)
        out[item.code] = seen
    return out


def text_errors(template, typed: Mapping[str, Any], lang: str) -> list[AnswerError]:
    """The one text check on every typed answer (a NUL, a control character): the item is then
    left out of a draft and a submission is refused, as for any answer that cannot be read."""
    errors = []
    for name, value in typed.items():
        code = name.split(".", 1)[0]
        refused = text_error(value, f"{code} ({template.item(code).label(lang)})")
        if refused:
            errors.append(AnswerError(code, name, refused, "text"))
    return errors
