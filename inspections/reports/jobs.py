"""Long exports as jobs, with the database as the queue.

A workbook of a few hundred visits is written inside its request, as before. A larger one (a
province's year can hold 10,000 visits, about a minute and a half of work) would hold a
request close to gunicorn's timeout, so it becomes an :class:`~inspections.models.ExportJob`:

- ``enqueue`` stores the job, or returns the one already queued or running for the same user
  and the same export (``active_key`` is unique while a job is live, so two clicks, even on two
  workers at once, make one job);
- ``claim_next`` takes a queued job, or a running one whose lease has lapsed because its worker
  died, with one UPDATE (``FOR UPDATE SKIP LOCKED`` on PostgreSQL, the write lock on SQLite), so
  any process on any host can run it and a killed worker's job is picked up again;
- ``run_job`` writes the file under ``UPLOAD_DIR/exports`` while it renews the lease and records
  progress (visits done of total) from its own short transactions, then marks the job done; the
  file stays for ``EXPORT_KEEP_HOURS``;
- a runner thread in each web process (started when a job is enqueued or watched, gone after a
  while with nothing to do) and ``flask export-worker`` (a dedicated process) both loop on
  ``work``. No thread belongs to a request, and no job belongs to a thread: the row does.

What a job builds is the same function the immediate download calls, for the same user.
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import threading
import time
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Callable, Optional

from flask import Flask, current_app
from sqlalchemy import and_, or_, select, update
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..models import Campaign, ExportJob, User
from . import services
from .consolidated import write_consolidated_workbook

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 3
PROGRESS_EVERY_SECONDS = 0.5


class LeaseLost(Exception):
    """Another worker took the job over (this one was too slow to renew its lease)."""


def _now() -> datetime:
    return datetime.now(timezone.utc)


# -- what a job builds ------------------------------------------------------------------------
def _build_workbook(params: dict[str, Any], user: Optional[User], path: str,
                    progress: Callable[[int, int], None]) -> str:
    """Write the campaign or period workbook of ``params`` for ``user``; return its file name."""
    provisional = bool(params.get("provisional"))
    if params.get("campaign_id") is not None:
        campaign = db.session.get(Campaign, int(params["campaign_id"]))
        if campaign is None:
            raise services.NotAllowed()
        scope = services.campaign_scope(campaign, user, include_provisional=provisional)
        filename = services.campaign_filename(campaign, provisional)
    else:
        year, period = int(params["year"]), str(params["period"])
        scope = services.period_scope(year, period, user, include_provisional=provisional)
        filename = services.period_filename(year, period, provisional)
    write_consolidated_workbook(scope, path, timezone_name=services.timezone_name(),
                                progress=progress)
    return filename


BUILDERS: dict[str, Callable[..., str]] = {"workbook": _build_workbook}


# -- the queue --------------------------------------------------------------------------------
def job_key(kind: str, params: dict[str, Any], user_id: Optional[int]) -> str:
    """The identity of an export: the same user asking for the same thing."""
    digest = hashlib.sha256(json.dumps(params, sort_keys=True).encode()).hexdigest()[:32]
    return f"{kind}:{user_id}:{digest}"


def enqueue(kind: str, params: dict[str, Any], user: User, *, total: int = 0) -> ExportJob:
    """The live job for this export and user: the existing one, or a new queued one (flushed)."""
    key = job_key(kind, params, user.id)
    existing = db.session.scalar(select(ExportJob).where(ExportJob.active_key == key))
    if existing is not None:
        return existing
    job = ExportJob(kind=kind, params=params, requested_by_id=user.id, active_key=key,
                    state="queued", total=total)
    try:
        with db.session.begin_nested():
            db.session.add(job)
    except IntegrityError:  # another click won the race: join its job
        existing = db.session.scalar(select(ExportJob).where(ExportJob.active_key == key))
        if existing is None:
            raise
        return existing
    return job


def claim_next(lease_seconds: int) -> Optional[tuple[int, str]]:
    """Take the oldest runnable job for this process; (job id, claim token) or None."""
    now = _now()
    runnable = or_(ExportJob.state == "queued",
                   and_(ExportJob.state == "running", ExportJob.lease_until < now))
    candidate = (select(ExportJob.id).where(runnable, ExportJob.attempts < MAX_ATTEMPTS)
                 .order_by(ExportJob.id).limit(1))
    if db.engine.dialect.name == "postgresql":
        candidate = candidate.with_for_update(skip_locked=True)
    token = str(uuid.uuid4())
    statement = (update(ExportJob)
                 .where(ExportJob.id.in_(candidate.scalar_subquery()), runnable)
                 .values(state="running", claim=token, attempts=ExportJob.attempts + 1,
                         lease_until=now + timedelta(seconds=lease_seconds), started_at=now,
                         done=0)
                 .returning(ExportJob.id)
                 .execution_options(synchronize_session=False))
    with db.engine.begin() as connection:
        job_id = connection.execute(statement).scalar()
    _fail_exhausted()
    return (job_id, token) if job_id is not None else None


def _fail_exhausted() -> None:
    """Jobs whose workers died MAX_ATTEMPTS times fail instead of killing a fourth."""
    with db.engine.begin() as connection:
        connection.execute(
            update(ExportJob)
            .where(ExportJob.state == "running", ExportJob.lease_until < _now(),
                   ExportJob.attempts >= MAX_ATTEMPTS)
            .values(state="failed", active_key=None, claim=None, finished_at=_now(),
                    error="the export stopped before it finished, several times")
            .execution_options(synchronize_session=False))


def _guarded_update(job_id: int, token: str, **values: Any) -> None:
    """Update the job only while this worker still holds it."""
    with db.engine.begin() as connection:
        result = connection.execute(
            update(ExportJob).where(ExportJob.id == job_id, ExportJob.claim == token)
            .values(**values).execution_options(synchronize_session=False))
    if result.rowcount == 0:
        raise LeaseLost(job_id)


def export_dir() -> Path:
    path = Path(current_app.config["UPLOAD_DIR"]) / "exports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def file_path(job: ExportJob) -> Optional[Path]:
    """Where a finished job's file is, if it is still there."""
    if job.state != "done" or not job.storage_key:
        return None
    path = export_dir() / job.storage_key
    return path if path.is_file() else None


def run_job(job_id: int, token: str) -> str:
    """Build one claimed job to its end; returns the state it ended in."""
    config = current_app.config
    lease = timedelta(seconds=config["EXPORT_JOB_LEASE_SECONDS"])
    job = db.session.get(ExportJob, job_id)
    builder = BUILDERS.get(job.kind) if job is not None else None
    if job is None or builder is None:
        _guarded_update(job_id, token, state="failed", active_key=None, finished_at=_now(),
                        error="unknown export")
        return "failed"
    user = db.session.get(User, job.requested_by_id) if job.requested_by_id else None
    storage_key = f"{job_id}-{token}.out"
    partial = export_dir() / (storage_key + ".part")
    last = [0.0]
    seen_total = [job.total]

    def progress(done: int, total: int) -> None:
        seen_total[0] = total
        now = time.monotonic()
        if now - last[0] < PROGRESS_EVERY_SECONDS and done < total:
            return
        last[0] = now
        _guarded_update(job_id, token, done=done, total=total, lease_until=_now() + lease)

    try:
        filename = builder(dict(job.params or {}), user, str(partial), progress)
        os.replace(partial, export_dir() / storage_key)
        size = (export_dir() / storage_key).stat().st_size
        _guarded_update(job_id, token, state="done", active_key=None, claim=None,
                        storage_key=storage_key, filename=filename, size=size,
                        done=seen_total[0], total=seen_total[0], finished_at=_now(),
                        expires_at=_now() + timedelta(hours=config["EXPORT_KEEP_HOURS"]))
        return "done"
    except LeaseLost:
        log.warning("export job %s was taken over by another worker", job_id)
        return "lost"
    except Exception as exc:  # the job fails; the worker lives on
        log.exception("export job %s failed", job_id)
        try:
            _guarded_update(job_id, token, state="failed", active_key=None, claim=None,
                            finished_at=_now(), error=type(exc).__name__)
        except LeaseLost:
            return "lost"
        return "failed"
    finally:
        db.session.rollback()
        db.session.expire_all()
        if partial.exists():
            partial.unlink()


def remove_expired() -> int:
    """Delete the files (and rows) of finished jobs past their keep time."""
    now = _now()
    expired = db.session.scalars(select(ExportJob).where(
        ExportJob.state.in_(("done", "failed")),
        or_(ExportJob.expires_at < now,
            and_(ExportJob.expires_at.is_(None), ExportJob.finished_at
                 < now - timedelta(hours=current_app.config["EXPORT_KEEP_HOURS"]))))).all()
    for job in expired:
        if job.storage_key:
            (export_dir() / job.storage_key).unlink(missing_ok=True)
        db.session.delete(job)
    db.session.commit()
    # A worker killed mid-job leaves its partial file behind; nobody writes it any more.
    stale = time.time() - 2 * current_app.config["EXPORT_JOB_LEASE_SECONDS"]
    for partial in export_dir().glob("*.part"):
        if partial.stat().st_mtime < stale:
            partial.unlink(missing_ok=True)
    return len(expired)


def work(*, once: bool = False, idle_seconds: float = 0.0, poll_seconds: float = 1.0,
         stop: Optional[threading.Event] = None) -> int:
    """Run jobs until none is left (``once``), or until idle for ``idle_seconds`` (0: never).

    Returns how many jobs this call ran. Must run inside an application context.
    """
    ran = 0
    idle_since = time.monotonic()
    lease = current_app.config["EXPORT_JOB_LEASE_SECONDS"]
    remove_expired()
    while stop is None or not stop.is_set():
        claimed = claim_next(lease)
        if claimed is not None:
            run_job(*claimed)
            ran += 1
            idle_since = time.monotonic()
            continue
        if once or (idle_seconds and time.monotonic() - idle_since >= idle_seconds):
            return ran
        time.sleep(poll_seconds)
    return ran


# -- the runner thread of a web process -------------------------------------------------------
_runner_lock = threading.Lock()
_runners: dict[int, threading.Thread] = {}


def ensure_runner(app: Flask) -> None:
    """Start this process's runner thread unless one is alive (or runners are off)."""
    if app.config.get("EXPORT_RUNNER", "thread") != "thread":
        return
    key = os.getpid()
    with _runner_lock:
        thread = _runners.get(key)
        if thread is not None and thread.is_alive():
            return

        def loop() -> None:
            with app.app_context():
                try:
                    work(idle_seconds=app.config["EXPORT_RUNNER_IDLE_SECONDS"], poll_seconds=1.0)
                except Exception:  # never let a database hiccup kill the process
                    log.exception("export runner stopped")
                finally:
                    db.session.remove()

        thread = threading.Thread(target=loop, name="export-runner", daemon=True)
        _runners[key] = thread
        thread.start()
