"""Workbook downloads and the export-report command."""
from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

import click
from flask import Blueprint, abort, current_app, redirect, render_template, request, send_file, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from .. import access
from ..documents import DOCX_MIME
from ..extensions import db
from ..models import Campaign, ExportJob, Visit
from . import jobs, services
from .consolidated import write_consolidated_workbook
from .documents import write_results_report, write_visit_conclusions, write_visit_record
from .visit_record import write_visit_workbook
from .xlsx import XLSX_MIME

bp = Blueprint("reports", __name__, url_prefix="/reports", cli_group=None)


def _require_reports_user() -> None:
    if not services.may_use_reports(current_user):
        abort(403)


def _wants_provisional() -> bool:
    return request.args.get("provisional", "").strip().lower() in {"1", "true", "yes", "on"}


def _download(write, filename: str, mimetype: str = XLSX_MIME):
    """Stream a workbook or document written by ``write(file)`` from an anonymous temporary file."""
    handle = services.build_to_temporary_file(write)
    response = send_file(handle, mimetype=mimetype, as_attachment=True,
                         download_name=services.ascii_filename(filename), max_age=0,
                         conditional=False, etag=False)
    response.headers["Content-Disposition"] = services.content_disposition(filename)
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/")
@login_required
def index() -> str:
    """What the user may download: campaigns, reporting periods, their teams' visit records."""
    _require_reports_user()
    managers = access.can(current_user, "reports.download_all")
    campaigns, progress, periods = [], {}, set()
    lead_team_ids: list[int] = []
    for campaign in db.session.scalars(select(Campaign).where(Campaign.archived_at.is_(None))
                                       .order_by(Campaign.year.desc(), Campaign.id.desc())):
        team_ids = services.reportable_teams(current_user, [campaign.id])
        if team_ids == ():
            continue
        campaigns.append(campaign)
        periods.add((campaign.year, campaign.period))
        lead_team_ids += list(team_ids or ())
        counts = services.status_counts(campaign, team_ids)
        progress[campaign.id] = (counts.get("final", 0), sum(counts.values()))
    visits: Sequence[Visit] = []
    if not managers and lead_team_ids:
        visits = db.session.scalars(
            select(Visit).where(Visit.team_id.in_(lead_team_ids), Visit.archived_at.is_(None))
            .order_by(Visit.team_id, Visit.planned_date, Visit.id)).all()
    return render_template("reports/index.html", campaigns=campaigns, progress=progress,
                           periods=sorted(periods, reverse=True), visits=visits,
                           managers=managers)


def _job_or_download(scope, params: dict, write, filename: str):
    """A small workbook now; a large one as a job (joined if already asked for)."""
    visits = sum(services.scope_counts(scope).values())
    if visits <= current_app.config["EXPORT_INLINE_MAX_VISITS"]:
        return _download(write, filename)
    job = jobs.enqueue("workbook", params, current_user, total=visits)
    db.session.commit()
    jobs.ensure_runner(current_app._get_current_object())  # type: ignore[attr-defined]  # a proxy, typed as Flask
    return redirect(url_for("reports.export_job", job_id=job.id), code=303)


def _own_job(job_id: int) -> ExportJob:
    """The user's own export job; anyone else's is not found."""
    job = db.session.get(ExportJob, job_id)
    if job is None or job.requested_by_id != current_user.id:
        abort(404)
    return job


@bp.get("/jobs/<int:job_id>")
@login_required
def export_job(job_id: int):
    """A long export: its progress (the page refreshes itself), then the download."""
    _require_reports_user()
    job = _own_job(job_id)
    if job.state in ("queued", "running"):
        # a dead worker's job goes on here (current_app is a proxy, typed as Flask)
        jobs.ensure_runner(current_app._get_current_object())  # type: ignore[attr-defined]
    available = jobs.file_path(job) is not None
    response = current_app.make_response(render_template(
        "reports/job.html", job=job, available=available))
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/jobs/<int:job_id>/file")
@login_required
def export_job_file(job_id: int):
    """The finished file of a long export."""
    _require_reports_user()
    job = _own_job(job_id)
    path = jobs.file_path(job)
    if path is None:
        abort(404)
    response = send_file(path, mimetype=XLSX_MIME, as_attachment=True,
                         download_name=services.ascii_filename(job.filename), max_age=0,
                         conditional=False, etag=False)
    response.headers["Content-Disposition"] = services.content_disposition(job.filename)
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/campaigns/<int:campaign_id>.xlsx")
@login_required
def campaign_workbook(campaign_id: int):
    """The consolidated workbook of one campaign (a lead: their own teams only)."""
    scope, campaign, provisional = _campaign_scope(campaign_id)
    zone = services.timezone_name()
    return _job_or_download(
        scope, {"campaign_id": campaign.id, "provisional": provisional},
        lambda out: write_consolidated_workbook(scope, out, timezone_name=zone),
        services.campaign_filename(campaign, provisional))


def _campaign_scope(campaign_id: int):
    """The scope of a campaign workbook or report for the user (403 if none of it is theirs),
    with the campaign and whether provisional data was asked."""
    _require_reports_user()
    campaign = db.get_or_404(Campaign, campaign_id)
    provisional = _wants_provisional()
    try:
        scope = services.campaign_scope(campaign, current_user, include_provisional=provisional)
    except services.NotAllowed:
        abort(403)
    return scope, campaign, provisional


def _period_scope(year: int, period: str):
    """The scope of a period workbook or report for the user: 404 for no such period, 403 if
    none of it is theirs; with the stored period name and whether provisional data was asked."""
    _require_reports_user()
    stored = services.parse_period(period)
    if stored is None or not 1900 <= year <= 2200:
        abort(404)
    provisional = _wants_provisional()
    try:
        scope = services.period_scope(year, stored, current_user, include_provisional=provisional)
    except services.NotAllowed:
        abort(403)
    return scope, stored, provisional


@bp.get("/periods/<int:year>/<period>.xlsx")
@login_required
def period_workbook(year: int, period: str):
    """Every campaign and team of a year and reporting period, consolidated."""
    scope, stored, provisional = _period_scope(year, period)
    zone = services.timezone_name()
    return _job_or_download(
        scope, {"year": year, "period": stored, "provisional": provisional},
        lambda out: write_consolidated_workbook(scope, out, timezone_name=zone),
        services.period_filename(year, stored, provisional))


@bp.get("/visits/<int:visit_id>.xlsx")
@login_required
def visit_workbook(visit_id: int):
    """One visit's inspection record (managers, and the lead of the visit's team)."""
    visit = _visit_for_download(visit_id)
    zone = services.timezone_name()
    name = current_user.display_name
    return _download(lambda out: write_visit_workbook(visit, out, prepared_by=name,
                                                      timezone_name=zone),
                     services.visit_filename(visit))


def _visit_for_download(visit_id: int) -> Visit:
    """The visit, if the user may download its record (the visit workbook's rule)."""
    visit = db.get_or_404(Visit, visit_id)
    if visit.archived_at is not None:
        abort(404)
    access.require("visit.download", visit)
    return visit


@bp.get("/visits/<int:visit_id>/record.docx")
@login_required
def visit_record_document(visit_id: int):
    """Biên bản kiểm tra of one visit, in Word (the same people as the visit workbook)."""
    visit = _visit_for_download(visit_id)
    return _download(lambda out: write_visit_record(visit, out),
                     services.document_filename("record", visit), DOCX_MIME)


@bp.get("/visits/<int:visit_id>/conclusions.docx")
@login_required
def visit_conclusions_document(visit_id: int):
    """Thông báo kết luận kiểm tra of one visit, in Word."""
    visit = _visit_for_download(visit_id)
    return _download(lambda out: write_visit_conclusions(visit, out),
                     services.document_filename("conclusions", visit), DOCX_MIME)


@bp.get("/campaigns/<int:campaign_id>.docx")
@login_required
def campaign_document(campaign_id: int):
    """Báo cáo kết quả kiểm tra of one campaign (a lead: their own teams only)."""
    scope, campaign, provisional = _campaign_scope(campaign_id)
    return _download(lambda out: write_results_report(scope, out),
                     services.report_filename(services.campaign_filename(campaign, provisional)),
                     DOCX_MIME)


@bp.get("/periods/<int:year>/<period>.docx")
@login_required
def period_document(year: int, period: str):
    """Báo cáo kết quả kiểm tra of a year's mid-year or annual period."""
    scope, stored, provisional = _period_scope(year, period)
    return _download(lambda out: write_results_report(scope, out),
                     services.report_filename(services.period_filename(year, stored, provisional)),
                     DOCX_MIME)


@bp.cli.command("export-report")
@click.option("--campaign", "campaign_id", type=int, default=None, help="Campaign id.")
@click.option("--period", "period_text", default=None, metavar="YEAR:mid-year|annual",
              help="A reporting period across campaigns, e.g. 2026:annual.")
@click.option("--include-provisional", is_flag=True,
              help="Count open visits in too (marked provisional).")
@click.option("--out", "out_path", required=True, type=click.Path(dir_okay=False),
              help="The file to write: .xlsx (the workbook) or .docx (the report of results).")
@click.option("--max-rows", type=int, default=None, hidden=True,
              help="Rows per sheet before a table continues on a new sheet (tests).")
def export_report_command(campaign_id, period_text, include_provisional, out_path, max_rows):
    """Write the consolidated workbook (.xlsx) or the report of results (.docx) of a campaign
    or a reporting period."""
    if (campaign_id is None) == (period_text is None):
        raise click.UsageError("give exactly one of --campaign ID or --period YEAR:mid-year|annual")
    if campaign_id is not None:
        campaign = db.session.get(Campaign, campaign_id)
        if campaign is None:
            raise click.BadParameter(f"no campaign with id {campaign_id}", param_hint="--campaign")
        scope = services.campaign_scope(campaign, None, include_provisional=include_provisional)
    else:
        year_text, _sep, period_word = period_text.partition(":")
        period = services.parse_period(period_word)
        if (not (year_text.strip().isascii() and year_text.strip().isdigit())
                or len(year_text.strip()) > 4 or period is None):
            raise click.BadParameter("use YEAR:mid-year or YEAR:annual, e.g. 2026:annual",
                                     param_hint="--period")
        scope = services.period_scope(int(year_text), period, None,
                                      include_provisional=include_provisional)
    out = Path(out_path)
    word = out.suffix.lower() == ".docx"
    if not word and out.suffix.lower() != ".xlsx":
        raise click.BadParameter("the file must end in .xlsx (workbook) or .docx (report)",
                                 param_hint="--out")
    out.parent.mkdir(parents=True, exist_ok=True)
    if word:
        _write_atomically(out, ".docx", lambda partial: write_results_report(scope, partial))
        click.echo(f"Wrote {out} ({out.stat().st_size:,} bytes): the report of results.")
        return
    options = {"timezone_name": current_app.config.get("BABEL_DEFAULT_TIMEZONE") or "Asia/Ho_Chi_Minh"}
    if max_rows:
        options["max_rows"] = max_rows
    summary = _write_atomically(
        out, ".xlsx", lambda partial: write_consolidated_workbook(scope, partial, **options))
    click.echo(f"Wrote {out} ({out.stat().st_size:,} bytes): {summary.visits} visits, "
               f"{summary.final} final, {summary.included} counted"
               + (f" ({summary.provisional} provisional)" if summary.provisional else "")
               + f", {summary.data_rows} data rows, {len(summary.sheets)} sheets.")
    if summary.empty_reason:
        click.echo(f"Note: {summary.empty_reason}")


def _write_atomically(out: Path, suffix: str, write):
    """Write beside the target and rename, so a reader never sees half a file."""
    fd, partial = tempfile.mkstemp(prefix=".export-", suffix=suffix, dir=str(out.parent))
    os.close(fd)
    try:
        result = write(partial)
        os.replace(partial, out)
    except BaseException:
        if os.path.exists(partial):
            os.unlink(partial)
        raise
    return result


@bp.cli.command("export-worker")
@click.option("--once", is_flag=True, help="Run the jobs waiting now, then stop.")
def export_worker_command(once):
    """Run long export jobs (workbooks of many visits) as they are queued."""
    ran = jobs.work(once=once)
    click.echo(f"Ran {ran} export job(s).")
