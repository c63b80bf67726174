"""The merge of one visit from the database: sources, resolutions, and the values reports use."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Optional

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..models import Resolution, Submission, SubmissionRevision, User, Visit
from .lifecycle import is_final
from .merge import ItemMerge, ResolutionValue, Source, merge_visit, merged_values
from .templates import core_template

EARLIEST = datetime.min.replace(tzinfo=timezone.utc)


@dataclass(frozen=True)
class Checklist:
    """An inspector's checklist as the merge sees it: her latest *submitted* revision.

    The Submission row always holds the newest revision the server has, which may be a draft
    she saved after submitting; a draft never enters the merge, so then the answers come from
    the last submitted SubmissionRevision and `draft_revision` says a newer draft exists.
    """

    submission: Submission
    revision: int
    answers: dict[str, Any]
    notes: dict[str, Any]
    saved_at: Optional[datetime]
    received_at: Optional[datetime]
    late: bool
    draft_revision: Optional[int] = None

    @property
    def id(self) -> int:
        return self.submission.id

    @property
    def inspector(self) -> User:
        return self.submission.inspector

    @property
    def inspector_id(self) -> int:
        return self.submission.inspector_id

    @property
    def review_state(self) -> str:
        return self.submission.review_state


def submitted_checklists(visit_id: int) -> list[Checklist]:
    """Each inspector's latest submitted checklist for a visit, drafts left out, by inspector id.

    An inspector with a submitted checklist and a newer draft keeps the submitted revision
    in the merge until the draft is submitted; one who never submitted has none.
    """
    rows = list(db.session.scalars(select(Submission).where(Submission.visit_id == visit_id)
                                   .options(selectinload(Submission.inspector).selectinload(User.agency))
                                   .order_by(Submission.id)))
    drafts = [row.id for row in rows if row.state != "submitted"]
    last_submitted: dict[int, SubmissionRevision] = {}
    if drafts:
        for revision in db.session.scalars(select(SubmissionRevision).where(
                SubmissionRevision.submission_id.in_(drafts), SubmissionRevision.state == "submitted")
                .order_by(SubmissionRevision.revision)):
            last_submitted[revision.submission_id] = revision
    candidates: list[Checklist] = []
    for row in rows:
        if row.state == "submitted":
            candidates.append(Checklist(row, row.revision, row.answers or {}, row.notes or {},
                                        row.client_saved_at or row.updated_at, row.updated_at,
                                        bool(row.late)))
        elif row.id in last_submitted:
            rev = last_submitted[row.id]
            candidates.append(Checklist(row, rev.revision, rev.answers or {}, rev.notes or {},
                                        rev.client_saved_at or rev.received_at, rev.received_at,
                                        bool(rev.late), draft_revision=row.revision))
    latest: dict[int, Checklist] = {}
    for checklist in sorted(candidates, key=lambda c: (c.received_at or EARLIEST, c.id)):
        latest[checklist.inspector_id] = checklist
    return sorted(latest.values(), key=lambda c: c.inspector_id)


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


def sources_of(visit_id: int, checklists: Optional[list[Checklist]] = None) -> dict[str, list[Source]]:
    """Every inspector's latest submitted answer, by item code (newer drafts left out);
    `checklists` is what submitted_checklists(visit_id) gave, when the caller has it already."""
    by_item: dict[str, list[Source]] = {}
    if checklists is None:
        checklists = submitted_checklists(visit_id)
    for checklist in checklists:
        inspector = checklist.inspector
        agency = ""
        if inspector.agency is not None:
            agency = inspector.agency.short_name or inspector.agency.name
        notes = checklist.notes
        for code, value in checklist.answers.items():
            by_item.setdefault(code, []).append(Source(
                submission_id=checklist.id, inspector_id=inspector.id,
                inspector_name=inspector.display_name, agency=agency,
                revision=checklist.revision, value=value, note=str(notes.get(code, "") or ""),
                saved_at=checklist.saved_at, late=checklist.late,
            ))
    return by_item


def visit_merge(visit: Visit, checklists: Optional[list[Checklist]] = None) -> dict[str, ItemMerge]:
    """The item-by-item merge of a visit, for the items that apply to its unit (`checklists`:
    its submitted_checklists, when the caller has read them already)."""
    template = core_template(visit.team.campaign.template)
    items = [(item.code, item.type) for item in template.items_for(visit.unit.kind)]
    return merge_visit(items, sources_of(visit.id, checklists), resolutions_of(visit.id))


def visit_values(visit: Visit) -> dict[str, Any]:
    """The answers a report uses for one visit.

    A final visit's values are its Resolution rows (finalizing writes one for every merged
    item); an open visit's are its provisional merge (agreed, single and resolved items).
    """
    if is_final(visit):
        return {code: r.value for code, r in resolutions_of(visit.id).items() if r.value is not None}
    return merged_values(visit_merge(visit))
