"""Template structure: what a sound template is, and every way a broken one is reported."""
import re

import pytest

from inspections.checklist import Template, TemplateError
from inspections.checklist.schema import CODE_RE

# The checklist of DOMAIN.md: every item, by code, with its answer type.
DOMAIN_ITEMS = {
    "A1": "ynp", "A1_date": "date", "A1_file": "file", "A2": "ynp", "A2_date": "date",
    "A2_file": "file", "A3": "ynp", "A3_file": "file", "A4": "ynp",
    "B1": "ynp", "B1_decision": "text", "B1_date": "date", "B2": "mf", "B3": "mf", "B4": "ynp",
    "B4_meetings": "int", "B5": "ynp",
    "C1": "mf", "C2": "mf", "C3": "mf", "C4": "mf", "C5": "mf", "C6": "mf", "C7": "mf",
    "C8": "mf", "C9": "mf", "C10": "mf", "C11": "ynp", "C11_text": "text",
    "D1": "ynp", "D1_file": "file", "D2": "mf", "D3": "ynp", "D3_mf": "mf", "D4": "ynp",
    "D5": "ynp", "D5_complaints": "int", "D6": "int", "D6_penalties": "text",
    "E1_meetings": "int", "E1_talks": "int", "E1_banners": "int", "E1_articles": "int",
    "E2": "mf", "E3": "ynp", "E3_file": "file", "E4": "ynp", "E4_file": "file", "E5": "ynp",
    "E6_cases": "int", "E6_supported": "int", "E6_model": "ynp",
    "F1": "mf", "F2": "int",
    "G1": "ynp", "G1_documents": "int", "G2": "ynp", "G3": "date", "G4": "date", "G5": "ynp",
    "H1": "money", "H2": "text", "H3": "text", "H4": "text", "H5": "text", "H6": "text",
    "H6_deadline": "date",
}
# Version 2 (2026) adds the topics the texts ask an inspection to check.
V2_ITEMS = {**DOMAIN_ITEMS, "C12": "ynp", "D7": "ynp", "D8": "ynp", "D9": "ynp", "D10": "int",
            "D10_handled": "int", "E6_perpetrators": "int", "E6_counselled": "int", "E7": "int",
            "E8": "int", "E8_supported": "int", "G6": "ynp"}


def problems_of(data):
    with pytest.raises(TemplateError) as caught:
        Template.from_dict(data)
    return caught.value.problems


def test_default_template_has_every_domain_item_with_its_type(template):
    assert template.key == "gender_equality" and template.version == 2
    assert {item.code: item.type for item in template.items} == V2_ITEMS
    assert [section.code for section in template.sections] == list("ABCDEFGH")
    assert template.section_of("C6").title_vi.startswith("Công tác cán bộ nữ")


def test_default_template_labels_are_bilingual_with_vietnamese_diacritics(template):
    for item in template.items:
        assert item.label_vi and item.label_en, item.code
        assert CODE_RE.match(item.code) and "." not in item.code
    vietnamese = "".join(item.label_vi for item in template.items)
    for letter in "ăâđêôơưạảấầếềệịọồờởợụủứừữựỳ":
        assert letter in vietnamese.lower(), letter
    assert template.item("C2").label_vi.startswith("Lãnh đạo đơn vị")
    assert template.item("D1").expected == "no"


def test_default_template_carries_legal_basis(template):
    bases = " ".join(item.legal_basis or "" for item in template.items)
    for law in ("Luật Bình đẳng giới 2006", "Bộ luật Lao động 2019", "Nghị định 125/2021/NĐ-CP",
                "Nghị quyết 26-NQ/TW", "Nghị quyết 28/NQ-CP",
                "Luật Phòng, chống bạo lực gia đình 2022"):
        assert law in bases, law


def test_localities_only_items_are_left_out_for_agencies(template):
    agency = [item.code for item in template.items_for("department")]
    commune = [item.code for item in template.items_for("commune")]
    assert "C6" not in agency and "E6_cases" not in agency
    assert "C6" in commune and "E6_model" in commune
    assert set(commune) - set(agency) == {"C6", "E6_cases", "E6_supported", "E6_model", "E6_perpetrators",
                                          "E6_counselled", "E8", "E8_supported", "G6"}
    sections = dict((section.code, items) for section, items in template.sections_for("department"))
    assert [item.code for item in sections["E"]][-2:] == ["E5", "E7"]


def test_item_lookup_fields_and_parts(template):
    c1 = template.item("C1")
    assert c1.fields == ("C1.male", "C1.female")
    assert template.item("A1_date").base_code == "A1"
    assert template.item("G3").fields == ("G3",)
    assert template.item("A1").label("en").startswith("Annual plan")
    with pytest.raises(KeyError):
        template.item("Z9")


def test_subset_relations_of_the_default_template(template):
    subsets = {item.code: item.subset_of for item in template.items if item.subset_of}
    assert subsets["C2"] == "C1" and subsets["C3"] == "C1" and subsets["C5"] == "C4"
    assert subsets["E6_supported"] == "E6_cases"


def test_plain_data_round_trip_and_content_hash(template, data):
    assert Template.from_dict(template.to_dict()) == template
    again = Template.from_dict(template.to_dict())
    assert again.content_hash() == template.content_hash()
    assert re.fullmatch(r"[0-9a-f]{64}", template.content_hash())
    changed = template.to_dict()
    changed["sections"][0]["items"][0]["label_en"] += "!"
    assert Template.from_dict(changed).content_hash() != template.content_hash()


def test_content_hash_ignores_key_order_and_default_fields(data):
    plain = Template.from_dict(data)
    data["sections"][0]["items"][0]["required"] = False
    data["sections"][0]["items"][0]["choices"] = None
    reordered = dict(reversed(list(data.items())))
    assert Template.from_dict(reordered).content_hash() == plain.content_hash()


def test_duplicate_codes_are_reported_at_both_places(data):
    helped = data["sections"][1]["items"][1]
    helped["code"] = "A2"
    del helped["subset_of"]
    problems = problems_of(data)
    assert [p.location for p in problems] == ["sections[1].items[1].code"]
    assert "duplicate item code A2" in problems[0].message
    assert "sections[0].items[1]" in problems[0].message


def test_every_problem_is_collected_not_just_the_first(data):
    items = data["sections"][0]["items"]
    items[0]["type"] = "yesno"
    items[1]["label_vi"] = ""
    items[2]["applies_to"] = ["province"]
    data["sections"][1]["items"][0]["choices"] = ["yes"]
    data["indicators"][0]["formula"] = "share(Z9)"
    error_text = None
    with pytest.raises(TemplateError) as caught:
        Template.from_dict(data)
    error_text = str(caught.value)
    locations = {p.location: p.message for p in caught.value.problems}
    assert "unknown type 'yesno'" in locations["sections[0].items[0].type"]
    assert "label_vi is missing" == locations["sections[0].items[1].label_vi"]
    assert "unknown unit kind 'province'" in locations["sections[0].items[2].applies_to[0]"]
    assert "only for ynp" in locations["sections[1].items[0].choices"]
    assert "unknown item Z9" in locations["indicators[0].formula"]
    assert error_text.startswith("5 problems found:")
    for location in locations:
        assert location in error_text


@pytest.mark.parametrize("choices, expected_message", [
    (["yes", "maybe"], "unknown choice 'maybe'"),
    (["yes", "yes"], "listed twice"),
    ([], "non-empty list"),
])
def test_bad_choices(data, choices, expected_message):
    data["sections"][0]["items"][0]["choices"] = choices
    assert any(expected_message in p.message for p in problems_of(data))


def test_choices_and_expected_answer(data):
    data["sections"][0]["items"][0].update(choices=["yes", "no", "na"], expected="no")
    item = Template.from_dict(data).item("A1")
    assert item.allowed_values == ("yes", "no", "na") and item.compliant_value == "no"
    data["sections"][0]["items"][0].update(choices=["yes", "na"])
    assert "not one of the choices" in problems_of(data)[0].message


def test_codes_must_be_simple_and_dot_free(data):
    data["sections"][0]["items"][0]["code"] = "A1.x"
    data["sections"][0]["items"][1]["code"] = "a2"
    problems = problems_of(data)
    assert [p.location for p in problems][:2] == ["sections[0].items[0].code",
                                                  "sections[0].items[1].code"]


def test_unknown_fields_are_reported(data):
    data["sections"][0]["items"][0]["lable_vi"] = "typo"
    data["colour"] = "red"
    locations = [p.location for p in problems_of(data)]
    assert "colour" in locations and "sections[0].items[0].lable_vi" in locations


def test_options_must_fit_the_type(data):
    item = data["sections"][0]["items"][0]
    item.update(min=1, max_length=10, subset_of="A2")
    messages = [p.message for p in problems_of(data)]
    assert any("min is only for" in m for m in messages)
    assert any("max_length is only for text" in m for m in messages)
    assert any("subset_of is only for" in m for m in messages)


def test_subset_of_must_name_an_item_of_the_same_type(data):
    data["sections"][0]["items"][2]["subset_of"] = "B1"
    assert "types differ" in problems_of(data)[0].message
    data["sections"][0]["items"][2]["subset_of"] = "Q7"
    assert "unknown item Q7" in problems_of(data)[0].message


def test_formula_naming_unknown_indicator_and_wrong_unit(data):
    data["indicators"][0]["formula"] = "ref(I7)"
    data["indicators"][1]["unit"] = "%"
    problems = problems_of(data)
    assert {(p.location, p.message.split(";")[0]) for p in problems} >= {
        ("indicators[0].formula", "ref(): unknown indicator I7")}
    assert any(p.location == "indicators[1].unit" and "gives a bool" in p.message
               for p in problems)


def test_cycles_among_indicators_are_reported(data):
    data["indicators"] = [
        {"code": "I1", "unit": "ratio", "formula": "ref(I2) / 2", "label_vi": "a", "label_en": "a"},
        {"code": "I2", "unit": "ratio", "formula": "ref(I3) + 1", "label_vi": "b", "label_en": "b"},
        {"code": "I3", "unit": "ratio", "formula": "ref(I1) * 1", "label_vi": "c", "label_en": "c"},
        {"code": "I4", "unit": "ratio", "formula": "ref(I4)", "label_vi": "d", "label_en": "d"},
    ]
    messages = [p.message for p in problems_of(data)]
    assert any("cycle: I1 → I2 → I3 → I1" in m for m in messages)
    assert any("cycle: I4 → I4" in m for m in messages)


def test_indicator_code_may_not_reuse_an_item_code(data):
    data["indicators"][0]["code"] = "A1"
    assert "already an item code" in problems_of(data)[0].message


def test_not_a_mapping_at_all():
    assert "must be a mapping" in problems_of(["a", "list"])[0].message
    assert "sections is missing" in [p.message for p in problems_of({"key": "x", "version": 1,
                                                                     "title_vi": "x",
                                                                     "title_en": "x"})]


def test_custom_unit_kinds(data):
    data["unit_kinds"] = ["agency", "ward"]
    data["sections"][1]["items"][0]["applies_to"] = ["ward"]
    data["sections"][1]["items"][1]["applies_to"] = ["ward"]
    template = Template.from_dict(data)
    assert template.unit_kinds == ("agency", "ward")
    assert [i.code for i in template.items_for("agency")] == ["A1", "A2", "A3"]
    assert Template.from_dict(template.to_dict()) == template
