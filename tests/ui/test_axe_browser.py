"""axe-core in Debian's Chromium on the pages each role uses, with the demo province: zero
violations, every rule of WCAG 2.0-2.2 A/AA and axe's best practices (target-size too), at the size each role works at
(inspector 360 x 740 as a phone, lead and coordinator 1366 x 768).

axe-core comes from the pinned `axe-playwright-python` (requirements-dev.txt): its bundled
axe.min.js is injected into the page (the context bypasses the page's CSP to allow that; the page's
own scripts still run under it)."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import select

from inspections.extensions import db
from inspections.models import Campaign, Submission, User
from inspections.submissions import SubmissionInput, default_uuid, store_submission
from tests.conftest import TEST_PASSWORD
from tests.review.conftest import answers

pytestmark = pytest.mark.browser

AXE = Path(__import__("axe_playwright_python").__file__).with_name("axe.min.js")
PHONE = {"width": 360, "height": 740}
DESK = {"width": 1366, "height": 768}
WAIT = 20_000


# every rule of these tags, target-size (WCAG 2.2, which Lighthouse runs and axe leaves off by default)
# included; only axe's "experimental" rules stay out
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa", "best-practice"]


def axe_violations(page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    page.evaluate(f"window.TAGS = {TAGS!r}")
    found = page.evaluate("""() => axe.run(document,
          {resultTypes: ['violations'], runOnly: {type: 'tag', values: TAGS}})
        .then(r => r.violations.map(v => v.id + ' (' + v.impact + '): ' + v.help + ' -- '
          + v.nodes.slice(0, 5).map(n => n.target.join(' ') + ' '
            + (n.failureSummary || '').replace(/\\s+/g, ' ')).join(' | ')))""")
    return found


@pytest.fixture
def submitted(app, demo, visits):
    """inspector1 and inspector2 submitted the SYT checklist, differing on A1 (one conflict)."""
    visit_id = visits["SYT"]
    with app.app_context():
        for username, a1 in (("inspector1", "yes"), ("inspector2", "no")):
            user = db.session.get(User, demo[username])
            result = store_submission(user, SubmissionInput(
                uuid=default_uuid(visit_id, user.id), visit_id=visit_id, revision=1,
                answers=answers(A1=a1, C1={"male": 999999, "female": 999998},
                                C2={"male": 123456, "female": 654321}),
                notes={"A1": "Có kế hoạch số 12/KH"}, state="submitted"), lang="vi")
            assert result.stored, result.as_json()
        db.session.commit()
        assert db.session.scalar(select(db.func.count()).select_from(Submission)) == 2
    return visit_id


def session(browser, base, username, viewport):
    phone = viewport is PHONE
    context = browser.new_context(viewport=viewport, locale="vi-VN", bypass_csp=True, is_mobile=phone,
                                  has_touch=phone, device_scale_factor=2 if phone else 1)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(base + "/login")
    if username:
        page.fill("#username", username)
        page.fill("#password", TEST_PASSWORD)
        page.click("button[type=submit].primary")
        page.wait_for_url(re.compile(r"^(?!.*/login).*$"))
    return context, page, errors


def check(page, url, report, ready=None):
    page.goto(url)
    page.wait_for_load_state("networkidle")
    if ready:
        page.wait_for_selector(ready, timeout=WAIT, state="attached")
    found = axe_violations(page)
    if found:
        report[url.split("//", 1)[1].split("/", 1)[1] or "/"] = found


def test_login_page_has_no_axe_violations(live_server, browser, demo):
    report: dict[str, list[str]] = {}
    for viewport in (PHONE, DESK):
        context, page, errors = session(browser, live_server.url, None, viewport)
        check(page, live_server.url + "/login", report)
        context.close()
        assert not errors, errors
    assert not report, report


def test_inspector_pages_at_360_have_no_axe_violations(live_server, browser, demo, visits):
    base = live_server.url
    context, page, errors = session(browser, base, "inspector1", PHONE)
    report: dict[str, list[str]] = {}
    check(page, base + "/", report)
    check(page, base + "/my-visits", report)
    checklist = f"{base}/visits/{visits['SYT']}/checklist"
    check(page, checklist, report, ready="#checklist-form[data-offline-ready=yes]")
    # every section open, a wrong count entered: the marks and messages are checked too
    page.evaluate("document.querySelectorAll('#checklist-form details').forEach(d => { d.open = true; })")
    page.fill("#f-C1-male", "30")
    page.fill("#f-C2-male", "40")
    page.locator("#f-C2-male").blur()
    found = axe_violations(page)
    if found:
        report["checklist, every section open"] = found
    check(page, base + "/sync", report, ready="#sync-panel")
    context.close()
    assert not errors, errors
    assert not report, report


def test_lead_pages_at_1366_have_no_axe_violations(live_server, browser, submitted):
    base = live_server.url
    context, page, errors = session(browser, base, "lead1", DESK)
    report: dict[str, list[str]] = {}
    check(page, base + "/", report)
    check(page, f"{base}/review/visits/{submitted}", report)
    check(page, f"{base}/review/visits/{submitted}/record", report)
    check(page, f"{base}/review/visits/{submitted}/audit", report)
    check(page, base + "/reports/", report)
    check(page, base + "/outbox/upload", report)
    context.close()
    assert not errors, errors
    assert not report, report


def test_coordinator_pages_at_1366_have_no_axe_violations(live_server, browser, submitted):
    base = live_server.url
    with live_server.app.app_context():
        campaign_id = db.session.scalar(select(Campaign.id))
    context, page, errors = session(browser, base, "coordinator", DESK)
    report: dict[str, list[str]] = {}
    check(page, base + "/", report)
    check(page, base + "/campaigns/", report)
    check(page, f"{base}/campaigns/{campaign_id}", report)
    team_href = page.eval_on_selector("a[href*='/campaigns/teams/']", "a => a.getAttribute('href')")
    check(page, base + team_href, report)
    check(page, base + "/campaigns/units", report)
    check(page, base + "/campaigns/users", report)
    check(page, base + "/campaigns/users/new", report)
    check(page, base + "/campaigns/agencies", report)
    check(page, f"{base}/campaigns/{campaign_id}/edit", report)
    check(page, base + "/checklists/", report)
    check(page, base + "/reports/", report)
    context.close()
    assert not errors, errors
    assert not report, report


def test_printed_record_needs_no_sideways_scrolling_at_360(live_server, browser, submitted):
    """The record (biên bản) on a phone: its tables may scroll inside their own box, the page does not."""
    context, page, errors = session(browser, live_server.url, "lead1", PHONE)
    page.goto(f"{live_server.url}/review/visits/{submitted}/record")
    page.wait_for_load_state("networkidle")
    assert page.locator("table").count() >= 1
    widths = page.evaluate("() => [document.scrollingElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], widths
    page.emulate_media(media="print")
    widths = page.evaluate("() => [document.scrollingElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], ("print", widths)
    context.close()
    assert not errors, errors
