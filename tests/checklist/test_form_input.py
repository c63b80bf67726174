"""HTML form strings → JSON answers; what cannot be read is reported per field."""
import pytest
from hypothesis import given, settings, strategies as st

from inspections.checklist import answers_from_form, default_template, validate_answers
from inspections.checklist.form_input import parse_form_date, parse_whole_number

from .strategies import TODAY, valid_answers

TEMPLATE = default_template()
UUID_A = "0e0c6f0a-1111-4222-8333-444455556666"
UUID_B = "1e0c6f0a-1111-4222-8333-444455556666"


class MultiDict(dict):
    """Enough of werkzeug's MultiDict: ``get`` gives the first value, ``getlist`` all."""

    def get(self, key, default=None):
        values = super().get(key)
        return values[0] if values else default

    def getlist(self, key):
        return list(super().get(key, []))


def test_a_filled_form_becomes_json_answers():
    form = {"csrf_token": "abc", "A1": "yes", "A1_date": "2024-03-05", "C1.male": "40",
            "C1.female": " 35 ", "B4_meetings": "3", "H1": "1.500.000 đ", "H2": "Tốt\r\nlắm ",
            "A1_file": f"{UUID_A}, {UUID_B.upper()}", "A2": "", "C2.male": "", "C2.female": "",
            "G3": "09/06/2024"}
    answers, errors = answers_from_form(TEMPLATE, "department", form)
    assert errors == []
    assert answers == {"A1": "yes", "A1_date": "2024-03-05", "A1_file": [UUID_A, UUID_B],
                       "C1": {"male": 40, "female": 35}, "B4_meetings": 3, "G3": "2024-06-09",
                       "H1": 1_500_000, "H2": "Tốt\nlắm"}
    assert validate_answers(TEMPLATE, "department", answers, today=TODAY) == []


def test_file_items_take_every_value_of_a_multidict():
    form = MultiDict({"A1_file": [UUID_A, UUID_B], "A1": ["no", "yes"]})
    answers, errors = answers_from_form(TEMPLATE, "department", form)
    assert answers == {"A1_file": [UUID_A, UUID_B], "A1": "no"} and errors == []
    answers, _ = answers_from_form(TEMPLATE, "department", {"A1_file": [UUID_A, ""]})
    assert answers == {"A1_file": [UUID_A]}


def test_unreadable_fields_are_reported_and_the_rest_converted():
    form = {"C1.male": "mười", "C1.female": "3", "C2.male": "2", "B4_meetings": "1.5",
            "A1_date": "hôm qua", "A1": "yes"}
    answers, errors = answers_from_form(TEMPLATE, "department", form)
    assert answers == {"A1": "yes"}
    assert [(e.code, e.field, e.kind) for e in errors] == [
        ("A1_date", "A1_date", "date_unparsable"),
        ("B4_meetings", "B4_meetings", "number_unparsable"),
        ("C1", "C1.male", "number_unparsable"),
        ("C2", "C2.female", "mf_part_missing"),
    ]
    assert errors[0].message == "Không đọc được ngày “hôm qua” (dạng NNNN-TT-NN hoặc NN/TT/NNNN)."


def test_items_that_do_not_apply_are_not_read():
    answers, _ = answers_from_form(TEMPLATE, "department", {"C6.male": "3", "C6.female": "2"})
    assert answers == {}
    answers, _ = answers_from_form(TEMPLATE, "commune", {"C6.male": "3", "C6.female": "2"})
    assert answers == {"C6": {"male": 3, "female": 2}}


def test_negative_numbers_are_read_so_validation_can_name_them():
    answers, errors = answers_from_form(TEMPLATE, "department", {"D6": "-2"})
    assert answers == {"D6": -2} and errors == []
    assert validate_answers(TEMPLATE, "department", answers)[0].kind == "negative"


@pytest.mark.parametrize("text, number", [
    ("12", 12), ("+7", 7), ("1.234", 1234), ("1,234,567", 1234567), ("1 234", 1234),
    ("12\u00a0000", 12000), ("-5", -5),
])
def test_whole_numbers_as_typed(text, number):
    assert parse_whole_number(text) == number


@pytest.mark.parametrize("text", ["1.5", "1.23", "1,2345", "1.234,567", "abc", "", "1e3",
                                  "9" * 40])
def test_not_whole_numbers(text):
    with pytest.raises(ValueError):
        parse_whole_number(text)


def test_money_may_carry_the_currency():
    assert parse_whole_number("2.000.000 VNĐ", money=True) == 2_000_000
    assert parse_whole_number("500.000₫", money=True) == 500_000


@pytest.mark.parametrize("text, iso", [("2024-06-10", "2024-06-10"), ("10/6/2024", "2024-06-10"),
                                       ("1.12.2023", "2023-12-01")])
def test_dates_as_typed(text, iso):
    assert parse_form_date(text) == iso


@pytest.mark.parametrize("text", ["31/02/2024", "2024/06/10", "June 10", "10/06/24"])
def test_not_dates(text):
    with pytest.raises(ValueError):
        parse_form_date(text)


def _as_form(answers):
    form = MultiDict()
    for code, value in answers.items():
        if isinstance(value, dict):
            for part, number in value.items():
                form[f"{code}.{part}"] = [str(number)]
        elif isinstance(value, list):
            form[code] = value
        else:
            form[code] = [str(value)]
    return form


@settings(max_examples=40, deadline=None)
@given(st.data())
def test_form_round_trip_of_valid_answers(data):
    answers = data.draw(valid_answers(TEMPLATE, "district"))
    # Forms strip text and drop what is empty: compare with answers normalised the same way.
    expected = {code: value.strip() if isinstance(value, str) and TEMPLATE.item(code).type ==
                "text" else value for code, value in answers.items()}
    expected = {code: value for code, value in expected.items() if value not in ("", [])}
    form = _as_form({code: value for code, value in expected.items()
                     if TEMPLATE.item(code).type != "text" or "\r" not in value})
    converted, errors = answers_from_form(TEMPLATE, "district", form)
    assert errors == []
    assert converted == {code: value for code, value in expected.items()
                         if TEMPLATE.item(code).type != "text" or "\r" not in value}
