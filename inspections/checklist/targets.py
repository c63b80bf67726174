"""Versioned target sets: what each indicator should reach, kept as data apart from templates.

The 2011-2020 and 2021-2030 national strategies set different targets for the same
indicators, so a campaign names a template *and* a target set. A target compares an
indicator's value with ``ge``/``gt``/``le``/``lt`` (numbers) or ``eq`` (yes/no), applies to a
single unit, to the roll-up, or to both (``scope``), and may be a milestone for a year
(``by_year``: 60 % by 2025, 75 % by 2030).
"""
from __future__ import annotations

import operator
from dataclasses import dataclass
from typing import Any, Callable, Optional

from .fields import FieldReader, number_value
from .problems import Path, Problem, TemplateError, format_path
from .schema import CODE_RE, KEY_RE, Template, canonical_hash, without_defaults

SCOPES = ("unit", "rollup", "both")
_COMPARISONS = {"ge": ("≥", operator.ge), "gt": (">", operator.gt),
                "le": ("≤", operator.le), "lt": ("<", operator.lt)}
_TARGET_SET_FIELDS = {"key", "version", "title_vi", "title_en", "legal_basis", "targets"}
_TARGET_FIELDS = {"indicator", "scope", "ge", "gt", "le", "lt", "eq", "by_year",
                  "description_vi", "description_en", "legal_basis"}


@dataclass(frozen=True)
class Target:
    """What one indicator should reach."""

    indicator: str
    scope: str = "both"
    ge: Optional[float] = None
    gt: Optional[float] = None
    le: Optional[float] = None
    lt: Optional[float] = None
    eq: Optional[bool] = None
    by_year: Optional[int] = None
    description_vi: Optional[str] = None
    description_en: Optional[str] = None
    legal_basis: Optional[str] = None

    def is_met(self, value: Any) -> bool:
        """Whether a (known) indicator value meets this target."""
        if self.eq is not None:
            return value is self.eq or value == self.eq
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return False
        return all(compare(value, bound) for name, (_, compare) in _COMPARISONS.items()
                   if (bound := getattr(self, name)) is not None)

    def describe(self, lang: str = "vi", unit: str = "%") -> str:
        """The target as users read it: its description, or e.g. ``≥ 60% (đến năm 2025)``."""
        english = str(lang).startswith("en")
        given = self.description_en if english else self.description_vi
        if given:
            return given
        if self.eq is not None:
            text = {(True, True): "Yes", (True, False): "No", (False, True): "Có",
                    (False, False): "Không"}[(english, bool(self.eq))]
        else:
            suffix = "%" if unit == "%" else ""
            text = ", ".join(f"{symbol} {_number(bound)}{suffix}"
                             for name, (symbol, _) in _COMPARISONS.items()
                             if (bound := getattr(self, name)) is not None)
        if self.by_year:
            text += f" (by {self.by_year})" if english else f" (đến năm {self.by_year})"
        return text

    def to_dict(self) -> dict:
        return without_defaults(self, {"scope": "both"})


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


@dataclass(frozen=True)
class TargetSet:
    """A named, versioned set of targets (``ncgs_2021_2030`` version 1 ...)."""

    key: str
    version: int
    title_vi: str
    title_en: str
    targets: tuple[Target, ...] = ()
    legal_basis: Optional[str] = None

    def target_for(self, indicator: str, scope: str,
                   year: Optional[int] = None) -> Optional[Target]:
        """The target an indicator is judged by, for a single ``"unit"`` or the ``"rollup"``.

        With milestones, the nearest one at or after ``year`` applies (the last one once all
        have passed); without a year, the earliest. Targets without ``by_year`` always apply.
        """
        candidates = [t for t in self.targets
                      if t.indicator == indicator and t.scope in (scope, "both")]
        if not candidates:
            return None
        candidates.sort(key=lambda t: (t.by_year is None, t.by_year or 0))
        if year is None:
            return candidates[0]
        for target in candidates:
            if target.by_year is None or target.by_year >= year:
                return target
        return candidates[-1]

    def title(self, lang: str = "vi") -> str:
        return self.title_en if str(lang).startswith("en") else self.title_vi

    def to_dict(self) -> dict:
        out: dict[str, Any] = {"key": self.key, "version": self.version,
                               "title_vi": self.title_vi, "title_en": self.title_en}
        if self.legal_basis:
            out["legal_basis"] = self.legal_basis
        out["targets"] = [target.to_dict() for target in self.targets]
        return out

    def content_hash(self) -> str:
        """sha256 (hex) of the canonical JSON of :meth:`to_dict`."""
        return canonical_hash(self.to_dict())

    @classmethod
    def from_dict(cls, data: Any, *, locate: Callable[[Path], str] = format_path) -> "TargetSet":
        """Check plain data and build a target set, or raise :class:`.TemplateError`."""
        target_set, problems = build_target_set(data, locate)
        if problems:
            raise TemplateError([Problem(locate(path), message) for path, message in problems])
        assert target_set is not None  # no problems: a target set
        return target_set


def build_target_set(data: Any, locate: Callable[[Path], str] = format_path
                     ) -> tuple[Optional[TargetSet], list[tuple[Path, str]]]:
    """Check plain target-set data; return the set (if sound) and every problem found."""
    reader = FieldReader(locate)
    top = reader.mapping(data, (), _TARGET_SET_FIELDS, "the target set")
    if top is None:
        return None, reader.problems
    key = reader.text(top, "key", (), required=True)
    if key is not None and not KEY_RE.match(key):
        reader.problem(("key",), f"key {key!r} must be lowercase letters, digits and _")
    version = reader.integer(top, "version", (), required=True, minimum=1)
    # None only with a problem reported, so never passed to TargetSet()
    titles: dict[str, Any] = {name: reader.text(top, name, (), required=True) for name in ("title_vi", "title_en")}
    legal_basis = reader.text(top, "legal_basis", ())
    targets = []
    seen: dict[tuple, Path] = {}
    for index, raw in enumerate(reader.listing(top, "targets", (), required=False)):
        path = ("targets", index)
        target = _read_target(reader, raw, path)
        if target is None:
            continue
        identity = (target["indicator"], target["scope"], target["by_year"])
        if identity in seen:
            reader.problem(path + ("indicator",), f"a second {target['scope']} target for "
                           f"{target['indicator']} (also at {reader.locate(seen[identity])})")
        seen[identity] = path
        targets.append(target)
    if reader.problems:
        return None, reader.problems
    assert key is not None and version is not None  # required: a problem otherwise
    return TargetSet(key=key, version=version, legal_basis=legal_basis,
                     targets=tuple(Target(**target) for target in targets), **titles), []


def _read_target(reader: FieldReader, raw: Any, path: Path) -> Optional[dict]:
    data = reader.mapping(raw, path, _TARGET_FIELDS, "a target")
    if data is None:
        return None
    target: dict[str, Any] = {"indicator": reader.text(data, "indicator", path, required=True)}
    if target["indicator"] is not None and not CODE_RE.match(target["indicator"]):
        reader.problem(path + ("indicator",), f"{target['indicator']!r} is not an indicator code")
    scope = reader.text(data, "scope", path) or "both"
    if scope not in SCOPES:
        reader.problem(path + ("scope",), f"scope must be one of {', '.join(SCOPES)}")
    target["scope"] = scope
    for name in _COMPARISONS:
        raw_value = data.get(name)
        value = number_value(raw_value)
        if raw_value not in (None, "") and value is None:
            reader.problem(path + (name,), f"{name} must be a number, got {raw_value!r}")
        target[name] = value
    target["eq"] = reader.boolean(data, "eq", path)
    target["by_year"] = reader.integer(data, "by_year", path, minimum=1900, maximum=2200)
    for name in ("description_vi", "description_en", "legal_basis"):
        target[name] = reader.text(data, name, path)
    bounds = [name for name in _COMPARISONS if target[name] is not None]
    if target["eq"] is None and not bounds:
        reader.problem(path, "a target needs one of ge, gt, le, lt (numbers) or eq (yes/no)")
    if target["eq"] is not None and bounds:
        reader.problem(path + ("eq",), "eq cannot be combined with ge/gt/le/lt")
    if target["ge"] is not None and target["gt"] is not None:
        reader.problem(path + ("gt",), "use either ge or gt, not both")
    if target["le"] is not None and target["lt"] is not None:
        reader.problem(path + ("lt",), "use either le or lt, not both")
    low = target["ge"] if target["ge"] is not None else target["gt"]
    high = target["le"] if target["le"] is not None else target["lt"]
    if low is not None and high is not None and low > high:
        reader.problem(path, f"the lower bound {low} is above the upper bound {high}")
    return target


def check_targets(template: Template, target_set: TargetSet, *,
                  locate: Callable[[Path], str] = format_path) -> list[Problem]:
    """Problems using ``target_set`` with ``template``: unknown indicators, wrong kinds."""
    problems = []
    for index, target in enumerate(target_set.targets):
        path = ("targets", index)
        try:
            unit = template.indicator(target.indicator).unit
        except KeyError:
            problems.append(Problem(locate(path + ("indicator",)), f"template {template.key} "
                                    f"v{template.version} has no indicator {target.indicator}"))
            continue
        if unit == "yes/no" and target.scope == "both":
            problems.append(Problem(locate(path + ("scope",)), f"{target.indicator} is yes/no per "
                                    "unit but a share of units when rolled up: give a 'unit' "
                                    "target (eq) and a 'rollup' target (%) separately"))
        elif unit == "yes/no" and target.scope == "unit" and target.eq is None:
            problems.append(Problem(locate(path + ("eq",)), f"{target.indicator} is yes/no per "
                                    "unit: its unit target needs eq"))
        elif (unit != "yes/no" or target.scope == "rollup") and target.eq is not None:
            problems.append(Problem(locate(path + ("eq",)), f"{target.indicator} is a number "
                                    f"here ({'% of units' if unit == 'yes/no' else unit}): "
                                    "use ge/gt/le/lt, not eq"))
    return problems
