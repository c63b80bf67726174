"""The visit states, as plain values: no database, no framework.

The workbook decisions (`reports.rules`, a pure module) and the lifecycle (`core.lifecycle`,
which writes states with SQLAlchemy) read the same names from here, so a state is spelled once.
"""
from __future__ import annotations

from enum import StrEnum


class VisitState(StrEnum):
    """The strings stored in ``visit.status`` (a ``str`` enum: it compares equal to them, in
    Python, in SQL and in templates, where it is the global ``VisitState``)."""

    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    MERGING = "merging"
    FINAL = "final"


#: Every state, in the order they are stored and listed (models.VISIT_STATES).
STATES: tuple[str, ...] = tuple(state.value for state in VisitState)
#: Open visits that hold data (planned ones have none): what a provisional report includes.
PROVISIONAL_STATES: tuple[str, ...] = (VisitState.IN_PROGRESS.value, VisitState.MERGING.value)
#: Open, i.e. not final.
OPEN_STATES: tuple[str, ...] = (VisitState.PLANNED.value,) + PROVISIONAL_STATES
