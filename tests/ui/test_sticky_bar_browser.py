"""The checklist's sticky Save / Submit bar never covers what has the keyboard focus: moving the focus
(Shift+Tab) to the "Guidance" and "Note" links of the last two items of every section (all open)
leaves each one whole above the bar, and the top of the page (as Lighthouse loads it) has no link half under the bar."""
from __future__ import annotations

import re

import pytest

from tests.conftest import TEST_PASSWORD

from .test_axe_browser import AXE

pytestmark = pytest.mark.browser

UNDER_THE_BAR = """(summary) => {
  const bar = document.querySelector('.form-actions').getBoundingClientRect();
  const r = summary.getBoundingClientRect();
  const x = r.left + Math.min(r.width / 2, 20);
  const hits = [r.top + 1, r.top + r.height / 2, r.bottom - 1].map(y => {
    const hit = document.elementFromPoint(x, y);
    return !!hit && (hit === summary || summary.contains(hit));
  });
  return {whole: hits.every(Boolean), bottom: r.bottom, barTop: bar.top, active: document.activeElement === summary};
}"""


def test_tabbing_to_the_last_guidance_links_keeps_them_clear_of_the_bar(live_server, browser, demo, visits):
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="vi-VN", is_mobile=True,
                                  has_touch=True, device_scale_factor=2)
    page = context.new_page()
    page.goto(live_server.url + "/login")
    page.fill("#username", "inspector1")
    page.fill("#password", TEST_PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_url(re.compile(r"^(?!.*/login).*$"))
    page.goto(f"{live_server.url}/visits/{visits['SYT']}/checklist")
    page.wait_for_selector("#checklist-form[data-offline-ready=yes]", timeout=20_000)
    page.evaluate("document.querySelectorAll('#checklist-form details.section').forEach(d => { d.open = true; })")
    codes = page.evaluate("""() => Array.from(document.querySelectorAll('#checklist-form details.section'))
        .map(s => Array.from(s.querySelectorAll('.item')).slice(-2).map(i => i.id)).flat()""")
    assert len(codes) >= 12, codes
    checked = 0
    for item_id in codes:
        for kind in ("more", "note"):
            summary = page.locator(f"#{item_id} > .extras > details.{kind} > summary")
            if not summary.count():
                continue
            # the link just below the bar, the control after it focused (without scrolling), then
            # Shift+Tab: the browser scrolls the link into view as it moves the focus there
            page.evaluate("""(s) => { window.scrollBy(0, s.getBoundingClientRect().top - window.innerHeight + 10);
                const all = Array.from(document.querySelectorAll('a[href], button, input, textarea, select, summary'))
                  .filter(e => !e.disabled && e.type !== 'hidden' && e.offsetParent !== null);
                all[all.indexOf(s) + 1].focus({preventScroll: true}); }""", summary.element_handle())
            page.keyboard.press("Shift+Tab")
            found = page.evaluate(UNDER_THE_BAR, summary.element_handle())
            assert found["active"], (item_id, kind, page.evaluate("document.activeElement.outerHTML.slice(0, 200)"))
            assert found["whole"] and found["bottom"] <= found["barTop"], (item_id, kind, found)
            checked += 1
    assert checked >= 12
    context.close()


def test_no_link_is_half_under_the_bar_when_the_checklist_opens(live_server, browser, demo, visits):
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="vi-VN", is_mobile=True,
                                  has_touch=True, device_scale_factor=2, bypass_csp=True)
    page = context.new_page()
    page.goto(live_server.url + "/login")
    page.fill("#username", "inspector1")
    page.fill("#password", TEST_PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_url(re.compile(r"^(?!.*/login).*$"))
    page.goto(f"{live_server.url}/visits/{visits['SYT']}/checklist")
    page.wait_for_selector("#checklist-form[data-offline-ready=yes]", timeout=20_000)
    page.add_script_tag(path=str(AXE))
    found = page.evaluate("""() => axe.run(document, {runOnly: ['target-size']})
        .then(r => r.violations.map(v => v.nodes.map(n => n.target.join(' ') + ' ' + n.failureSummary)))""")
    assert found == [], found
    context.close()
