"""Target sets: which target applies, whether it is met, how it reads."""
import pytest

from inspections.checklist import Target, TargetSet, TemplateError, check_targets


def test_milestones_pick_the_nearest_year_at_or_after(target_set):
    assert target_set.target_for("I3", "rollup", 2024).ge == 60
    assert target_set.target_for("I3", "rollup", 2025).ge == 60
    assert target_set.target_for("I3", "rollup", 2026).ge == 75
    assert target_set.target_for("I3", "rollup", 2035).ge == 75  # all passed: the last
    assert target_set.target_for("I3", "rollup").ge == 60        # no year: the earliest
    assert target_set.target_for("I3", "unit", 2025) is None     # per unit: no target


def test_scopes(target_set):
    assert target_set.target_for("I6", "unit").eq is True
    assert target_set.target_for("I6", "rollup").ge == 100
    assert target_set.target_for("I7", "unit").gt == 35
    assert target_set.target_for("I7", "rollup").gt == 35
    assert target_set.target_for("I2", "unit") is None


@pytest.mark.parametrize("target, value, met", [
    (Target("I1", ge=20), 20, True),
    (Target("I1", ge=20), 19.99, False),
    (Target("I1", gt=35), 35, False),
    (Target("I1", gt=35), 35.1, True),
    (Target("I1", ge=20, le=25), 26, False),
    (Target("I1", lt=10), 9, True),
    (Target("I1", eq=True), True, True),
    (Target("I1", eq=True), False, False),
    (Target("I1", ge=1), True, False),  # a yes/no value never meets a numeric target
])
def test_is_met(target, value, met):
    assert target.is_met(value) is met


def test_descriptions():
    assert Target("I3", ge=60, by_year=2025).describe("vi") == "≥ 60% (đến năm 2025)"
    assert Target("I3", ge=60, by_year=2025).describe("en") == "≥ 60% (by 2025)"
    assert Target("I9", ge=1).describe("en", unit="ratio") == "≥ 1"
    assert Target("I6", eq=True).describe("vi") == "Có"
    assert Target("I5", ge=20, description_vi="20–25%").describe("vi") == "20–25%"


def test_round_trip_and_hash(target_set):
    again = TargetSet.from_dict(target_set.to_dict())
    assert again == target_set and again.content_hash() == target_set.content_hash()


def test_contradictory_targets_are_refused():
    with pytest.raises(TemplateError) as caught:
        TargetSet.from_dict({"key": "t", "version": 1, "title_vi": "t", "title_en": "t",
                             "targets": [{"indicator": "I1", "ge": 30, "le": 20},
                                         {"indicator": "I2", "eq": True, "ge": 1},
                                         {"indicator": "I3", "ge": 1, "gt": 2},
                                         {"indicator": "I3", "ge": 1, "gt": 2}]})
    messages = [str(p) for p in caught.value.problems]
    assert any("targets[0]: the lower bound 30 is above the upper bound 20" == m for m in messages)
    assert any(m.startswith("targets[1].eq: eq cannot be combined") for m in messages)
    assert any(m.startswith("targets[2].gt: use either ge or gt") for m in messages)
    assert any(m.startswith("targets[3].indicator: a second both target for I3") for m in messages)


def test_check_targets_against_a_template(template, target_set):
    assert check_targets(template, target_set) == []
    broken = TargetSet.from_dict({
        "key": "t", "version": 1, "title_vi": "t", "title_en": "t",
        "targets": [{"indicator": "I99", "ge": 1},
                    {"indicator": "I3", "ge": 60},
                    {"indicator": "I6", "scope": "unit", "ge": 1},
                    {"indicator": "I1", "eq": True}]})
    problems = {p.location: p.message for p in check_targets(template, broken)}
    assert "has no indicator I99" in problems["targets[0].indicator"]
    assert "give a 'unit' target" in problems["targets[1].scope"]
    assert "needs eq" in problems["targets[2].eq"]
    assert "not eq" in problems["targets[3].eq"]
