"""Offline in a real browser (Debian's Chromium): the service worker serves the checklist without a
network, answers survive reloads and closed tabs, the outbox sends exactly once when the network
comes back, an expired session keeps the work until the inspector logs in again, and Chromium
reports the app installable."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from sqlalchemy import select

from inspections.extensions import db
from inspections.models import Attachment, Submission, User
from tests.conftest import CHROMIUM, CHROMIUM_ARGS, TEST_PASSWORD

from .conftest import PNG, new_uuid

pytestmark = pytest.mark.browser

WAIT = 20_000  # ms; every wait is for a condition, this is only the ceiling


def log_in(page, base, username="inspector1", password=TEST_PASSWORD):
    if "/login" not in page.url:
        page.goto(base + "/login")
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("button[type=submit].primary")
    page.wait_for_url(re.compile(r"^(?!.*/login).*$"))


def wait_for_service_worker_control(page):
    """The page is controlled by the active service worker.

    A page whose navigation began while the worker was still activating stays uncontrolled
    (clients.claim() ran before the page existed); it is controlled from its next load,
    exactly as on a phone, so reload once in that case.
    """
    page.evaluate("() => navigator.serviceWorker.ready.then(() => true)")
    if not page.evaluate("() => navigator.serviceWorker.controller !== null"):
        page.reload()
    page.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=WAIT)


def make_available_offline(page, base):
    """The "make available offline" button on /sync, after the service worker took over."""
    page.goto(base + "/sync")
    wait_for_service_worker_control(page)
    page.click("[data-sync-action=offline]")
    page.wait_for_selector("#sync-panel[data-offline-ready=yes]", timeout=WAIT)
    page.wait_for_function(
        "() => /\\d+/.test(document.querySelector('[data-sync=offline-state]').textContent)", timeout=WAIT)


def first_checklist_url(page, base) -> str:
    page.goto(base + "/my-visits")
    return page.eval_on_selector("a[href$='/checklist']", "a => a.getAttribute('href')")


def open_checklist(page, url):
    response = page.goto(url)
    page.wait_for_selector("#checklist-form[data-offline-ready=yes]", timeout=WAIT)
    page.evaluate("() => document.querySelectorAll('#checklist-form details').forEach(d => { d.open = true; })")
    return response


def fill_checklist(page):
    """Every required item (the page refuses to submit without them), plus a text answer."""
    codes = page.eval_on_selector_all(".item[data-required][data-type=ynp]", "items => items.map(i => i.dataset.code)")
    for code in codes:
        page.click(f".item[data-code='{code}'] .seg label >> nth=0")
    page.fill("input[name='C1.male']", "60")
    page.fill("input[name='C1.female']", "40")
    page.fill("input[name='C2.male']", "2")
    page.fill("input[name='C2.female']", "1")
    page.fill("textarea[name=H2]", "Đã ban hành kế hoạch năm")
    page.fill("textarea[name='note.A1']", "Bản giấy, có dấu")
    page.fill("input[name=H1]", "15.000.000 đ")  # money as typed in Vietnam
    page.fill("input[name=B4_meetings]", "3")
    page.fill("input[name=A1_date]", "2026-03-02")
    draft_written(page)
    return codes


def draft_written(page):
    """Every change so far is in IndexedDB (the form says no save is still being written)."""
    page.wait_for_selector("#checklist-form[data-draft-saved][data-draft-pending=no]", timeout=WAIT)


def stored_submissions(live_server, visit_id):
    with live_server.app.app_context():
        rows = db.session.scalars(
            select(Submission).join(User, Submission.inspector_id == User.id)
            .where(Submission.visit_id == visit_id, User.username == "inspector1")).all()
        out = [{"uuid": r.uuid, "revision": r.revision, "state": r.state, "answers": r.answers, "notes": r.notes}
               for r in rows]
        db.session.remove()
        return out


def visit_id_of(url: str) -> int:
    return int(re.search(r"/visits/(\d+)/", url).group(1))


def test_offline_fill_reload_submit_close_and_sync_once(live_server, demo, page):
    base = live_server.url
    context = page.context
    log_in(page, base)
    make_available_offline(page, base)
    checklist = base + first_checklist_url(page, base)
    open_checklist(page, checklist)

    context.set_offline(True)
    response = page.reload()
    assert response.from_service_worker  # the stored page, no network
    page.goto(base + "/a-page-never-saved")  # not stored: the offline page instead of an error
    assert page.locator("h1").inner_text() == "Bạn đang ngoại tuyến"
    page.goto(checklist)
    page.wait_for_selector("#checklist-form[data-offline-ready=yes]", timeout=WAIT)
    page.evaluate("() => document.querySelectorAll('#checklist-form details').forEach(d => { d.open = true; })")
    codes = fill_checklist(page)
    # a photo taken offline: the page cannot upload it, so it waits on the phone
    page.set_input_files("input[type=file][data-upload=A1_file] >> nth=0",
                         files=[{"name": "ke-hoach.png", "mimeType": "image/png", "buffer": PNG}])
    page.wait_for_selector(".item[data-code=A1_file] .offline-file", timeout=WAIT)
    draft_written(page)

    open_checklist(page, checklist)  # reload, still offline: the answers come back
    assert page.is_checked(f"input[name={codes[0]}][value=yes]")
    assert page.input_value("input[name='C1.male']") == "60"
    assert page.input_value("textarea[name=H2]") == "Đã ban hành kế hoạch năm"
    assert page.locator(".item[data-code=A1_file] input[type=hidden][name=A1_file]").count() == 1

    page.click("button[name=action][value=submit]")
    page.wait_for_selector("#sync-panel[data-pending='1']", timeout=WAIT)
    assert page.get_attribute("#sync-indicator", "data-pending") == "1"
    assert stored_submissions(live_server, visit_id_of(checklist)) == []

    page.close()
    page = context.new_page()
    open_checklist(page, checklist)
    page.wait_for_selector("#sync-panel[data-pending='1']", timeout=WAIT)

    context.set_offline(False)
    page.wait_for_selector("#sync-panel[data-pending='0'][data-rejected='0']", timeout=WAIT)
    page.wait_for_selector("#sync-indicator[data-pending='0']", timeout=WAIT)

    rows = stored_submissions(live_server, visit_id_of(checklist))
    assert len(rows) == 1
    [row] = rows
    assert row["state"] == "submitted" and row["revision"] == 1
    assert row["answers"]["C1"] == {"male": 60, "female": 40} and row["answers"]["H2"] == "Đã ban hành kế hoạch năm"
    assert all(row["answers"][code] == "yes" for code in codes)
    assert row["notes"] == {"A1": "Bản giấy, có dấu"}
    assert (row["answers"]["H1"], row["answers"]["B4_meetings"], row["answers"]["A1_date"]) == (15_000_000, 3,
                                                                                                "2026-03-02")
    with live_server.app.app_context():
        [file_uuid] = row["answers"]["A1_file"]
        attachment = db.session.scalar(select(Attachment).where(Attachment.uuid == file_uuid))
        assert attachment is not None and attachment.mime == "image/png" and attachment.size == len(PNG)
        db.session.remove()

    # the sent list, and nothing sent twice after another reload
    open_checklist(page, checklist)
    page.wait_for_selector("#sync-panel[data-pending='0']", timeout=WAIT)
    assert len(stored_submissions(live_server, visit_id_of(checklist))) == 1


def test_an_expired_session_keeps_the_work_until_the_inspector_logs_in_again(live_server, demo, page):
    base = live_server.url
    context = page.context
    log_in(page, base)
    make_available_offline(page, base)
    checklist = base + first_checklist_url(page, base)
    open_checklist(page, checklist)

    context.set_offline(True)
    fill_checklist(page)
    page.click("button[name=action][value=submit]")
    page.wait_for_selector("#sync-panel[data-pending='1']", timeout=WAIT)

    context.clear_cookies()  # the session ends while the phone is offline
    context.set_offline(False)
    login_notice = page.locator("[data-sync=login]")
    login_notice.wait_for(state="visible", timeout=WAIT)
    assert page.get_attribute("#sync-panel", "data-pending") == "1"  # kept
    assert stored_submissions(live_server, visit_id_of(checklist)) == []

    # "Save unsent work to a file", and the team lead uploads that file from another browser
    with page.expect_download() as download:
        page.click("[data-sync-action=export]")
    exported = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
    assert exported["format"] == "inspections-outbox" and exported["user"] == {"username": "inspector1"}
    [entry] = exported["submissions"]
    assert entry["visit_id"] == visit_id_of(checklist) and entry["answers"]["C1"] == {"male": 60, "female": 40}
    lead_context = page.context.browser.new_context(viewport={"width": 360, "height": 740}, locale="vi-VN")
    try:
        lead = lead_context.new_page()
        log_in(lead, base, "lead1")
        lead.goto(base + "/outbox/upload")
        lead.set_input_files("#outbox_file", download.value.path())
        lead.click("form[enctype] button[type=submit]")
        lead.wait_for_selector(f"tr[data-uuid='{entry['uuid']}'][data-status=created]", timeout=WAIT)
    finally:
        lead_context.close()
    assert len(stored_submissions(live_server, visit_id_of(checklist))) == 1

    # the inspector logs in again: the phone sends the same revision, the server has it already
    login_notice.locator("a").click()
    page.wait_for_url(re.compile(r"/login\?next="), timeout=WAIT)
    log_in(page, base)
    page.wait_for_url(checklist, timeout=WAIT)
    page.wait_for_selector("#sync-panel[data-pending='0'][data-rejected='0']", timeout=WAIT)
    login_notice.wait_for(state="hidden", timeout=WAIT)
    rows = stored_submissions(live_server, visit_id_of(checklist))
    assert len(rows) == 1 and rows[0]["answers"]["C1"] == {"male": 60, "female": 40}
    assert rows[0]["revision"] == entry["revision"] == 1


def test_chromium_reports_the_app_installable(live_server, browser, tmp_path):
    """Page.getInstallabilityErrors is empty (a persistent profile: Chromium never installs from
    an incognito-like context, which is what new_context() gives)."""
    context = browser.browser_type.launch_persistent_context(
        str(tmp_path / "profile"), executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS,
        viewport={"width": 360, "height": 740})
    try:
        page = context.new_page()
        page.goto(live_server.url + "/offline")
        wait_for_service_worker_control(page)
        cdp = context.new_cdp_session(page)
        manifest = cdp.send("Page.getAppManifest")
        assert manifest["errors"] == [] and manifest["url"].endswith("/manifest.webmanifest")
        assert cdp.send("Page.getInstallabilityErrors")["installabilityErrors"] == []
    finally:
        context.close()


def test_entries_queued_before_the_error_contract_still_drain(live_server, demo, visits, page):
    """Outbox entries an earlier app.js stored on a phone (the same record shape, one of them
    already rejected once with the old per-item errors) are sent after the upgrade; a file the
    server refuses is reported from the one error body ({error, message, fields: [{item, field}]})
    with the item it belongs to."""
    base = live_server.url
    log_in(page, base)
    page.goto(base + "/sync")
    page.wait_for_function("() => !!window.InspectionsOffline", timeout=WAIT)
    good, with_file, file_uuid = new_uuid(), new_uuid(), new_uuid()
    entry = {"user": "inspector1", "template": "gender_equality@2", "revision": 1,
             "answers": {"A1": "yes", "C1": {"male": 60, "female": 40}}, "notes": {"A1": "Bản giấy"},
             "state": "submitted", "client_saved_at": "2026-11-20T09:30:00Z", "queued_at": 1,
             "status": "pending", "reason": None, "files": [], "title": "", "url": ""}
    old = [dict(entry, uuid=good, visit_id=visits["SYT"],
                errors=[{"code": "C1", "field": "C1.female", "message": "an earlier answer"}]),
           dict(entry, uuid=with_file, visit_id=visits["STC"], errors=[], files=[file_uuid], queued_at=2)]
    result = page.evaluate("""async ([entries, file]) => {
        const core = window.InspectionsOffline;
        const pause = () => new Promise(r => setTimeout(r, 100));
        // the page's own start-up drain may still run: wait until the outbox is idle
        while ((await core.drain()).status === 'busy') await pause();
        for (const e of entries) await core.put('outbox', e);
        await core.put('files', Object.assign(file, {blob: new Blob(['just some text'], {type: 'image/jpeg'})}));
        let outcome = await core.drain();
        while (outcome.status === 'busy') { await pause(); outcome = await core.drain(); }
        return {outcome, outbox: await core.getAll('outbox')};
    }""", [old, {"uuid": file_uuid, "user": "inspector1", "visit_id": visits["STC"], "item_code": "A1_file",
                 "filename": "anh.jpg", "type": "image/jpeg", "uploaded": False}])
    assert result["outcome"]["status"] == "done" and result["outcome"]["sent"] == 1
    [left] = result["outbox"]
    assert left["uuid"] == with_file and left["status"] == "rejected" and left["reason"] == "attachment"
    [error] = left["errors"]
    assert error["code"] == "A1_file" and error["field"] == "A1_file"
    assert error["message"].startswith("anh.jpg: ") and "JPEG" in error["message"]
    [row] = stored_submissions(live_server, visits["SYT"])
    assert row["uuid"] == good and row["answers"]["C1"] == {"male": 60, "female": 40}
    assert stored_submissions(live_server, visits["STC"]) == []
