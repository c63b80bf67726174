"""Storing checklist templates and target sets: versions are immutable once stored.

The content itself is checked by the pure core (inspections.checklist); this module only
decides whether an imported template is the same as a stored version, a new version, or
refused because it breaks the version rules.
"""
from __future__ import annotations

from typing import Optional

from sqlalchemy import func, select

from .. import checklist
from ..core.templates import core_target_set, core_template
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
    latest = latest_template(core_template.key)
    version = core_template.version or 1
    if latest is not None:
        # Same content as the latest version (whatever version number the file carries)?
        as_latest = core_template.to_dict()
        as_latest["version"] = latest.version
        if checklist.Template.from_dict(as_latest).content_hash() == latest.content_hash:
            return latest, False
        # A changed template becomes the next version, whatever number the file carried.
        version = latest.version + 1
    definition = core_template.to_dict()
    definition["version"] = version
    stored_core = checklist.Template.from_dict(definition)
    if latest is not None:
        problems = checklist.check_new_version(checklist.Template.from_dict(latest.definition), stored_core)
        if problems:
            raise checklist.TemplateError(problems)
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
    content_hash = _hash_ignoring_version(core_targets.to_dict())
    existing = db.session.scalar(
        select(TargetSet).where(TargetSet.key == core_targets.key, TargetSet.content_hash == content_hash)
    )
    if existing is not None:
        return existing, False
    latest_version = db.session.scalar(
        select(func.max(TargetSet.version)).where(TargetSet.key == core_targets.key)
    )
    definition = core_targets.to_dict()
    definition["version"] = (latest_version or 0) + 1  # the stored number wins over the file's
    row = TargetSet(
        key=core_targets.key,
        version=definition["version"],
        title=core_targets.title_vi,
        definition=definition,
        content_hash=content_hash,
    )
    db.session.add(row)
    db.session.flush()
    return row, True


class ImportResult:
    """What importing a file stored: the template version and, if the file had one, the target set."""

    def __init__(self, template: Template, template_created: bool,
                 target_set: Optional[TargetSet] = None, target_set_created: bool = False):
        self.template = template
        self.template_created = template_created
        self.target_set = target_set
        self.target_set_created = target_set_created


def import_template_file(filename: str, data: bytes, *, user=None) -> ImportResult:
    """Import a template from .xlsx, .yaml/.yml or .json bytes; raises checklist.TemplateError.

    Nothing is stored unless the whole file is valid and the version rules hold.
    """
    name = (filename or "").lower()
    targets = None
    if name.endswith(".xlsx"):
        core, targets = checklist.template_from_xlsx(data)
    elif name.endswith((".yaml", ".yml", ".json")):
        fmt = "json" if name.endswith(".json") else "yaml"
        core = checklist.parse_template(data, fmt)
    else:
        raise checklist.TemplateError([checklist.Problem(
            filename or "file", "unsupported file type: upload .xlsx, .yaml, .yml or .json")])
    if targets is not None:
        problems = checklist.check_targets(core, targets)
        if problems:
            raise checklist.TemplateError(problems)
    row, created = store_template(core, user=user)
    result = ImportResult(row, created)
    if targets is not None:
        result.target_set, result.target_set_created = store_target_set(targets)
    return result


def template_version(key: str, version: Optional[int] = None) -> Optional[Template]:
    """A stored version, or the latest one when `version` is None."""
    if version is None:
        return latest_template(key)
    return db.session.scalar(select(Template).where(Template.key == key, Template.version == version))


def export_template_xlsx(row: Template, fileobj, target_set: Optional[TargetSet] = None) -> None:
    """Write a stored version as an authoring workbook (import it back to get the same template)."""
    checklist.template_to_xlsx(core_template(row), core_target_set(target_set) if target_set else None, fileobj)


def _hash_ignoring_version(definition: dict) -> str:
    """Target sets are the same when everything but their version number is the same."""
    import hashlib
    import json

    content = {k: v for k, v in definition.items() if k != "version"}
    return hashlib.sha256(json.dumps(content, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
