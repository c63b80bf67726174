"""The checklist template: sections of typed items, and indicators computed from them.

A template is plain data (``Template.to_dict()`` / ``Template.from_dict()``), the same shape
as the YAML file it is authored in, so the database can keep it as JSON. ``from_dict``
checks everything and raises :class:`.TemplateError` listing every problem with its path.

Answer types (see :mod:`.validation` for the JSON encoding of answers):
``ynp`` yes/partial/no/na · ``mf`` counts of men and women · ``int`` · ``money`` (VND) ·
``date`` · ``text`` · ``file`` (evidence attachments).
"""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Mapping, Optional

from .fields import FieldReader
from .formula import UNIT_FOR_TYPE, Formula, FormulaError, check_formula, parse_formula
from .problems import Path, Problem, TemplateError, format_path

ITEM_TYPES = ("ynp", "mf", "int", "money", "date", "text", "file")
YNP_VALUES = ("yes", "partial", "no", "na")
MF_PARTS = ("male", "female")
DEFAULT_UNIT_KINDS = ("department", "district", "commune")
INDICATOR_UNITS = ("%", "yes/no", "ratio")
NUMERIC_TYPES = ("mf", "int", "money")

#: How a hint's ``{on_time}`` reads under each on-time rule of a campaign.
ON_TIME_WORDS = {"on_or_before": {"vi": "trước hoặc vào", "en": "on or before"},
                 "before": {"vi": "trước", "en": "before"}}

#: Item and indicator codes: ``A1``, ``C10``, ``A1_date``, ``I8_pool``. No dots: the web
#: form names the parts of an ``mf`` item ``C1.male`` and ``C1.female``.
CODE_RE = re.compile(r"^[A-Z][0-9]+(_[a-z0-9]+)?$")
SECTION_CODE_RE = re.compile(r"^[A-Z][A-Z0-9]{0,9}$")
KEY_RE = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
MAX_CODE_LENGTH = 32
DEFAULT_MAX_LENGTH = 5000
MAX_SECTIONS = 200
MAX_ITEMS = 5000       # in the whole template
MAX_INDICATORS = 500   # also bounds the depth of ref() chains
MAX_MAX_LENGTH = 100_000

_TEMPLATE_FIELDS = {"key", "version", "title_vi", "title_en", "unit_kinds", "sections",
                    "indicators"}
_SECTION_FIELDS = {"code", "title_vi", "title_en", "items"}
_ITEM_FIELDS = {"code", "type", "label_vi", "label_en", "hint_vi", "hint_en", "required",
                "applies_to", "legal_basis", "min", "max", "max_length", "choices", "expected",
                "subset_of", "self_report"}
_INDICATOR_FIELDS = {"code", "label_vi", "label_en", "unit", "formula", "applies_to",
                     "note_vi", "note_en", "legal_basis"}


def _pick(obj: Any, lang: str, name: str) -> Any:
    """``obj.<name>_en`` for English, else the Vietnamese ``obj.<name>_vi``."""
    return getattr(obj, f"{name}_en" if str(lang).startswith("en") else f"{name}_vi")


@dataclass(frozen=True)
class Item:
    """One question of the checklist, answered with a single typed value."""

    code: str
    type: str
    label_vi: str
    label_en: str
    hint_vi: Optional[str] = None
    hint_en: Optional[str] = None
    required: bool = False
    applies_to: Optional[tuple[str, ...]] = None  # None: every unit kind
    legal_basis: Optional[str] = None
    min: Optional[int] = None          # mf (each part), int, money
    max: Optional[int] = None          # mf (each part), int, money
    max_length: Optional[int] = None   # text
    choices: Optional[tuple[str, ...]] = None  # ynp: the answers offered (default all four)
    expected: Optional[str] = None     # ynp: the compliant answer ("yes" unless "no")
    subset_of: Optional[str] = None    # mf/int/money: may not exceed that item (per sex)
    self_report: bool = False          # the inspected unit reports it (counts, plans, dates ...)

    def applies(self, unit_kind: str) -> bool:
        """Whether the item is asked of a unit of this kind."""
        return self.applies_to is None or unit_kind in self.applies_to

    def label(self, lang: str = "vi") -> str:
        return _pick(self, lang, "label")

    def hint(self, lang: str = "vi", on_time_rule: str = "on_or_before") -> Optional[str]:
        """The hint; ``{on_time}`` in it becomes the campaign's on-time rule ("trước hoặc vào"
        for on or before the deadline day, "trước" for strictly before)."""
        text = _pick(self, lang, "hint")
        if text and "{on_time}" in text:
            words = ON_TIME_WORDS.get(on_time_rule, ON_TIME_WORDS["on_or_before"])
            text = text.replace("{on_time}", words["en" if str(lang).startswith("en") else "vi"])
        return text

    @property
    def allowed_values(self) -> tuple[str, ...]:
        """For ``ynp`` items, the answers that may be given."""
        return self.choices or YNP_VALUES

    @property
    def compliant_value(self) -> str:
        """For ``ynp`` items, the answer that counts as compliant in the compliance score."""
        return self.expected or "yes"

    @property
    def fields(self) -> tuple[str, ...]:
        """Names of the form fields: ``("C1.male", "C1.female")`` for mf, else ``(code,)``."""
        if self.type == "mf":
            return tuple(f"{self.code}.{part}" for part in MF_PARTS)
        return (self.code,)

    @property
    def base_code(self) -> str:
        """``A1`` for ``A1_date``: the question a part item belongs to."""
        return self.code.split("_", 1)[0]

    def to_dict(self) -> dict:
        return without_defaults(self, {"required": False, "self_report": False})


@dataclass(frozen=True)
class Section:
    """A titled group of items (A. Lãnh đạo, chỉ đạo ...)."""

    code: str
    title_vi: str
    title_en: str
    items: tuple[Item, ...]

    def title(self, lang: str = "vi") -> str:
        return _pick(self, lang, "title")

    def to_dict(self) -> dict:
        return {"code": self.code, "title_vi": self.title_vi, "title_en": self.title_en,
                "items": [item.to_dict() for item in self.items]}


@dataclass(frozen=True)
class Indicator:
    """A figure computed from the answers by a formula (see :mod:`.formula`)."""

    code: str
    label_vi: str
    label_en: str
    unit: str  # "%", "yes/no" or "ratio"
    formula: str
    applies_to: Optional[tuple[str, ...]] = None
    note_vi: Optional[str] = None
    note_en: Optional[str] = None
    legal_basis: Optional[str] = None

    def applies(self, unit_kind: str) -> bool:
        return self.applies_to is None or unit_kind in self.applies_to

    def label(self, lang: str = "vi") -> str:
        return _pick(self, lang, "label")

    def to_dict(self) -> dict:
        return without_defaults(self, {})


def without_defaults(obj: Any, defaults: Mapping[str, Any]) -> dict:
    """A dataclass as plain data, leaving out ``None`` and the given defaults (compact, and
    the content hash stays the same when a later release adds an optional field)."""
    out = {}
    for name in obj.__dataclass_fields__:
        value = getattr(obj, name)
        if value is None or (name in defaults and value == defaults[name]):
            continue
        out[name] = list(value) if isinstance(value, tuple) else value
    return out


@dataclass(frozen=True)
class Template:
    """A versioned checklist. Build it with :meth:`from_dict` (which checks it) or the loaders.

    Immutable: the database keeps ``to_dict()`` and ``content_hash()``; a changed checklist is a
    new version with the same ``key`` (see :func:`.versions.check_new_version`).
    """

    key: str
    version: int
    title_vi: str
    title_en: str
    sections: tuple[Section, ...]
    indicators: tuple[Indicator, ...] = ()
    unit_kinds: tuple[str, ...] = DEFAULT_UNIT_KINDS
    _index: "_Index" = field(init=False, repr=False, compare=False, hash=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_index", _Index(self))

    # -- lookups used by the web form, validation and indicators --
    @property
    def items(self) -> tuple[Item, ...]:
        """Every item, in checklist order."""
        return self._index.items

    def item(self, code: str) -> Item:
        """The item with this code; ``KeyError`` if there is none."""
        return self._index.by_code[code]

    def has_item(self, code: str) -> bool:
        return code in self._index.by_code

    def section_of(self, code: str) -> Section:
        """The section holding item ``code``."""
        return self._index.section_of[code]

    def item_path(self, code: str) -> str:
        """Where the item sits in the template: ``sections[2].items[3]``."""
        section, position = self._index.positions[code]
        return format_path(("sections", section, "items", position))

    def items_for(self, unit_kind: str) -> list[Item]:
        """Items asked of a unit of this kind, in checklist order."""
        return self._index.for_kind(unit_kind)

    def sections_for(self, unit_kind: str) -> list[tuple[Section, list[Item]]]:
        """``(section, items)`` pairs for a unit kind; sections with no such item are left out."""
        out = []
        for section in self.sections:
            items = [item for item in section.items if item.applies(unit_kind)]
            if items:
                out.append((section, items))
        return out

    def indicator(self, code: str) -> Indicator:
        return self._index.indicators[code]

    def formula(self, code: str) -> Formula:
        """The parsed formula of indicator ``code``."""
        return self._index.formulas[code]

    @property
    def indicator_order(self) -> tuple[Indicator, ...]:
        """Indicators ordered so that each comes after those it refers to with ``ref()``."""
        return self._index.order

    def title(self, lang: str = "vi") -> str:
        return _pick(self, lang, "title")

    # -- plain data --
    def to_dict(self) -> dict:
        out: dict[str, Any] = {"key": self.key, "version": self.version,
                               "title_vi": self.title_vi, "title_en": self.title_en}
        if self.unit_kinds != DEFAULT_UNIT_KINDS:
            out["unit_kinds"] = list(self.unit_kinds)
        out["sections"] = [section.to_dict() for section in self.sections]
        if self.indicators:
            out["indicators"] = [indicator.to_dict() for indicator in self.indicators]
        return out

    def content_hash(self) -> str:
        """sha256 (hex) of the canonical JSON of :meth:`to_dict`."""
        return canonical_hash(self.to_dict())

    @classmethod
    def from_dict(cls, data: Any, *, locate: Callable[[Path], str] = format_path) -> "Template":
        """Check plain data and build a template, or raise :class:`.TemplateError`.

        ``locate`` turns a path such as ``("sections", 0, "items", 2, "type")`` into the
        location shown to the user (the Excel importer maps it to sheet, row and column).
        """
        template, problems = build_template(data, locate)
        if problems:
            raise TemplateError([Problem(locate(path), message) for path, message in problems])
        assert template is not None  # no problems: a template
        return template


class _Index:
    """Lookup tables derived from a template (not part of its data)."""

    def __init__(self, template: Template):
        self.items = tuple(item for section in template.sections for item in section.items)
        self.by_code = {item.code: item for item in self.items}
        self.section_of = {item.code: section for section in template.sections
                           for item in section.items}
        self.positions = {item.code: (s, i) for s, section in enumerate(template.sections)
                          for i, item in enumerate(section.items)}
        self.indicators = {indicator.code: indicator for indicator in template.indicators}
        self.formulas = {indicator.code: parse_formula(indicator.formula)
                         for indicator in template.indicators}
        order, _ = _order_by_refs({code: f.refs for code, f in self.formulas.items()})
        self.order = tuple(self.indicators[code] for code in order)
        self._kinds: dict[str, list[Item]] = {}
        # Tables other modules derive from the template once (the validator's per-unit-kind
        # plan): safe to keep because a Template and its items are frozen, never changed.
        self.derived: dict[Any, Any] = {}

    def for_kind(self, unit_kind: str) -> list[Item]:
        if unit_kind not in self._kinds:
            self._kinds[unit_kind] = [item for item in self.items if item.applies(unit_kind)]
        return list(self._kinds[unit_kind])


def canonical_hash(data: Any) -> str:
    """sha256 hex digest of ``data`` as canonical JSON (sorted keys, UTF-8, no spaces)."""
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _order_by_refs(refs: Mapping[str, Iterable[str]]) -> tuple[list[str], list[list[str]]]:
    """Topological order of indicators by ``ref()``, and the cycles that prevent one."""
    order: list[str] = []
    state: dict[str, int] = {}  # 1 visiting, 2 done
    cycles: list[list[str]] = []

    def visit(code: str, trail: list[str]) -> None:
        if state.get(code) == 2:
            return
        if state.get(code) == 1:
            cycles.append(trail[trail.index(code):] + [code])
            return
        state[code] = 1
        for other in sorted(refs.get(code, ())):
            if other in refs:
                visit(other, trail + [code])
        state[code] = 2
        order.append(code)

    for code in refs:
        visit(code, [])
    return order, cycles


# --- checking plain data ----------------------------------------------------------------------

def build_template(data: Any, locate: Callable[[Path], str] = format_path
                   ) -> tuple[Optional[Template], list[tuple[Path, str]]]:
    """Check plain template data; return the template (if sound) and every problem found.

    ``locate`` renders a path inside a message that points at another place ("also at").
    """
    reader = FieldReader(locate)
    top = reader.mapping(data, (), _TEMPLATE_FIELDS, "the template")
    if top is None:
        return None, reader.problems
    key = reader.text(top, "key", (), required=True)
    if key is not None and not KEY_RE.match(key):
        reader.problem(("key",), f"key {key!r} must be lowercase letters, digits and _ "
                                 "starting with a letter")
    version = reader.integer(top, "version", (), required=True, minimum=1)
    title_vi = reader.text(top, "title_vi", (), required=True)
    title_en = reader.text(top, "title_en", (), required=True)
    unit_kinds = _read_unit_kinds(reader, top)

    # (code, titles, items); a None in them comes with a problem, so never reaches Template()
    sections: list[tuple[Any, dict[str, Any], list[dict[str, Any]]]] = []
    items_seen: dict[str, Path] = {}
    raw_items: list[tuple[Path, dict]] = []
    section_codes: dict[str, Path] = {}
    for s, raw_section in enumerate(reader.listing(top, "sections", (), required=True,
                                                   limit=MAX_SECTIONS)):
        path = ("sections", s)
        section = reader.mapping(raw_section, path, _SECTION_FIELDS, "a section")
        if section is None:
            continue
        code = reader.text(section, "code", path, required=True)
        if code is not None:
            if not SECTION_CODE_RE.match(code):
                reader.problem(path + ("code",), f"section code {code!r} must be a capital "
                               "letter, optionally followed by capitals or digits")
            elif code in section_codes:
                reader.problem(path + ("code",), f"duplicate section code {code} (also at "
                               f"{reader.locate(section_codes[code])})")
            else:
                section_codes[code] = path
        titles = {name: reader.text(section, name, path, required=True)
                  for name in ("title_vi", "title_en")}
        items = []
        for i, raw_item in enumerate(reader.listing(section, "items", path, required=True,
                                                    limit=MAX_ITEMS - len(raw_items))):
            item_path = path + ("items", i)
            item = _read_item(reader, raw_item, item_path, unit_kinds or DEFAULT_UNIT_KINDS)
            if item is None:
                continue
            if item["code"] is not None:
                if item["code"] in items_seen:
                    reader.problem(item_path + ("code",), f"duplicate item code {item['code']} "
                                   f"(also at {reader.locate(items_seen[item['code']])})")
                else:
                    items_seen[item["code"]] = item_path
            raw_items.append((item_path, item))
            items.append(item)
        sections.append((code, titles, items))

    item_types: dict[str, str] = {}  # the first of duplicated codes wins (the rest is reported)
    for _, item in raw_items:
        if item["code"] and item["type"]:
            item_types.setdefault(item["code"], item["type"])
    _check_subsets(reader, raw_items, item_types)
    indicators = _read_indicators(reader, top, unit_kinds or DEFAULT_UNIT_KINDS, item_types)

    if reader.problems:
        return None, reader.problems
    assert key is not None and version is not None and title_vi is not None and title_en is not None  # required
    template = Template(
        key=key, version=version, title_vi=title_vi, title_en=title_en,
        unit_kinds=unit_kinds or DEFAULT_UNIT_KINDS,
        sections=tuple(
            Section(code=code, items=tuple(Item(**item) for item in items), **titles)
            for code, titles, items in sections),
        indicators=tuple(Indicator(**indicator) for indicator in indicators),
    )
    return template, []


def _read_unit_kinds(reader: FieldReader, top: dict) -> Optional[tuple[str, ...]]:
    value = top.get("unit_kinds")
    if value is None:
        return None
    if isinstance(value, str):
        value = [part.strip() for part in value.split(",") if part.strip()]
    if not isinstance(value, list) or not value:
        reader.problem(("unit_kinds",), "unit_kinds must be a non-empty list")
        return None
    kinds = []
    for index, kind in enumerate(value):
        if not isinstance(kind, str) or not KEY_RE.match(kind.strip()):
            reader.problem(("unit_kinds", index), f"unit kind {kind!r} must be lowercase "
                           "letters, digits and _")
        elif kind.strip() in kinds:
            reader.problem(("unit_kinds", index), f"unit kind {kind!r} is listed twice")
        else:
            kinds.append(kind.strip())
    return tuple(kinds) if len(kinds) == len(value) else None


def _read_code(reader: FieldReader, data: Mapping, path: Path) -> Optional[str]:
    code = reader.text(data, "code", path, required=True, max_length=MAX_CODE_LENGTH)
    if code is not None and not CODE_RE.match(code):
        reader.problem(path + ("code",), f"code {code!r} must look like A1, C10 or A1_date "
                       "(a capital, digits, optionally _ and lowercase letters or digits)")
        return None
    return code


def _read_item(reader: FieldReader, raw: Any, path: Path,
               unit_kinds: tuple[str, ...]) -> Optional[dict]:
    data = reader.mapping(raw, path, _ITEM_FIELDS, "an item")
    if data is None:
        return None
    item: dict[str, Any] = {"code": _read_code(reader, data, path)}
    item_type = reader.text(data, "type", path, required=True)
    if item_type is not None and item_type not in ITEM_TYPES:
        reader.problem(path + ("type",), f"unknown type {item_type!r}; use one of: "
                       + ", ".join(ITEM_TYPES))
        item_type = None
    item["type"] = item_type
    for name in ("label_vi", "label_en"):
        item[name] = reader.text(data, name, path, required=True)
    for name in ("hint_vi", "hint_en", "legal_basis"):
        item[name] = reader.text(data, name, path)
    item["required"] = bool(reader.boolean(data, "required", path))
    item["self_report"] = bool(reader.boolean(data, "self_report", path))
    item["applies_to"] = reader.word_list(data, "applies_to", path, unit_kinds, "unit kind")
    item["min"] = reader.integer(data, "min", path)
    item["max"] = reader.integer(data, "max", path)
    item["max_length"] = reader.integer(data, "max_length", path, minimum=1,
                                        maximum=MAX_MAX_LENGTH)
    item["choices"] = reader.word_list(data, "choices", path, YNP_VALUES, "choice")
    item["expected"] = reader.text(data, "expected", path)
    item["subset_of"] = reader.text(data, "subset_of", path)

    if item_type is not None:
        allowed_options = {"min": NUMERIC_TYPES, "max": NUMERIC_TYPES, "max_length": ("text",),
                           "choices": ("ynp",), "expected": ("ynp",), "subset_of": NUMERIC_TYPES}
        for option, types in allowed_options.items():
            if data.get(option) not in (None, "") and item_type not in types:
                reader.problem(path + (option,), f"{option} is only for {'/'.join(types)} "
                               f"items, not {item_type}")
    if item["min"] is not None and item["max"] is not None and item["min"] > item["max"]:
        reader.problem(path + ("max",), f"max {item['max']} is below min {item['min']}")
    if item["expected"] is not None:
        if item["expected"] not in ("yes", "no"):
            reader.problem(path + ("expected",), "expected must be 'yes' or 'no'")
        elif item["expected"] not in (item["choices"] or YNP_VALUES):
            reader.problem(path + ("expected",), f"expected {item['expected']!r} is not one "
                           "of the choices")
        elif item["expected"] == "yes":
            item["expected"] = None  # the default; keeps to_dict() canonical
    return item


def _check_subsets(reader: FieldReader, raw_items: list[tuple[Path, dict]],
                   item_types: Mapping[str, str]) -> None:
    parents = {item["code"]: item["subset_of"] for _, item in raw_items
               if item["code"] and item["subset_of"]}
    for path, item in raw_items:
        whole = item["subset_of"]
        if whole is None or item["type"] not in NUMERIC_TYPES:
            continue
        if whole == item["code"]:
            reader.problem(path + ("subset_of",), f"{whole} cannot be a subset of itself")
        elif whole not in item_types:
            reader.problem(path + ("subset_of",), f"subset_of names unknown item {whole}")
        elif item_types[whole] != item["type"]:
            reader.problem(path + ("subset_of",), f"{item['code']} ({item['type']}) cannot be "
                           f"a subset of {whole} ({item_types[whole]}): types differ")
        else:
            seen, current = {item["code"]}, whole
            while current in parents and current not in seen:
                seen.add(current)
                current = parents[current]
            if current in seen and current == item["code"]:
                reader.problem(path + ("subset_of",), f"subset_of of {item['code']} loops "
                               "back to itself")


def _read_indicators(reader: FieldReader, top: dict, unit_kinds: tuple[str, ...],
                     item_types: Mapping[str, str]) -> list[dict]:
    indicators: list[dict] = []
    seen: dict[str, Path] = {}
    entries = []
    for k, raw in enumerate(reader.listing(top, "indicators", (), required=False,
                                           limit=MAX_INDICATORS)):
        path = ("indicators", k)
        data = reader.mapping(raw, path, _INDICATOR_FIELDS, "an indicator")
        if data is None:
            continue
        indicator: dict[str, Any] = {"code": _read_code(reader, data, path)}
        code = indicator["code"]
        if code is not None:
            if code in item_types:
                reader.problem(path + ("code",), f"indicator code {code} is already an item code")
            elif code in seen:
                reader.problem(path + ("code",), f"duplicate indicator code {code} (also at "
                               f"{reader.locate(seen[code])})")
            else:
                seen[code] = path
        for name in ("label_vi", "label_en", "formula"):
            indicator[name] = reader.text(data, name, path, required=True)
        for name in ("note_vi", "note_en", "legal_basis"):
            indicator[name] = reader.text(data, name, path)
        unit = reader.text(data, "unit", path, required=True)
        if unit is not None and unit not in INDICATOR_UNITS:
            reader.problem(path + ("unit",), f"unknown unit {unit!r}; use one of: "
                           + ", ".join(INDICATOR_UNITS))
            unit = None
        indicator["unit"] = unit
        indicator["applies_to"] = reader.word_list(data, "applies_to", path, unit_kinds,
                                                   "unit kind")
        indicators.append(indicator)
        entries.append((path, indicator))

    units = {ind["code"]: ind["unit"] for ind in indicators if ind["code"]}
    refs: dict[str, set[str]] = {}
    for path, indicator in entries:
        if indicator["formula"] is None:
            continue
        try:
            formula = parse_formula(indicator["formula"])
        except FormulaError as exc:
            reader.problem(path + ("formula",), str(exc))
            continue
        result_type, problems = check_formula(formula, item_types,
                                              {code: unit or "" for code, unit in units.items()})
        for message in problems:
            reader.problem(path + ("formula",), message)
        wanted = indicator["unit"]
        if result_type and wanted and UNIT_FOR_TYPE.get(result_type) != wanted:
            reader.problem(path + ("unit",), f"unit {wanted!r} does not fit the formula, "
                           f"which gives a {result_type} (unit "
                           f"{UNIT_FOR_TYPE.get(result_type, '?')!r})")
        if indicator["code"]:
            refs[indicator["code"]] = formula.refs
    _, cycles = _order_by_refs(refs)
    paths = {indicator["code"]: path for path, indicator in entries}
    for cycle in cycles:
        reader.problem(paths[cycle[0]] + ("formula",), "indicators refer to each other in a "
                       "cycle: " + " → ".join(cycle))
    return indicators
