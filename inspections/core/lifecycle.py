"""The visit lifecycle: its states and the only functions that change a visit's state.

    planned --checklist--> in_progress --merge--> merging --finalize--> final
       |                                  ^          ^                     |
       +---------------merge--------------+          +-------reopen--------+
    (finalize is also allowed from planned and in_progress: finalize_reasons decides readiness)

- `VisitState` and the state groups (`core.states`, plain values the pure workbook rules read
  too): the strings stored in ``visit.status``.
- `next_state(state, event)`: the transition table, pure; `TransitionRefused` for an event the
  state does not allow. A checklist arriving for a final visit is allowed (it is "late") and
  changes nothing; a merge write on a final visit is refused.
- `apply(visit, event)`: sets ``visit.status`` on the ORM object (the caller flushes with its
  version check); `mark_in_progress(visit_ids)`: the one conditional UPDATE for the first
  checklists of visits (two inspectors' first checklists may arrive at the same moment).
"""
from __future__ import annotations

from enum import StrEnum
from typing import Any, Iterable

from sqlalchemy import update

from .states import OPEN_STATES, PROVISIONAL_STATES, STATES, VisitState

__all__ = ["OPEN_STATES", "PROVISIONAL_STATES", "STATES", "Event", "TransitionRefused", "VisitState",
           "allows", "apply", "is_final", "mark_in_progress", "next_state"]


class Event(StrEnum):
    CHECKLIST = "checklist"  # an inspector's checklist was stored
    MERGE = "merge"  # the lead wrote a decision, a finding, a send-back ...
    FINALIZE = "finalize"
    REOPEN = "reopen"


_P, _I, _M, _F = VisitState.PLANNED, VisitState.IN_PROGRESS, VisitState.MERGING, VisitState.FINAL

#: (state, event) -> the state after it. A pair that is not here is refused.
TRANSITIONS: dict[tuple[VisitState, Event], VisitState] = {
    (_P, Event.CHECKLIST): _I,
    (_I, Event.CHECKLIST): _I,
    (_M, Event.CHECKLIST): _M,
    (_F, Event.CHECKLIST): _F,  # a late checklist: stored, the visit stays final
    (_P, Event.MERGE): _M,
    (_I, Event.MERGE): _M,
    (_M, Event.MERGE): _M,
    (_P, Event.FINALIZE): _F,
    (_I, Event.FINALIZE): _F,
    (_M, Event.FINALIZE): _F,
    (_F, Event.REOPEN): _M,
}


class TransitionRefused(ValueError):
    """`event` is not allowed for a visit in `state`."""

    def __init__(self, state: str, event: str):
        super().__init__(f"a visit in state {state!r} does not allow {event!r}")
        self.state = state
        self.event = event


def is_final(state: Any) -> bool:
    """True for a final visit (or its stored status)."""
    return getattr(state, "status", state) == VisitState.FINAL


def allows(state: str, event: Event) -> bool:
    try:
        return (VisitState(state), event) in TRANSITIONS
    except ValueError:
        return False


def next_state(state: str, event: Event) -> VisitState:
    """The state after `event`; TransitionRefused when `state` does not allow it."""
    try:
        return TRANSITIONS[(VisitState(state), Event(event))]
    except (KeyError, ValueError):
        raise TransitionRefused(state, event) from None


def apply(visit: Any, event: Event) -> VisitState:
    """Move `visit` (a models.Visit) on by `event`; no flush (the caller's version lock does it)."""
    new = next_state(visit.status, event)
    if visit.status != new:
        visit.status = new.value
    return new


def mark_in_progress(visit_ids: Iterable[int]) -> None:
    """planned -> in_progress for visits that just got a checklist (one UPDATE, no flush needed).

    A conditional UPDATE rather than an ORM attribute change: when two inspectors' first
    checklists for one visit arrive at the same moment, the second request's versioned ORM
    update would match no row (StaleDataError, a 500) although both checklists must be stored.
    The version still moves on, as for any change to the visit.
    """
    from ..extensions import db
    from ..models import Visit

    ids = sorted(set(visit_ids))
    if not ids:
        return
    db.session.execute(
        update(Visit).where(Visit.id.in_(ids), Visit.status == VisitState.PLANNED.value)
        .values(status=next_state(VisitState.PLANNED, Event.CHECKLIST).value, version=Visit.version + 1)
        .execution_options(synchronize_session=False))
