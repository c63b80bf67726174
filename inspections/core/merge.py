"""Merging the inspectors' answers for one visit, item by item (pure Python, no database).

For each item, every inspector's latest answer is a Source. The rules:
- nobody answered                                -> "unanswered"
- one inspector answered                         -> "single" (their value, marked as one source)
- several answered, all equal                    -> "agreed"
- several answered, not all equal                -> "conflict" (no value until the lead decides)
- evidence (file) items never conflict: the merged value is every attachment, once
- a lead's resolution always wins                -> "resolved" (value and where it came from)
The result does not depend on the order the sources arrived in.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Iterable, Optional

from ..checklist.validation import is_answered

MERGED_STATES = ("agreed", "single", "resolved")


@dataclass(frozen=True)
class Source:
    """One inspector's latest answer to one item."""

    submission_id: int
    inspector_id: int
    inspector_name: str
    agency: str
    revision: int
    value: Any
    note: str = ""
    saved_at: Optional[datetime] = None
    late: bool = False  # arrived after the visit was finalized


@dataclass(frozen=True)
class ResolutionValue:
    """The lead's decision for an item (mirrors the Resolution row)."""

    value: Any
    source: str  # agreed | picked | entered
    source_submission_id: Optional[int] = None
    resolved_by: str = ""
    resolved_at: Optional[datetime] = None
    note: str = ""
    source_revision: Optional[int] = None


@dataclass
class ItemMerge:
    code: str
    state: str  # unanswered | single | agreed | conflict | resolved
    value: Any = None
    sources: list[Source] = field(default_factory=list)
    resolution: Optional[ResolutionValue] = None

    @property
    def has_value(self) -> bool:
        return self.state in MERGED_STATES


def canonical(value: Any) -> str:
    """A text form in which equal answers are equal (key order and number style ignored)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def merge_item(code: str, item_type: str, sources: Iterable[Source],
               resolution: Optional[ResolutionValue] = None) -> ItemMerge:
    """Merge one item's sources; see the module docstring for the rules."""
    answered = sorted((s for s in sources if is_answered(s.value)), key=lambda s: (s.inspector_id, s.submission_id))
    if resolution is not None:
        return ItemMerge(code, "resolved", resolution.value, answered, resolution)
    if not answered:
        return ItemMerge(code, "unanswered", None, [])
    if item_type == "file":
        seen: dict[str, None] = {}
        for source in answered:
            for attachment in source.value:
                seen.setdefault(attachment, None)
        state = "single" if len(answered) == 1 else "agreed"
        return ItemMerge(code, state, sorted(seen), answered)
    if len(answered) == 1:
        return ItemMerge(code, "single", answered[0].value, answered)
    distinct = {canonical(s.value) for s in answered}
    if len(distinct) == 1:
        return ItemMerge(code, "agreed", answered[0].value, answered)
    return ItemMerge(code, "conflict", None, answered)


def merge_visit(items: Iterable[tuple[str, str]], sources_by_item: dict[str, list[Source]],
                resolutions: dict[str, ResolutionValue]) -> dict[str, ItemMerge]:
    """Merge every (code, type) of the template for one visit, keeping template order."""
    return {
        code: merge_item(code, item_type, sources_by_item.get(code, []), resolutions.get(code))
        for code, item_type in items
    }


def merged_values(merges: dict[str, ItemMerge]) -> dict[str, Any]:
    """The answers the record can use: every item with a merged or resolved value."""
    return {code: m.value for code, m in merges.items() if m.has_value and is_answered(m.value)}


def count_states(merges: dict[str, ItemMerge]) -> dict[str, int]:
    counts = {"agreed": 0, "single": 0, "conflict": 0, "unanswered": 0, "resolved": 0}
    for m in merges.values():
        counts[m.state] += 1
    return counts
