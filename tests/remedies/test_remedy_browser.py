"""After the visit, in Debian's Chromium (CSRF on): the unit's rep sends a remedy report with an
evidence file on a phone; the coordinator accepts it; the campaign workbook reads it back as
"đã khắc phục"."""
from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from inspections.extensions import db
from inspections.models import Attachment, AuditEvent, Campaign, Recommendation
from tests.conftest import TEST_PASSWORD

from .conftest import PNG

pytestmark = pytest.mark.browser
HEADER_ROW = 7


def log_in(page, live_server, username, home="/"):
    page.goto(live_server.url + "/login")
    page.fill("#username", username)
    page.fill("#password", TEST_PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_url(live_server.url + home)


def test_the_rep_reports_the_coordinator_accepts_the_workbook_says_remedied(
        live_server, remedies, page, browser, tmp_path):
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    log_in(page, live_server, "rep-SKHCN", home="/unit/")  # a rep's home is the unit's page
    page.click(f'[data-visit-id="{remedies.visit_id}"] a.remedies-link')
    page.wait_for_url(f"{live_server.url}/remedies/visits/{remedies.visit_id}")
    assert "còn hạn chế về tỷ lệ nữ lãnh đạo" in page.locator("#conclusion").inner_text()
    row = page.locator(f'#recommendations [data-recommendation-id="{remedies.overdue}"]')
    assert "Quá hạn" in row.inner_text()
    row.locator("a").click()
    page.wait_for_url(f"{live_server.url}/remedies/recommendations/{remedies.overdue}")
    assert "Đã quá thời hạn" in page.locator("#report-form").inner_text()

    evidence = tmp_path / "quyết định phê duyệt.png"
    evidence.write_bytes(PNG)
    page.fill("#remedy-text", "Sở đã ban hành kế hoạch truyền thông về bình đẳng giới năm 2027.")
    page.fill("#remedy-date", "2026-11-30")
    page.set_input_files("#remedy-evidence", str(evidence))
    page.click("#send-report")
    page.wait_for_selector(".flash-success")
    assert "Đã gửi báo cáo khắc phục" in page.locator(".flash-success").inner_text()
    report = page.locator("#remedy-reports [data-report-id]").first
    assert report.get_attribute("data-state") == "submitted"
    assert "quyết định phê duyệt.png" in report.inner_text() and "Gửi sau thời hạn" in report.inner_text()
    assert page.locator("#report-form").count() == 0
    with live_server.app.app_context():
        stored = db.session.scalar(select(Attachment))
        assert stored.filename == "quyết định phê duyệt.png" and stored.remedy_report_id is not None
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")  # fits a phone

    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    desk = context.new_page()
    desk.on("pageerror", lambda error: problems.append(str(error)))
    try:
        log_in(desk, live_server, "coordinator")
        with live_server.app.app_context():
            campaign_id = db.session.scalar(select(Campaign.id))
        desk.goto(f"{live_server.url}/campaigns/{campaign_id}")
        overdue = desk.locator(f'#overdue-remedies [data-recommendation-id="{remedies.overdue}"]')
        assert "Đã báo cáo, chờ xem xét" in overdue.inner_text()
        overdue.locator("a").click()
        desk.wait_for_url(f"{live_server.url}/remedies/recommendations/{remedies.overdue}")
        assert "Sở đã ban hành kế hoạch truyền thông" in desk.locator("#remedy-reports").inner_text()
        desk.click("#accept-report")
        desk.wait_for_selector(".flash-success")
        assert desk.locator("#recommendation").get_attribute("data-status") == "remedied"
        assert "Đã khắc phục" in desk.locator("#remedy-status").inner_text()

        download = desk.request.get(f"{live_server.url}/reports/campaigns/{campaign_id}.xlsx")
        assert download.status == 200
        book = load_workbook(io.BytesIO(download.body()))
        sheet = next(book[name] for name in book.sheetnames if "Tồn tại, kiến nghị" in name)
        header = [c.value for c in sheet[HEADER_ROW]]
        text_col, status_col = header.index("Kiến nghị"), header.index("Tình trạng khắc phục")
        with live_server.app.app_context():
            text = db.session.get(Recommendation, remedies.overdue).text
        statuses = {r[text_col]: r[status_col] for r in sheet.iter_rows(min_row=HEADER_ROW + 1, values_only=True)
                    if r[text_col]}
        assert statuses[text] == "Đã khắc phục"
    finally:
        context.close()
    with live_server.app.app_context():
        assert db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all() == [
            "remedy.submit", "remedy.accept"]
    assert not problems, problems
