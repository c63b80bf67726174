"""Deadline arithmetic: the default report deadlines, days left, what counts as overdue."""
from datetime import date

import pytest

from inspections.campaigns.deadlines import days_left, default_deadline, visit_is_overdue


@pytest.mark.parametrize("year, period, expected", [
    (2026, "mid_year", date(2026, 6, 10)),
    (2026, "annual", date(2026, 12, 10)),
    (2024, "annual", date(2024, 12, 10)),  # leap years change nothing
    (2031, "mid_year", date(2031, 6, 10)),
])
def test_default_deadline_is_10_june_or_10_december(year, period, expected):
    assert default_deadline(year, period) == expected


def test_default_deadline_can_be_changed_by_settings():
    assert default_deadline(2027, "annual", {"annual": (12, 15)}) == date(2027, 12, 15)
    assert default_deadline(2027, "mid_year", {"annual": (12, 15)}) == date(2027, 6, 10)


def test_unknown_period_is_refused():
    with pytest.raises(ValueError):
        default_deadline(2026, "quarterly")


@pytest.mark.parametrize("today, expected", [
    (date(2026, 12, 1), 9),
    (date(2026, 12, 10), 0),
    (date(2026, 12, 11), -1),
    (date(2025, 12, 10), 365),
    (date(2027, 1, 9), -30),
])
def test_days_left(today, expected):
    assert days_left(date(2026, 12, 10), today) == expected


@pytest.mark.parametrize("planned, status, deadline, today, overdue", [
    (date(2026, 11, 20), "planned", date(2026, 12, 10), date(2026, 11, 21), True),    # planned date passed
    (date(2026, 11, 20), "in_progress", date(2026, 12, 10), date(2026, 11, 21), True),
    (date(2026, 11, 20), "final", date(2026, 12, 10), date(2026, 12, 20), False),     # final is never overdue
    (date(2026, 11, 20), "planned", date(2026, 12, 10), date(2026, 11, 20), False),   # on the day itself
    (date(2026, 12, 20), "merging", date(2026, 12, 10), date(2026, 12, 11), True),    # deadline passed
    (None, "planned", date(2026, 12, 10), date(2026, 12, 10), False),
    (None, "planned", date(2026, 12, 10), date(2026, 12, 11), True),
])
def test_visit_is_overdue(planned, status, deadline, today, overdue):
    assert visit_is_overdue(planned, status, deadline, today) is overdue
