"""Turning the strings of an HTML checklist form into JSON answers.

Field names: the item code (``A1``, ``G3``, ``H2``), and ``C1.male`` / ``C1.female`` for the
two numbers of an ``mf`` item. ``file`` items take every value sent under their code (several
inputs, or one comma-separated string). Empty strings mean unanswered. Numbers may carry
thousands separators as typed in Vietnam (``1.500.000``) or elsewhere (``1,500,000``);
dates may be ``YYYY-MM-DD`` (a date input) or ``DD/MM/YYYY`` (typed by hand).

The result still goes through :func:`.validation.validate_answers`; this module reports only
what it cannot read.
"""
from __future__ import annotations

import re
from datetime import date
from typing import Any, Mapping, Optional

from .messages import language, message
from .schema import MF_PARTS, Item, Template
from .validation import AnswerError

_INT_RE = re.compile(r"^[+-]?\d{1,18}$")
_GROUPED_RE = re.compile(r"^[+-]?\d{1,3}(?P<sep>[.,\s\u00a0])\d{3}(?:(?P=sep)\d{3}){0,5}$")
_CURRENCY_RE = re.compile(r"\s*(?:đ|₫|vnd|vnđ|đồng|dong)\.?$", re.I)
_DMY_RE = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
_ISO_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def parse_whole_number(text: str, *, money: bool = False) -> int:
    """Read a whole number typed in a form; ``ValueError`` if it is not one."""
    text = text.strip()
    if money:
        text = _CURRENCY_RE.sub("", text)
    if _INT_RE.match(text):
        return int(text)
    if _GROUPED_RE.match(text):
        return int(re.sub(r"[.,\s\u00a0]", "", text))
    raise ValueError(text)


def parse_form_date(text: str) -> str:
    """Read ``YYYY-MM-DD`` or ``DD/MM/YYYY`` into ``YYYY-MM-DD``; ``ValueError`` otherwise."""
    text = text.strip()
    if _ISO_RE.match(text):
        return date.fromisoformat(text).isoformat()
    match = _DMY_RE.match(text)
    if match:
        day, month, year = (int(group) for group in match.groups())
        return date(year, month, day).isoformat()
    raise ValueError(text)


def _one(form: Mapping[str, Any], name: str) -> str:
    value = form.get(name)
    if isinstance(value, (list, tuple)):
        value = value[0] if value else ""
    return "" if value is None else str(value)


def _many(form: Mapping[str, Any], name: str) -> list[str]:
    if hasattr(form, "getlist"):
        values = form.getlist(name)
    else:
        value = form.get(name)
        values = value if isinstance(value, (list, tuple)) else [] if value is None else [value]
    out: list[str] = []
    for value in values:
        out.extend(part.strip().lower() for part in str(value).split(",") if part.strip())
    return out


def answers_from_form(template: Template, unit_kind: str,
                      form: Mapping[str, Any], lang: str = "vi") -> tuple[dict, list[AnswerError]]:
    """Convert form fields to ``(answers, errors)``.

    Only items that apply to ``unit_kind`` are read; other fields (csrf token, buttons) are
    ignored. Unanswered items are left out of ``answers``. A field that cannot be read gives
    an :class:`.AnswerError` naming it, and the rest of the form is still converted.
    """
    lang = language(lang)
    answers: dict[str, Any] = {}
    errors: list[AnswerError] = []
    for item in template.items_for(unit_kind):
        if item.type == "file":
            ids = _many(form, item.code)
            if ids:
                answers[item.code] = ids
            continue
        if item.type == "mf":
            value = _read_mf(item, form, lang, errors)
        else:
            value = _read_single(item, _one(form, item.code), lang, errors)
        if value is not None:
            answers[item.code] = value
    return answers, errors


def _read_mf(item: Item, form: Mapping[str, Any], lang: str,
             errors: list[AnswerError]) -> Optional[dict]:
    texts = {part: _one(form, f"{item.code}.{part}").strip() for part in MF_PARTS}
    if not any(texts.values()):
        return None
    parts: dict[str, int] = {}
    for part, text in texts.items():
        field = f"{item.code}.{part}"
        if not text:
            errors.append(AnswerError(item.code, field, message("mf_part_missing", lang),
                                      "mf_part_missing"))
            continue
        try:
            parts[part] = parse_whole_number(text)
        except ValueError:
            errors.append(AnswerError(item.code, field, message(
                "number_unparsable", lang, value=text[:40]), "number_unparsable"))
    return parts if len(parts) == len(MF_PARTS) else None


def _read_single(item: Item, text: str, lang: str, errors: list[AnswerError]) -> Any:
    if item.type == "text":
        text = text.replace("\r\n", "\n").strip()
        return text or None
    text = text.strip()
    if not text:
        return None
    try:
        if item.type in ("int", "money"):
            return parse_whole_number(text, money=item.type == "money")
        if item.type == "date":
            return parse_form_date(text)
    except ValueError:
        kind = "date_unparsable" if item.type == "date" else "number_unparsable"
        errors.append(AnswerError(item.code, item.code,
                                  message(kind, lang, value=text[:40]), kind))
        return None
    return text  # ynp: checked by validate_answers
