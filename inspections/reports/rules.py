"""The workbook decisions, as pure functions over plain values (#13).

The queries (``queries.py``) give plain rows; the builders (``consolidated.py``,
``visit_record.py``) write cells (a recommendation's remedy status is the core's
``core.remedies.status_for``). What lies between — which visits count, an indicator's value
and assessment, the women's share, the tallies, when a table spills to a second sheet, the
32,767-character cut, text that would read as a formula, the
discrepancies sheet's rows, why a workbook is empty — is decided here, with no Flask, no
database and no models (an import-linter contract in ``pyproject.toml`` checks it), so
``tests/reports/test_rules.py`` tests it with plain inputs.

Words are not chosen here: functions answer keys ("final", "no_visits", "overdue" ...) that the
builders look up in ``texts.workbook_texts``.
"""
from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from itertools import groupby
from typing import Any, Callable, Iterable, Iterator, Mapping, Optional, Sequence

from ..checklist import IndicatorRollup, unit_indicators
from ..checklist.validation import is_answered, usable_value
from ..core.states import PROVISIONAL_STATES, VisitState

# -- the visit states: core.states (plain values; PROVISIONAL_STATES is what a provisional
# workbook counts in) ----------------------------------------------------------------------------
FINAL_STATE = VisitState.FINAL.value

EXCEL_MAX_ROWS = 1_048_576
EXCEL_MAX_CHARS = 32_767
SHEET_TITLE_MAX = 31
COMPLIANCE_FORMULA = "compliance()"


# -- which visits count ----------------------------------------------------------------------------

@dataclass(frozen=True)
class Counting:
    """Whether a visit is final and whether its answers feed the figures."""

    final: bool
    included: bool

    @property
    def data(self) -> str:
        """The "Data" column's key: final | provisional | not_counted."""
        if not self.included:
            return "not_counted"
        return "final" if self.final else "provisional"


def counting(status: str, include_provisional: bool) -> Counting:
    """A final visit always counts; an open visit with data only when provisional data is asked
    for; a planned visit never."""
    final = status == FINAL_STATE
    return Counting(final, final or (include_provisional and status in PROVISIONAL_STATES))


@dataclass(frozen=True)
class VisitCounts:
    """The covered visits by state, from ``queries.status_counts``."""

    by_status: Mapping[str, int]

    @property
    def total(self) -> int:
        return sum(self.by_status.values())

    @property
    def final(self) -> int:
        return self.by_status.get(FINAL_STATE, 0)

    @property
    def open(self) -> int:
        return self.total - self.final

    @property
    def provisional(self) -> int:
        """Open visits that hold data (in progress or merging)."""
        return sum(self.by_status.get(state, 0) for state in PROVISIONAL_STATES)

    def of(self, status: str) -> int:
        return self.by_status.get(status, 0)


def shows_provisional(counts: VisitCounts, include_provisional: bool) -> bool:
    """Whether the workbook carries the "provisional data" notice."""
    return include_provisional and counts.provisional > 0


def empty_reason(has_campaign: bool, counts: VisitCounts, include_provisional: bool) -> str:
    """Why the workbook has no figures ("" when it has some): no_campaign | no_visits |
    none_final (only final records count and none is) | no_data (provisional asked for, but no
    visit is final and none holds data)."""
    if not has_campaign:
        return "no_campaign"
    if counts.total == 0:
        return "no_visits"
    if counts.final == 0 and not include_provisional:
        return "none_final"
    if counts.final == 0 and counts.provisional == 0:
        return "no_data"
    return ""


# -- a visit's answers from the query rows ---------------------------------------------------------

def person(full_name: Optional[str], username: Optional[str]) -> str:
    """A person as the sheets name them: the full name, else the user name."""
    return full_name or username or ""


@dataclass
class VisitRows:
    """One visit of ``queries.visits_with_resolutions``: its first row and its resolved answers
    with where each came from (source, decided by, decided at)."""

    visit: Any
    counting: Counting
    answers: dict[str, Any]
    provenance: dict[str, tuple]


def group_visits(rows: Iterable[Any], include_provisional: bool) -> Iterator[VisitRows]:
    """The rows of consecutive visits (``visit_id``, ``status``, ``item_code``, ``value``,
    ``source``, ``by_name``, ``by_username``, ``resolved_at``) as one answer set per visit.

    Only a final visit's rows carry answers (an open visit's are NULL); a NULL value is no answer.
    """
    for _visit_id, group in groupby(rows, key=lambda row: row.visit_id):
        first: Any = None
        answers: dict[str, Any] = {}
        provenance: dict[str, tuple] = {}
        for row in group:
            if first is None:
                first = row
            if row.item_code is not None and row.value is not None:
                answers[row.item_code] = row.value
                provenance[row.item_code] = (row.source, person(row.by_name, row.by_username),
                                             row.resolved_at)
        yield VisitRows(first, counting(first.status, include_provisional), answers, provenance)


def resolved_answers(rows: Iterable[Any]) -> tuple[dict[str, Any], dict[str, tuple]]:
    """A final visit's answers from its Resolution rows (``item_code``, ``value``, ``source``,
    ``resolved_at``, ``by_name``, ``by_username``) and where each came from; NULL values skipped."""
    answers: dict[str, Any] = {}
    provenance: dict[str, tuple] = {}
    for row in rows:
        if row.value is None:
            continue
        answers[row.item_code] = row.value
        provenance[row.item_code] = (row.source, person(row.by_name, row.by_username), row.resolved_at)
    return answers, provenance


def merged_answers(merges: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, tuple]]:
    """An open visit's answers from its current merge (``core.merge.ItemMerge`` by code) and where
    each came from: the lead's decision (source, by, at), else the merge state, the inspectors
    who answered and the latest save. Unanswered items are left out."""
    answers: dict[str, Any] = {}
    provenance: dict[str, tuple] = {}
    for code, merged in merges.items():
        if not (merged.has_value and is_answered(merged.value)):
            continue
        answers[code] = merged.value
        if merged.resolution is not None:
            provenance[code] = (merged.resolution.source, merged.resolution.resolved_by,
                                merged.resolution.resolved_at)
        else:
            times = [s.saved_at for s in merged.sources if s.saved_at is not None]
            provenance[code] = (merged.state, ", ".join(s.inspector_name for s in merged.sources),
                                max(times) if times else None)
    return answers, provenance


def answers_by_visit(rows: Iterable[Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """(unit kind, answers) per visit of ``queries.resolution_values`` rows (consecutive by visit)."""
    for _visit_id, group in groupby(rows, key=lambda row: row.visit_id):
        answers: dict[str, Any] = {}
        kind = ""
        for row in group:
            kind = row.unit_kind
            if row.value is not None:
                answers[row.item_code] = row.value
        yield kind, answers


def previous_results(template, targets, year: int, on_time_rule: str,
                     visits: Iterable[tuple[str, dict[str, Any]]]) -> dict[str, Any]:
    """The indicators over the previous period's visits, by code ({} when it has none)."""
    rollup = IndicatorRollup(template, targets, year=year, on_time_rule=on_time_rule)
    units = 0
    for kind, answers in visits:
        rollup.add(kind, answers)
        units += 1
    if units == 0:
        return {}
    return {result.code: result for result in rollup.results()}


# -- indicators against their targets -------------------------------------------------------------

def assessment_style(status: Optional[str]) -> Optional[str]:
    """The cell style of an assessment: met -> good, not_met -> bad, no data -> none."""
    return {"met": "good", "not_met": "bad"}.get(status or "")


def indicator_cell(value: Any, unit: str) -> tuple[str, Any]:
    """(kind, value) of an indicator's value cell: ("none", None) without data, ("yes_no",
    "yes"|"no") for a yes/no result, ("percent", a fraction) for a percentage, else ("ratio",
    the value rounded to 4 places)."""
    if value is None:
        return "none", None
    if isinstance(value, bool):
        return "yes_no", "yes" if value else "no"
    if unit == "%":
        return "percent", value / 100
    return "ratio", round(value, 4)


def chart_value(value: Any) -> Optional[float]:
    """A percentage indicator's value as the chart draws it (a fraction), None when none."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return value / 100


def chart_bound(target) -> Optional[float]:
    """The target's figure for the chart (a fraction): its first bound, None for a yes/no
    target (``eq``) or no target."""
    if target is None or target.eq is not None:
        return None
    bound = next((b for b in (target.ge, target.gt, target.le, target.lt) if b is not None), None)
    return bound / 100 if bound is not None else None


def units_meeting(met: int, judged: int) -> tuple[Optional[int], Optional[int]]:
    """The "units meeting the target" and "units assessed" cells: empty when none was judged."""
    if not judged:
        return None, None
    return met, judged


# -- the women's share -------------------------------------------------------------------------

def women_share(women: int, total: int) -> Optional[float]:
    """The women's share as a fraction (the cell's 0.0% format shows it); None of 0 people."""
    return women / total if total else None


def share_percent(women: int, total: int) -> Optional[float]:
    """The women's share in per cent rounded to one place, as a text shows it; None of 0."""
    return round(women * 100 / total, 1) if total else None


def mf_cells(value: Optional[Mapping[str, int]]) -> tuple[Optional[int], Optional[int], Optional[float]]:
    """(total, women, share) of a usable men/women answer; three blanks without one."""
    if value is None:
        return None, None, None
    women = value["female"]
    total = value["male"] + women
    return total, women, women_share(women, total)


def mf_total_cells(total: int, women: int, units: int) -> tuple[Optional[int], Optional[int], Optional[float]]:
    """A total row's (total, women, share): the share of the sums, never an average of the
    units' shares; blanks when no unit answered."""
    if units == 0:
        return None, None, None
    return total, women, women_share(women, total)


# -- the answers of a unit ---------------------------------------------------------------------

def ynp_style(value: str, compliant_value: str) -> Optional[str]:
    """The style of a yes/no/partly answer: N/A plain, the compliant answer good, partly
    neutral, the others bad."""
    if value == "na":
        return None
    if value == compliant_value:
        return "good"
    if value == "partial":
        return "neutral"
    return "bad"


def number_or_none(value: Any) -> Any:
    """``value`` when it is a number (not a bool), else None."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return value


def as_text(value: Any) -> Optional[str]:
    """A value for a text cell: a str as it is, anything else as JSON."""
    if value is None:
        return None
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


def data_parts(kind: str, value: Any, ynp_words: Mapping[str, str]) -> list[tuple[Optional[str], Any, Any]]:
    """The long data sheet's (part, number, text) for one answer: two rows ("male", "female")
    for a men/women count, a number for an int/money answer, the number of files for a file
    item, the word for a yes/no/partly answer, otherwise the value as text."""
    if kind == "mf" and isinstance(value, dict):
        return [("male", number_or_none(value.get("male")), None),
                ("female", number_or_none(value.get("female")), None)]
    if kind == "ynp" and isinstance(value, str):
        return [(None, None, ynp_words.get(value, value))]
    if kind in ("int", "money") and number_or_none(value) is not None:
        return [(None, value, None)]
    if kind == "file" and isinstance(value, list):
        return [(None, len(value), None)]
    return [(None, None, as_text(value))]


def record_answer(item, value: Any, files: Mapping[str, str], ynp_words: Mapping[str, str]
                  ) -> tuple[Optional[str], Optional[int], Optional[int], Optional[float]]:
    """The visit record's (answer, total, women, share) for one item: the word of a yes/no/partly
    answer, a men/women count in the three number columns, a number with dots between the
    thousands, a date as dd/mm/yyyy, the file names of a file item (``files``: uuid -> name),
    anything else as text; nothing for a missing answer."""
    if value is None:
        return None, None, None, None
    usable = usable_value(item, value)
    if item.type == "ynp":
        return ynp_words.get(value, value), None, None, None
    if item.type == "mf" and usable is not None:
        return (None, *mf_cells(usable))
    if item.type in ("int", "money") and usable is not None:
        return f"{usable:,}".replace(",", "."), None, None, None
    if item.type == "date" and usable is not None:
        return usable.strftime("%d/%m/%Y"), None, None, None
    if item.type == "file" and isinstance(value, list):
        return "; ".join(files[uuid] if uuid in files else uuid for uuid in value), None, None, None
    return (value if isinstance(value, str) else str(value)), None, None, None


# -- tallies -----------------------------------------------------------------------------------

class Tally:
    """What the counted units add up to: the indicator roll-up, units meeting each target,
    the checklist answers by item, the men/women sums, the units by kind and the teams.

    Both the workbook (sheets 3, 4, 5) and the Word report read these, so a figure in the
    report is the figure in the workbook.
    """

    def __init__(self, template, targets, year: int, on_time_rule: str = "on_or_before"):
        self.template = template
        self.targets = targets
        self.year = year
        self.on_time_rule = on_time_rule
        self.rollup = IndicatorRollup(template, targets, year=year, on_time_rule=on_time_rule)
        self.units_met: Counter = Counter()
        self.units_judged: Counter = Counter()
        items = template.items
        self.ynp_items = [item for item in items if item.type == "ynp"]
        self.mf_items = [item for item in items if item.type == "mf"]
        self.ynp_counts: dict[str, Counter] = {item.code: Counter() for item in self.ynp_items}
        self.mf_sums: dict[str, list[int]] = {item.code: [0, 0, 0] for item in self.mf_items}
        self.unit_kinds: Counter = Counter()
        self.team_ids: set[int] = set()
        self.compliance_code = compliance_code(template)

    @property
    def units(self) -> int:
        return self.rollup.units

    def add(self, unit_kind: str, answers: dict[str, Any], team_id: Optional[int] = None
            ) -> Optional[float]:
        """Count one unit in; its compliance score (a fraction) or None."""
        results = unit_indicators(self.template, self.targets, unit_kind, answers, year=self.year,
                                  on_time_rule=self.on_time_rule)
        self.rollup.add(unit_kind, answers)
        self.unit_kinds[unit_kind] += 1
        if team_id is not None:
            self.team_ids.add(team_id)
        compliance = None
        for result in results:
            if result.status == "met":
                self.units_met[result.code] += 1
                self.units_judged[result.code] += 1
            elif result.status == "not_met":
                self.units_judged[result.code] += 1
            if result.code == self.compliance_code and result.value is not None:
                compliance = result.value / 100
        for item in self.ynp_items:
            if item.applies(unit_kind):
                value = usable_value(item, answers.get(item.code))
                if value is not None:
                    self.ynp_counts[item.code][value] += 1
        for item in self.mf_items:
            if item.applies(unit_kind):
                value = usable_value(item, answers.get(item.code))
                if value is not None:
                    entry = self.mf_sums[item.code]
                    entry[0] += value["male"] + value["female"]
                    entry[1] += value["female"]
                    entry[2] += 1
        return compliance


def compliance_code(template) -> Optional[str]:
    """The code of the template's compliance-score indicator, if it has one."""
    if template is None:
        return None
    return next((ind.code for ind in template.indicators
                 if ind.formula.replace(" ", "") == COMPLIANCE_FORMULA), None)


@dataclass
class CommunicationTally:
    """Sheet 7: the communication activities by kind and the participants, per unit and summed."""

    activity_items: Sequence[Any]
    participants: Any = None  # the men/women item of participants, or None
    activity_sums: dict[str, list[int]] = field(default_factory=dict)  # code -> [sum, units]
    activity_total: list[int] = field(default_factory=lambda: [0, 0])  # [sum, units]
    participant_sums: list[int] = field(default_factory=lambda: [0, 0, 0])  # [total, women, units]

    def __post_init__(self) -> None:
        self.activity_sums = {item.code: [0, 0] for item in self.activity_items}

    @property
    def has_items(self) -> bool:
        return bool(self.activity_items) or self.participants is not None

    def add(self, unit_kind: str, answers: Mapping[str, Any]) -> list[Any]:
        """Count one unit in; its cells (activities, their total, participants)."""
        cells: list[Any] = []
        unit_total, answered = 0, False
        for item in self.activity_items:
            value = usable_value(item, answers.get(item.code)) if item.applies(unit_kind) else None
            cells.append(value)
            if value is not None:
                unit_total += value
                answered = True
                self.activity_sums[item.code][0] += value
                self.activity_sums[item.code][1] += 1
        if self.activity_items:
            cells.append(unit_total if answered else None)
            if answered:
                self.activity_total[0] += unit_total
                self.activity_total[1] += 1
        if self.participants is not None:
            item = self.participants
            value = usable_value(item, answers.get(item.code)) if item.applies(unit_kind) else None
            cells += list(mf_cells(value))
            if value is not None:
                self.participant_sums[0] += value["male"] + value["female"]
                self.participant_sums[1] += value["female"]
                self.participant_sums[2] += 1
        return cells

    def totals(self) -> list[Any]:
        """The total row's cells after the label columns."""
        values: list[Any] = []
        for item in self.activity_items:
            total, units = self.activity_sums[item.code]
            values.append(total if units else None)
        if self.activity_items:
            values.append(self.activity_total[0] if self.activity_total[1] else None)
        if self.participants is not None:
            values += list(mf_total_cells(*self.participant_sums))
        return values


def ynp_row_cells(ynp_items: Sequence[Any], unit_kind: str, answers: Mapping[str, Any]
                  ) -> list[Optional[tuple[str, Optional[str]]]]:
    """Sheet 3: per yes/no/partly item, (answer, style) or None (not applicable, no answer)."""
    cells: list[Optional[tuple[str, Optional[str]]]] = []
    for item in ynp_items:
        value = usable_value(item, answers.get(item.code)) if item.applies(unit_kind) else None
        cells.append(None if value is None else (value, ynp_style(value, item.compliant_value)))
    return cells


def gender_row_cells(mf_items: Sequence[Any], unit_kind: str, answers: Mapping[str, Any]) -> list[Any]:
    """Sheet 4: (total, women, share) per men/women item; blanks where it does not apply."""
    cells: list[Any] = []
    for item in mf_items:
        value = usable_value(item, answers.get(item.code)) if item.applies(unit_kind) else None
        cells += list(mf_cells(value))
    return cells


def gender_total_cells(mf_items: Sequence[Any], sums: Mapping[str, Sequence[int]]) -> list[Any]:
    """Sheet 4's total row: per item the sums and the share of the sums."""
    cells: list[Any] = []
    for item in mf_items:
        cells += list(mf_total_cells(*sums[item.code]))
    return cells


# -- Excel's limits --------------------------------------------------------------------------------

# Characters an XML 1.0 document cannot hold (openpyxl refuses them), lone surrogates included.
_BAD_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_ERROR_CODES = frozenset(("#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A"))
_SHEET_TITLE_BAD = re.compile(r"[\[\]:*?/\\]")


def clean_text(value: str, cut_marker: str) -> str:
    """``value`` without characters Excel cannot store, cut to 32,767 with ``cut_marker``
    (the marker included in the 32,767)."""
    if _BAD_CHARS.search(value):
        value = _BAD_CHARS.sub("", value)
    if len(value) > EXCEL_MAX_CHARS:
        value = value[: EXCEL_MAX_CHARS - len(cut_marker)] + cut_marker
    return value


def needs_string_cell(text: str) -> bool:
    """Whether openpyxl would turn this text into a formula or an error value (so it must be
    written as an explicit, quote-prefixed string cell)."""
    return (len(text) > 1 and text[0] == "=") or (text[:1] == "#" and text in _ERROR_CODES)


def sheet_title(text: str, suffix: str = "") -> str:
    """A legal, at most 31-character sheet title ending with ``suffix``."""
    text = _SHEET_TITLE_BAD.sub(" ", text).strip("'")
    return text[: SHEET_TITLE_MAX - len(suffix)].rstrip() + suffix


def needs_spill(rows: int, max_rows: int, reserve: int) -> bool:
    """Whether the next table row goes to a new sheet: the sheet holds ``rows`` rows and must
    keep ``reserve`` rows (signatures, totals) under ``max_rows``."""
    return rows + 1 > max_rows - reserve


def continuation_title(title: str, number: int) -> str:
    """The title of a table's ``number``-th sheet (2, 3 ...): ``<title> (2)``, at most 31 characters."""
    return sheet_title(title, f" ({number})")


# -- sheet 6: shortcomings and recommendations side by side -----------------------------------

@dataclass(frozen=True)
class FindingLine:
    """One line of sheet 6: a shortcoming and the recommendation at the same place in a section."""

    first: Any  # the group's first row (unit, team, status)
    section: Any
    shortcoming: Any
    recommendation: Any


def finding_lines(rows: Iterable[Any]) -> Iterator[FindingLine]:
    """``queries.findings`` rows (``kind`` 0 a shortcoming, 1 a recommendation; consecutive by
    visit and section) paired line by line within each visit's section."""
    for (_visit_id, section), group in groupby(rows, key=lambda r: (r.visit_id, r.section)):
        shortcomings: list[Any] = []
        recommendations: list[Any] = []
        for row in group:
            (shortcomings if row.kind == 0 else recommendations).append(row)
        first = (shortcomings or recommendations)[0]
        for index in range(max(len(shortcomings), len(recommendations))):
            yield FindingLine(first, section,
                              shortcomings[index] if index < len(shortcomings) else None,
                              recommendations[index] if index < len(recommendations) else None)


# -- the discrepancies sheet -----------------------------------------------------------------

@dataclass(frozen=True)
class CheckedVisit:
    """A counted visit as the discrepancies sheet needs it: the verified self-report values."""

    visit_id: int
    unit_name: str
    unit_code: str
    unit_kind: str
    data_label: str
    values: dict[str, Any]


@dataclass(frozen=True)
class DiscrepancyRow:
    number: int
    unit_name: str
    unit_code: str
    data_label: str
    code: str
    label: str
    declared: str
    verified: str
    note: Optional[str]


def discrepancy_rows(checked: Iterable[CheckedVisit],
                     declared: Mapping[int, tuple[Mapping[str, Any], Mapping[str, Any]]],
                     compare: Callable[[str, Mapping[str, Any], Mapping[str, Any], Mapping[str, Any]],
                                       Iterable[Any]]) -> Iterator[DiscrepancyRow]:
    """The discrepancies sheet's numbered rows: per counted visit with a unit report
    (``declared[visit_id]`` = (answers, notes)), each figure ``compare(unit_kind, answers, notes,
    verified)`` finds different, in visit order; a visit without a report has none."""
    number = 0
    for visit in checked:
        if visit.visit_id not in declared:
            continue
        answers, notes = declared[visit.visit_id]
        for found in compare(visit.unit_kind, answers, notes, visit.values):
            number += 1
            yield DiscrepancyRow(number, visit.unit_name, visit.unit_code, visit.data_label,
                                 found.code, found.label, found.declared_text, found.verified_text,
                                 found.note or None)


def self_report_values(codes: Iterable[str], answers: Mapping[str, Any]) -> dict[str, Any]:
    """The verified answers of the items a unit reports itself."""
    return {code: answers[code] for code in codes if code in answers}


def evidence_size_kb(size: Optional[int]) -> float:
    """A file's size in KB, one decimal (a missing size is 0)."""
    return round((size or 0) / 1024, 1)
