"""Answer validation: every problem reported, on the right form field, in vi or en."""
from datetime import date

import pytest
from hypothesis import given, settings, strategies as st

from inspections.checklist import default_template, validate_answers

from .strategies import TODAY, UNIT_KINDS, valid_answers

TEMPLATE = default_template()
UUID = "0e0c6f0a-1111-4222-8333-444455556666"


def errors(answers, kind="department", **options):
    options.setdefault("today", TODAY)
    return [(e.code, e.field, e.kind) for e in validate_answers(TEMPLATE, kind, answers,
                                                                **options)]


def test_good_answers_of_every_type_pass():
    answers = {"A1": "yes", "A1_date": "2024-03-01", "A1_file": [UUID], "C1": {"male": 40,
               "female": 35}, "C2": {"male": 2, "female": 1}, "B4_meetings": 4,
               "H1": 150_000_000, "H2": "Đã ban hành đầy đủ kế hoạch.", "D1": "no", "G3": None,
               "H3": ""}
    assert errors(answers) == []


@pytest.mark.parametrize("code, value, field, kind", [
    ("A1", "Có", "A1", "ynp_invalid"),
    ("A1", True, "A1", "ynp_invalid"),
    ("C1", {"male": 3}, "C1.female", "mf_part_missing"),
    ("C1", {"male": 3, "female": 1, "other": 2}, "C1", "mf_invalid"),
    ("C1", [3, 1], "C1", "mf_invalid"),
    ("C1", {"male": 3, "female": "1"}, "C1.female", "not_integer"),
    ("C1", {"male": True, "female": 1}, "C1.male", "not_integer"),
    ("C1", {"male": -1, "female": 1}, "C1.male", "negative"),
    ("C1", {"male": 1, "female": 2_000_000}, "C1.female", "too_large"),
    ("B4_meetings", 2.5, "B4_meetings", "not_integer"),
    ("B4_meetings", False, "B4_meetings", "not_integer"),
    ("B4_meetings", 1001, "B4_meetings", "too_large"),  # the item's own max
    ("D6", -3, "D6", "negative"),
    ("H1", 10**14, "H1", "too_large"),
    ("A1_date", "01/03/2024", "A1_date", "date_invalid"),
    ("A1_date", "2024-02-30", "A1_date", "date_invalid"),
    ("A1_date", "1999-12-31", "A1_date", "date_too_early"),
    ("A1_date", "2025-11-21", "A1_date", "date_too_late"),
    ("H2", "x" * 5001, "H2", "text_too_long"),
    ("B1_decision", "x" * 201, "B1_decision", "text_too_long"),
    ("H2", 12, "H2", "text_invalid"),
    ("A1_file", UUID, "A1_file", "files_invalid"),
    ("A1_file", ["not-a-uuid"], "A1_file", "file_id_invalid"),
    ("A1_file", [UUID, UUID], "A1_file", "file_duplicate"),
    ("A1_file", [f"{n:08x}-1111-4222-8333-444455556666" for n in range(51)], "A1_file",
     "too_many_files"),
    ("Z9", "yes", "Z9", "unknown_item"),
    ("C6", {"male": 10, "female": 5}, "C6", "not_applicable"),
    ("E6_cases", 3, "E6_cases", "not_applicable"),
])
def test_each_kind_of_problem(code, value, field, kind):
    assert errors({code: value}) == [(code, field, kind)]


def test_dates_are_judged_against_today():
    assert errors({"H6_deadline": "2025-11-20"}) == []  # exactly a year ahead
    assert errors({"H6_deadline": "2025-11-20"}, today=date(2024, 1, 1)) == [
        ("H6_deadline", "H6_deadline", "date_too_late")]


def test_part_larger_than_whole_is_reported_per_sex():
    answers = {"C1": {"male": 10, "female": 5}, "C2": {"male": 11, "female": 6},
               "C3": {"male": 10, "female": 5}, "C4": {"male": 3, "female": 0},
               "C5": {"male": 2, "female": 1}}
    assert errors(answers) == [("C2", "C2.male", "exceeds_whole"),
                               ("C2", "C2.female", "exceeds_whole"),
                               ("C5", "C5.female", "exceeds_whole")]
    message = validate_answers(TEMPLATE, "department", answers, "en")[0].message
    assert message.startswith("Cannot exceed item C1 (All staff") and "11 > 10" in message


def test_part_of_an_int_whole_for_localities():
    assert errors({"E6_cases": 4, "E6_supported": 5}, "commune") == [
        ("E6_supported", "E6_supported", "exceeds_whole")]
    assert errors({"E6_supported": 5}, "commune") == []  # no whole given: nothing to compare


def test_every_problem_is_reported_at_once():
    found = errors({"A1": "maybe", "C1": {"male": -1, "female": -2}, "Z1": 1, "H2": 5})
    assert found == [("A1", "A1", "ynp_invalid"), ("C1", "C1.male", "negative"),
                     ("C1", "C1.female", "negative"), ("H2", "H2", "text_invalid"),
                     ("Z1", "Z1", "unknown_item")]


def test_required_items_only_when_complete_is_asked():
    assert errors({}) == []
    missing = errors({}, require_complete=True)
    assert ("A1", "A1", "required") in missing and ("C1", "C1.male", "required") in missing
    assert all(kind == "required" for _, _, kind in missing)
    required = {item.code for item in TEMPLATE.items_for("department") if item.required}
    assert {code for code, _, _ in missing} == required
    assert "C6" not in {code for code, _, _ in errors({}, "department", require_complete=True)}


def test_messages_in_vietnamese_and_english():
    vi = validate_answers(TEMPLATE, "department", {"D6": -1, "E6_cases": 1}, today=TODAY)
    en = validate_answers(TEMPLATE, "department", {"D6": -1, "E6_cases": 1}, "en", today=TODAY)
    assert [e.message for e in vi] == ["Không được là số âm.",
                                       "Mục này không áp dụng cho sở, ban, ngành."]
    assert [e.message for e in en] == ["Must not be negative.",
                                       "This item does not apply to a provincial agency."]
    assert validate_answers(TEMPLATE, "department", {"D6": -1}, "en_US")[0].message == \
        "Must not be negative."


def test_not_a_mapping_and_unknown_unit_kind():
    assert errors(["A1"]) == [("", "", "answers_not_object")]
    with pytest.raises(ValueError):
        validate_answers(TEMPLATE, "province", {})


def test_many_unknown_codes_are_summarised():
    found = errors({f"Z{n}": 1 for n in range(100)})
    assert len(found) == 21 and found[-1] == ("", "", "too_many_unknown")


@settings(max_examples=60, deadline=None)
@given(st.data(), UNIT_KINDS)
def test_valid_generated_answers_have_no_errors(data, unit_kind):
    answers = data.draw(valid_answers(TEMPLATE, unit_kind))
    assert validate_answers(TEMPLATE, unit_kind, answers, today=TODAY) == []


@settings(max_examples=60, deadline=None)
@given(st.data(), UNIT_KINDS, st.integers(max_value=-1))
def test_any_negative_count_is_reported(data, unit_kind, negative):
    answers = data.draw(valid_answers(TEMPLATE, unit_kind))
    counted = [item for item in TEMPLATE.items_for(unit_kind)
               if item.type in ("mf", "int", "money")]
    item = data.draw(st.sampled_from(counted))
    if item.type == "mf":
        part = data.draw(st.sampled_from(["male", "female"]))
        answers[item.code] = {"male": 1, "female": 1, part: negative}
        field = f"{item.code}.{part}"
    else:
        answers[item.code] = negative
        field = item.code
    found = errors(answers, unit_kind)
    assert (item.code, field, "negative") in found
