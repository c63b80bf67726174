"""The pure merge rules (inspections.core.merge, no database): unanswered, single, agreed,
conflict, resolved; evidence files union."""
from __future__ import annotations

from hypothesis import given, settings, strategies as st

from inspections.core.merge import (
    MERGED_STATES,
    ResolutionValue,
    Source,
    canonical,
    count_states,
    merge_item,
    merge_visit,
    merged_values,
)


def source(n: int, value, submission_id: int | None = None) -> Source:
    return Source(submission_id=submission_id or n, inspector_id=n, inspector_name=f"Inspector {n}",
                  agency="Agency", revision=1, value=value)


def test_nobody_answered_is_unanswered():
    assert merge_item("A1", "ynp", []).state == "unanswered"
    blank = merge_item("A1", "ynp", [source(1, None), source(2, ""), source(3, [])])
    assert blank.state == "unanswered" and blank.value is None and not blank.has_value


def test_one_answer_is_single_and_keeps_its_source():
    merged = merge_item("A1", "ynp", [source(1, "yes"), source(2, None)])
    assert merged.state == "single" and merged.value == "yes"
    assert [s.inspector_id for s in merged.sources] == [1]


def test_equal_answers_merge_by_themselves_whatever_the_key_order():
    merged = merge_item("C1", "mf", [source(1, {"male": 3, "female": 2}), source(2, {"female": 2, "male": 3})])
    assert merged.state == "agreed" and merged.value == {"male": 3, "female": 2}


def test_different_answers_are_a_conflict_without_a_value():
    merged = merge_item("A1", "ynp", [source(1, "yes"), source(2, "no")])
    assert merged.state == "conflict" and merged.value is None and len(merged.sources) == 2
    assert not merged.has_value


def test_a_resolution_wins_over_a_conflict():
    resolution = ResolutionValue("partial", "entered", resolved_by="lead1")
    merged = merge_item("A1", "ynp", [source(1, "yes"), source(2, "no")], resolution)
    assert merged.state == "resolved" and merged.value == "partial" and merged.resolution is resolution


def test_evidence_files_are_the_union_of_every_inspectors_attachments():
    merged = merge_item("A1_file", "file", [source(1, ["b", "a"]), source(2, ["c", "a"])])
    assert merged.state == "agreed" and merged.value == ["a", "b", "c"]


def test_visit_merge_counts_and_values():
    items = [("A1", "ynp"), ("A2", "ynp"), ("A3", "ynp"), ("C1", "mf")]
    merges = merge_visit(items, {
        "A1": [source(1, "yes"), source(2, "yes")],
        "A2": [source(1, "yes"), source(2, "no")],
        "C1": [source(2, {"male": 1, "female": 1})],
    }, {})
    assert list(merges) == ["A1", "A2", "A3", "C1"]
    assert count_states(merges) == {"agreed": 1, "single": 1, "conflict": 1, "unanswered": 1, "resolved": 0}
    assert merged_values(merges) == {"A1": "yes", "C1": {"male": 1, "female": 1}}



def test_a_resolution_wins_over_agreed_answers_and_over_no_answers():
    resolution = ResolutionValue("no", "entered", resolved_by="lead1")
    agreed = merge_item("A1", "ynp", [source(1, "yes"), source(2, "yes")], resolution)
    assert (agreed.state, agreed.value) == ("resolved", "no") and len(agreed.sources) == 2
    nobody = merge_item("A1", "ynp", [], resolution)
    assert (nobody.state, nobody.value, nobody.sources) == ("resolved", "no", [])


def test_one_evidence_source_is_single_and_its_files_are_listed_once_in_order():
    merged = merge_item("A1_file", "file", [source(1, ["b", "a", "b"]), source(2, [])])
    assert (merged.state, merged.value) == ("single", ["a", "b"])


def test_blank_answers_do_not_count_as_sources():
    merged = merge_item("A1", "ynp", [source(1, ""), source(2, "no"), source(3, None)])
    assert (merged.state, merged.value) == ("single", "no")
    assert [s.inspector_id for s in merged.sources] == [2]


def test_sources_are_ordered_by_inspector_whatever_the_arrival():
    merged = merge_item("A1", "ynp", [source(3, "no"), source(1, "yes"), source(2, "no")])
    assert merged.state == "conflict" and [s.inspector_id for s in merged.sources] == [1, 2, 3]


def test_merged_values_keep_resolved_values_and_leave_conflicts_and_blank_resolutions_out():
    merges = merge_visit([("A1", "ynp"), ("A2", "ynp"), ("A3", "ynp")], {
        "A1": [source(1, "yes"), source(2, "no")],
        "A2": [source(1, "yes"), source(2, "no")],
    }, {"A1": ResolutionValue("partial", "entered"), "A3": ResolutionValue(None, "entered")})
    assert merged_values(merges) == {"A1": "partial"}
    assert count_states(merges)["resolved"] == 2 and count_states(merges)["conflict"] == 1
    assert {code for code, m in merges.items() if m.state in MERGED_STATES} == {"A1", "A3"}


def test_canonical_ignores_key_order_only():
    assert canonical({"male": 1, "female": 2}) == canonical({"female": 2, "male": 1})
    assert canonical("1") != canonical(1)


# --- properties -----------------------------------------------------------------------------

ynp = st.sampled_from(["yes", "partial", "no", "na"])
mf = st.fixed_dictionaries({"male": st.integers(0, 500), "female": st.integers(0, 500)})
count = st.integers(0, 10**6)
text = st.text(max_size=20)
values_by_type = {"ynp": ynp, "mf": mf, "int": count, "text": text}
typed_value = st.sampled_from(sorted(values_by_type)).flatmap(lambda t: st.tuples(st.just(t), values_by_type[t]))
uuids = st.lists(st.uuids().map(str), max_size=4)


@settings(max_examples=150, deadline=None)
@given(typed_value, st.integers(1, 6))
def test_identical_answers_never_conflict(type_and_value, inspectors):
    item_type, value = type_and_value
    merged = merge_item("X1", item_type, [source(n, value) for n in range(1, inspectors + 1)])
    assert merged.state != "conflict"
    if value not in ("", None):
        assert merged.value == value and merged.state in ("single", "agreed")


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(sorted(values_by_type)).flatmap(
    lambda t: st.tuples(st.just(t), st.lists(values_by_type[t] | st.none(), min_size=0, max_size=6))),
    st.randoms(use_true_random=False))
def test_the_result_does_not_depend_on_arrival_order(type_and_values, rng):
    item_type, values = type_and_values
    sources = [source(n, value) for n, value in enumerate(values, start=1)]
    shuffled = list(sources)
    rng.shuffle(shuffled)
    first, second = merge_item("X1", item_type, sources), merge_item("X1", item_type, shuffled)
    assert (first.state, first.value, first.sources) == (second.state, second.value, second.sources)


@settings(max_examples=150, deadline=None)
@given(st.lists(uuids, max_size=6), st.randoms(use_true_random=False))
def test_file_items_never_conflict_and_keep_every_attachment_once(file_lists, rng):
    sources = [source(n, files) for n, files in enumerate(file_lists, start=1)]
    rng.shuffle(sources)
    merged = merge_item("A1_file", "file", sources)
    assert merged.state != "conflict"
    every = {f for files in file_lists for f in files}
    if every:
        assert merged.value == sorted(every)
    else:
        assert merged.state == "unanswered"
