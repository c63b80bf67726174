"""One table of cases, two validators: the server's (validate_answers, answers_from_form) and the
phone's (static/js/rules.js in Chromium, fed by client_rules). They must agree case by case —
same errors, same fields, same order, same words in Vietnamese and English — because the phone
decides offline what it queues and the server decides later what it keeps."""
from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from inspections.checklist import default_template
from inspections.checklist.client_rules import client_rules
from inspections.checklist.form_input import answers_from_form
from inspections.checklist.schema import Template
from inspections.checklist.validation import validate_answers

pytestmark = pytest.mark.browser

RULES_JS = Path(__file__).resolve().parents[2] / "static" / "js" / "rules.js"
UTIL_JS = RULES_JS.with_name("util.js")  # rules.js reads numbers and dates with it, as every page loads it
TODAY = date(2026, 12, 1)
U1 = "3f2b8c1e-9a4d-4e6f-8b2a-1c0d9e8f7a61"
U2 = "7c9e6679-7425-40de-944b-e07fc1f90ae7"

# A small template for what the shipped one does not use: min > 0, fewer choices, short text.
SMALL = Template.from_dict({
    "key": "small", "version": 1, "title_vi": "Phiếu nhỏ", "title_en": "Small",
    "sections": [{"code": "A", "title_vi": "Phần A", "title_en": "Part A", "items": [
        {"code": "A1", "type": "ynp", "label_vi": "Có", "label_en": "Has", "choices": ["yes", "no"], "required": True},
        {"code": "A2", "type": "int", "label_vi": "Số lớp", "label_en": "Classes", "min": 1, "max": 12},
        {"code": "A3", "type": "int", "label_vi": "Lớp nữ", "label_en": "Girls' classes", "subset_of": "A2"},
        {"code": "A4", "type": "text", "label_vi": "Ghi", "label_en": "Text", "max_length": 10},
        {"code": "A5", "type": "mf", "label_vi": "Học sinh", "label_en": "Pupils", "min": 2, "max": 500},
    ]}],
})

# (name, template, unit kind, language, require_complete, what: answers | form, input)
D, DIS = "department", "commune"
CASES = [
    ("empty", "default", D, "vi", False, "answers", {}),
    ("empty, complete", "default", D, "vi", True, "answers", {}),
    ("empty, complete, en", "default", D, "en", True, "answers", {}),
    ("valid partial", "default", D, "vi", False, "answers", {
        "A1": "yes", "A1_date": "2026-03-02", "B4_meetings": 3, "C1": {"male": 60, "female": 40},
        "C2": {"male": 2, "female": 1}, "H1": 15_000_000, "H2": "Đã ban hành kế hoạch năm.", "A1_file": [U1]}),
    ("part exceeds whole, per sex", "default", D, "vi", False, "answers",
     {"C1": {"male": 30, "female": 20}, "C2": {"male": 40, "female": 5}}),
    ("part exceeds whole, en", "default", D, "en", False, "answers",
     {"C1": {"male": 30, "female": 20}, "C2": {"male": 40, "female": 25}}),
    ("part equals whole", "default", D, "vi", False, "answers",
     {"C1": {"male": 3, "female": 2}, "C2": {"male": 3, "female": 2}}),
    ("whole invalid: no subset check", "default", D, "vi", False, "answers",
     {"C1": {"male": -1, "female": 20}, "C2": {"male": 40, "female": 5}}),
    ("negative count", "default", D, "vi", False, "answers", {"C4": {"male": -5, "female": 3}}),
    ("count as text, float, bool", "default", D, "vi", False, "answers",
     {"C1": {"male": "5", "female": 2.5}, "C3": {"male": True, "female": 1}}),
    ("one part missing or null", "default", D, "vi", False, "answers",
     {"C1": {"male": 1}, "C3": {"male": None, "female": 3}, "C4": {}}),
    ("not two numbers", "default", D, "en", False, "answers",
     {"C1": {"male": 1, "female": 1, "other": 2}, "C3": [1, 2], "C4": "12"}),
    ("too large", "default", D, "vi", False, "answers",
     {"C1": {"male": 1_000_001, "female": 0}, "H1": 10 ** 13 + 1, "B4_meetings": 1001}),
    ("at the ceilings", "default", D, "vi", False, "answers",
     {"C1": {"male": 1_000_000, "female": 0}, "H1": 10 ** 13, "B4_meetings": 1000}),
    ("money negative", "default", D, "en", False, "answers", {"H1": -1}),
    ("yes/no answers", "default", D, "vi", False, "answers", {"A1": "maybe", "A2": "Yes", "A3": 5, "A4": "na"}),
    ("dates", "default", D, "vi", False, "answers", {
        "A1_date": "2024-02-30", "A2_date": "1999-12-31", "B1_date": "2027-12-02", "G3": "2027-12-01"}),
    ("dates, not strings", "default", D, "en", False, "answers", {"A1_date": 20240101, "A2_date": "24-01-01"}),
    ("texts", "default", D, "vi", False, "answers",
     {"H2": "x" * 5001, "B1_decision": "y" * 201, "C11_text": 5}),
    ("texts at the limit, code points", "default", D, "vi", False, "answers",
     {"H2": "ư" * 5000, "B1_decision": "😀" * 200}),
    ("files", "default", D, "vi", False, "answers",
     {"A1_file": ["not-a-uuid", U1, U1.upper(), 5, None], "D1_file": "x"}),
    ("too many files", "default", D, "en", False, "answers",
     {"A1_file": [U2] + [U1[:-4] + f"{i:04d}" for i in range(50)]}),
    ("not for a department", "default", D, "vi", False, "answers", {"E6_cases": 3, "E6_supported": 1}),
    ("commune subset", "default", DIS, "vi", False, "answers", {"E6_cases": 3, "E6_supported": 5}),
    ("unknown codes", "default", D, "vi", False, "answers", {"Z9": 1, "zz": "x", "A1": "yes"}),
    ("many unknown codes", "default", D, "en", False, "answers", {f"Q{i}x": i for i in range(25)}),
    ("answers not an object", "default", D, "vi", False, "answers", ["A1"]),
    ("answers a string", "default", D, "en", False, "answers", "A1"),
    ("small: min, choices, short text", "small", D, "vi", True, "answers",
     {"A1": "partial", "A2": 0, "A3": 13, "A4": "quá mười ký tự", "A5": {"male": 1, "female": 501}}),
    ("small: subset with a min", "small", D, "en", False, "answers", {"A1": "no", "A2": 3, "A3": 4}),
    # as typed in the form (strings), then checked: what "Submit" on the phone and the form post say
    ("form: unreadable count", "default", D, "vi", False, "form", {"C1.male": "12a", "C1.female": "40"}),
    ("form: unreadable count, complete", "default", D, "vi", True, "form", {"C1.male": "", "C1.female": "x"}),
    ("form: one part empty", "default", D, "en", False, "form", {"C1.male": "", "C1.female": "3"}),
    ("form: numbers as typed", "default", D, "vi", False, "form", {
        "H1": "15.000.000 đ", "B4_meetings": " 3 ", "C1.male": "1,500", "C1.female": "1 200",
        "C2.male": "+2", "C2.female": "1"}),
    ("form: bad groupings and signs", "default", D, "vi", False, "form", {
        "H1": "1.50.000", "B4_meetings": "-5", "C4.male": "1.500,000", "C4.female": "3"}),
    ("form: money words", "default", D, "en", False, "form", {"H1": "15 000 000 VND"}),
    ("form: dates", "default", D, "vi", False, "form",
     {"A1_date": "31/12/2025", "A2_date": "31/02/2025", "B1_date": "2025-13-01", "G3": "1/1/1999"}),
    ("form: texts and choices", "default", D, "vi", False, "form",
     {"H2": "  Đã ban hành\r\nkế hoạch  ", "A1": "maybe", "A2": "yes", "E6_cases": "7"}),
    ("form: part exceeds whole", "default", D, "vi", False, "form",
     {"C1.male": "30", "C1.female": "20", "C2.male": "40", "C2.female": "5"}),
    ("form: file ids", "default", D, "vi", False, "form", {"A1_file": f"{U1.upper()}, not-a-uuid"}),
]

TEMPLATES = {"default": default_template(), "small": SMALL}


def server_errors(template, unit_kind, lang, complete, what, data):
    """What the server says, in the order it says it (forms: as the form post combines them)."""
    if what == "answers":
        problems = validate_answers(template, unit_kind, data, lang, require_complete=complete, today=TODAY)
        return [[e.code, e.field, e.kind, e.message] for e in problems]
    answers, read_errors = answers_from_form(template, unit_kind, data, lang)
    reported = {e.field for e in read_errors}
    problems = validate_answers(template, unit_kind, answers, lang, require_complete=complete, today=TODAY)
    errors = read_errors + [p for p in problems if not (p.kind == "required" and p.field in reported)]
    return [[e.code, e.field, e.kind, e.message] for e in errors]


def test_the_phone_and_the_server_find_the_same_problems(browser):
    page = browser.new_page()
    try:
        page.set_content("<!doctype html><title>rules</title>")
        page.add_script_tag(path=str(UTIL_JS))
        page.add_script_tag(path=str(RULES_JS))
        payload = []
        for _name, key, unit_kind, lang, complete, what, data in CASES:
            values = {k: [v] for k, v in data.items()} if what == "form" else data
            payload.append({"rules": client_rules(TEMPLATES[key], unit_kind, lang), "what": what,
                            "data": values, "options": {"requireComplete": complete, "today": TODAY.isoformat()}})
        phone = page.evaluate("""cases => cases.map(c => (c.what === 'form'
            ? ChecklistRules.check(c.rules, c.data, c.options)
            : ChecklistRules.validate(c.rules, c.data, c.options)).map(e => [e.code, e.field, e.kind, e.message]))""",
                              json.loads(json.dumps(payload)))
    finally:
        page.close()

    disagreements = []
    kinds_seen = set()
    for (name, key, unit_kind, lang, complete, what, data), js in zip(CASES, phone, strict=True):
        python = server_errors(TEMPLATES[key], unit_kind, lang, complete, what, data)
        kinds_seen.update(e[2] for e in python)
        if js != python:
            disagreements.append(f"{name}:\n  server {python}\n  phone  {js}")
    assert not disagreements, "\n".join(disagreements)
    # the table reaches every rule the phone checks (a table of passing cases would prove nothing)
    assert kinds_seen >= {
        "required", "exceeds_whole", "negative", "below_min", "too_large", "not_integer", "mf_part_missing",
        "mf_invalid", "ynp_invalid", "date_invalid", "date_too_early", "date_too_late", "text_invalid",
        "text_too_long", "files_invalid", "file_id_invalid", "file_duplicate", "too_many_files",
        "not_applicable", "unknown_item", "too_many_unknown", "answers_not_object", "number_unparsable",
        "date_unparsable"}
