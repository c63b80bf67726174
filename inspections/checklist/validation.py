"""Checking answers against a template — the one validator the HTML form and the API share.

JSON encoding of answers (a dict item code → value; a missing code or ``None`` is unanswered):

=========  ==================================================
``ynp``    ``"yes"`` | ``"partial"`` | ``"no"`` | ``"na"``
``mf``     ``{"male": int, "female": int}``
``int``    int (never bool)
``money``  int, VND
``date``   ``"YYYY-MM-DD"``
``text``   string
``file``   list of attachment uuid strings
=========  ==================================================
"""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from typing import Any, Mapping, Optional

from .messages import UNIT_KIND_LABELS, YNP_LABELS, label, language, message
from .schema import DEFAULT_MAX_LENGTH, MF_PARTS, Item, Template

MIN_DATE = date(2000, 1, 1)
FUTURE_DAYS = 365            # dates may lie at most this far after ``today``
MAX_COUNT = 1_000_000        # default ceiling for counts (mf parts, int)
MAX_MONEY = 10 ** 13         # default ceiling for VND amounts (10 000 tỷ đồng)
MAX_FILES = 50               # attachments per item
MAX_UNKNOWN_REPORTED = 20    # unknown codes reported one by one before a summary

_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.I)


@dataclass(frozen=True)
class AnswerError:
    """One problem with an answer.

    ``code`` is the item code; ``field`` the form field to show it on (``C1.male`` /
    ``C1.female`` for the parts of an mf item, else the code); ``kind`` a stable machine key
    (``negative``, ``exceeds_whole`` ...); ``message`` the text in the requested language.
    """

    code: str
    field: str
    message: str
    kind: str

    def to_dict(self) -> dict:
        return asdict(self)


def is_answered(value: Any) -> bool:
    """Whether an answer value counts as given (``None``, ``""`` and ``[]`` do not)."""
    return value is not None and value != "" and value != []


def parse_date(value: Any) -> Optional[date]:
    """A ``YYYY-MM-DD`` string as a date; ``None`` if it is not one."""
    if isinstance(value, str) and _DATE_RE.match(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return None
    return None


def _is_count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def usable_value(item: Item, value: Any) -> Any:
    """The answer in computable form, or ``None`` if it is missing or malformed.

    Lenient counterpart of :func:`validate_answers` used by the indicators: ynp → str,
    mf → dict, int/money → int, date → :class:`datetime.date`, text/file unchanged.
    """
    if not is_answered(value):
        return None
    kind = item.type
    if kind == "ynp":
        return value if isinstance(value, str) and value in item.allowed_values else None
    if kind == "mf":
        if (isinstance(value, Mapping) and all(_is_count(value.get(p)) and value[p] >= 0
                                               for p in MF_PARTS)):
            return value
        return None
    if kind in ("int", "money"):
        return value if _is_count(value) and value >= 0 else None
    if kind == "date":
        return parse_date(value)
    return value


def validate_answers(template: Template, unit_kind: str, answers: Any, lang: str = "vi", *,
                     require_complete: bool = False,
                     today: Optional[date] = None) -> list[AnswerError]:
    """Every problem with ``answers`` for a unit of ``unit_kind`` (empty list: all good).

    Reports wrong types, negative or absurd counts, a part larger than its whole
    (``subset_of``, per sex), dates before 2000-01-01 or over a year after ``today``, text over
    ``max_length``, unknown codes, answers to items that do not apply to the unit kind, bad
    attachment ids and — only with ``require_complete`` — required items left unanswered.
    Raises ``ValueError`` if ``unit_kind`` is not one of the template's unit kinds.
    """
    if unit_kind not in template.unit_kinds:
        raise ValueError(f"unknown unit kind {unit_kind!r}; template {template.key} knows "
                         + ", ".join(template.unit_kinds))
    lang = language(lang)
    if not isinstance(answers, Mapping):
        return [AnswerError("", "", message("answers_not_object", lang), "answers_not_object")]
    today = today or date.today()
    errors: list[AnswerError] = []

    def add(item_code: str, field: str, kind: str, **params: Any) -> None:
        errors.append(AnswerError(item_code, field, message(kind, lang, **params), kind))

    plan = _plan(template, unit_kind)
    valid: dict[str, Any] = {}
    for code, item, applies, fast_ok in plan.items:
        value = answers.get(code)
        if value is None or value == "" or value == []:  # not is_answered(value)
            if require_complete and applies and item.required:
                add(code, item.fields[0], "required")
            continue
        if not applies:
            add(code, code, "not_applicable",
                unit_kind=label(UNIT_KIND_LABELS, unit_kind, lang))
            continue
        if fast_ok is not None and fast_ok(value):
            valid[code] = value  # an answer the full check below would accept without a word
            continue
        before = len(errors)
        _check_value(item, value, today, lang, add)
        if len(errors) == before:
            valid[code] = value

    if plan.subsets:
        _check_subsets(template, valid, lang, add, plan.subsets)

    by_code = plan.by_code
    unknown = [] if answers.keys() <= by_code.keys() else [  # the common case: no code to look at one by one
        code for code in answers if not (isinstance(code, str) and code in by_code)]
    for code in unknown[:MAX_UNKNOWN_REPORTED]:
        add(str(code), str(code), "unknown_item", code=code)
    if len(unknown) > MAX_UNKNOWN_REPORTED:
        add("", "", "too_many_unknown", count=len(unknown) - MAX_UNKNOWN_REPORTED)
    return errors


class _Plan:
    """What validate_answers needs of a template for one unit kind, worked out once.

    Cached on the template (``template._index.derived``): templates are frozen, so the plan
    never goes out of date. ``items`` holds (code, item, applies, fast_ok) in checklist order;
    ``fast_ok(value)`` is True only for values that :func:`_check_value` accepts without an
    error (anything else takes the full check, which words the errors), or None when the type
    has no shortcut. ``subsets`` lists (part code, whole code) in checklist order.
    """

    __slots__ = ("items", "subsets", "by_code")

    def __init__(self, template: Template, unit_kind: str):
        self.items = tuple((item.code, item, item.applies(unit_kind), _fast_check(item))
                           for item in template.items)
        self.subsets = tuple((item.code, item.subset_of)
                             for item in template.items if item.subset_of is not None)
        self.by_code = template._index.by_code


def _plan(template: Template, unit_kind: str) -> _Plan:
    derived = template._index.derived
    key = ("validation", unit_kind)
    plan = derived.get(key)
    if plan is None:
        plan = derived[key] = _Plan(template, unit_kind)
    return plan


def _count_bounds(item: Item) -> tuple[int, int]:
    """The range _check_count accepts (the same defaults)."""
    low = item.min if item.min is not None else 0
    high = item.max if item.max is not None else (MAX_MONEY if item.type == "money" else MAX_COUNT)
    return low, high


def _fast_check(item: Item):
    """A quick yes for the common valid answer of ``item`` (see _Plan), or None."""
    if item.type == "ynp":
        allowed = frozenset(item.allowed_values)
        return lambda value: value.__class__ is str and value in allowed
    if item.type in ("int", "money"):
        low, high = _count_bounds(item)
        return lambda value: value.__class__ is int and low <= value <= high
    if item.type == "mf":
        low, high = _count_bounds(item)
        parts = frozenset(MF_PARTS)
        first, second = MF_PARTS

        def mf_ok(value: Any) -> bool:
            if value.__class__ is not dict or not value.keys() <= parts:
                return False
            a, b = value.get(first), value.get(second)
            return (a.__class__ is int and b.__class__ is int
                    and low <= a <= high and low <= b <= high)
        return mf_ok
    if item.type == "text":
        limit = item.max_length or DEFAULT_MAX_LENGTH
        return lambda value: value.__class__ is str and len(value) <= limit
    return None


def _check_value(item: Item, value: Any, today: date, lang: str, add) -> None:
    code = item.code
    if item.type == "ynp":
        if not (isinstance(value, str) and value in item.allowed_values):
            add(code, code, "ynp_invalid",
                choices=" / ".join(label(YNP_LABELS, choice, lang) for choice in item.allowed_values))
    elif item.type == "mf":
        if not isinstance(value, Mapping) or set(value) - set(MF_PARTS):
            add(code, code, "mf_invalid")
            return
        for part in MF_PARTS:
            field = f"{code}.{part}"
            if value.get(part) is None:
                add(code, field, "mf_part_missing")
            else:
                _check_count(item, value[part], field, add)
    elif item.type in ("int", "money"):
        _check_count(item, value, code, add)
    elif item.type == "date":
        day = parse_date(value)
        if day is None:
            add(code, code, "date_invalid")
        elif day < MIN_DATE:
            add(code, code, "date_too_early", min=MIN_DATE.isoformat())
        elif day > today + timedelta(days=FUTURE_DAYS):
            add(code, code, "date_too_late", max=(today + timedelta(days=FUTURE_DAYS)).isoformat())
    elif item.type == "text":
        limit = item.max_length or DEFAULT_MAX_LENGTH
        if not isinstance(value, str):
            add(code, code, "text_invalid")
        elif len(value) > limit:
            add(code, code, "text_too_long", length=len(value), max=limit)
    elif item.type == "file":
        _check_files(code, value, add)


def _check_count(item: Item, value: Any, field: str, add) -> None:
    if not _is_count(value):
        add(item.code, field, "not_integer")
        return
    low = item.min if item.min is not None else 0
    high = item.max if item.max is not None else (MAX_MONEY if item.type == "money" else MAX_COUNT)
    if value < low:
        if low == 0:
            add(item.code, field, "negative")
        else:
            add(item.code, field, "below_min", min=low)
    elif value > high:
        add(item.code, field, "too_large", max=f"{high:,}")


def _check_files(code: str, value: Any, add) -> None:
    if not isinstance(value, list):
        add(code, code, "files_invalid")
        return
    if len(value) > MAX_FILES:
        add(code, code, "too_many_files", max=MAX_FILES)
    seen = set()
    for entry in value:
        if not (isinstance(entry, str) and _UUID_RE.match(entry)):
            add(code, code, "file_id_invalid", value=str(entry)[:60])
        elif entry.lower() in seen:
            add(code, code, "file_duplicate", value=entry)
        else:
            seen.add(entry.lower())


def _check_subsets(template: Template, valid: Mapping[str, Any], lang: str, add,
                   subsets: Optional[tuple] = None) -> None:
    """A part (C2 leaders) may not exceed its whole (C1 staff): per sex for mf items.

    ``subsets``: the template's (part code, whole code) in checklist order (see _Plan); the
    order of ``valid`` is checklist order too, so the errors come out in the same order.
    """
    if subsets is None:
        subsets = tuple((item.code, item.subset_of)
                        for item in template.items if item.subset_of is not None)
    for code, whole_code in subsets:
        if code not in valid or whole_code not in valid:
            continue
        value = valid[code]
        item = template.item(code)
        whole = template.item(whole_code)
        whole_value = valid[whole.code]
        pairs = ([(f"{code}.{part}", value[part], whole_value[part]) for part in MF_PARTS]
                 if item.type == "mf" else [(code, value, whole_value)])
        for field, part_value, limit in pairs:
            if part_value > limit:
                add(code, field, "exceeds_whole", whole=whole.code,
                    whole_label=whole.label(lang), value=part_value, limit=limit)
