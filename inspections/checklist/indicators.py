"""Indicators (I1–I12 ...) for one unit and rolled up over many, judged against a target set.

Per unit, an indicator is a percentage (with its numerator and denominator), a yes/no, or a
plain ratio. Rolled up, counts are summed over the units *before* any share is taken — shares
are never averaged — and a yes/no indicator becomes the share of units, among those with
data, that meet it. Wherever a denominator is empty the value is ``None`` ("no data"),
never 0.

``year`` (the reporting year of the campaign) picks the target milestone and the year of the
``on_time`` deadlines; without it the earliest milestone applies and a date is judged
against the deadline of its own year.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Iterable, Mapping, Optional

from .formula import Ratio
from .messages import STATUS_LABELS, label, language
from .schema import Indicator, Template
from .targets import TargetSet
from .validation import usable_value

STATUSES = ("met", "not_met", "no_data", "no_target")


@dataclass(frozen=True)
class IndicatorResult:
    """One indicator's value for a unit (``scope="unit"``) or a roll-up (``"rollup"``).

    ``unit`` is ``"%"``, ``"yes/no"`` or ``"ratio"`` (a rolled-up yes/no indicator is a ``"%"``
    of units, with ``numerator`` units meeting it out of ``denominator`` units with data).
    ``value`` is ``None`` when there is no data. ``target_vi``/``target_en`` describe the target
    that applied, if any; ``status`` is one of ``met``, ``not_met``, ``no_data``, ``no_target``.
    """

    code: str
    label_vi: str
    label_en: str
    unit: str
    value: Optional[float | bool]
    numerator: Optional[float]
    denominator: Optional[float]
    target_vi: Optional[str]
    target_en: Optional[str]
    legal_basis: Optional[str]
    status: str
    scope: str

    def label(self, lang: str = "vi") -> str:
        return self.label_en if language(lang) == "en" else self.label_vi

    def target(self, lang: str = "vi") -> Optional[str]:
        return self.target_en if language(lang) == "en" else self.target_vi

    def status_label(self, lang: str = "vi") -> str:
        """``Đạt`` / ``Không đạt`` / ``Chưa có số liệu`` / ``Không có chỉ tiêu``."""
        return label(STATUS_LABELS, self.status, lang)

    def to_dict(self) -> dict:
        return asdict(self)


class UnitScope:
    """What a formula sees for one unit: its usable answers, computed indicators, the year."""

    __slots__ = ("template", "unit_kind", "answers", "year", "refs", "_values", "strict_deadlines")

    def __init__(self, template: Template, unit_kind: str, answers: Mapping[str, Any],
                 year: Optional[int], on_time_rule: str = "on_or_before"):
        self.strict_deadlines = on_time_rule == "before"
        self.template = template
        self.unit_kind = unit_kind
        self.answers = answers if isinstance(answers, Mapping) else {}
        self.year = year
        self.refs: dict[str, Any] = {}
        self._values: dict[str, Any] = {}

    def value(self, code: str) -> Any:
        """The answer to item ``code`` if it applies to this unit and is well-formed."""
        if code not in self._values:
            item = self.template.item(code)
            self._values[code] = (usable_value(item, self.answers.get(code))
                                  if item.applies(self.unit_kind) else None)
        return self._values[code]

    def ref(self, code: str) -> Any:
        return self.refs.get(code)

    def compliance(self) -> Ratio:
        """(compliant + 0.5 × partial) over the applicable YNP items answered, ``na`` excluded."""
        score, count = 0.0, 0
        for item in self.template.items_for(self.unit_kind):
            if item.type != "ynp":
                continue
            answer = self.value(item.code)
            if answer is None or answer == "na":
                continue
            count += 1
            if answer == item.compliant_value:
                score += 1
            elif answer == "partial":
                score += 0.5
        return Ratio(score, count)

    def evaluate_all(self) -> dict[str, Any]:
        """Every indicator's raw value (Ratio, bool, number or None), refs before referrers."""
        for indicator in self.template.indicator_order:
            self.refs[indicator.code] = self.template.formula(indicator.code).evaluate(self)
        return self.refs


def unit_indicators(template: Template, target_set: Optional[TargetSet], unit_kind: str,
                    answers: Mapping[str, Any], *, year: Optional[int] = None,
                    on_time_rule: str = "on_or_before") -> list[IndicatorResult]:
    """The indicators that apply to a unit of ``unit_kind``, in template order.

    ``on_time_rule`` is the campaign's: ``"on_or_before"`` the deadline day, or ``"before"``.
    """
    raw = UnitScope(template, unit_kind, answers, year, on_time_rule).evaluate_all()
    return [_result(indicator, raw[indicator.code], "unit", target_set, year)
            for indicator in template.indicators if indicator.applies(unit_kind)]


class IndicatorRollup:
    """Accumulates units one at a time (constant memory), then gives the roll-up results.

    >>> rollup = IndicatorRollup(template, target_set, year=2024)
    >>> for kind, answers in visits: rollup.add(kind, answers)
    >>> rollup.results()
    """

    def __init__(self, template: Template, target_set: Optional[TargetSet] = None, *,
                 year: Optional[int] = None, on_time_rule: str = "on_or_before"):
        self.on_time_rule = on_time_rule
        self.template = template
        self.target_set = target_set
        self.year = year
        self.units = 0
        self._parts = {ind.code: template.formula(ind.code).rollup_parts()[0]
                       for ind in template.indicators if ind.unit != "yes/no"}
        self._sums: dict[str, list[Any]] = {code: [None] * len(parts)
                                            for code, parts in self._parts.items()}
        self._yes = {ind.code: 0 for ind in template.indicators if ind.unit == "yes/no"}
        self._known = dict(self._yes)

    def add(self, unit_kind: str, answers: Mapping[str, Any]) -> None:
        """Count one unit's answers in."""
        self.units += 1
        scope = UnitScope(self.template, unit_kind, answers, self.year, self.on_time_rule)
        raw = scope.evaluate_all()
        for code in self._yes:
            if self.template.indicator(code).applies(unit_kind) and raw[code] is not None:
                self._known[code] += 1
                self._yes[code] += bool(raw[code])
        for code, parts in self._parts.items():
            if not self.template.indicator(code).applies(unit_kind):
                continue
            sums = self._sums[code]
            for index, part in enumerate(parts):
                value = part(scope)
                if isinstance(value, (Ratio, int, float)) and not isinstance(value, bool):
                    sums[index] = value if sums[index] is None else sums[index] + value

    def results(self) -> list[IndicatorResult]:
        """Every indicator of the template, rolled up over the units added so far."""
        scope = _RollupScope(self._sums, self.year)
        for indicator in self.template.indicator_order:
            code = indicator.code
            if indicator.unit == "yes/no":
                scope.refs[code] = Ratio(self._yes[code], self._known[code])
            else:
                combine = self.template.formula(code).rollup_parts()[1]
                scope.current = code
                scope.refs[code] = combine(scope)
        return [_result(indicator, scope.refs[indicator.code], "rollup", self.target_set,
                        self.year) for indicator in self.template.indicators]


class _RollupScope:
    """What a formula's combining step sees in a roll-up: the sums of its per-unit parts."""

    def __init__(self, sums: Mapping[str, list[Any]], year: Optional[int]):
        self.sums = sums
        self.year = year
        self.refs: dict[str, Any] = {}
        self.current = ""

    def part(self, index: int) -> Any:
        return self.sums[self.current][index]

    def ref(self, code: str) -> Any:
        return self.refs.get(code)


def rollup_indicators(template: Template, target_set: Optional[TargetSet],
                      units: Iterable[tuple[str, Mapping[str, Any]]], *,
                      year: Optional[int] = None,
                      on_time_rule: str = "on_or_before") -> list[IndicatorResult]:
    """Province-wide (or team-wide) indicators over ``(unit_kind, answers)`` pairs."""
    rollup = IndicatorRollup(template, target_set, year=year, on_time_rule=on_time_rule)
    for unit_kind, answers in units:
        rollup.add(unit_kind, answers)
    return rollup.results()


def _result(indicator: Indicator, raw: Any, scope: str, target_set: Optional[TargetSet],
            year: Optional[int]) -> IndicatorResult:
    unit = indicator.unit
    numerator = denominator = None
    if isinstance(raw, Ratio):
        numerator, denominator, value = raw.numerator, raw.denominator, raw.percent
        unit = "%"
    elif isinstance(raw, bool):
        value = raw
    elif isinstance(raw, (int, float)):
        value = float(raw)
    else:
        value = None
    target = target_set.target_for(indicator.code, scope, year) if target_set else None
    if value is None:
        status = "no_data"
    elif target is None:
        status = "no_target"
    else:
        status = "met" if target.is_met(value) else "not_met"
    return IndicatorResult(
        code=indicator.code, label_vi=indicator.label_vi, label_en=indicator.label_en,
        unit=unit, value=value, numerator=numerator, denominator=denominator,
        target_vi=target.describe("vi", unit) if target else None,
        target_en=target.describe("en", unit) if target else None,
        legal_basis=(target.legal_basis if target and target.legal_basis
                     else indicator.legal_basis),
        status=status, scope=scope)
