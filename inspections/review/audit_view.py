"""The visit's audit trail as a person reads it: labels and values in the user's language.

Audit events keep their before/after as plain JSON (ids, codes, ISO times, file uuids) so that
nothing is lost; this module turns one event into rows of (label, before, after) text:
field names become words, states and kinds become their labels, people and checklists become
names, evidence files become file names, item values are written as on the merge page, and
internal bookkeeping (ids, positions, the visit version) is left out. It only reads.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Iterable, Optional

from flask_babel import gettext as _, lazy_gettext as _l
from sqlalchemy import select

from ..checklist.validation import is_answered, parse_date
from ..core.answers import format_value, number
from ..core.remedies import REPORT_STATE_LABELS
from ..core.templates import core_template
from ..extensions import db
from ..models import Attachment, AuditEvent, Recommendation, Submission, User
from . import view as views

# Keys that are bookkeeping, not something a person decided.
HIDDEN = frozenset({"id", "position", "version"})

FIELD_LABELS = {
    "item_code": _l("Item"),
    "state": _l("Merge state"),
    "value": _l("Value"),
    "source": _l("Decision"),
    "source_submission_id": _l("Answer of"),
    "source_revision": _l("Revision used"),
    "note": _l("Note"),
    "resolved_by_id": _l("Decided by"),
    "resolved_at": _l("Decided at"),
    "review_state": _l("Review"),
    "revision": _l("Revision"),
    "inspector_id": _l("Inspector"),
    "comments": _l("Comments"),
    "achievements": _l("Achievements"),
    "conclusion": _l("Conclusion"),
    "record_number": _l("Record number"),
    "section": _l("Section"),
    "text": _l("Text"),
    "cause_kind": _l("Kind of cause"),
    "cause": _l("Cause"),
    "responsible": _l("Who must act"),
    "remedy_deadline": _l("Remedy deadline"),
    "remedy_status": _l("Remedy status"),
    "status": _l("Visit status"),
    "finalized_at": _l("Finalized at"),
    "finalized_by_id": _l("Finalized by"),
    "values": _l("Final values"),
    "agreed_values": _l("Agreed values"),
    # remedy reports (inspections/remedies)
    "recommendation_id": _l("Recommendation"),
    "remedy_text": _l("What was done"),
    "done_on": _l("Done on"),
    "remedy_state": _l("Remedy report"),
    "late": _l("Sent after the deadline"),
    "review_comment": _l("Review comment"),
    "evidence": _l("Evidence"),
}


@dataclass
class AuditRow:
    label: str
    before: str
    after: str

    @property
    def changed(self) -> bool:
        return self.before != self.after


class AuditReader:
    """Formats the events of one visit; looks names and file names up once for all events."""

    def __init__(self, visit, events: Iterable[AuditEvent], lang: str):
        self.visit = visit
        self.lang = lang
        self.template = core_template(visit.team.campaign.template)
        self.section_titles = {s.code: s.title(lang) for s in self.template.sections}
        events = list(events)
        user_ids: set[int] = set()
        submission_ids: set[int] = set()
        uuids: set[str] = set()
        rec_ids: set[int] = set()
        for event in events:
            for data in (event.before, event.after):
                if isinstance(data, dict):
                    self._collect(data, user_ids, submission_ids, uuids)
                    if isinstance(data.get("recommendation_id"), int):
                        rec_ids.add(data["recommendation_id"])
        self.recommendations = {r.id: r.text for r in db.session.scalars(
            select(Recommendation).where(Recommendation.id.in_(rec_ids)))} if rec_ids else {}
        self.users = {u.id: u.display_name for u in db.session.scalars(
            select(User).where(User.id.in_(user_ids)))} if user_ids else {}
        self.submissions = {s.id: s.inspector.display_name for s in db.session.scalars(
            select(Submission).where(Submission.id.in_(submission_ids)))} if submission_ids else {}
        self.files = {a.uuid: a.filename for a in db.session.scalars(
            select(Attachment).where(Attachment.uuid.in_(uuids)))} if uuids else {}

    def _collect(self, data: dict, users: set, submissions: set, uuids: set) -> None:
        for key in ("resolved_by_id", "inspector_id", "finalized_by_id"):
            if isinstance(data.get(key), int):
                users.add(data[key])
        if isinstance(data.get("source_submission_id"), int):
            submissions.add(data["source_submission_id"])
        values = [data.get("value"), data.get("evidence")]
        for key in ("values", "agreed_values"):
            if isinstance(data.get(key), dict):
                values.extend(data[key].values())
        for value in values:
            if isinstance(value, list):
                uuids.update(v for v in value if isinstance(v, str))

    # --- values --------------------------------------------------------------------------

    def item_value(self, code: Optional[str], value: Any) -> str:
        if not is_answered(value):
            return "—"
        if code and self.template.has_item(code):
            item = self.template.item(code)
            if item.type == "file" and isinstance(value, list):
                return ", ".join(self.files.get(v) or _("a file no longer stored") for v in value)
            return format_value(item, value, self.lang)
        return self.plain(value)

    def item_name(self, code: Any) -> str:
        if isinstance(code, str) and self.template.has_item(code):
            return f"{code} {self.template.item(code).label(self.lang)}"
        return str(code or "—")

    def plain(self, value: Any) -> str:
        if value is None or value == "":
            return "—"
        if isinstance(value, bool):
            return _("yes") if value else _("no")
        if isinstance(value, (int, float)):
            return number(value, self.lang)
        if isinstance(value, list):
            return "; ".join(self.plain(v) for v in value)
        if isinstance(value, dict):
            return "; ".join(f"{k}: {self.plain(v)}" for k, v in value.items())
        return str(value)

    def moment(self, value: Any) -> str:
        if isinstance(value, str):
            try:
                parsed = datetime.fromisoformat(value)
            except ValueError:
                return value
            return views.when(parsed)
        return views.when(value) if isinstance(value, datetime) else self.plain(value)

    def day(self, value: Any) -> str:
        parsed = parse_date(value) if isinstance(value, str) else value
        return parsed.strftime("%d/%m/%Y") if isinstance(parsed, date) else self.plain(value)

    def labelled(self, labels: dict, value: Any) -> str:
        if value in (None, ""):
            return "—"
        return str(labels.get(value, value))

    def show(self, key: str, value: Any, data: dict) -> str:
        """One field's value as text; `data` is the dict it came from (for the item code)."""
        if value is None:
            return "—"
        if key == "item_code":
            return self.item_name(value)
        if key == "value":
            return self.item_value(data.get("item_code"), value)
        if key == "state":
            return self.labelled(views.STATE_LABELS, value)
        if key == "source":
            return self.labelled(views.RESOLUTION_SOURCE_LABELS, value)
        if key == "source_submission_id":
            return self.submissions.get(value, "—")
        if key in ("resolved_by_id", "inspector_id", "finalized_by_id"):
            return self.users.get(value, "—")
        if key in ("resolved_at", "finalized_at"):
            return self.moment(value)
        if key in ("remedy_deadline", "done_on"):
            return self.day(value)
        if key == "remedy_state":
            return self.labelled(REPORT_STATE_LABELS, value)
        if key == "recommendation_id":
            return self.recommendations.get(value, "—")
        if key == "evidence" and isinstance(value, list):
            return ", ".join(self.files.get(v) or _("a file no longer stored") for v in value) or "—"
        if key == "review_state":
            return self.labelled(views.REVIEW_STATE_LABELS, value)
        if key == "status":
            return self.labelled(views.VISIT_STATUS_LABELS, value)
        if key == "cause_kind":
            return self.labelled(views.CAUSE_KIND_LABELS, value)
        if key == "remedy_status":
            return self.labelled(views.REMEDY_STATUS_LABELS, value)
        if key == "section":
            return f"{value}. {self.section_titles[value]}" if value in self.section_titles else self.plain(value)
        if key == "comments" and isinstance(value, list):
            return "\n".join(
                f"{c.get('item_code') or _('Whole checklist')}: {c.get('comment', '')}"
                for c in value if isinstance(c, dict))
        return self.plain(value)

    # --- events --------------------------------------------------------------------------

    def rows(self, event: AuditEvent) -> list[AuditRow]:
        """(label, before, after) rows for one event: changed fields, plus the item concerned."""
        before, after = event.before, event.after
        if not isinstance(before, dict) and not isinstance(after, dict):
            return [AuditRow("", self.plain(before), self.plain(after))]
        before = before if isinstance(before, dict) else {}
        after = after if isinstance(after, dict) else {}
        out: list[AuditRow] = []
        for key in dict.fromkeys(list(before) + list(after)):
            if key in HIDDEN:
                continue
            if key in ("values", "agreed_values"):
                out.extend(self.value_rows(before.get(key), after.get(key)))
                continue
            label = str(FIELD_LABELS.get(key, key))
            row = AuditRow(label,
                           self.show(key, before.get(key), before) if key in before else "—",
                           self.show(key, after.get(key), after) if key in after else "—")
            if key == "item_code" or row.changed:
                out.append(row)
        return out

    def value_rows(self, before: Any, after: Any) -> list[AuditRow]:
        """Item values recorded by finalize/reopen, one row per item, in template order."""
        before = before if isinstance(before, dict) else {}
        after = after if isinstance(after, dict) else {}
        codes = [item.code for item in self.template.items if item.code in before or item.code in after]
        codes += [code for code in list(before) + list(after) if code not in codes]
        return [AuditRow(self.item_name(code), self.item_value(code, before.get(code)),
                         self.item_value(code, after.get(code))) for code in dict.fromkeys(codes)]
