"""Checklist version 2 and the target sets as checked against the texts (2026); version 1 kept."""
import hashlib

import pytest

from inspections.checklist import (
    default_target_set,
    default_template,
    load_target_set,
    rollup_indicators,
    template_v1,
    unit_indicators,
)
from inspections.checklist.loader import DATA_DIR, TEMPLATE_V1_FILE

V2 = default_template()
V1 = template_v1()
TARGETS = default_target_set()
OLD_TARGETS = load_target_set(DATA_DIR / "targets_2011_2020.yaml")
# sha256 of gender_equality.yaml as campaigns before 2026 used it: the file never changes.
V1_FILE_SHA256 = "c5d23042d9c4b3ad4ceec051b4120f9d0404da067fd78b6c835ef0e44ec1dc1c"


def by_code(results):
    return {result.code: result for result in results}


def mf(male, female):
    return {"male": male, "female": female}


def test_version_1_is_kept_byte_for_byte_with_its_district_kind():
    assert hashlib.sha256(TEMPLATE_V1_FILE.read_bytes()).hexdigest() == V1_FILE_SHA256
    assert V1.version == 1 and "district" in V1.unit_kinds
    assert V1.item("C6").applies("district") and V1.item("D2").legal_basis.endswith("Luật Bảo hiểm xã hội 2014")
    assert not any(item.self_report for item in V1.items)
    assert all("self_report" not in item.to_dict() for item in V1.items)  # v1's stored hash is unchanged


def test_version_2_is_the_default_with_two_tier_unit_kinds():
    assert (V2.key, V2.version, V2.unit_kinds) == ("gender_equality", 2, ("department", "commune"))
    assert V2.item("C6").applies_to == ("commune",) and V2.indicator("I12").applies_to == ("commune",)


def test_citations_of_version_2():
    assert "41/2024/QH15" in V2.item("D2").legal_basis and "Bộ luật Lao động 2019" in V2.item("D2").legal_basis
    assert "28/NQ-CP" in V2.item("A2").legal_basis and "1790/QĐ-TTg" in V2.item("A2").legal_basis
    b5 = V2.item("B5")
    assert "Luật Công đoàn" in b5.legal_basis and "Ban nữ công quần chúng" in b5.label_vi


def test_items_added_in_version_2():
    assert "Điều 11" in V2.item("C12").legal_basis and "bổ nhiệm" in V2.item("C12").label_vi
    assert V2.item("G6").applies_to == ("commune",) and "Hương ước, quy ước" in V2.item("G6").label_vi
    assert "1790/QĐ-TTg" in V2.item("E7").legal_basis and V2.indicator("I13").formula == "E7 >= 2"
    assert V2.item("E6_counselled").subset_of == "E6_perpetrators"
    assert V2.item("E8_supported").subset_of == "E8"
    assert V2.item("D7").expected == "no" and "12 tháng" in V2.item("D7").label_vi
    assert "hành kinh" in V2.item("D8").label_vi and "phòng vắt, trữ sữa mẹ" in V2.item("D9").label_vi
    assert V2.item("D10_handled").subset_of == "D10" and "khiếu nại, tố cáo" in V2.item("D10").label_vi


def test_wording_of_version_2():
    words = " ".join(filter(None, [s.title_vi for s in V2.sections]
                            + [i.label_vi for i in V2.items] + [i.hint_vi or "" for i in V2.items]
                            + [i.label_vi for i in V2.indicators] + [i.note_vi or "" for i in V2.indicators]))
    assert "phòng chống bạo lực trên cơ sở giới" not in words
    assert "phòng ngừa, ứng phó với bạo lực trên cơ sở giới" in words
    assert "KAD" not in words
    assert V2.item("E6_cases").label_vi == "Số người bị bạo lực gia đình, bạo lực trên cơ sở giới được phát hiện"
    assert "Không áp dụng" not in V2.indicator("I11").label_vi
    assert "trong kỳ" in V2.section_of("C8").title_vi  # period counts are not called stock figures
    assert "trong số đơn vị được kiểm tra" in V2.indicator("I3").label_vi


def test_self_report_marks_what_the_unit_reports():
    reported = {item.code for item in V2.items if item.self_report}
    assert {"C1", "C2", "B2", "A1", "A1_date", "A1_file", "E1_meetings", "E7", "G3", "G4", "H1", "H5"} <= reported
    assert not {"H6", "H3", "D1", "A3"} & reported  # the team's findings and judgements stay the team's
    assert V2.item("C1").to_dict()["self_report"] is True and "self_report" not in V2.item("H6").to_dict()


@pytest.mark.parametrize("rule, on_time", [("on_or_before", True), ("before", False)])
def test_on_time_rule_decides_a_report_sent_on_the_deadline_day(rule, on_time):
    answers = {"G3": "2026-06-10", "G4": "2026-12-01"}
    i10 = by_code(unit_indicators(V2, TARGETS, "department", answers, year=2026, on_time_rule=rule))["I10"]
    assert i10.value is on_time
    rolled = by_code(rollup_indicators(V2, TARGETS, [("department", answers)], year=2026, on_time_rule=rule))["I10"]
    assert rolled.value == (100.0 if on_time else 0.0)


def test_hints_follow_the_on_time_rule():
    assert V2.item("G3").hint("vi") == "Đúng hạn nếu gửi trước hoặc vào ngày 10/6."
    assert V2.item("G3").hint("vi", "before") == "Đúng hạn nếu gửi trước ngày 10/6."
    assert V2.item("G4").hint("en", "before") == "On time if sent before 10 December."


def test_new_indicators_against_their_targets():
    commune = {"E6_perpetrators": 10, "E6_counselled": 5, "E8": 2, "E8_supported": 2, "E7": 2}
    results = by_code(unit_indicators(V2, TARGETS, "commune", commune, year=2025))
    assert results["I14"].value == 50.0 and results["I14"].status == "met"
    assert results["I15"].value == 100.0 and results["I15"].status == "met"
    assert results["I13"].value is True and results["I13"].status == "met"
    later = by_code(unit_indicators(V2, TARGETS, "commune", commune, year=2030))
    assert later["I14"].status == "not_met"  # 70% by 2030
    one_session = by_code(unit_indicators(V2, TARGETS, "department", {"E7": 1}, year=2025))["I13"]
    assert one_session.status == "not_met"


def test_female_leader_where_staff_is_30_percent_women_counts_only_those_units():
    units = [("department", {"C1": mf(60, 40), "C2": mf(2, 1)}),   # 40% women, a woman leads: yes
             ("department", {"C1": mf(60, 40), "C2": mf(3, 0)}),   # 40% women, no woman: no
             ("department", {"C1": mf(90, 10), "C2": mf(3, 0)})]   # 10% women: not judged
    assert unit_indicators(V2, OLD_TARGETS, "department", units[2][1], year=2020)[-1].value is None
    i16 = by_code(rollup_indicators(V2, OLD_TARGETS, units, year=2020))["I16"]
    assert (i16.numerator, i16.denominator) == (1, 2) and i16.status == "not_met"
    assert "30%" in i16.target_vi and "2351/QĐ-TTg" in i16.legal_basis


def test_target_sets_as_checked_against_the_texts():
    assert OLD_TARGETS.version == 2 and "800/QĐ-TTg" in OLD_TARGETS.legal_basis
    assert OLD_TARGETS.target_for("I7", "both", 2014).ge == 30
    assert OLD_TARGETS.target_for("I7", "both", 2018).gt == 35
    assert OLD_TARGETS.target_for("I16", "rollup", 2015).ge == 70
    assert OLD_TARGETS.target_for("I16", "rollup", 2020).ge == 100
    i9 = TARGETS.target_for("I9", "unit")
    assert "không phải chỉ tiêu quốc gia" in i9.description_vi
    for target_set in (TARGETS, OLD_TARGETS):
        for target in target_set.targets:
            assert target.legal_basis, (target_set.key, target.indicator)
    for target in TARGETS.targets:
        if target.legal_basis.startswith(("Nghị quyết 28", "Quyết định 1790")):
            assert "Mục tiêu" in target.legal_basis or "Điều" in target.legal_basis, target
    rollups = [t for t in TARGETS.targets if t.indicator in ("I3", "I6", "I10", "I13") and t.scope == "rollup"]
    assert all("đơn vị được kiểm tra" in t.description_vi for t in rollups)
