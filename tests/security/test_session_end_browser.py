"""A phone whose session an admin ended keeps its outbox and asks to log in again (issue #12 §1).

Unlike clearing the cookies, the phone here still holds its session and remember cookies: only
the server knows they are void. Debian's Chromium through Playwright, on the live server.
"""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from inspections.extensions import db
from inspections.models import User
from tests.sync.test_sync_browser import (
    WAIT,
    fill_checklist,
    first_checklist_url,
    log_in,
    make_available_offline,
    open_checklist,
    stored_submissions,
    visit_id_of,
)

pytestmark = pytest.mark.browser


def test_a_phone_logged_out_everywhere_keeps_its_outbox_and_asks_to_log_in(live_server, demo, page):
    base = live_server.url
    log_in(page, base)
    make_available_offline(page, base)
    checklist = base + first_checklist_url(page, base)
    open_checklist(page, checklist)

    page.context.set_offline(True)
    fill_checklist(page)
    page.click("button[name=action][value=submit]")
    page.wait_for_selector("#sync-panel[data-pending='1']", timeout=WAIT)

    with live_server.app.app_context():  # the admin pressed "log out everywhere" for inspector1
        user = db.session.scalar(select(User).where(User.username == "inspector1"))
        user.end_sessions()
        db.session.commit()
        db.session.remove()

    page.context.set_offline(False)
    login_notice = page.locator("[data-sync=login]")
    login_notice.wait_for(state="visible", timeout=WAIT)
    assert page.get_attribute("#sync-panel", "data-pending") == "1"  # the answers are still on the phone
    assert stored_submissions(live_server, visit_id_of(checklist)) == []

    login_notice.locator("a").click()
    page.wait_for_url(re.compile(r"/login"), timeout=WAIT)
    log_in(page, base)
    page.wait_for_url(checklist, timeout=WAIT)
    page.wait_for_selector("#sync-panel[data-pending='0'][data-rejected='0']", timeout=WAIT)
    rows = stored_submissions(live_server, visit_id_of(checklist))
    assert len(rows) == 1 and rows[0]["answers"]["C1"] == {"male": 60, "female": 40}
