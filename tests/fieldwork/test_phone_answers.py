"""What the inspector sees on the phone after pressing a button: the server's rules checked before
anything is queued, an answer in view (queued / sent / refused) with a link to the first problem,
marks that clear as soon as the item is right, the autosave time, long texts capped at the
server's limits, evidence that still looks uploaded after a reload. Chromium at 360×740."""
import re

import pytest

from tests.fieldwork.conftest import PNG
from tests.fieldwork.test_browser import (
    fill_required,
    open_checklist,
    open_every_section,
    stored_submission,
)

pytestmark = pytest.mark.browser

WAIT = 20_000
IN_VIEW = """sel => { const b = document.querySelector(sel).getBoundingClientRect();
  return b.height > 0 && b.top >= 0 && b.bottom <= window.innerHeight; }"""
OUTBOX = "() => window.InspectionsOffline.getAll('outbox').then(rows => rows.length)"


def ready(page):
    page.wait_for_selector("#checklist-form[data-offline-ready=yes]", timeout=WAIT)


def test_offline_the_phone_refuses_what_the_server_would_and_says_so_in_view(live_server, demo, page):
    problems: list[str] = []
    open_checklist(live_server, page, problems)
    ready(page)
    page.context.set_offline(True)
    open_every_section(page)
    fill_required(page)
    page.fill("#f-C1-male", "30")
    page.fill("#f-C1-female", "20")
    page.fill("#f-C2-male", "40")     # leaders are part of the staff: 40 > 30
    page.fill("#f-C4-male", "-5")
    page.fill("#f-C4-female", "3")
    page.evaluate("window.scrollTo(0, 0)")

    page.click("button[value=submit]")
    status = page.locator("#submit-status")
    assert status.inner_text().startswith("Chưa gửi: 2 câu trả lời cần sửa")
    assert page.evaluate(IN_VIEW, "#submit-status")
    assert status.get_attribute("aria-live") == "polite"
    assert status.locator("a").get_attribute("href") == "#item-C2"
    assert "Không được lớn hơn số ở mục C1" in page.locator("#item-C2 .client-error").inner_text()
    assert page.locator("#f-C2-male").get_attribute("aria-invalid") == "true"
    assert "Không được là số âm." in page.locator("#item-C4 .client-error").inner_text()
    assert page.evaluate(OUTBOX) == 0  # nothing queued

    page.fill("#f-C2-male", "10")      # the mark goes as soon as the item is right
    assert page.locator("#item-C2.has-error").count() == 0
    assert page.locator("#item-C4.has-error").count() == 1
    page.fill("#f-C4-male", "5")
    assert page.locator(".item.has-error").count() == 0
    assert status.inner_text() == ""

    page.click("button[value=submit]")
    page.wait_for_function("() => document.querySelector('#submit-status').textContent"
                           ".includes('Đã lưu trên điện thoại')")
    assert page.evaluate(IN_VIEW, "#submit-status") and page.evaluate(OUTBOX) == 1

    page.context.set_offline(False)
    page.wait_for_function("() => document.querySelector('#submit-status').textContent"
                           ".includes('Đã gửi lên máy chủ (bản 1)')",
                           timeout=WAIT)
    stored = stored_submission(live_server.app)
    assert stored["answers"]["C2"] == {"male": 10, "female": 1} and stored["answers"]["C4"] == {"male": 5, "female": 3}
    assert problems == []


def test_a_refused_checklist_opens_the_item_and_the_mark_clears_when_fixed(live_server, demo, page):
    """An entry the server refuses (queued by an older copy of the page, say): the reasons show at
    their items, their section opens, the answer in view counts them and links the first."""
    problems: list[str] = []
    open_checklist(live_server, page, problems)
    ready(page)
    page.evaluate("""() => { const f = document.getElementById('checklist-form'), core = window.InspectionsOffline;
      return core.queue({uuid: f.dataset.uuid, user: document.body.dataset.user, visit_id: +f.dataset.visitId,
        template: f.dataset.template, answers: {A1: 'yes', C4: {male: -5, female: 1}}, notes: {}, state: 'draft',
        files: [], serverRevision: 0, title: 'x', url: location.pathname})
        .then(() => window.InspectionsSync.drainNow()); }""")
    status = page.locator("#submit-status")
    status.filter(has_text="Máy chủ không nhận phiếu: 1 câu trả lời cần sửa").wait_for(timeout=WAIT)
    assert status.locator("a").get_attribute("href") == "#item-C4"
    assert page.evaluate("document.getElementById('section-C').open")
    assert "Không được là số âm." in page.locator("#item-C4 .sync-error").inner_text()

    status.locator("a").click()
    assert page.evaluate("document.activeElement.id") == "f-C4-male"
    page.fill("#f-C4-male", "5")      # still not right: women's count missing, the mark stays
    assert page.locator("#item-C4.has-error").count() == 1
    page.fill("#f-C4-female", "1")
    assert page.locator("#item-C4.has-error").count() == 0
    assert problems == []


def test_long_texts_stop_at_the_server_limit_and_the_save_time_shows(live_server, demo, page):
    problems: list[str] = []
    open_checklist(live_server, page, problems)
    ready(page)
    open_every_section(page)
    limits = page.eval_on_selector_all(".item[data-type=text] textarea[name]:not([name^=note])",
                                       "areas => areas.map(a => [a.name, a.maxLength])")
    assert dict(limits)["H2"] == 5000 and dict(limits)["B1_decision"] == 200
    assert page.get_attribute("#f-note-A1", "maxlength") == "2000"
    page.fill("#f-H2", "x" * 4999)
    page.type("#f-H2", "abc")           # the third key is not taken
    assert len(page.input_value("#f-H2")) == 5000
    assert page.locator("#n-f-H2").inner_text() == "5000/5000 ký tự"
    page.wait_for_selector("#checklist-form[data-draft-pending=no]", timeout=WAIT)
    assert re.fullmatch(r"Đã lưu trên điện thoại lúc \d\d:\d\d", page.locator("#autosave").inner_text())
    assert page.evaluate(IN_VIEW, "#autosave")
    page.reload()
    ready(page)
    assert len(page.input_value("#f-H2")) == 5000
    assert page.locator("#autosave").inner_text().startswith("Đã lưu trên điện thoại lúc ")
    assert problems == []


def test_evidence_keeps_its_name_thumbnail_and_state_after_a_reload(live_server, demo, page, tmp_path):
    problems: list[str] = []
    open_checklist(live_server, page, problems)
    ready(page)
    photo = tmp_path / "bien-ban.png"
    photo.write_bytes(PNG)
    page.set_input_files("#f-A1_file-pick", str(photo))
    page.wait_for_selector("#item-A1_file input[type=hidden][name=A1_file]", state="attached")
    page.wait_for_selector("#checklist-form[data-draft-pending=no]", timeout=WAIT)
    page.wait_for_function("() => window.InspectionsOffline.getAll('files').then(f => f.length === 1)")

    page.reload()
    ready(page)
    row = page.locator("#item-A1_file .file")
    assert row.count() == 1
    assert row.locator(".file-name").inner_text() == "bien-ban.png"
    page.wait_for_function("() => document.querySelector('#item-A1_file .file[data-state=uploaded] img.thumb')")
    assert "đã tải lên" in row.inner_text().lower()
    assert page.evaluate("document.querySelector('#item-A1_file img.thumb').naturalWidth") > 0
    assert problems == []
