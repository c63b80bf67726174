"""The visit lifecycle's transition table, without a database or an app."""
from __future__ import annotations

from types import SimpleNamespace

import pytest

from inspections import models
from inspections.core import lifecycle
from inspections.core.lifecycle import Event, TransitionRefused, VisitState

P, IP, M, F = VisitState.PLANNED, VisitState.IN_PROGRESS, VisitState.MERGING, VisitState.FINAL

ALLOWED = [
    (P, Event.CHECKLIST, IP), (IP, Event.CHECKLIST, IP), (M, Event.CHECKLIST, M), (F, Event.CHECKLIST, F),
    (P, Event.MERGE, M), (IP, Event.MERGE, M), (M, Event.MERGE, M),
    (P, Event.FINALIZE, F), (IP, Event.FINALIZE, F), (M, Event.FINALIZE, F),
    (F, Event.REOPEN, M),
]
REFUSED = [(F, Event.MERGE), (F, Event.FINALIZE), (P, Event.REOPEN), (IP, Event.REOPEN), (M, Event.REOPEN)]


def test_the_states_are_the_stored_strings():
    assert [s.value for s in VisitState] == ["planned", "in_progress", "merging", "final"]
    assert models.VISIT_STATES == lifecycle.STATES == ("planned", "in_progress", "merging", "final")
    assert VisitState.FINAL == "final" and {"final": 1}[VisitState.FINAL] == 1
    assert set(lifecycle.OPEN_STATES) == set(lifecycle.STATES) - {"final"}
    assert lifecycle.PROVISIONAL_STATES == ("in_progress", "merging")


@pytest.mark.parametrize("state,event,after", ALLOWED)
def test_allowed_transitions(state, event, after):
    assert lifecycle.allows(state.value, event)
    assert lifecycle.next_state(state.value, event) is after
    visit = SimpleNamespace(status=state.value)
    assert lifecycle.apply(visit, event) is after
    assert visit.status == after.value and type(visit.status) is str  # stored as the plain string


@pytest.mark.parametrize("state,event", REFUSED)
def test_refused_transitions_leave_the_visit_alone(state, event):
    assert not lifecycle.allows(state.value, event)
    visit = SimpleNamespace(status=state.value)
    with pytest.raises(TransitionRefused) as refused:
        lifecycle.apply(visit, event)
    assert refused.value.state == state.value and refused.value.event == event
    assert visit.status == state.value


def test_the_table_covers_every_pair():
    pairs = {(s, e) for s, e, _ in ALLOWED} | set(REFUSED)
    assert pairs == {(s, e) for s in VisitState for e in Event}
    assert set(lifecycle.TRANSITIONS) == {(s, e) for s, e, _ in ALLOWED}


def test_unknown_states_and_events_are_refused():
    assert not lifecycle.allows("archived", Event.MERGE)
    with pytest.raises(TransitionRefused):
        lifecycle.next_state("archived", Event.MERGE)
    with pytest.raises(TransitionRefused):
        lifecycle.next_state("planned", "jump")  # type: ignore[arg-type]


def test_is_final_takes_a_state_or_a_visit():
    assert lifecycle.is_final("final") and lifecycle.is_final(F)
    assert lifecycle.is_final(SimpleNamespace(status="final"))
    assert not any(lifecycle.is_final(s) for s in lifecycle.OPEN_STATES)
    assert not lifecycle.is_final(SimpleNamespace(status="merging"))
