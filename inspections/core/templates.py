"""The parsed checklist of a stored template version or target set, cached by content hash.

A stored version never changes (versions are immutable once stored), so an entry never goes
stale. Every feature that reads a visit's checklist asks here; `checklists.services` stores
the versions.
"""
from __future__ import annotations

from .. import checklist
from ..extensions import db
from ..models import TargetSet, Template

# Parsed templates and target sets by id and content hash.
_parsed: dict[str, object] = {}


def core_template(row: Template):
    """The checklist-core object of a stored template version."""
    key = f"template:{row.id}:{row.content_hash}"
    if key not in _parsed:
        _parsed[key] = checklist.Template.from_dict(row.definition)
    return _parsed[key]


def core_template_by_id(template_id: int, content_hash: str):
    """core_template for a version known by id and content hash: its definition is read from
    the database only when this process has not parsed that version yet."""
    key = f"template:{template_id}:{content_hash}"
    if key not in _parsed:
        row = db.session.get(Template, template_id)
        assert row is not None  # callers pass the id of a stored version
        _parsed[key] = checklist.Template.from_dict(row.definition)
    return _parsed[key]


def core_target_set(row: TargetSet):
    """The checklist-core object of a stored target set."""
    key = f"targets:{row.id}:{row.content_hash}"
    if key not in _parsed:
        _parsed[key] = checklist.TargetSet.from_dict(row.definition)
    return _parsed[key]
