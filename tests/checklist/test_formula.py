"""The indicator formula language: what it accepts, what it refuses, how it computes."""
from datetime import date

import pytest

from inspections.checklist.formula import FormulaError, Ratio, check_formula, parse_formula, parse_month_day

ITEMS = {"C1": "mf", "C2": "mf", "N1": "int", "M1": "money", "Y1": "ynp", "D1": "date",
         "T1": "text"}
UNITS = {"I1": "%", "I2": "yes/no", "I3": "ratio"}


class Scope:
    """A unit as a formula sees it."""

    def __init__(self, values, refs=None, year=None, compliance=None):
        self.values, self.refs, self.year, self._compliance = values, refs or {}, year, compliance

    def value(self, code):
        return self.values.get(code)

    def ref(self, code):
        return self.refs.get(code)

    def compliance(self):
        return self._compliance


def typed(source):
    return check_formula(parse_formula(source), ITEMS, UNITS)


@pytest.mark.parametrize("source", [
    "__import__('os').system('true')",
    "C1.female",
    "C1[0]",
    "lambda: 1",
    "share(C1, key=1)",
    "open('x')",
    "[1, 2]",
    "None",
    "share",
    "1 if N1 else 2",
    "x" * 600,
    "",
    "share(C1",
])
def test_refuses_anything_outside_the_language(source):
    with pytest.raises(FormulaError):
        parse_formula(source)


@pytest.mark.parametrize("source, kind", [
    ("share(C1)", "ratio"),
    ("ratio(N1, M1)", "ratio"),
    ("compliance()", "ratio"),
    ("female(C2) >= 1", "bool"),
    ("ref(I1) / ref(I1)", "number"),
    ('every(on_time(D1, "06-10"), ref(I2))', "bool"),
    ('Y1 == "yes" and not (N1 > 3)', "bool"),
    ("total(C1) + N1 * 2 - 1", "number"),
])
def test_result_types(source, kind):
    assert typed(source) == (kind, [])


@pytest.mark.parametrize("source, message", [
    ("share(N1)", "needs a mf item, N1 is int"),
    ("C1 + 1", "use female(C1), male(C1), total(C1) or share(C1)"),
    ("I1 > 3", "write ref(I1)"),
    ("ref(I9)", "unknown indicator I9"),
    ("share(Z1)", "unknown item Z1"),
    ('on_time(D1, "02-30")', "not a month-day"),
    ("on_time(N1, \"06-10\")", "needs a date item"),
    ("ratio(N1)", "takes 2 argument(s)"),
    ('Y1 > "yes"', "cannot compare text with text"),
    ("every(N1)", "every() needs bool"),
    ("D1 == 1", 'use on_time(D1, "MM-DD")'),
])
def test_type_problems_name_what_is_wrong(source, message):
    _, problems = typed(source)
    assert any(message in problem for problem in problems), problems


def test_items_and_refs_are_collected():
    formula = parse_formula("ref(I1) / ratio(female(C2) + N1, total(C1))")
    assert formula.items == {"C1", "C2", "N1"} and formula.refs == {"I1"}


def test_evaluation_for_one_unit():
    scope = Scope({"C1": {"male": 3, "female": 1}, "N1": 4, "Y1": "yes",
                   "D1": date(2024, 6, 10)}, refs={"I1": Ratio(1, 4)}, year=2024)
    assert parse_formula("share(C1)").evaluate(scope) == Ratio(1, 4)
    assert parse_formula("share(C1)").evaluate(scope).percent == 25
    assert parse_formula("ref(I1) * 2").evaluate(scope) == 50
    assert parse_formula("ratio(N1, total(C1))").evaluate(scope).percent == 100
    assert parse_formula('on_time(D1, "06-10")').evaluate(scope) is True
    assert parse_formula('on_time(D1, "06-09")').evaluate(scope) is False
    assert parse_formula('Y1 == "yes" and female(C1) >= 1').evaluate(scope) is True
    assert parse_formula("-N1 + 1").evaluate(scope) == -3


def test_no_data_propagates_and_never_becomes_zero():
    empty = Scope({})
    for source in ("share(C1)", "female(C1) >= 1", "N1 / 2", "ratio(N1, 3)",
                   'on_time(D1, "06-10")', "ref(I1) / ref(I1)"):
        assert parse_formula(source).evaluate(empty) is None, source
    assert parse_formula("N1 / 0").evaluate(Scope({"N1": 3})) is None
    assert Ratio(0, 0).percent is None


def test_three_valued_logic_and_every():
    scope = Scope({"N1": 0})
    assert parse_formula("N1 > 1 and M1 > 1").evaluate(scope) is False  # decided by N1
    assert parse_formula("N1 < 1 and M1 > 1").evaluate(scope) is None
    assert parse_formula("N1 < 1 or M1 > 1").evaluate(scope) is True
    assert parse_formula("every(N1 < 1, M1 > 1)").evaluate(scope) is True  # M1 unanswered
    assert parse_formula("every(M1 > 1)").evaluate(scope) is None


def test_deadline_uses_the_reporting_year_when_given():
    sent = Scope({"D1": date(2025, 1, 5)}, year=2024)
    assert parse_formula('on_time(D1, "12-10")').evaluate(sent) is False
    sent.year = None  # without a reporting year, the date's own year
    assert parse_formula('on_time(D1, "12-10")').evaluate(sent) is True


def test_month_day():
    assert parse_month_day("06-10") == (6, 10)
    for bad in ("6-10", "13-01", "02-29", "june"):
        with pytest.raises(FormulaError):
            parse_month_day(bad)
