"""Publishing a new version of a template: codes keep their meaning and their type."""
import copy

from inspections.checklist import Template, check_new_version


def next_version(data, **changes):
    new = copy.deepcopy(data)
    new["version"] = data["version"] + 1
    new.update(changes)
    return new


def test_type_change_is_refused_and_names_the_item(data):
    new = next_version(data)
    new["sections"][0]["items"][1]["type"] = "int"  # A2 was mf
    new["sections"][0]["items"][2]["subset_of"] = None
    new["indicators"] = []
    problems = check_new_version(Template.from_dict(data), Template.from_dict(new))
    assert len(problems) == 1
    assert problems[0].location == "sections[0].items[1].type"
    assert "item A2 changes type from mf to int" in problems[0].message


def test_change_to_text_added_and_removed_items_are_allowed(data):
    new = next_version(data)
    new["sections"][0]["items"][0]["type"] = "text"     # A1 ynp → text: allowed
    del new["sections"][1]["items"][1]                  # B1_helped removed
    new["sections"][1]["items"].append(                 # a new item
        {"code": "B2", "type": "date", "label_vi": "Ngày", "label_en": "Date"})
    assert check_new_version(Template.from_dict(data), Template.from_dict(new)) == []


def test_renamed_code_is_a_removed_plus_a_new_item(data):
    new = next_version(data)
    new["sections"][1]["items"][1]["code"] = "B2"
    assert check_new_version(Template.from_dict(data), Template.from_dict(new)) == []


def test_key_and_version_must_follow(data):
    same = Template.from_dict(data)
    other = Template.from_dict(dict(data, key="other"))
    locations = [p.location for p in check_new_version(same, other)]
    assert locations == ["key", "version"]
