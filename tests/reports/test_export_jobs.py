"""Long exports as jobs: a progress page, then the download; one job for two clicks; a killed
worker's job picked up again; small exports stay immediate."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import insert, select

from inspections.extensions import db
from inspections.models import ExportJob, Resolution, Team, Unit, User, Visit
from inspections.reports import jobs
from tests.conftest import TEST_PASSWORD, AuthActions

from .conftest import (
    HEADER_ROW,
    base_answers,
    campaign_url,
    demo_campaign,
    download,
    finalize,
    read,
    rows_after_header,
    team_visits,
    user_id,
)

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def job_app(make_app):
    """Workbooks of more than three visits become jobs; only the test runs them."""
    return make_app(EXPORT_INLINE_MAX_VISITS=3, EXPORT_RUNNER="none")


def seed(app) -> int:
    from inspections.demo import seed_demo

    with app.app_context():
        seed_demo(TEST_PASSWORD, year=2026)
        db.session.commit()
        for visit in team_visits("lead1") + team_visits("lead2"):
            finalize(visit, base_answers(), by=visit.team.lead.username)
        db.session.commit()
        return demo_campaign().id


def login(app, username: str):
    client = app.test_client()
    AuthActions(client).login(username)
    return client


def job_id_of(response) -> int:
    assert response.status_code == 303, response.get_data(as_text=True)[:300]
    location = response.headers["Location"]
    assert "/reports/jobs/" in location
    return int(location.rstrip("/").rsplit("/", 1)[1])


def test_a_large_workbook_is_a_job_with_progress_then_the_download(job_app):
    campaign_id = seed(job_app)
    client = login(job_app, "coordinator")
    job_id = job_id_of(client.get(campaign_url(campaign_id)))

    page = client.get(f"/reports/jobs/{job_id}").get_data(as_text=True)
    assert 'http-equiv="refresh"' in page and "<progress" in page
    assert "0 / 12" in page or 'value="0"' in page
    assert client.get(f"/reports/jobs/{job_id}/file").status_code == 404  # not ready yet

    # A second click (and a third) joins the first job instead of starting another.
    assert job_id_of(client.get(campaign_url(campaign_id))) == job_id
    assert job_id_of(client.get(campaign_url(campaign_id))) == job_id
    with job_app.app_context():
        assert db.session.scalar(select(db.func.count(ExportJob.id))) == 1
        assert jobs.work(once=True) == 1
        job = db.session.get(ExportJob, job_id)
        assert (job.state, job.done, job.total, job.attempts) == ("done", 12, 12, 1)
        assert job.active_key is None and job.size > 0

    page = client.get(f"/reports/jobs/{job_id}").get_data(as_text=True)
    assert 'http-equiv="refresh"' not in page
    assert f"/reports/jobs/{job_id}/file" in page
    response = download(client, f"/reports/jobs/{job_id}/file")
    assert "attachment" in response.headers["Content-Disposition"]
    book = read(response.data)
    units = rows_after_header(book["2 Danh sách đơn vị"], HEADER_ROW)
    assert len(units) == 12

    # Now that it is done, the next click starts a fresh job (the data may have changed).
    assert job_id_of(client.get(campaign_url(campaign_id))) != job_id


def test_the_same_workbook_inline_and_as_a_job(make_app, job_app):
    campaign_id = seed(job_app)
    inline_app = make_app()  # same database, the default threshold: 12 visits stay inline
    inline = download(login(inline_app, "coordinator"), campaign_url(campaign_id))
    client = login(job_app, "coordinator")
    job_id = job_id_of(client.get(campaign_url(campaign_id)))
    with job_app.app_context():
        jobs.work(once=True)
    queued = download(client, f"/reports/jobs/{job_id}/file")
    a, b = read(inline.data), read(queued.data)
    assert a.sheetnames == b.sheetnames
    for name in a.sheetnames:
        rows_a = [r for r in a[name].iter_rows(min_row=HEADER_ROW, values_only=True)]
        rows_b = [r for r in b[name].iter_rows(min_row=HEADER_ROW, values_only=True)]
        if name == "1 Thông tin chung":  # holds the time it was generated
            continue
        assert rows_a == rows_b, name


def test_a_job_is_its_requesters_own_and_holds_only_what_they_may_see(job_app):
    campaign_id = seed(job_app)
    lead = login(job_app, "lead1")
    job_id = job_id_of(lead.get(campaign_url(campaign_id)))
    with job_app.app_context():
        jobs.work(once=True)
        own_units = {visit.unit.name for visit in team_visits("lead1")}
    book = read(download(lead, f"/reports/jobs/{job_id}/file").data)
    names = {row[1] for row in rows_after_header(book["2 Danh sách đơn vị"], HEADER_ROW)}
    assert names == own_units
    for other in ("lead2", "coordinator"):
        client = login(job_app, other)
        assert client.get(f"/reports/jobs/{job_id}").status_code == 404
        assert client.get(f"/reports/jobs/{job_id}/file").status_code == 404
    assert login(job_app, "inspector1").get(f"/reports/jobs/{job_id}").status_code == 403
    assert job_app.test_client().get(f"/reports/jobs/{job_id}").status_code == 302  # log in


def test_a_job_whose_worker_vanished_is_picked_up_again(job_app):
    campaign_id = seed(job_app)
    client = login(job_app, "coordinator")
    job_id = job_id_of(client.get(campaign_url(campaign_id)))
    with job_app.app_context():
        claimed = jobs.claim_next(lease_seconds=60)  # a worker takes it ... and dies
        assert claimed is not None and claimed[0] == job_id
        assert jobs.claim_next(lease_seconds=60) is None  # its lease still holds
        assert jobs.work(once=True) == 0
        job = db.session.get(ExportJob, job_id)
        job.lease_until = datetime.now(timezone.utc) - timedelta(seconds=1)
        db.session.commit()
        assert jobs.work(once=True) == 1
        db.session.expire_all()
        job = db.session.get(ExportJob, job_id)
        assert (job.state, job.attempts) == ("done", 2)
    assert read(download(client, f"/reports/jobs/{job_id}/file").data)


def test_a_job_that_keeps_killing_its_workers_fails_instead_of_looping(job_app):
    campaign_id = seed(job_app)
    client = login(job_app, "coordinator")
    job_id = job_id_of(client.get(campaign_url(campaign_id)))
    with job_app.app_context():
        for _ in range(jobs.MAX_ATTEMPTS):
            assert jobs.claim_next(lease_seconds=60) is not None
            db.session.execute(db.update(ExportJob).values(
                lease_until=datetime.now(timezone.utc) - timedelta(seconds=1)))
            db.session.commit()
        assert jobs.claim_next(lease_seconds=60) is None
        db.session.expire_all()
        job = db.session.get(ExportJob, job_id)
        assert job.state == "failed" and job.active_key is None
    page = client.get(f"/reports/jobs/{job_id}").get_data(as_text=True)
    assert 'role="alert"' in page
    assert job_id_of(client.get(campaign_url(campaign_id))) != job_id  # asking again works


def test_a_failing_export_fails_alone_and_says_so(job_app):
    seed(job_app)
    with job_app.app_context():
        coordinator = user_id("coordinator")
        db.session.add(ExportJob(kind="workbook", params={"campaign_id": 987654},
                                 requested_by_id=coordinator, active_key="gone", total=1))
        db.session.commit()
        assert jobs.work(once=True) == 1
        job = db.session.scalar(select(ExportJob))
        assert job.state == "failed" and job.active_key is None and job.error
        job_id = job.id
    page = login(job_app, "coordinator").get(f"/reports/jobs/{job_id}")
    assert page.status_code == 200 and 'role="alert"' in page.get_data(as_text=True)


def test_finished_files_are_removed_when_their_time_is_up(job_app):
    campaign_id = seed(job_app)
    client = login(job_app, "coordinator")
    job_id = job_id_of(client.get(campaign_url(campaign_id)))
    with job_app.app_context():
        jobs.work(once=True)
        job = db.session.get(ExportJob, job_id)
        path = jobs.file_path(job)
        assert path is not None and path.is_file()
        job.expires_at = datetime.now(timezone.utc) - timedelta(minutes=1)
        db.session.commit()
        assert jobs.remove_expired() == 1
        assert not path.exists()
    assert client.get(f"/reports/jobs/{job_id}").status_code == 404


def test_the_runner_thread_of_a_web_process_runs_the_job(make_app):
    app = make_app(EXPORT_INLINE_MAX_VISITS=3, EXPORT_RUNNER="thread", EXPORT_RUNNER_IDLE_SECONDS=2)
    campaign_id = seed(app)
    client = login(app, "coordinator")
    job_id = job_id_of(client.get(campaign_url(campaign_id)))
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        page = client.get(f"/reports/jobs/{job_id}").get_data(as_text=True)
        if 'data-job-state="done"' in page:
            break
        time.sleep(0.2)
    else:
        pytest.fail("the runner thread did not finish the job")
    assert read(download(client, f"/reports/jobs/{job_id}/file").data)
    time.sleep(2.5)  # idle: the thread ends by itself


def add_final_visits(app, count: int) -> None:
    """``count`` more final visits for team 1, written in bulk (fast set-up for a long job)."""
    with app.app_context():
        team = db.session.scalar(select(Team).join(User, Team.lead_id == User.id)
                                 .where(User.username == "lead1"))
        resolver = user_id("lead1")
        now = datetime(2026, 11, 30, 3, 0, tzinfo=timezone.utc)
        unit_ids = db.session.scalars(insert(Unit).returning(Unit.id), [
            {"code": f"BULK{n}", "name": f"Đơn vị {n}", "kind": "department", "address": "",
             "created_at": now} for n in range(count)]).all()
        visit_ids = db.session.scalars(insert(Visit).returning(Visit.id), [
            {"team_id": team.id, "unit_id": unit_id, "status": "final", "record_number": "",
             "version": 1, "finalized_at": now, "finalized_by_id": resolver, "created_at": now}
            for unit_id in unit_ids]).all()
        answers = base_answers()
        db.session.execute(insert(Resolution), [
            {"visit_id": visit_id, "item_code": code, "value": value, "source": "agreed",
             "resolved_by_id": resolver, "resolved_at": now}
            for visit_id in visit_ids for code, value in answers.items()])
        db.session.commit()


WORKER = textwrap.dedent("""
    import sys
    from inspections import create_app
    from inspections.reports import jobs
    app = create_app({"SQLALCHEMY_DATABASE_URI": sys.argv[1], "SECRET_KEY": "x",
                      "UPLOAD_DIR": sys.argv[2], "EXPORT_JOB_LEASE_SECONDS": 2,
                      "EXPORT_RUNNER": "none"})
    with app.app_context():
        jobs.work(once=True)
""")


def test_a_worker_killed_mid_job_loses_nothing(job_app, database):
    campaign_id = seed(job_app)
    add_final_visits(job_app, 600)
    client = login(job_app, "coordinator")
    job_id = job_id_of(client.get(campaign_url(campaign_id)))
    upload_dir = job_app.config["UPLOAD_DIR"]
    worker = subprocess.Popen([sys.executable, "-c", WORKER, database, upload_dir], cwd=ROOT,
                              env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"})
    try:
        deadline = time.monotonic() + 60
        with job_app.app_context():
            while time.monotonic() < deadline and worker.poll() is None:
                db.session.expire_all()
                job = db.session.get(ExportJob, job_id)
                if job.state == "running" and job.done > 0:
                    break
                db.session.rollback()
                time.sleep(0.05)
            assert worker.poll() is None, "the worker finished before it could be killed"
            os.kill(worker.pid, signal.SIGKILL)
            worker.wait(timeout=10)
            db.session.expire_all()
            job = db.session.get(ExportJob, job_id)
            assert job.state == "running" and 0 < job.done < job.total
            db.session.rollback()
            assert client.get(f"/reports/jobs/{job_id}/file").status_code == 404
            time.sleep(2.2)  # its lease lapses
            assert jobs.work(once=True) == 1
            db.session.expire_all()
            job = db.session.get(ExportJob, job_id)
            assert (job.state, job.attempts, job.done, job.total) == ("done", 2, 612, 612)
    finally:
        if worker.poll() is None:
            worker.kill()
    book = read(download(client, f"/reports/jobs/{job_id}/file").data)
    assert len(rows_after_header(book["2 Danh sách đơn vị"], HEADER_ROW)) == 612
