"""The workbook decisions (inspections/reports/rules.py) on plain inputs: no app, no database."""
from __future__ import annotations

import ast
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from types import SimpleNamespace

import pytest

from inspections.checklist import Target, default_target_set, default_template
from inspections.reports import rules
from inspections.reports.rules import (
    CheckedVisit,
    CommunicationTally,
    Counting,
    Tally,
    VisitCounts,
)

TEMPLATE = default_template()
TARGETS = default_target_set()
TODAY = date(2026, 12, 2)
AT = datetime(2026, 11, 30, 3, 15, tzinfo=timezone.utc)


def row(**fields):
    return SimpleNamespace(**fields)


# -- the module stays pure ---------------------------------------------------------------------

def imports_of(module) -> set[str]:
    """The modules a module's source imports (relative ones with their leading dots)."""
    tree = ast.parse(Path(module.__file__).read_text(encoding="utf-8"))
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            imported.add(("." * node.level) + (node.module or ""))
    return imported


def test_rules_imports_no_web_framework_database_or_models():
    imported = imports_of(rules)
    allowed = {"__future__", "json", "re", "collections", "dataclasses", "datetime", "itertools", "typing",
               "..checklist", "..checklist.validation", "..core.states"}
    assert imported and imported <= allowed, imported - allowed


def test_the_states_module_it_reads_is_plain_values():
    from inspections.core import states

    assert imports_of(states) == {"__future__", "enum"}


def test_state_names_are_the_lifecycles():
    from inspections.core import lifecycle

    # one spelling: the rules and the lifecycle hold the very same objects
    assert rules.PROVISIONAL_STATES is lifecycle.PROVISIONAL_STATES
    assert rules.FINAL_STATE == lifecycle.VisitState.FINAL == "final"


# -- which visits count ----------------------------------------------------------------------

@pytest.mark.parametrize("status, provisional, expected, data", [
    ("final", False, Counting(True, True), "final"),
    ("final", True, Counting(True, True), "final"),
    ("in_progress", False, Counting(False, False), "not_counted"),
    ("in_progress", True, Counting(False, True), "provisional"),
    ("merging", True, Counting(False, True), "provisional"),
    ("planned", True, Counting(False, False), "not_counted"),
    ("planned", False, Counting(False, False), "not_counted"),
])
def test_counting(status, provisional, expected, data):
    assert rules.counting(status, provisional) == expected
    assert expected.data == data


def test_visit_counts():
    counts = VisitCounts({"final": 3, "planned": 2, "in_progress": 1, "merging": 4})
    assert (counts.total, counts.final, counts.open, counts.provisional) == (10, 3, 7, 5)
    assert counts.of("planned") == 2 and counts.of("unknown") == 0
    empty = VisitCounts({})
    assert (empty.total, empty.final, empty.open, empty.provisional) == (0, 0, 0, 0)


@pytest.mark.parametrize("has_campaign, by_status, provisional, expected", [
    (False, {}, False, "no_campaign"),
    (False, {}, True, "no_campaign"),
    (True, {}, False, "no_visits"),
    (True, {}, True, "no_visits"),
    (True, {"planned": 2, "in_progress": 1}, False, "none_final"),
    (True, {"planned": 2, "in_progress": 1}, True, ""),
    (True, {"planned": 2}, True, "no_data"),
    (True, {"planned": 2}, False, "none_final"),
    (True, {"final": 1}, False, ""),
    (True, {"final": 1, "planned": 5}, True, ""),
])
def test_empty_campaign_explained(has_campaign, by_status, provisional, expected):
    assert rules.empty_reason(has_campaign, VisitCounts(by_status), provisional) == expected


@pytest.mark.parametrize("by_status, provisional, expected", [
    ({"final": 1, "merging": 1}, True, True),
    ({"final": 1, "merging": 1}, False, False),
    ({"final": 1, "planned": 3}, True, False),  # planned visits hold no data
])
def test_shows_provisional(by_status, provisional, expected):
    assert rules.shows_provisional(VisitCounts(by_status), provisional) is expected


# -- a visit's answers from query rows ---------------------------------------------------------

def _resolution(visit_id, status, code=None, value=None, **extra):
    fields = dict(visit_id=visit_id, status=status, item_code=code, value=value, source="agreed",
                  by_name="Lead One", by_username="lead1", resolved_at=AT)
    fields.update(extra)
    return row(**fields)


def test_group_visits():
    rows = [_resolution(1, "final", "A1", "yes"), _resolution(1, "final", "C1", {"male": 1, "female": 2}),
            _resolution(1, "final", "A2", None),  # a NULL value is no answer
            _resolution(2, "in_progress"),
            _resolution(3, "final", "A1", "no", by_name=None, source="picked"),
            _resolution(4, "planned")]
    visits = list(rules.group_visits(rows, include_provisional=False))
    assert [v.visit.visit_id for v in visits] == [1, 2, 3, 4]
    assert [v.counting for v in visits] == [Counting(True, True), Counting(False, False),
                                            Counting(True, True), Counting(False, False)]
    assert visits[0].answers == {"A1": "yes", "C1": {"male": 1, "female": 2}}
    assert visits[0].provenance == {"A1": ("agreed", "Lead One", AT), "C1": ("agreed", "Lead One", AT)}
    assert visits[1].answers == {} and visits[3].answers == {}
    assert visits[2].provenance == {"A1": ("picked", "lead1", AT)}
    provisional = list(rules.group_visits(rows, include_provisional=True))
    assert [v.counting.included for v in provisional] == [True, True, True, False]


def test_group_visits_of_nothing():
    assert list(rules.group_visits([], include_provisional=True)) == []


def test_resolved_answers():
    rows = [row(item_code="A1", value="yes", source="agreed", resolved_at=AT, by_name=None, by_username=None),
            row(item_code="A2", value=None, source="agreed", resolved_at=AT, by_name="X", by_username="x")]
    assert rules.resolved_answers(rows) == ({"A1": "yes"}, {"A1": ("agreed", "", AT)})


def test_merged_answers():
    later = AT + timedelta(hours=2)
    merges = {
        "A1": row(has_value=True, value="yes", resolution=row(source="picked", resolved_by="Lead", resolved_at=AT),
                  sources=[], state="resolved"),
        "A2": row(has_value=True, value="no", resolution=None, state="agreed",
                  sources=[row(inspector_name="An", saved_at=AT), row(inspector_name="Binh", saved_at=later)]),
        "A3": row(has_value=True, value="partial", resolution=None, state="single",
                  sources=[row(inspector_name="An", saved_at=None)]),
        "A4": row(has_value=False, value=None, resolution=None, state="conflict", sources=[]),
        "A5": row(has_value=True, value="", resolution=None, state="single", sources=[]),  # a blank answer
    }
    answers, provenance = rules.merged_answers(merges)
    assert answers == {"A1": "yes", "A2": "no", "A3": "partial"}
    assert provenance == {"A1": ("picked", "Lead", AT), "A2": ("agreed", "An, Binh", later),
                          "A3": ("single", "An", None)}


@pytest.mark.parametrize("full_name, username, expected", [
    ("Nguyễn Văn A", "a", "Nguyễn Văn A"), (None, "a", "a"), ("", "a", "a"), (None, None, "")])
def test_person(full_name, username, expected):
    assert rules.person(full_name, username) == expected


def test_answers_by_visit():
    rows = [row(visit_id=1, unit_kind="department", item_code="A1", value="yes"),
            row(visit_id=1, unit_kind="department", item_code="A2", value=None),
            row(visit_id=2, unit_kind="commune", item_code="A1", value="no")]
    assert list(rules.answers_by_visit(rows)) == [("department", {"A1": "yes"}), ("commune", {"A1": "no"})]


def test_previous_results_without_visits_is_empty():
    assert rules.previous_results(TEMPLATE, TARGETS, 2025, "on_or_before", []) == {}


def test_previous_results_rolls_up_the_visits():
    results = rules.previous_results(TEMPLATE, TARGETS, 2025, "on_or_before",
                                     [("department", {"C1": {"male": 3, "female": 1}}),
                                      ("commune", {"C1": {"male": 1, "female": 3}})])
    assert results["I1"].value == 50.0
    assert (results["I1"].numerator, results["I1"].denominator) == (4, 8)


# -- indicators against their targets ----------------------------------------------------------

@pytest.mark.parametrize("status, style", [("met", "good"), ("not_met", "bad"), ("no_data", None),
                                           ("no_target", None), (None, None)])
def test_assessment_style(status, style):
    assert rules.assessment_style(status) == style


@pytest.mark.parametrize("value, unit, expected", [
    (None, "%", ("none", None)),
    (True, "yes/no", ("yes_no", "yes")),
    (False, "yes/no", ("yes_no", "no")),
    (35.0, "%", ("percent", 0.35)),
    (0, "%", ("percent", 0.0)),
    (100, "%", ("percent", 1.0)),
    (1.234567, "ratio", ("ratio", 1.2346)),
    (0, "ratio", ("ratio", 0)),
])
def test_indicator_cell(value, unit, expected):
    assert rules.indicator_cell(value, unit) == expected


@pytest.mark.parametrize("value, expected", [(None, None), (True, None), ("35", None), (35, 0.35), (0.0, 0.0)])
def test_chart_value(value, expected):
    assert rules.chart_value(value) == expected


@pytest.mark.parametrize("target, expected", [
    (None, None),
    (Target("I6", eq=True), None),
    (Target("I5", ge=20), 0.2),
    (Target("I7", gt=35), 0.35),
    (Target("X", le=10), 0.1),
    (Target("X", lt=5), 0.05),
    (Target("X", ge=0), 0.0),
    (Target("X"), None),
])
def test_chart_bound(target, expected):
    assert rules.chart_bound(target) == expected


@pytest.mark.parametrize("met, judged, expected", [(0, 0, (None, None)), (0, 3, (0, 3)), (3, 3, (3, 3))])
def test_units_meeting(met, judged, expected):
    assert rules.units_meeting(met, judged) == expected


def test_target_exactly_met_counts_as_met():
    # I5 (share of women in C4) has "at least 20 %" for a unit and the roll-up.
    tally = Tally(TEMPLATE, TARGETS, 2026)
    tally.add("department", {"C4": {"male": 8, "female": 2}})   # exactly 20 %: met
    tally.add("department", {"C4": {"male": 9, "female": 1}})   # 10 %: not met
    tally.add("department", {})                                 # no answer: not judged
    assert (tally.units_met["I5"], tally.units_judged["I5"]) == (1, 2)
    rolled = {result.code: result for result in tally.rollup.results()}
    assert rolled["I5"].value == 15.0 and rolled["I5"].status == "not_met"


def test_indicator_with_no_answers_has_no_data():
    tally = Tally(TEMPLATE, TARGETS, 2026)
    tally.add("department", {})
    rolled = {result.code: result for result in tally.rollup.results()}
    assert rolled["I5"].value is None
    assert rolled["I5"].status == "no_data"
    assert rules.indicator_cell(rolled["I5"].value, "%") == ("none", None)
    assert rules.units_meeting(tally.units_met["I5"], tally.units_judged["I5"]) == (None, None)


# -- the women's share -----------------------------------------------------------------------

@pytest.mark.parametrize("women, total, share, percent", [
    (0, 0, None, None),             # 0 of 0: no share, not 0 %
    (0, 5, 0.0, 0.0),
    (5, 5, 1.0, 100.0),
    (1, 3, 1 / 3, 33.3),
    (2, 3, 2 / 3, 66.7),
    (1, 8, 0.125, 12.5),
    (1, 16, 0.0625, 6.2),           # round half to even on the float: 6.25 -> 6.2
])
def test_women_share_and_its_rounding(women, total, share, percent):
    assert rules.women_share(women, total) == share
    assert rules.share_percent(women, total) == percent


def test_share_percent_is_the_texts_figure():
    from inspections.core.answers import share_text

    assert share_text(1, 3, "en") == "33.3"
    assert share_text(0, 0, "en") == "—"
    assert rules.share_percent(1, 3) == 33.3


@pytest.mark.parametrize("value, cells", [
    (None, (None, None, None)),
    ({"male": 0, "female": 0}, (0, 0, None)),
    ({"male": 3, "female": 1}, (4, 1, 0.25)),
    ({"male": 0, "female": 7}, (7, 7, 1.0)),
])
def test_mf_cells(value, cells):
    assert rules.mf_cells(value) == cells


@pytest.mark.parametrize("sums, cells", [
    ((0, 0, 0), (None, None, None)),     # no unit answered
    ((0, 0, 2), (0, 0, None)),           # two units with 0 people
    ((10, 4, 2), (10, 4, 0.4)),
])
def test_mf_total_cells(sums, cells):
    assert rules.mf_total_cells(*sums) == cells


def test_total_share_is_of_the_sums_not_an_average():
    items = [TEMPLATE.item("C1")]
    tally = Tally(TEMPLATE, TARGETS, 2026)
    tally.add("department", {"C1": {"male": 1, "female": 1}})     # 50 %
    tally.add("department", {"C1": {"male": 90, "female": 10}})   # 10 %
    assert tally.mf_sums["C1"] == [102, 11, 2]
    assert rules.gender_total_cells(items, tally.mf_sums) == [102, 11, 11 / 102]


# -- tallies per item, section and unit kind ------------------------------------------------------

def test_tally_counts_answers_units_kinds_and_teams():
    tally = Tally(TEMPLATE, TARGETS, 2026)
    tally.add("department", {"A1": "yes", "A2": "no", "C1": {"male": 2, "female": 2}}, team_id=7)
    tally.add("commune", {"A1": "yes", "A2": "na"}, team_id=8)
    tally.add("commune", {"A1": "partial", "A2": "maybe"}, team_id=7)  # "maybe" is not usable
    assert tally.units == 3
    assert tally.unit_kinds == {"department": 1, "commune": 2}
    assert tally.team_ids == {7, 8}
    assert tally.ynp_counts["A1"] == {"yes": 2, "partial": 1}
    assert tally.ynp_counts["A2"] == {"no": 1, "na": 1}
    assert tally.mf_sums["C1"] == [4, 2, 1]
    assert tally.mf_sums["C2"] == [0, 0, 0]


def test_tally_compliance_score():
    tally = Tally(TEMPLATE, TARGETS, 2026)
    assert tally.compliance_code == "I11" == rules.compliance_code(TEMPLATE)
    assert tally.add("department", {}) is None
    score = tally.add("department", {"A1": "yes", "A2": "no"})
    assert score == 0.5


def test_compliance_code_without_template():
    assert rules.compliance_code(None) is None


def test_ynp_row_cells():
    items = [TEMPLATE.item(code) for code in ("A1", "A2", "A3", "A4", "D1")]
    answers = {"A1": "yes", "A2": "partial", "A3": "na", "A4": "maybe", "D1": "no"}
    assert rules.ynp_row_cells(items, "department", answers) == [
        ("yes", "good"), ("partial", "neutral"), ("na", None), None, ("no", "good")]  # D1's compliant answer is no


@pytest.mark.parametrize("value, compliant, style", [
    ("yes", "yes", "good"), ("no", "yes", "bad"), ("partial", "yes", "neutral"), ("na", "yes", None),
    ("no", "no", "good"), ("yes", "no", "bad")])
def test_ynp_style(value, compliant, style):
    assert rules.ynp_style(value, compliant) == style


def test_gender_row_cells_with_a_missing_answer():
    items = [TEMPLATE.item("C1"), TEMPLATE.item("C2")]
    assert rules.gender_row_cells(items, "department", {"C1": {"male": 1, "female": 3}}) == [
        4, 3, 0.75, None, None, None]


def test_communication_tally():
    activities = [TEMPLATE.item("E1_meetings"), TEMPLATE.item("E1_talks")]
    tally = CommunicationTally(activities, TEMPLATE.item("E2"))
    assert tally.has_items
    assert tally.add("department", {"E1_meetings": 2, "E2": {"male": 10, "female": 30}}) == [
        2, None, 2, 40, 30, 0.75]
    assert tally.add("commune", {}) == [None, None, None, None, None, None]
    assert tally.add("commune", {"E1_meetings": 1, "E1_talks": 4, "E2": {"male": 0, "female": 0}}) == [
        1, 4, 5, 0, 0, None]
    assert tally.totals() == [3, 4, 7, 40, 30, 0.75]


def test_communication_tally_with_no_answer_at_all():
    tally = CommunicationTally([TEMPLATE.item("E1_meetings")], TEMPLATE.item("E2"))
    tally.add("department", {})
    assert tally.totals() == [None, None, None, None, None]


def test_communication_tally_without_items():
    tally = CommunicationTally([], None)
    assert not tally.has_items
    assert tally.add("department", {"E2": {"male": 1, "female": 1}}) == []
    assert tally.totals() == []


# -- the long data sheet -----------------------------------------------------------------------

WORDS = {"yes": "Có", "no": "Không", "partial": "Một phần", "na": "K/A"}


@pytest.mark.parametrize("kind, value, parts", [
    ("mf", {"male": 3, "female": 4}, [("male", 3, None), ("female", 4, None)]),
    ("mf", {"male": True, "female": "x"}, [("male", None, None), ("female", None, None)]),
    ("ynp", "partial", [(None, None, "Một phần")]),
    ("ynp", "odd", [(None, None, "odd")]),
    ("int", 12, [(None, 12, None)]),
    ("money", 1_500_000, [(None, 1_500_000, None)]),
    ("int", True, [(None, None, "true")]),
    ("int", "12", [(None, None, "12")]),
    ("file", ["u1", "u2"], [(None, 2, None)]),
    ("text", "=1+1", [(None, None, "=1+1")]),
    ("date", "2026-06-10", [(None, None, "2026-06-10")]),
    ("", {"a": "ö"}, [(None, None, '{"a": "ö"}')]),  # an item the template no longer has
])
def test_data_parts(kind, value, parts):
    assert rules.data_parts(kind, value, WORDS) == parts


@pytest.mark.parametrize("value, expected", [(None, None), ("x", "x"), (3, "3"), ([1, "ä"], '[1, "ä"]')])
def test_as_text(value, expected):
    assert rules.as_text(value) == expected


@pytest.mark.parametrize("value, expected", [(1, 1), (1.5, 1.5), (True, None), ("1", None), (None, None)])
def test_number_or_none(value, expected):
    assert rules.number_or_none(value) == expected


@pytest.mark.parametrize("size, kb", [(None, 0.0), (0, 0.0), (1024, 1.0), (1536, 1.5), (100, 0.1)])
def test_evidence_size_kb(size, kb):
    assert rules.evidence_size_kb(size) == kb


# -- Excel's limits ----------------------------------------------------------------------------

MARKER = " … [CUT]"


def test_text_at_the_limit_is_kept():
    text = "a" * rules.EXCEL_MAX_CHARS
    assert rules.clean_text(text, MARKER) == text


def test_text_over_the_limit_is_cut_with_the_marker():
    cut = rules.clean_text("a" * (rules.EXCEL_MAX_CHARS + 1), MARKER)
    assert len(cut) == rules.EXCEL_MAX_CHARS == 32_767
    assert cut.endswith(MARKER) and cut[: -len(MARKER)] == "a" * (32_767 - len(MARKER))


def test_characters_xml_cannot_hold_are_dropped_before_the_cut():
    assert rules.clean_text("a\x00b\x0bc\ud800d\ufffe\tok\n", MARKER) == "abcd\tok\n"
    text = "\x01" * 10 + "b" * rules.EXCEL_MAX_CHARS
    assert rules.clean_text(text, MARKER) == "b" * rules.EXCEL_MAX_CHARS


@pytest.mark.parametrize("text, literal", [
    ("=SUM(A1:A3)", True), ("=", False), ("==", True), ("#N/A", True), ("#DIV/0!", True),
    ("#REF!", True), ("#n/a", False), ("# heading", False), ("+1", False), ("-1", False),
    ("a=b", False), ("", False)])
def test_text_that_looks_like_a_formula_is_kept_as_text(text, literal):
    assert rules.needs_string_cell(text) is literal


@pytest.mark.parametrize("title, suffix, expected", [
    ("9 Detailed data", "", "9 Detailed data"),
    ("a/b:c*d?e[f]g\\h", "", "a b c d e f g h"),
    ("'quoted'", "", "quoted"),
    ("x" * 40, "", "x" * 31),
    ("x" * 40, " (2)", "x" * 27 + " (2)"),
    ("6 Shortcomings, recommendations", " (2)", "6 Shortcomings, recommendat (2)"),
])
def test_sheet_title(title, suffix, expected):
    assert rules.sheet_title(title, suffix) == expected
    assert len(rules.sheet_title(title, suffix)) <= 31


def test_continuation_title():
    assert rules.continuation_title("9 Detailed data", 2) == "9 Detailed data (2)"
    assert rules.continuation_title("y" * 31, 12) == "y" * 26 + " (12)"


@pytest.mark.parametrize("rows, max_rows, reserve, spill", [
    (0, 40, 10, False),
    (29, 40, 10, False),   # row 30 is the last that fits
    (30, 40, 10, True),
    (1_048_565, rules.EXCEL_MAX_ROWS, 10, False),
    (1_048_566, rules.EXCEL_MAX_ROWS, 10, True),
])
def test_row_spill_to_a_second_sheet(rows, max_rows, reserve, spill):
    assert rules.needs_spill(rows, max_rows, reserve) is spill


# -- remedies --------------------------------------------------------------------------------

@pytest.mark.parametrize("stored, deadline, expected", [
    (None, None, "open"),
    ("", None, "open"),
    ("open", TODAY, "open"),                         # a deadline today is not overdue
    ("open", TODAY - timedelta(days=1), "overdue"),
    ("open", TODAY + timedelta(days=1), "open"),
    ("reported", TODAY - timedelta(days=1), "overdue"),
    ("reported", TODAY, "reported"),
    ("remedied", TODAY - timedelta(days=30), "remedied"),
    ("remedied", None, "remedied"),
    (None, TODAY - timedelta(days=1), "overdue"),
])
def test_remedy_status(stored, deadline, expected):
    """The one rule (core.remedies.status_for, pure) the workbook's status words are written from."""
    from inspections.core.remedies import status_for

    assert status_for(stored, deadline, TODAY) == expected


# -- sheet 6 -----------------------------------------------------------------------------------

def _finding(visit_id, section, kind, text):
    return row(visit_id=visit_id, section=section, kind=kind, text=text, unit_name=f"U{visit_id}")


def test_finding_lines_pair_shortcomings_and_recommendations_per_section():
    rows = [_finding(1, "A", 0, "s1"), _finding(1, "A", 0, "s2"), _finding(1, "A", 1, "r1"),
            _finding(1, "B", 1, "r2"),
            _finding(2, "A", 0, "s3")]
    lines = [(line.first.text, line.section, line.shortcoming and line.shortcoming.text,
              line.recommendation and line.recommendation.text) for line in rules.finding_lines(rows)]
    assert lines == [("s1", "A", "s1", "r1"), ("s1", "A", "s2", None), ("r2", "B", None, "r2"),
                     ("s3", "A", "s3", None)]


def test_finding_lines_of_nothing():
    assert list(rules.finding_lines([])) == []


# -- the discrepancies sheet ---------------------------------------------------------------------

def _found(code, said, seen, note=""):
    return row(code=code, label=f"label {code}", declared_text=said, verified_text=seen, note=note)


def test_discrepancy_rows():
    checked = [CheckedVisit(1, "U1", "C-1", "department", "Final", {"C1": 1}),
               CheckedVisit(2, "U2", "C-2", "commune", "Provisional", {"C1": 2}),
               CheckedVisit(3, "U3", "C-3", "commune", "Final", {"C1": 3})]
    declared = {1: ({"C1": 5}, {"C1": "our count"}), 3: ({"C1": 3}, {})}  # visit 2 sent no report
    calls = []

    def compare(kind, answers, notes, verified):
        calls.append((kind, answers, notes, verified))
        if answers == verified:
            return []
        return [_found("C1", "5", "1", notes.get("C1", "")), _found("C2", "x", "y")]

    rows = list(rules.discrepancy_rows(checked, declared, compare))
    assert [(r.number, r.unit_name, r.unit_code, r.data_label, r.code, r.declared, r.verified, r.note)
            for r in rows] == [(1, "U1", "C-1", "Final", "C1", "5", "1", "our count"),
                               (2, "U1", "C-1", "Final", "C2", "x", "y", None)]
    assert rows[0].label == "label C1"
    assert calls == [("department", {"C1": 5}, {"C1": "our count"}, {"C1": 1}),
                     ("commune", {"C1": 3}, {}, {"C1": 3})]


def test_discrepancy_rows_without_reports():
    checked = [CheckedVisit(1, "U1", "C-1", "department", "Final", {})]
    assert list(rules.discrepancy_rows(checked, {}, lambda *args: [_found("C1", "1", "2")])) == []


def test_self_report_values():
    assert rules.self_report_values({"C1", "C2", "E2"}, {"C1": 1, "A1": "yes", "E2": None}) == {"C1": 1, "E2": None}


# -- the visit record's answers ----------------------------------------------------------------

@pytest.mark.parametrize("code, value, expected", [
    ("A1", None, (None, None, None, None)),                       # a missing answer
    ("A1", "partial", ("Một phần", None, None, None)),
    ("C1", {"male": 3, "female": 1}, (None, 4, 1, 0.25)),
    ("C1", {"male": 0, "female": 0}, (None, 0, 0, None)),         # 0 of 0
    ("C1", "broken", ("broken", None, None, None)),               # not a count: shown as it is
    ("D6", 1234567, ("1.234.567", None, None, None)),
    ("D6", 0, ("0", None, None, None)),
    ("A1_date", "2026-06-10", ("10/06/2026", None, None, None)),
    ("A1_file", ["u1", "u2"], ("first.pdf; u2", None, None, None)),  # an unknown file keeps its id
    ("B1_decision", "=HYPERLINK(1)", ("=HYPERLINK(1)", None, None, None)),
    ("B1_decision", 12, ("12", None, None, None)),
])
def test_record_answer(code, value, expected):
    assert rules.record_answer(TEMPLATE.item(code), value, {"u1": "first.pdf"}, WORDS) == expected
