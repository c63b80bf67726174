"""An answer as a person reads it (Có / Nam 10 · Nữ 5 / 1.500.000 đ / 10/06/2026): the merge
page, the record, the unit's report, the declared values and the Word documents all write
answers with these.
"""
from __future__ import annotations

from typing import Any

from babel.numbers import format_decimal
from flask_babel import gettext as _

from ..checklist.messages import MF_PART_LABELS, YNP_LABELS, label as word
from ..checklist.validation import is_answered, parse_date


def number(value: Any, lang: str) -> str:
    return format_decimal(value, locale="en" if lang == "en" else "vi")


def share_text(female: int, total: int, lang: str) -> str:
    if not total:
        return "—"
    return format_decimal(round(female * 100 / total, 1), format="#,##0.0", locale="en" if lang == "en" else "vi")


def format_value(item, value: Any, lang: str = "vi") -> str:
    """An answer as a person reads it: Có / Nam 10 · Nữ 5 / 1.500.000 đ / 10/06/2026."""
    if not is_answered(value):
        return "—"
    kind = item.type
    try:
        if kind == "ynp":
            return word(YNP_LABELS, value, lang)
        if kind == "mf":
            male, female = int(value.get("male") or 0), int(value.get("female") or 0)
            return (f"{word(MF_PART_LABELS, 'male', lang)} {number(male, lang)} · "
                    f"{word(MF_PART_LABELS, 'female', lang)} {number(female, lang)} "
                    f"({number(male + female, lang)}; {share_text(female, male + female, lang)}%)")
        if kind == "int":
            return number(value, lang)
        if kind == "money":
            return f"{number(value, lang)} đ"
        if kind == "date":
            day = parse_date(value)
            return day.strftime("%d/%m/%Y") if day else str(value)
        if kind == "file":
            count = len(value) if isinstance(value, list) else 1
            return _("%(count)d evidence file(s)", count=count)
    except (TypeError, ValueError, AttributeError):
        pass
    return str(value)
