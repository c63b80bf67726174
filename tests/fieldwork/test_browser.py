"""The checklist on a phone: Debian's Chromium at 360×740, CSRF on, the page's own script running.

The offline feature's script (static/js/offline.js) takes over the buttons to queue checklists
through the sync API; it has its own browser tests. Here it is replaced by an empty script so
this test covers the page itself: the form post, the server's answers and checklist.js."""
import pytest
from sqlalchemy import select

from inspections.extensions import db
from inspections.models import Attachment, Submission, Unit, Visit
from tests.conftest import TEST_PASSWORD
from tests.fieldwork.conftest import PNG

pytestmark = pytest.mark.browser

REQUIRED_YNP = {"A1": "yes", "A2": "partial", "A3": "no", "A4": "yes", "B1": "yes", "B4": "yes",
                "B5": "na", "C11": "no", "D1": "no", "D3": "yes", "D4": "yes", "D5": "yes", "E3": "yes",
                "E4": "yes", "E5": "partial", "G1": "yes", "G2": "yes", "G5": "yes"}

NO_OVERFLOW = "document.documentElement.scrollWidth <= window.innerWidth"
SMALL_TARGETS = """() => Array.from(document.querySelectorAll('details[open] .seg label, .form-actions button'))
  .map(el => [el.htmlFor || el.textContent.trim(), el.getBoundingClientRect()])
  .filter(([name, box]) => box.height < 44 || box.width < 44).map(([name, box]) => name + ':' + box.height)"""


def test_inspector_fills_and_submits_the_checklist_on_a_phone(live_server, demo, page, tmp_path):
    with live_server.app.app_context():
        visit_id = db.session.scalar(select(Visit.id).join(Unit).where(Unit.code == "SYT"))
    problems = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("console", lambda msg: problems.append(msg.text) if "Content Security Policy" in msg.text else None)

    page.route("**/static/js/offline.js*", lambda route: route.fulfill(
        status=200, content_type="text/javascript", body="// offline feature left out of this test"))

    page.goto(live_server.url + "/login")
    page.fill("#username", "inspector1")
    page.fill("#password", TEST_PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_url(live_server.url + "/")
    page.goto(f"{live_server.url}/visits/{visit_id}/checklist")
    assert page.locator("h1").inner_text() == "Sở Y tế"
    assert page.evaluate(NO_OVERFLOW)
    assert page.evaluate(SMALL_TARGETS) == []
    box = page.locator("label[for=f-A1-yes]").bounding_box()
    assert box["height"] >= 44 and box["width"] >= 44

    # submitting too early: nothing is stored, the summary of problems gets the focus
    page.click("label[for=f-A1-yes]")
    with page.expect_navigation():
        page.click("button[value=submit]")
    assert page.evaluate("document.activeElement.id") == "error-summary"
    assert "Chưa gửi được phiếu" in page.content()
    assert page.is_checked("#f-A1-yes")  # what was chosen is still there
    assert page.evaluate(NO_OVERFLOW)

    # every required answer; the sections with errors are open now
    for code, value in REQUIRED_YNP.items():
        page.click(f"label[for=f-{code}-{value}]")
    assert page.evaluate(SMALL_TARGETS) == []
    page.fill("#f-C1-male", "60")
    page.fill("#f-C1-female", "40")
    assert page.locator("#item-C1 .mf-total").inner_text() == "100"
    assert page.locator("#item-C1 .mf-share").inner_text() == "40%"
    page.fill("#f-C2-male", "2")
    page.fill("#f-C2-female", "1")
    assert page.locator("#item-C2 .mf-share").inner_text() == "33,3%"
    assert page.locator("#section-A .count").inner_text().startswith("4/")

    # evidence: chosen, uploaded by the script at once, shown as a thumbnail
    photo = tmp_path / "ke-hoach.png"
    photo.write_bytes(PNG)
    page.set_input_files("#f-A1_file-pick", str(photo))
    page.wait_for_selector("#item-A1_file input[type=hidden][name=A1_file]", state="attached")
    assert page.locator("#item-A1_file .file-name").inner_text() == "ke-hoach.png"

    with page.expect_navigation():
        page.click("button[value=submit]")
    assert page.url == f"{live_server.url}/visits/{visit_id}/checklist"
    assert "Đã gửi phiếu kiểm tra (bản 1)" in page.locator(".flash").inner_text()
    assert page.evaluate(NO_OVERFLOW)
    assert problems == []

    with live_server.app.app_context():
        submission = db.session.scalar(select(Submission))
        attachment = db.session.scalar(select(Attachment))
        assert submission.state == "submitted" and submission.revision == 1
        assert submission.answers["C1"] == {"male": 60, "female": 40}
        assert submission.answers["A1_file"] == [attachment.uuid]
        assert attachment.mime == "image/png"
