"""Today where the app runs: deadlines (reports, remedies, self-reports) fall on local calendar days."""
from __future__ import annotations

from datetime import date, datetime

from flask_babel import get_timezone


def local_today() -> date:
    """Today in the app's time zone (a deadline falls on a local calendar day)."""
    return datetime.now(get_timezone()).date()
