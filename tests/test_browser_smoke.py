"""The login page in a real browser at phone size: Vietnamese, no horizontal scrolling."""
import pytest

from tests.conftest import TEST_PASSWORD

pytestmark = pytest.mark.browser


def test_login_page_in_chromium_is_vietnamese_and_fits_a_phone(live_server, demo, page):
    page.goto(live_server.url + "/login")
    assert page.locator("h1").inner_text() == "Đăng nhập"
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.fill("#username", "inspector1")
    page.fill("#password", TEST_PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_url(live_server.url + "/")
    assert "Xin chào, Phạm Thị Lan" in page.locator("h1").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
