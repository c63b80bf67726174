"""What the review pages and the merge API show, built from the merge of one visit.

`build_merge_view` gathers, item by item, every inspector's latest answer, the merge state,
the lead's resolution, send-back comments and what changed since a send-back, plus the
counts, the late submissions and the reasons finalizing would be refused. It only reads.
The inspection record (biên bản kiểm tra) is `inspections.record.build_record`; answers are
written for people by `core.answers.format_value`.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Optional

from flask_babel import format_datetime, lazy_gettext as _l
from sqlalchemy import select

from ..checklist.validation import is_answered
from ..core.answers import format_value
from ..core.lifecycle import is_final
from ..core.merge import ItemMerge, Source, canonical, count_states
from ..core.remedies import STATUS_LABELS
from ..core.templates import core_template
from ..core.values import Checklist, submitted_checklists, visit_merge, visit_values
from ..extensions import db
from ..models import (
    ReviewComment,
    Submission,
    SubmissionRevision,
    TeamMember,
    User,
    Visit,
    VisitReport,
)
from ..record import agency_of
from .services import finalize_reasons, jsonable

STATE_LABELS = {
    "agreed": _l("Agreed"),
    "single": _l("One source only"),
    "conflict": _l("Conflict"),
    "unanswered": _l("Unanswered"),
    "resolved": _l("Decided by the lead"),
}
REVIEW_STATE_LABELS = {
    "received": _l("Received"),
    "has_issues": _l("Sent back"),
    "approved": _l("Approved"),
}
VISIT_STATUS_LABELS = {
    "planned": _l("Planned"),
    "in_progress": _l("In progress"),
    "merging": _l("Merging"),
    "final": _l("Final"),
}
RESOLUTION_SOURCE_LABELS = {
    "agreed": _l("agreed answers, recorded at finalization"),
    "picked": _l("picked from an inspector's answer"),
    "entered": _l("entered by the lead"),
}
CAUSE_KIND_LABELS = {"internal": _l("Internal cause"), "external": _l("External cause")}
# The remedy flow's statuses (inspections/remedies): set by the unit's report and its review.
REMEDY_STATUS_LABELS = dict(STATUS_LABELS, done=STATUS_LABELS["remedied"])  # "done": older records
FILTERS = ("all", "conflicts", "missing")


# --- formatting -----------------------------------------------------------------------------

def when(moment: Optional[datetime]) -> str:
    """A time in the app's time zone, as dd/MM/yyyy HH:mm."""
    return format_datetime(moment, "dd/MM/yyyy HH:mm") if moment else ""


def form_fields(item, value: Any) -> dict[str, str]:
    """An answer as the strings of its form fields (to pre-fill the "enter a value" form)."""
    if not is_answered(value):
        return {}
    if item.type == "mf" and isinstance(value, dict):
        return {f"{item.code}.{part}": str(value.get(part, "")) for part in ("male", "female")}
    return {item.code: str(value)}


# --- the merge page -------------------------------------------------------------------------

@dataclass
class SourceView:
    source: Source
    text: str
    received_at: Optional[datetime] = None
    before_send_back: Optional[str] = None  # the answer in the revision that was sent back


@dataclass
class CommentView:
    inspector: str
    comment: ReviewComment
    answered: bool  # a newer revision came in after it


@dataclass
class ItemView:
    item: Any
    section_code: str
    merge: ItemMerge
    text: str
    sources: list[SourceView]
    silent: list[str]
    missing: bool
    stale_resolution: bool
    comments: list[CommentView] = field(default_factory=list)

    @property
    def code(self) -> str:
        return self.item.code

    @property
    def state(self) -> str:
        return self.merge.state


@dataclass
class Change:
    code: str
    label: str
    before: str
    after: str


@dataclass
class SubmissionView:
    checklist: Checklist  # her latest submitted revision (what the merge uses)
    name: str
    agency: str
    comments: list[ReviewComment]
    sent_back_revision: Optional[int]
    changes: list[Change]

    @property
    def submission(self) -> Submission:
        return self.checklist.submission

    @property
    def revision(self) -> int:
        return self.checklist.revision

    @property
    def received_at(self) -> Optional[datetime]:
        return self.checklist.received_at

    @property
    def late(self) -> bool:
        return self.checklist.late

    @property
    def draft_revision(self) -> Optional[int]:
        """The revision of a newer draft saved after this one was submitted (not merged)."""
        return self.checklist.draft_revision

    @property
    def resubmitted(self) -> bool:
        return self.sent_back_revision is not None and self.revision > self.sent_back_revision


@dataclass
class LateChange:
    """One item a late checklist changes: `before` is the inspector's own previous submitted
    revision when she had one before the visit was finalized, else the final value."""

    code: str
    label: str
    inspector: str
    final: str
    late: str
    before: str = ""
    previous_revision: Optional[int] = None  # None: compared with the final value


@dataclass
class PendingMember:
    """A team member with no submitted checklist for the visit."""

    name: str
    agency: str
    has_draft: bool


@dataclass
class MergeView:
    visit: Visit
    template: Any
    lang: str
    sections: list[tuple[Any, list[ItemView]]]
    items: dict[str, ItemView]
    counts: dict[str, int]
    submissions: list[SubmissionView]
    late_changes: list[LateChange]
    late_submissions: list[SubmissionView]
    reasons: list[dict[str, str]]
    not_submitted: list[PendingMember] = field(default_factory=list)

    def filtered(self, show: str) -> list[tuple[Any, list[ItemView]]]:
        """The sections with only the items the filter keeps (empty sections left out)."""
        if show not in ("conflicts", "missing"):
            return self.sections
        keep = (lambda v: v.state == "conflict") if show == "conflicts" else (lambda v: v.missing)
        out = []
        for section, items in self.sections:
            kept = [v for v in items if keep(v)]
            if kept:
                out.append((section, kept))
        return out


def build_merge_view(visit: Visit, lang: str = "vi") -> MergeView:
    template = core_template(visit.team.campaign.template)
    submissions = submitted_checklists(visit.id)
    merge = visit_merge(visit, submissions)
    by_id = {s.id: s for s in submissions}
    comments_by_sub: dict[int, list[ReviewComment]] = {s.id: [] for s in submissions}
    if submissions:
        for comment in db.session.scalars(select(ReviewComment).where(
                ReviewComment.submission_id.in_(list(by_id))).order_by(ReviewComment.created_at, ReviewComment.id)):
            comments_by_sub[comment.submission_id].append(comment)

    # What each resubmitted checklist changed since the revision that was sent back (the
    # sent-back revisions of every checklist in one query).
    sent_back_of = {s.id: max((c.revision for c in comments_by_sub[s.id]), default=None) for s in submissions}
    resubmitted = {s.id: rev for s in submissions if (rev := sent_back_of[s.id]) is not None and s.revision > rev}
    sent_back_answers = revision_answers(resubmitted)
    sub_views: list[SubmissionView] = []
    before_send_back: dict[tuple[int, str], str] = {}
    for submission in submissions:
        comments = comments_by_sub[submission.id]
        sent_back = sent_back_of[submission.id]
        changes: list[Change] = []
        if submission.id in resubmitted:
            old = sent_back_answers.get(submission.id) or {}
            new = submission.answers
            for item in template.items:
                code = item.code
                if code not in old and code not in new:
                    continue
                if canonical(old.get(code)) != canonical(new.get(code)):
                    before_text = format_value(item, old.get(code), lang)
                    changes.append(Change(code, item.label(lang), before_text,
                                          format_value(item, new.get(code), lang)))
                    before_send_back[(submission.id, code)] = before_text
        sub_views.append(SubmissionView(submission, submission.inspector.display_name,
                                        agency_of(submission.inspector), comments, sent_back, changes))

    items: dict[str, ItemView] = {}
    sections = []
    for section, section_items in template.sections_for(visit.unit.kind):
        views = []
        for item in section_items:
            item_merge = merge[item.code]
            sources = [SourceView(s, format_value(item, s.value, lang),
                                  by_id[s.submission_id].received_at if s.submission_id in by_id else None,
                                  before_send_back.get((s.submission_id, item.code)))
                       for s in item_merge.sources]
            answered_ids = {s.submission_id for s in item_merge.sources}
            silent = [v.name for v in sub_views if v.submission.id not in answered_ids]
            resolution = item_merge.resolution
            stale = bool(resolution is not None and resolution.source in ("picked", "entered")
                         and resolution.resolved_at is not None
                         and any(sv.received_at and sv.received_at > resolution.resolved_at for sv in sources))
            has_value = item_merge.has_value and is_answered(item_merge.value)
            comment_views = []
            for sub_view in sub_views:
                for comment in sub_view.comments:
                    if comment.item_code == item.code and comment.revision == sub_view.sent_back_revision:
                        comment_views.append(CommentView(sub_view.name, comment, sub_view.resubmitted))
            view = ItemView(item, section.code, item_merge, format_value(item, item_merge.value, lang),
                            sources, silent, bool(item.required and not has_value and item_merge.state != "conflict"),
                            stale, comment_views)
            items[item.code] = view
            views.append(view)
        sections.append((section, views))

    counts = count_states(merge)
    counts["missing"] = sum(1 for v in items.values() if v.missing)
    counts["total"] = len(items)
    counts["submissions"] = len(submissions)

    late_changes: list[LateChange] = []
    late_subs: list[SubmissionView] = []
    if is_final(visit):
        final_values = visit_values(visit)
        for sub_view in sub_views:
            checklist = sub_view.checklist
            if not checklist.late or (visit.finalized_at and checklist.received_at
                                      and checklist.received_at < visit.finalized_at):
                continue
            late_subs.append(sub_view)
        previous = previous_submitted_revisions([v.checklist for v in late_subs], visit.finalized_at)
        for sub_view in late_subs:
            late_changes.extend(late_changes_of(visit, sub_view, items, final_values, lang,
                                                previous.get(sub_view.checklist.id)))
    reasons = [] if is_final(visit) else finalize_reasons(visit, merge, lang)
    return MergeView(visit, template, lang, sections, items, counts, sub_views, late_changes,
                     late_subs, reasons, not_submitted_members(visit, submissions))


def revision_answers(revisions: dict[int, int]) -> dict[int, dict[str, Any]]:
    """submission id -> the answers of the given revision of it (one query for all)."""
    if not revisions:
        return {}
    rows = db.session.execute(select(SubmissionRevision.submission_id, SubmissionRevision.revision,
                                     SubmissionRevision.answers).where(
        SubmissionRevision.submission_id.in_(list(revisions)),
        SubmissionRevision.revision.in_(set(revisions.values())))).all()
    return {sid: answers or {} for sid, revision, answers in rows if revisions.get(sid) == revision}


def previous_submitted_revisions(checklists: list[Checklist], before: Optional[datetime]
                                 ) -> dict[int, SubmissionRevision]:
    """submission id -> the inspector's last submitted revision (older than the checklist's)
    received before `before` (the finalization), for every checklist in one query."""
    if before is None or not checklists:
        return {}
    current = {c.id: c.revision for c in checklists}
    out: dict[int, SubmissionRevision] = {}
    for row in db.session.scalars(select(SubmissionRevision).where(
            SubmissionRevision.submission_id.in_(list(current)), SubmissionRevision.state == "submitted",
            SubmissionRevision.received_at < before).order_by(SubmissionRevision.revision)):
        if row.revision < current[row.submission_id]:
            out[row.submission_id] = row  # the highest revision wins
    return out


def late_changes_of(visit: Visit, sub_view: SubmissionView, items: dict[str, ItemView],
                    final_values: dict[str, Any], lang: str,
                    previous: Optional[SubmissionRevision] = None) -> list[LateChange]:
    """What a late checklist changes: compared with her own previous submitted revision
    `previous` (so only what she changed after the sign-off shows), or with the final values
    when the late checklist is her first."""
    checklist = sub_view.checklist
    baseline = (previous.answers or {}) if previous is not None else final_values
    out = []
    for item_view in items.values():
        code, item = item_view.code, item_view.item
        value = checklist.answers.get(code)
        old = baseline.get(code)
        if previous is None and not is_answered(value):
            continue  # a first checklist that leaves an item out changes nothing
        if not is_answered(value) and not is_answered(old):
            continue
        if canonical(value) == canonical(old):
            continue
        out.append(LateChange(code, item.label(lang), sub_view.name,
                              format_value(item, final_values.get(code), lang),
                              format_value(item, value, lang), format_value(item, old, lang),
                              previous.revision if previous is not None else None))
    return out


def not_submitted_members(visit: Visit, checklists: list[Checklist]) -> list[PendingMember]:
    """The team's members (the lead, who merges, aside) with no submitted checklist yet."""
    team = visit.team
    submitted = {c.inspector_id for c in checklists}
    drafts = set(db.session.scalars(select(Submission.inspector_id).where(Submission.visit_id == visit.id)))
    rows = db.session.execute(
        select(TeamMember, User).join(User, TeamMember.user_id == User.id)
        .where(TeamMember.team_id == team.id).order_by(TeamMember.id)).all()
    out = []
    for member, user in rows:
        if user.id == team.lead_id or member.team_role == "lead" or user.id in submitted:
            continue
        if not user.is_active_account:
            continue
        out.append(PendingMember(user.display_name, agency_of(user), user.id in drafts))
    return out


# --- JSON ----------------------------------------------------------------------------------

def source_json(view: SourceView) -> dict[str, Any]:
    s = view.source
    return jsonable({
        "submission_id": s.submission_id, "revision": s.revision, "value": s.value, "note": s.note,
        "saved_at": s.saved_at, "received_at": view.received_at, "late": s.late,
        "inspector": {"id": s.inspector_id, "name": s.inspector_name, "agency": s.agency},
        "value_before_send_back": view.before_send_back,
    })


def visit_json(visit: Visit) -> dict[str, Any]:
    return jsonable({
        "id": visit.id, "status": visit.status, "version": visit.version,
        "record_number": visit.record_number or "", "unit": {"id": visit.unit.id, "name": visit.unit.name,
                                                             "kind": visit.unit.kind},
        "team": {"id": visit.team.id, "name": visit.team.name},
        "finalized_at": visit.finalized_at,
        "finalized_by": visit.finalized_by.display_name if visit.finalized_by else None,
    })


def merge_json(view: MergeView) -> dict[str, Any]:
    """The body of GET /api/v1/visits/<id>/merge."""
    lang = view.lang
    items = []
    for section, item_views in view.sections:
        for v in item_views:
            resolution = None
            if v.merge.resolution is not None:
                r = v.merge.resolution
                resolution = jsonable({"value": r.value, "source": r.source,
                                       "source_submission_id": r.source_submission_id,
                                       "source_revision": r.source_revision, "note": r.note,
                                       "resolved_by": r.resolved_by, "resolved_at": r.resolved_at})
            items.append({
                "code": v.code, "section": section.code, "type": v.item.type,
                "label": v.item.label(lang), "required": v.item.required,
                "state": v.state, "value": v.merge.value, "missing_required": v.missing,
                "resolution": resolution, "resolution_outdated": v.stale_resolution,
                "sources": [source_json(s) for s in v.sources],
                "comments": [{"inspector": c.inspector, "comment": c.comment.comment,
                              "revision": c.comment.revision} for c in v.comments],
            })
    return {
        "visit": visit_json(view.visit),
        "version": view.visit.version,
        "counts": view.counts,
        "items": items,
        "submissions": [jsonable({
            "id": s.submission.id, "inspector": {"id": s.submission.inspector_id, "name": s.name,
                                                 "agency": s.agency},
            "revision": s.revision, "review_state": s.submission.review_state,
            "late": s.late, "received_at": s.received_at, "newer_draft_revision": s.draft_revision,
            "sent_back_revision": s.sent_back_revision,
            "comments": [{"item_code": c.item_code, "comment": c.comment, "revision": c.revision,
                          "created_at": c.created_at, "addressed_at": c.addressed_at}
                         for c in s.comments],
            "changes_since_sent_back": [{"item_code": c.code, "before": c.before, "after": c.after}
                                        for c in s.changes],
        }) for s in view.submissions],
        "late_changes": [{"item_code": c.code, "inspector": c.inspector, "final": c.final, "late": c.late,
                          "before": c.before, "previous_revision": c.previous_revision}
                         for c in view.late_changes],
        "not_submitted": [{"name": m.name, "agency": m.agency, "has_draft": m.has_draft}
                          for m in view.not_submitted],
        "finalize_blockers": view.reasons,
    }


def report_fields(report: Optional[VisitReport], visit: Visit) -> dict[str, str]:
    """The record details as the strings of the lead's form (local time for the meeting)."""
    fields = {"achievements": report.achievements if report else "",
              "conclusion": report.conclusion if report else "",
              "record_number": visit.record_number or "",
              "meeting_at": (format_datetime(report.meeting_at, "yyyy-MM-dd'T'HH:mm")
                             if report and report.meeting_at else ""),
              "meeting_place": report.meeting_place if report else "",
              "secretary": report.secretary if report else "",
              "copies": str(report.copies) if report and report.copies else ""}
    for number, person in enumerate((report.unit_representatives or []) if report else [], 1):
        fields[f"rep{number}_name"] = person.get("name", "")
        fields[f"rep{number}_position"] = person.get("position", "")
    return fields
