"""The checklist form's contract with the page, its script and the offline feature.

The form is built from the template, not from WTForms classes: one field per item, named
like the JSON answers (see inspections.checklist.form_input):

- ``<code>``                ynp (yes|partial|no|na), int, money, date, text
- ``<code>.male`` / ``<code>.female``   the two counts of an mf item
- ``<code>`` (repeated)     hidden inputs holding the attachment uuids of a file item
- ``upload.<code>``         files sent with the form (no-JavaScript path)
- ``remove.<code>``         attachment uuids to drop from a file item
- ``note.<code>``           the inspector's note on an item (Submission.notes)
- ``action``                draft | submit;  ``base_revision`` the revision the page showed
"""
from __future__ import annotations

from typing import Any, Optional

from flask_babel import gettext as _

from ..checklist import MF_PART_LABELS, UNIT_KIND_LABELS, YNP_LABELS
from ..checklist.messages import label
from ..core.ids import parse_id


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
