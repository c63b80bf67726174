"""The inspected unit's part end to end in Debian's Chromium (CSRF on, the pages' scripts running):
the rep fills in and submits the unit's report (drafts saved as they type, an evidence file);
an inspector, offline, sees the declared values and confirms some; the lead merges, sees the
discrepancies, finalizes; the record lists them. (The remedies helper extends this walk.)"""
from __future__ import annotations

import pytest
from sqlalchemy import select

from inspections.extensions import db
from inspections.models import SelfReport, Submission, User, Visit
from tests.samples import PNG
from tests.sync.test_sync_browser import (
    WAIT,
    draft_written,
    fill_checklist,
    log_in,
    make_available_offline,
    open_checklist,
)

pytestmark = pytest.mark.browser


def watch(page, problems: list[str]) -> None:
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("console", lambda msg: problems.append(msg.text) if "Content Security Policy" in msg.text else None)


def new_phone(browser):
    return browser.new_context(viewport={"width": 360, "height": 740}, locale="vi-VN").new_page()


def report_row(live_server, visit_id):
    with live_server.app.app_context():
        row = db.session.scalar(select(SelfReport).where(SelfReport.visit_id == visit_id))
        out = None if row is None else {"revision": row.revision, "state": row.state, "answers": dict(row.answers)}
        db.session.remove()
        return out


def test_rep_reports_inspector_confirms_offline_lead_sees_discrepancies(live_server, demo, visits, page, browser):
    base = live_server.url
    visit_id = visits["SGDDT"]
    problems: list[str] = []

    # 1. The unit's representative fills in the report; drafts are saved as they type.
    watch(page, problems)
    log_in(page, base, "rep-SGDDT")
    assert page.url.endswith("/unit/")
    page.click(f"[data-visit-id='{visit_id}'] a[href$='/report']")
    page.wait_for_selector("#checklist-form[data-self-report]")
    assert page.locator(".item[data-code=A3]").count() == 0  # the team's item is not asked
    page.click(".item[data-code=A1] label[for=f-A1-yes]")
    page.click(".item[data-code=A2] label[for=f-A2-yes]")
    page.fill("input[name='C1.male']", "50")
    page.fill("input[name='C1.female']", "70")
    page.fill("input[name='C2.male']", "2")
    page.fill("input[name='C2.female']", "3")
    page.fill("input[name=B4_meetings]", "5")
    try:
        page.wait_for_function("() => document.getElementById('checklist-form').dataset.revision !== '0'",
                               timeout=WAIT)
    except Exception as error:
        raise AssertionError((problems, page.locator("#autosave").inner_text())) from error
    saved = report_row(live_server, visit_id)
    assert saved is not None and saved["state"] == "draft"
    page.set_input_files("input[type=file][data-upload=A1_file] >> nth=1",
                         files=[{"name": "ke-hoach.png", "mimeType": "image/png", "buffer": PNG}])
    page.wait_for_selector(".item[data-code=A1_file] .files li.file", timeout=WAIT)
    page.click("button[name=action][value=submit]")
    page.wait_for_selector(".flash-success", timeout=WAIT)
    report = report_row(live_server, visit_id)
    assert report["state"] == "submitted"
    assert report["answers"]["C1"] == {"male": 50, "female": 70} and report["answers"]["B4_meetings"] == 5
    assert len(report["answers"]["A1_file"]) == 1
    page.goto(base + "/unit/")
    assert page.locator(f"[data-visit-id='{visit_id}'] .self-report-status").get_attribute("data-state") == "submitted"

    # 2. An inspector, offline, sees what the unit declared and confirms two values.
    phone = new_phone(browser)
    watch(phone, problems)
    log_in(phone, base, "inspector1")
    make_available_offline(phone, base)
    checklist = f"{base}/visits/{visit_id}/checklist"
    open_checklist(phone, checklist)
    phone.context.set_offline(True)
    response = open_checklist(phone, checklist)
    assert response.from_service_worker
    assert "Nam 50" in phone.locator(".declared[data-declared-for=C1] .declared-value").inner_text()
    fill_checklist(phone)  # C1 counted on site: 60 / 40, other than declared
    phone.click(".declared[data-declared-for=C2] button.confirm-declared")
    phone.click(".declared[data-declared-for=B4_meetings] button.confirm-declared")
    assert phone.input_value("input[name='C2.female']") == "3"
    assert phone.input_value("input[name=B4_meetings]") == "5"
    draft_written(phone)
    phone.click("button[name=action][value=submit]")
    phone.wait_for_selector("#sync-panel[data-pending='1']", timeout=WAIT)
    phone.context.set_offline(False)
    phone.wait_for_selector("#sync-panel[data-pending='0'][data-rejected='0']", timeout=WAIT)
    with live_server.app.app_context():
        row = db.session.scalar(select(Submission).join(User, Submission.inspector_id == User.id)
                                .where(Submission.visit_id == visit_id, User.username == "inspector1"))
        assert row.answers["C2"] == {"male": 2, "female": 3} and row.answers["B4_meetings"] == 5
        assert row.answers["C1"] == {"male": 60, "female": 40}
        db.session.remove()
    phone.context.close()

    # 3. The lead merges: declared values beside the inspectors', the discrepancy flagged; finalizes.
    desk = new_phone(browser)
    watch(desk, problems)
    desk.on("dialog", lambda dialog: dialog.accept())
    log_in(desk, base, "lead1")
    desk.goto(f"{base}/review/visits/{visit_id}")
    panel = desk.locator("#unit-report")
    assert panel.locator("[data-discrepancy-row=C1]").count() == 1
    assert panel.locator("[data-discrepancy-row=C2]").count() == 0  # confirmed: the same
    assert desk.locator("#item-C1 .discrepancy").inner_text() == "Chênh lệch"
    assert "Nam 50" in desk.locator("#item-C1 [data-declared-for=C1]").inner_text()
    desk.fill("#report-achievements", "Kế hoạch ban hành đúng hạn")
    desk.fill("#report-conclusion", "Cơ bản thực hiện tốt")
    desk.locator("#findings form.report-form button[type=submit]").click()
    desk.wait_for_load_state()
    desk.locator("#sign-off button[type=submit]").click()
    desk.wait_for_load_state()
    with live_server.app.app_context():
        assert db.session.get(Visit, visit_id).status == "final"
        db.session.remove()

    # 4. The record lists the discrepancy (and only it).
    desk.goto(f"{base}/review/visits/{visit_id}/record")
    table = desk.locator("#record-discrepancies")
    assert table.locator("[data-discrepancy=C1]").count() == 1
    assert table.locator("[data-discrepancy=C2]").count() == 0
    assert "Nam 60" in table.locator("[data-discrepancy=C1]").inner_text()
    desk.context.close()
    assert not problems, problems
