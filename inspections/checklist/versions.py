"""Rules between two versions of the same template.

A code never changes meaning: items may be added and removed (a renamed code is a removed
item plus a new one), but an item keeps its answer type — except that any item may become
``text``, which can hold whatever was answered before.
"""
from __future__ import annotations

from .problems import Problem
from .schema import Template


def check_new_version(old: Template, new: Template) -> list[Problem]:
    """Problems with publishing ``new`` as the next version of ``old`` (empty list: fine)."""
    problems = []
    if new.key != old.key:
        problems.append(Problem("key", f"the new version has key {new.key!r}, "
                                       f"the old one {old.key!r}"))
    if new.version <= old.version:
        problems.append(Problem("version", f"version {new.version} must be greater than "
                                           f"{old.version}"))
    for item in new.items:
        if not old.has_item(item.code):
            continue
        before = old.item(item.code).type
        if item.type != before and item.type != "text":
            problems.append(Problem(
                f"{new.item_path(item.code)}.type",
                f"item {item.code} changes type from {before} to {item.type}; an item keeps "
                f"its type across versions (only a change to text is allowed) — give the new "
                f"question a new code"))
    return problems
