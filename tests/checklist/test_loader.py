"""Reading templates and target sets from YAML and JSON text and files."""
import json

import pytest
import yaml

from inspections.checklist import (
    TemplateError,
    default_target_set,
    default_template,
    load_target_set,
    load_template,
    parse_target_set,
    parse_template,
)
from inspections.checklist.loader import DATA_DIR


def test_shipped_files_load(template, target_set):
    assert default_template() is template  # cached: the shipped template is immutable
    assert target_set.key == "ncgs_2021_2030" and target_set.version == 2
    older = load_target_set(DATA_DIR / "targets_2011_2020.yaml")
    assert older.key == "ncgs_2011_2020"
    assert older.target_for("I3", "rollup", 2015).ge == 80
    # "trên 95%" in 2020: over, not at least
    assert older.target_for("I3", "rollup", 2020).gt == 95 and older.target_for("I3", "rollup", 2020).ge is None
    assert older.target_for("I3", "rollup", 2020).is_met(95.0) is False
    assert default_target_set().target_for("I3", "rollup", 2025).ge == 60


def test_yes_and_no_stay_words_in_yaml(data):
    data["sections"][0]["items"][0]["choices"] = ["yes", "no", "na"]
    data["sections"][0]["items"][0]["expected"] = "no"
    text = yaml.safe_dump(data, allow_unicode=True).replace("'yes'", "yes").replace("'no'", "no")
    assert "- yes" in text and "expected: no" in text  # unquoted, as staff would write it
    item = parse_template(text).item("A1")
    assert item.allowed_values == ("yes", "no", "na") and item.expected == "no"


def test_required_written_as_yes_in_yaml():
    text = """
key: mini
version: 1
title_vi: Phiếu thử
title_en: Test
sections:
  - code: A
    title_vi: Phần A
    title_en: Part A
    items:
      - {code: A1, type: ynp, label_vi: Có kế hoạch, label_en: Plan, required: yes}
      - {code: A2, type: int, label_vi: Số, label_en: Number, required: no}
"""
    template = parse_template(text)
    assert template.item("A1").required is True and template.item("A2").required is False


def test_duplicate_yaml_key_is_an_error():
    text = "key: a\nkey: b\nversion: 1\n"
    with pytest.raises(TemplateError) as caught:
        parse_template(text)
    assert "appears twice" in str(caught.value)
    assert caught.value.problems[0].location.startswith("line 2")


def test_yaml_syntax_error_names_line_and_column():
    with pytest.raises(TemplateError) as caught:
        parse_template("key: x\nsections: [\n  - a: b\n")
    assert caught.value.problems[0].location.startswith("line ")
    assert "not valid YAML" in caught.value.problems[0].message


def test_unsafe_yaml_tags_are_refused():
    with pytest.raises(TemplateError):
        parse_template("key: !!python/object/apply:os.system ['true']\n")


def test_json_text_and_files(tmp_path, data):
    assert parse_template(json.dumps(data), "json").key == "mini"
    path = tmp_path / "mini.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    assert load_template(path).item("A2").label_vi == "Cán bộ"
    yaml_path = tmp_path / "mini.yml"
    yaml_path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    assert load_template(yaml_path) == load_template(path)


def test_bad_json_and_duplicate_json_keys():
    with pytest.raises(TemplateError) as caught:
        parse_template('{"key": "a",', "json")
    assert "not valid JSON" in caught.value.problems[0].message
    with pytest.raises(TemplateError) as caught:
        parse_template('{"key": "a", "key": "b"}', "json")
    assert "appears twice" in str(caught.value)


def test_unknown_file_extension_and_bad_encoding(tmp_path):
    path = tmp_path / "template.txt"
    path.write_text("key: x", encoding="utf-8")
    with pytest.raises(TemplateError):
        load_template(path)
    with pytest.raises(TemplateError) as caught:
        parse_template(b"key: \xff\xfe")
    assert "not UTF-8" in str(caught.value)


def test_target_set_problems_are_collected():
    text = """
key: t
version: 0
title_vi: Chỉ tiêu
title_en: Targets
targets:
  - indicator: I1
  - indicator: I2
    ge: many
    scope: everywhere
"""
    with pytest.raises(TemplateError) as caught:
        parse_target_set(text)
    locations = [p.location for p in caught.value.problems]
    assert "version" in locations
    assert "targets[0]" in locations  # no comparison at all
    assert "targets[1].ge" in locations and "targets[1].scope" in locations
