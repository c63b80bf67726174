"""Who may download which workbook, what it covers, and how it reaches the user.

Coordinators and admins get everything; a team lead gets the workbooks of the teams they
lead (a campaign or period workbook then holds only those teams' visits); inspectors get
none. Workbooks are written to an anonymous temporary file and streamed from it, so a large
workbook never sits in memory as bytes.
"""
from __future__ import annotations

import re
import tempfile
import unicodedata
from dataclasses import dataclass
from typing import Any, Callable, Optional
from urllib.parse import quote

from flask import current_app
from flask_babel import force_locale, pgettext
from sqlalchemy import select

from .. import access
from ..core.lifecycle import is_final
from ..extensions import db
from ..models import PERIODS, Campaign, Team, Visit
from . import queries
from .consolidated import ReportScope

PERIOD_ALIASES = {"mid-year": "mid_year", "mid_year": "mid_year", "annual": "annual"}


class NotAllowed(Exception):
    """The user may not download this workbook (maps to 403)."""


def parse_period(text: str) -> Optional[str]:
    """``mid-year``/``mid_year``/``annual`` → the stored period, else None."""
    return PERIOD_ALIASES.get((text or "").strip().lower())


def may_use_reports(user) -> bool:
    """Managers, and leads (for their own teams); never inspectors."""
    return access.can(user, "team.reports_any")


def reportable_teams(user, campaign_ids) -> Optional[tuple[int, ...]]:
    """None when ``user`` may see every team; else the teams of the campaigns they lead."""
    if user is None or access.can(user, "reports.download_all"):
        return None
    if not may_use_reports(user):
        return ()
    teams = db.session.scalars(select(Team).where(Team.campaign_id.in_(tuple(campaign_ids)),
                                                  Team.archived_at.is_(None)).order_by(Team.id))
    return tuple(team.id for team in teams if access.can(user, "team.reports", team))


def campaign_scope(campaign: Campaign, user=None, *, include_provisional: bool = False) -> ReportScope:
    """The workbook scope of one campaign for ``user`` (None: the command line, everything)."""
    team_ids = reportable_teams(user, [campaign.id])
    if team_ids == ():
        raise NotAllowed()
    return _with_previous(ReportScope(
        kind="campaign", year=campaign.year, period=campaign.period, campaigns=[campaign],
        team_ids=team_ids, include_provisional=include_provisional,
        prepared_by=user.display_name if user is not None else ""), user)


def period_scope(year: int, period: str, user=None, *, include_provisional: bool = False) -> ReportScope:
    """Every campaign and team of a year and period (a lead: their own teams only)."""
    campaigns = queries.campaigns_of_period(year, period)
    team_ids = reportable_teams(user, [c.id for c in campaigns])
    if team_ids == ():
        raise NotAllowed()
    if team_ids is not None:
        keep = set(db.session.scalars(select(Team.campaign_id).where(Team.id.in_(team_ids))))
        campaigns = [c for c in campaigns if c.id in keep]
    return _with_previous(ReportScope(
        kind="period", year=year, period=period, campaigns=campaigns, team_ids=team_ids,
        include_provisional=include_provisional,
        prepared_by=user.display_name if user is not None else ""), user)


def _with_previous(scope: ReportScope, user) -> ReportScope:
    previous = queries.previous_period_campaigns(scope.year, scope.period)
    if previous and scope.team_ids is not None:
        scope.previous_team_ids = reportable_teams(user, [c.id for c in previous])
        if not scope.previous_team_ids:  # the lead had no team then: nothing to compare
            previous = []
    scope.previous_campaigns = previous
    return scope


def status_counts(campaign: Campaign, team_ids: Optional[tuple[int, ...]]) -> dict[str, int]:
    """Visits of the campaign (of ``team_ids`` only, when given) by state."""
    return queries.status_counts(queries.VisitFilter((campaign.id,), team_ids))


def scope_counts(scope: ReportScope) -> dict[str, int]:
    """Visits a workbook scope covers, by state."""
    if not scope.campaigns:
        return {}
    return queries.status_counts(scope.visit_filter)


def may_download_visit(user, visit: Visit) -> bool:
    return access.can(user, "visit.download", visit)


@dataclass
class Download:
    """A finished workbook in an open, already-unlinked temporary file."""

    handle: Any
    filename: str


def build_to_temporary_file(write: Callable[[Any], Any]) -> Any:
    """Run ``write(file)`` on an anonymous temporary file; return it rewound."""
    handle = tempfile.TemporaryFile(suffix=".xlsx")
    try:
        write(handle)
        handle.seek(0)
    except BaseException:
        handle.close()
        raise
    return handle


def campaign_filename(campaign: Campaign, provisional: bool) -> str:
    with force_locale("vi"):
        name = pgettext("workbook", "Gender-equality inspection summary - %(period)s %(year)s - campaign %(id)s",
                 period=_period_word(campaign.period), year=campaign.year, id=campaign.id)
        return name + (pgettext("workbook", " (provisional)") if provisional else "") + ".xlsx"


def period_filename(year: int, period: str, provisional: bool) -> str:
    with force_locale("vi"):
        name = pgettext("workbook", "Gender-equality inspection summary - %(period)s %(year)s",
                 period=_period_word(period), year=year)
        return name + (pgettext("workbook", " (provisional)") if provisional else "") + ".xlsx"


def visit_filename(visit: Visit) -> str:
    with force_locale("vi"):
        name = pgettext("workbook", "Inspection record - %(unit)s - %(year)s", unit=visit.unit.name,
                 year=visit.team.campaign.year)
        return name + ("" if is_final(visit) else pgettext("workbook", " (provisional)")) + ".xlsx"


def document_filename(kind: str, visit: Visit) -> str:
    """"Biên bản kiểm tra - <unit> - 2026.docx" / "Thông báo kết luận kiểm tra - ...docx"."""
    name = {"record": "Biên bản kiểm tra", "conclusions": "Thông báo kết luận kiểm tra"}[kind]
    draft = "" if is_final(visit) else " (dự thảo)"
    return f"{name} - {visit.unit.name} - {visit.team.campaign.year}{draft}.docx"


def report_filename(workbook_name: str) -> str:
    """The report of results beside the workbook: "Báo cáo kết quả kiểm tra ... .docx"."""
    stem = workbook_name[:-len(".xlsx")] if workbook_name.endswith(".xlsx") else workbook_name
    _head, sep, tail = stem.partition(" - ")
    return f"Báo cáo kết quả kiểm tra - {tail}.docx" if sep else f"{stem}.docx"


def _period_word(period: str) -> str:
    words = {"mid_year": pgettext("workbook", "first six months"), "annual": pgettext("workbook", "year")}
    return words.get(period, period)


_UNSAFE_FILENAME = re.compile(r'[\x00-\x1f\x7f"\\/:*?<>|;]+')


def safe_filename(name: str) -> str:
    return re.sub(r"\s+", " ", _UNSAFE_FILENAME.sub(" ", name)).strip() or "workbook.xlsx"


def ascii_filename(name: str) -> str:
    """An ASCII stand-in: Vietnamese letters without their marks (đ → d)."""
    name = name.replace("đ", "d").replace("Đ", "D")
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    plain = re.sub(r"[^A-Za-z0-9._() -]+", "", plain)
    return re.sub(r"\s+", " ", plain).strip() or "workbook.xlsx"


def content_disposition(name: str) -> str:
    """``attachment`` with an ASCII ``filename`` and the UTF-8 ``filename*`` (RFC 6266)."""
    name = safe_filename(name)
    return f"attachment; filename=\"{ascii_filename(name)}\"; filename*=UTF-8''{quote(name, safe='')}"


def timezone_name() -> str:
    return current_app.config.get("BABEL_DEFAULT_TIMEZONE") or "Asia/Ho_Chi_Minh"


def valid_period(period: str) -> bool:
    return period in PERIODS
