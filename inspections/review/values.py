"""The merge of one visit from the database: sources, resolutions, and the values reports use."""
from __future__ import annotations

from typing import Any

from sqlalchemy import select

from ..checklists.services import core_template
from ..extensions import db
from ..models import Resolution, User, Visit
from ..submissions import latest_submissions
from .merge import ItemMerge, ResolutionValue, Source, merge_visit, merged_values


def resolutions_of(visit_id: int) -> dict[str, ResolutionValue]:
    """The visit's Resolution rows as merge inputs, by item code (who: the user's display name)."""
    rows = db.session.execute(
        select(Resolution, User).outerjoin(User, Resolution.resolved_by_id == User.id)
        .where(Resolution.visit_id == visit_id)
    ).all()
    return {
        r.item_code: ResolutionValue(r.value, r.source, r.source_submission_id,
                                     user.display_name if user is not None else "",
                                     r.resolved_at, r.note or "", r.source_revision)
        for r, user in rows
    }


def sources_of(visit_id: int) -> dict[str, list[Source]]:
    """Every inspector's latest submitted answer, by item code."""
    by_item: dict[str, list[Source]] = {}
    for submission in latest_submissions(visit_id):
        inspector = submission.inspector
        agency = ""
        if inspector.agency is not None:
            agency = inspector.agency.short_name or inspector.agency.name
        notes = submission.notes or {}
        for code, value in (submission.answers or {}).items():
            by_item.setdefault(code, []).append(Source(
                submission_id=submission.id, inspector_id=inspector.id,
                inspector_name=inspector.display_name, agency=agency,
                revision=submission.revision, value=value, note=str(notes.get(code, "") or ""),
                saved_at=submission.client_saved_at or submission.updated_at,
                late=bool(submission.late),
            ))
    return by_item


def visit_merge(visit: Visit) -> dict[str, ItemMerge]:
    """The item-by-item merge of a visit, for the items that apply to its unit."""
    template = core_template(visit.team.campaign.template)
    items = [(item.code, item.type) for item in template.items_for(visit.unit.kind)]
    return merge_visit(items, sources_of(visit.id), resolutions_of(visit.id))


def visit_values(visit: Visit) -> dict[str, Any]:
    """The answers a report uses for one visit.

    A final visit's values are its Resolution rows (finalizing writes one for every merged
    item); an open visit's are its provisional merge (agreed, single and resolved items).
    """
    if visit.status == "final":
        return {code: r.value for code, r in resolutions_of(visit.id).items() if r.value is not None}
    return merged_values(visit_merge(visit))
