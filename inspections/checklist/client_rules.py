"""The validator's rules as plain data, for the phone's copy of the validator (static/js/rules.js).

The phone checks a checklist before it queues it (it may be offline for days), and it must
say exactly what the server would say. So the page does not get its own list of limits: it
gets this description, built from the same template items, the same constants of
:mod:`.validation` and the same message table of :mod:`.messages` the server uses.
``tests/checklist/test_rules_parity.py`` runs one table of cases through both validators.
"""
from __future__ import annotations

from typing import Any

from . import validation as v
from .messages import ANSWER_MESSAGES, UNIT_KIND_LABELS, YNP_LABELS, label, language
from .schema import DEFAULT_MAX_LENGTH, Template


def client_rules(template: Template, unit_kind: str, lang: str = "vi") -> dict[str, Any]:
    """Everything ``validate_answers`` and ``answers_from_form`` check, for one unit kind.

    Items come in checklist order (the order errors are reported in); items that do not apply
    to ``unit_kind`` are listed too (``applies: false``) so that answering one is refused as
    on the server. Messages are the ``str.format`` patterns of ``ANSWER_MESSAGES`` in ``lang``.
    """
    if unit_kind not in template.unit_kinds:
        raise ValueError(f"unknown unit kind {unit_kind!r}")
    lang = language(lang)
    items = []
    for item in template.items:
        row: dict[str, Any] = {"code": item.code, "type": item.type, "label": item.label(lang),
                               "applies": item.applies(unit_kind)}
        if item.required:
            row["required"] = True
        if item.type == "ynp":
            row["choices"] = list(item.allowed_values)
        if item.type in ("mf", "int", "money"):
            row["min"], row["max"] = v._count_bounds(item)
        if item.type == "text":
            row["max_length"] = item.max_length or DEFAULT_MAX_LENGTH
        if item.subset_of is not None:
            row["subset_of"] = item.subset_of
        items.append(row)
    return {
        "lang": lang,
        "items": items,
        "min_date": v.MIN_DATE.isoformat(),
        "future_days": v.FUTURE_DAYS,
        "max_files": v.MAX_FILES,
        "max_unknown": v.MAX_UNKNOWN_REPORTED,
        "unit_kind_label": label(UNIT_KIND_LABELS, unit_kind, lang),
        "ynp_labels": {value: label(YNP_LABELS, value, lang) for value in YNP_LABELS},
        "messages": {key: texts[lang] for key, texts in ANSWER_MESSAGES.items()},
    }
