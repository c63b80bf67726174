"""Indicators for one unit and rolled up: sums before shares, no data never shown as 0."""
import pytest
from hypothesis import given, settings, strategies as st

from inspections.checklist import (
    IndicatorRollup,
    default_target_set,
    default_template,
    rollup_indicators,
    unit_indicators,
)

from .strategies import UNIT_KINDS, valid_answers

TEMPLATE = default_template()
TARGETS = default_target_set()


def by_code(results):
    return {result.code: result for result in results}


def mf(male, female):
    return {"male": male, "female": female}


AGENCY = {
    "C1": mf(60, 40), "C2": mf(2, 1), "C3": mf(6, 2), "C4": mf(8, 1), "C5": mf(3, 0),
    "C8": mf(3, 1), "A1": "yes", "A2": "partial", "A3": "no", "A4": "na", "D1": "no",
    "G3": "2024-06-10", "G4": "2024-12-09",
}


def test_one_agency():
    results = by_code(unit_indicators(TEMPLATE, TARGETS, "department", AGENCY, year=2024))
    assert "I7" not in results and "I12" not in results  # localities only
    i1 = results["I1"]
    assert (i1.value, i1.numerator, i1.denominator, i1.unit) == (40.0, 40, 100, "%")
    assert i1.status == "no_target" and i1.label_vi == "Tỷ lệ nữ trong tổng số CBCCVC-NLĐ"
    assert results["I3"].value is True and results["I3"].unit == "yes/no"
    assert results["I3"].status == "no_target"  # I3's target is a share of units
    assert results["I5"].value == 1 / 9 * 100 and results["I5"].status == "not_met"
    assert results["I5"].target_vi == "Nữ cấp ủy viên đạt 20–25%"
    assert results["I6"].value is False and results["I6"].status == "not_met"
    assert results["I9"].value == pytest.approx(25 / 40) and results["I9"].status == "not_met"
    assert results["I10"].value is True and results["I10"].status == "met"
    assert results["I4"].value == 25.0 and results["I8_pool"].value is None


def test_compliance_score_counts_partial_as_half_and_leaves_out_na():
    results = by_code(unit_indicators(TEMPLATE, TARGETS, "department", AGENCY))
    i11 = results["I11"]
    # yes (A1) + 0.5 partial (A2) + no (A3) + D1 "no" is the compliant answer; A4 na left out
    assert (i11.numerator, i11.denominator) == (2.5, 4)
    assert i11.value == 62.5
    only_na = by_code(unit_indicators(TEMPLATE, TARGETS, "department", {"A1": "na"}))["I11"]
    assert only_na.value is None and only_na.status == "no_data"


def test_nothing_answered_is_no_data_not_zero():
    for result in unit_indicators(TEMPLATE, TARGETS, "commune", {}):
        assert result.value is None and result.status == "no_data", result.code
    for result in rollup_indicators(TEMPLATE, TARGETS, []):
        assert result.value is None and result.status == "no_data", result.code


def test_zero_staff_is_no_data():
    result = by_code(unit_indicators(TEMPLATE, None, "department", {"C1": mf(0, 0)}))["I1"]
    assert result.value is None and result.denominator == 0


def test_reports_on_time_with_the_reporting_year():
    late = {"G3": "2024-06-11"}
    assert by_code(unit_indicators(TEMPLATE, TARGETS, "department", late))["I10"].value is False
    sent_in_january = {"G4": "2025-01-05"}
    result = by_code(unit_indicators(TEMPLATE, TARGETS, "department", sent_in_january,
                                     year=2024))["I10"]
    assert result.value is False and result.status == "not_met"


def test_localities_gbv_support_and_milestones():
    commune = {"E6_cases": 10, "E6_supported": 8, "C6": mf(13, 7)}
    results = by_code(unit_indicators(TEMPLATE, TARGETS, "commune", commune, year=2025))
    assert results["I12"].value == 80.0 and results["I12"].status == "met"
    assert results["I7"].value == 35.0 and results["I7"].status == "not_met"  # needs > 35
    later = by_code(unit_indicators(TEMPLATE, TARGETS, "commune", commune, year=2027))
    assert later["I12"].status == "not_met" and "90%" in later["I12"].target_vi
    assert later["I12"].target("en").startswith("≥ 90% of people subjected to domestic or gender-based violence")


def test_rollup_sums_counts_before_taking_the_share():
    units = [("department", {"C1": mf(90, 10)}), ("commune", {"C1": mf(1, 9)})]
    i1 = by_code(rollup_indicators(TEMPLATE, TARGETS, units))["I1"]
    assert (i1.numerator, i1.denominator) == (19, 110)
    assert i1.value == pytest.approx(19 / 110 * 100)  # not the mean of 10% and 90%
    assert i1.scope == "rollup"


def test_yes_no_indicators_roll_up_as_share_of_units_with_data():
    units = [("department", {"C2": mf(2, 1)}), ("department", {"C2": mf(3, 0)}),
             ("commune", {"C2": mf(1, 1)}), ("commune", {})]
    i3 = by_code(rollup_indicators(TEMPLATE, TARGETS, units, year=2025))["I3"]
    assert (i3.numerator, i3.denominator, i3.unit) == (2, 3, "%")
    assert i3.value == pytest.approx(200 / 3) and i3.status == "met"  # ≥ 60% in 2025
    assert by_code(rollup_indicators(TEMPLATE, TARGETS, units, year=2030))["I3"].status == \
        "not_met"  # ≥ 75% by 2030


def test_rollup_of_a_ratio_of_shares_and_of_compliance():
    units = [("department", {"C1": mf(50, 50), "C8": mf(1, 1), "A1": "yes", "A2": "no"}),
             ("department", {"C1": mf(90, 10), "C8": mf(3, 0), "A1": "partial"})]
    results = by_code(rollup_indicators(TEMPLATE, TARGETS, units))
    assert results["I9"].value == pytest.approx((1 / 5) / (60 / 200))
    assert (results["I11"].numerator, results["I11"].denominator) == (1.5, 3)
    assert results["I11"].value == 50.0


def test_streaming_rollup_matches():
    units = [("department", AGENCY), ("commune", {"C6": mf(3, 2), "E6_cases": 2})]
    rollup = IndicatorRollup(TEMPLATE, TARGETS, year=2024)
    for kind, answers in units:
        rollup.add(kind, answers)
    assert rollup.results() == rollup_indicators(TEMPLATE, TARGETS, units, year=2024)
    assert rollup.units == 2


def test_results_serialise_to_plain_data():
    result = unit_indicators(TEMPLATE, TARGETS, "department", AGENCY)[0]
    plain = result.to_dict()
    assert plain["code"] == "I1" and plain["value"] == 40.0 and plain["status"] == "no_target"
    assert result.status_label("vi") == "Không có chỉ tiêu"


MF_VALUE = st.one_of(st.none(), st.builds(mf, st.integers(0, 10**6), st.integers(0, 10**6)))


@settings(max_examples=80, deadline=None)
@given(st.lists(st.tuples(UNIT_KINDS, MF_VALUE), max_size=12))
def test_rollup_equals_share_of_sums(units):
    answers = [(kind, {} if value is None else {"C1": value}) for kind, value in units]
    i1 = by_code(rollup_indicators(TEMPLATE, TARGETS, answers))["I1"]
    given_values = [value for _, value in units if value is not None]
    women = sum(value["female"] for value in given_values)
    everyone = sum(value["male"] + value["female"] for value in given_values)
    if everyone == 0:
        assert i1.value is None and i1.status == "no_data"
    else:
        assert (i1.numerator, i1.denominator) == (women, everyone)
        assert i1.value == pytest.approx(women / everyone * 100)
        assert 0 <= i1.value <= 100


@settings(max_examples=40, deadline=None)
@given(st.data(), st.lists(UNIT_KINDS, min_size=1, max_size=5))
def test_shares_stay_within_0_and_100(data, kinds):
    units = [(kind, data.draw(valid_answers(TEMPLATE, kind))) for kind in kinds]
    for kind, answers in units:
        for result in unit_indicators(TEMPLATE, TARGETS, kind, answers):
            if result.unit == "%" and result.value is not None:
                assert 0 <= result.value <= 100, result
            assert result.status in ("met", "not_met", "no_data", "no_target")
    for result in rollup_indicators(TEMPLATE, TARGETS, units):
        if result.unit == "%" and result.value is not None:
            assert 0 <= result.value <= 100, result
        if result.value is None:
            assert result.status == "no_data"
