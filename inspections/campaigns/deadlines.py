"""Report deadlines and overdue rules: plain Python, no Flask, no database.

The provincial plan asks for the mid-year report before 10 June and the annual report
before 10 December. Those two dates are only the *default* a new campaign is offered: the
coordinator can change a campaign's deadline, and a deployment can change the defaults
through the CAMPAIGN_DEADLINES setting (rules change; see DOMAIN.md), so nothing here is
final law.
"""
from __future__ import annotations

from datetime import date
from typing import Mapping, Optional

from ..core.lifecycle import is_final

# period -> (month, day) of the report deadline within the campaign's year
DEFAULT_DEADLINES: dict[str, tuple[int, int]] = {"mid_year": (6, 10), "annual": (12, 10)}


def default_deadline(year: int, period: str, deadlines: Optional[Mapping[str, tuple[int, int]]] = None) -> date:
    """The report deadline a campaign of `year` and `period` gets unless someone edits it.

    >>> default_deadline(2026, "mid_year")
    datetime.date(2026, 6, 10)
    >>> default_deadline(2026, "annual")
    datetime.date(2026, 12, 10)
    """
    rules = dict(DEFAULT_DEADLINES)
    if deadlines:
        rules.update(deadlines)
    if period not in rules:
        raise ValueError(f"unknown reporting period {period!r}")
    month, day = rules[period]
    return date(year, month, day)


def days_left(deadline: date, today: date) -> int:
    """Whole days from `today` to `deadline`: 0 on the day itself, negative once it has passed."""
    return (deadline - today).days


def visit_is_overdue(planned_date: Optional[date], status: str, deadline: Optional[date], today: date) -> bool:
    """A visit is overdue when it is not final and its planned date or the campaign deadline has passed."""
    if is_final(status):
        return False
    if planned_date is not None and planned_date < today:
        return True
    return deadline is not None and deadline < today
