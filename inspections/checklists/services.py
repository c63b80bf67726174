"""Storing checklist templates and target sets: versions are immutable once stored.

The content itself is checked by the pure core (inspections.checklist); this module only
decides whether an imported template is the same as a stored version, a new version, or
refused because it breaks the version rules.
"""
from __future__ import annotations

from typing import Optional

from sqlalchemy import func, select

from .. import checklist
from ..extensions import db
from ..models import TargetSet, Template


def latest_template(key: str) -> Optional[Template]:
    return db.session.scalar(
        select(Template).where(Template.key == key).order_by(Template.version.desc()).limit(1)
    )


def store_template(core_template, *, user=None) -> tuple[Template, bool]:
    """Store `core_template` (a checklist.Template); returns (row, created).

    Identical content to the latest version returns that version. Otherwise the version
    rules are checked against the latest one and a new version is stored, numbered after it.
    Raises checklist.TemplateError when the rules are broken.
    """
    content_hash = core_template.content_hash()
    latest = latest_template(core_template.key)
    if latest is not None:
        if latest.content_hash == content_hash:
            return latest, False
        previous = checklist.Template.from_dict(latest.definition)
        problems = checklist.check_new_version(previous, core_template)
        if problems:
            raise checklist.TemplateError(problems)
        version = latest.version + 1
    else:
        version = core_template.version or 1
    definition = core_template.to_dict()
    definition["version"] = version
    stored_core = checklist.Template.from_dict(definition)
    row = Template(
        key=core_template.key,
        version=version,
        title=core_template.title_vi,
        definition=definition,
        content_hash=stored_core.content_hash(),
        created_by_id=user.id if user is not None else None,
    )
    db.session.add(row)
    db.session.flush()
    return row, True


def store_target_set(core_targets) -> tuple[TargetSet, bool]:
    """Store a target set; the same content returns the stored row."""
    content_hash = core_targets.content_hash()
    existing = db.session.scalar(
        select(TargetSet).where(TargetSet.key == core_targets.key, TargetSet.content_hash == content_hash)
    )
    if existing is not None:
        return existing, False
    latest_version = db.session.scalar(
        select(func.max(TargetSet.version)).where(TargetSet.key == core_targets.key)
    )
    row = TargetSet(
        key=core_targets.key,
        version=(latest_version or 0) + 1,
        title=core_targets.title_vi,
        definition=core_targets.to_dict(),
        content_hash=content_hash,
    )
    db.session.add(row)
    db.session.flush()
    return row, True


# Parsed templates by content hash: a stored version never changes, so this never goes stale.
_parsed: dict[str, object] = {}


def core_template(row: Template):
    """The checklist-core object of a stored template version."""
    key = "template:" + row.content_hash
    if key not in _parsed:
        _parsed[key] = checklist.Template.from_dict(row.definition)
    return _parsed[key]


def core_target_set(row: TargetSet):
    """The checklist-core object of a stored target set."""
    key = "targets:" + row.content_hash
    if key not in _parsed:
        _parsed[key] = checklist.TargetSet.from_dict(row.definition)
    return _parsed[key]
