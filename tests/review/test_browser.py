"""The merge page and the record on a phone, in Debian's Chromium (CSRF on, the page's scripts running)."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from inspections.extensions import db
from inspections.models import Resolution, Visit
from tests.conftest import TEST_PASSWORD

from .conftest import answers

pytestmark = pytest.mark.browser

NO_OVERFLOW = "document.documentElement.scrollWidth <= window.innerWidth"


def test_lead_decides_a_conflict_finalizes_and_prints_on_a_phone(live_server, submit, visit_id, page):
    submit("inspector1", visit_id, answers(A1="yes"))
    submit("inspector2", visit_id, answers(A1="no"))
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("console", lambda msg: problems.append(msg.text) if "Content Security Policy" in msg.text else None)
    page.on("dialog", lambda dialog: dialog.accept())  # the finalize confirmation

    page.goto(live_server.url + "/login")
    page.fill("#username", "lead1")
    page.fill("#password", TEST_PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_url(live_server.url + "/")
    page.goto(f"{live_server.url}/review/visits/{visit_id}")
    assert page.locator("[data-count=conflict]").inner_text() == "1"
    assert page.evaluate(NO_OVERFLOW)

    item = page.locator("#item-A1")
    item.locator("select[name=A1]").select_option("partial")  # typing a value selects "Enter a value"
    assert item.locator("input[data-enter-choice]").is_checked()
    item.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator("#item-A1").get_attribute("data-state") == "resolved"
    assert page.locator("[data-count=conflict]").inner_text() == "0"

    page.fill("#report-achievements", "Kế hoạch ban hành đúng hạn")
    page.fill("#report-conclusion", "Cơ bản thực hiện tốt")
    page.locator("#findings form.report-form button[type=submit]").click()
    page.wait_for_load_state()
    page.locator("#sign-off button[type=submit]").click()
    page.wait_for_load_state()
    with live_server.app.app_context():
        assert db.session.get(Visit, visit_id).status == "final"
        assert db.session.scalar(select(Resolution.value).where(Resolution.item_code == "A1")) == "partial"

    page.goto(f"{live_server.url}/review/visits/{visit_id}/record")
    assert page.locator("h1.record-title").inner_text() == "BIÊN BẢN KIỂM TRA"
    assert page.evaluate(NO_OVERFLOW)
    page.emulate_media(media="print")
    assert not page.locator(".topbar").is_visible() and not page.locator("[data-print]").is_visible()
    assert page.locator(".signatures").is_visible()
    assert not problems, problems
