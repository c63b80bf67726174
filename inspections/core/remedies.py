"""The remedy status of a recommendation, as every feature reads it (pure rules and words).

A recommendation is open until the unit reports a remedy (reported), and remedied once the
report is accepted; it shows as overdue when its deadline has passed and it is not remedied.
The remedy flow that changes these (inspections.remedies), the workbooks, the record's audit
trail and the campaign dashboard all read the status and its words here.
"""
from __future__ import annotations

from datetime import date
from typing import Optional

from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement

from ..models import Recommendation

#: What a person reads for each status; "overdue" is derived (see status_for).
STATUS_LABELS = {
    "open": _l("Not yet remedied"),
    "reported": _l("Reported"),
    "remedied": _l("Remedied"),
    "overdue": _l("Overdue"),
}
STATUSES = tuple(STATUS_LABELS)
#: The states of one remedy report (RemedyReport.state).
REPORT_STATE_LABELS = {"submitted": _l("Awaiting review"), "accepted": _l("Accepted"),
                       "returned": _l("Returned")}


def status_for(stored: Optional[str], deadline: Optional[date], today: date) -> str:
    """open | reported | remedied | overdue (the deadline passed and not remedied), from the
    stored status and the deadline (pure: the workbooks call it on query rows)."""
    stored = stored or "open"
    if deadline is not None and deadline < today and stored != "remedied":
        return "overdue"
    return stored


def remedy_overdue(today: date) -> ColumnElement[bool]:
    """SQL: the recommendation's remedy deadline is before `today` and it is not remedied."""
    return (Recommendation.remedy_deadline.is_not(None) & (Recommendation.remedy_deadline < today)
            & (Recommendation.remedy_status != "remedied"))
