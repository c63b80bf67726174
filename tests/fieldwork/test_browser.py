"""The checklist on a phone: Debian's Chromium at 360×740, CSRF on, the page's scripts running."""
import time

import pytest
from sqlalchemy import select

from inspections.extensions import db
from inspections.models import Attachment, Submission, Unit, Visit
from tests.conftest import TEST_PASSWORD
from tests.fieldwork.conftest import PNG

pytestmark = pytest.mark.browser

REQUIRED_YNP = {"A1": "yes", "A2": "partial", "A3": "no", "A4": "yes", "B1": "yes", "B4": "yes",
                "B5": "na", "C11": "no", "D1": "no", "D3": "yes", "D4": "yes", "D5": "yes", "E3": "yes",
                "E4": "yes", "E5": "partial", "G1": "yes", "G2": "yes", "G5": "yes",
                "C12": "yes", "D7": "no", "D8": "yes"}  # checklist v2 adds C12, D7, D8

NO_OVERFLOW = "document.documentElement.scrollWidth <= window.innerWidth"
SMALL_TARGETS = """() => Array.from(document.querySelectorAll('details[open] .seg label, .form-actions button'))
  .map(el => [el.htmlFor || el.textContent.trim(), el.getBoundingClientRect()])
  .filter(([name, box]) => box.height < 44 || box.width < 44).map(([name, box]) => name + ':' + box.height)"""


def open_checklist(live_server, page, problems):
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("console", lambda msg: problems.append(msg.text) if "Content Security Policy" in msg.text else None)
    with live_server.app.app_context():
        visit_id = db.session.scalar(select(Visit.id).join(Unit).where(Unit.code == "SYT"))
    page.goto(live_server.url + "/login")
    page.fill("#username", "inspector1")
    page.fill("#password", TEST_PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_url(live_server.url + "/")
    page.goto(f"{live_server.url}/visits/{visit_id}/checklist")
    assert page.locator("h1").inner_text() == "Sở Y tế"
    return visit_id


def open_every_section(page):
    closed = page.locator("details.section:not([open]) > summary")
    while closed.count():
        closed.first.click()


def fill_required(page):
    for code, value in REQUIRED_YNP.items():
        page.click(f"label[for=f-{code}-{value}]")
    page.fill("#f-C1-male", "60")
    page.fill("#f-C1-female", "40")
    page.fill("#f-C2-male", "2")
    page.fill("#f-C2-female", "1")


def stored_submission(app, timeout=10.0):
    deadline = time.monotonic() + timeout
    while True:
        with app.app_context():
            row = db.session.scalar(select(Submission).where(Submission.state == "submitted"))
            if row is not None or time.monotonic() > deadline:
                return None if row is None else {"revision": row.revision, "answers": row.answers}
        time.sleep(0.1)


def test_inspector_fills_and_submits_the_checklist_on_a_phone(live_server, demo, page, tmp_path):
    """The page as inspectors get it, the offline feature's script included."""
    problems: list[str] = []
    open_checklist(live_server, page, problems)
    assert page.evaluate(NO_OVERFLOW)
    assert page.evaluate(SMALL_TARGETS) == []
    box = page.locator("label[for=f-A1-yes]").bounding_box()
    assert box["height"] >= 44 and box["width"] >= 44

    # "Submit" too early: the page says what is missing and sends nothing, even offline
    page.click("button[value=submit]")
    assert page.locator(".client-required").count() == 23  # 21 yes/no items, C1, C2
    assert "còn 23 mục bắt buộc" in page.locator(".client-summary").inner_text()
    assert page.evaluate("document.activeElement.id") == "f-A1-yes"
    assert stored_submission(live_server.app, timeout=0.5) is None

    open_every_section(page)
    fill_required(page)
    assert page.locator(".client-required").count() == 0
    assert page.evaluate(SMALL_TARGETS) == []
    # totals and shares as you type, progress per section
    assert page.locator("#item-C1 .mf-total").inner_text() == "100"
    assert page.locator("#item-C1 .mf-share").inner_text() == "40%"
    assert page.locator("#item-C2 .mf-share").inner_text() == "33,3%"
    assert page.locator("#section-A .count").inner_text() == "4/9"

    # evidence: uploaded by the page's script as soon as it is chosen, shown with its name
    photo = tmp_path / "ke-hoach.png"
    photo.write_bytes(PNG)
    page.set_input_files("#f-A1_file-pick", str(photo))
    page.wait_for_selector("#item-A1_file input[type=hidden][name=A1_file]", state="attached")
    assert page.locator("#item-A1_file .file-name").inner_text() == "ke-hoach.png"
    assert page.locator("#section-A .count").inner_text() == "5/9"
    assert page.evaluate(NO_OVERFLOW)

    page.click("button[value=submit]")
    submission = stored_submission(live_server.app)
    assert submission is not None, "the checklist never reached the server"
    assert submission["answers"]["C1"] == {"male": 60, "female": 40}
    assert submission["answers"]["A2"] == "partial"
    with live_server.app.app_context():
        attachment = db.session.scalar(select(Attachment))
        assert submission["answers"]["A1_file"] == [attachment.uuid] and attachment.mime == "image/png"
    assert page.evaluate(NO_OVERFLOW)
    assert problems == []


def test_the_form_itself_without_the_offline_script(live_server, demo, page):
    """The server's own answers to the form post: errors next to the fields, values kept, the
    summary focused and its links leading to the field; then a submission."""
    # No service worker (it would serve the offline script from its cache) and no offline script.
    page.add_init_script("delete Navigator.prototype.serviceWorker")
    page.route("**/static/js/offline.js*", lambda route: route.fulfill(
        status=200, content_type="text/javascript", body="// left out of this test"))
    problems: list[str] = []
    visit_id = open_checklist(live_server, page, problems)

    page.click("label[for=f-A1-yes]")
    page.click("#section-C > summary")
    page.fill("#f-C1-male", "12a")
    page.fill("#f-C1-female", "40")
    with page.expect_navigation():
        page.click("button[value=draft]")
    assert page.evaluate("document.activeElement.id") == "error-summary"
    assert "Đã lưu nháp (bản 1)" in page.locator("#checklist-notice").inner_text()
    assert page.is_checked("#f-A1-yes") and page.input_value("#f-C1-male") == "12a"
    assert "Không đọc được số “12a”" in page.locator("#e-f-C1-male").inner_text()
    assert page.evaluate(NO_OVERFLOW)
    page.click("#error-summary a[href='#f-C1-male']")
    assert page.evaluate("document.activeElement.id") == "f-C1-male"

    # the page itself stops a submit with required items unanswered, and shows the first one
    page.click("button[value=submit]")
    assert page.evaluate("document.activeElement.id") == "f-A2-yes"
    assert page.locator("#item-A2 .client-required").count() == 1
    open_every_section(page)
    fill_required(page)
    with page.expect_navigation():
        page.click("button[value=submit]")
    assert page.url == f"{live_server.url}/visits/{visit_id}/checklist"
    assert "Đã gửi phiếu kiểm tra (bản 2)" in page.locator(".flash-success").inner_text()
    assert page.evaluate(NO_OVERFLOW)
    assert stored_submission(live_server.app, timeout=0)["revision"] == 2
    assert problems == []
