"""The offline tools speak the user's language and ask only for pages the user may open."""
from __future__ import annotations

import pytest

from tests.conftest import AuthActions
from tests.sync.test_sync_browser import WAIT, log_in, wait_for_service_worker_control


@pytest.mark.parametrize("username,has_my_visits",
                         [("coordinator", False), ("admin", False), ("inspector1", True), ("lead1", True)])
def test_only_fieldwork_users_get_my_visits_to_store_offline(client, demo, username, has_my_visits):
    AuthActions(client).login(username)
    urls = client.get("/api/v1/bootstrap").get_json()["offline_urls"]
    assert ("/my-visits" in urls) is has_my_visits
    for url in urls:  # every page it stores opens for this user
        response = client.get(url)
        assert response.status_code == 200, (username, url, response.status_code)
        response.close()


@pytest.mark.browser
def test_the_offline_page_is_in_english_for_a_user_who_chose_english(live_server, demo, page):
    base = live_server.url
    log_in(page, base, "coordinator")
    page.click(".lang-switch button[value=en]")
    page.wait_for_selector("html[lang=en]")
    wait_for_service_worker_control(page)
    page.wait_for_function("() => window.InspectionsOffline.getMeta('lang', null).then(l => l === 'en')", timeout=WAIT)
    page.context.set_offline(True)
    page.goto(base + "/a-page-never-saved")
    assert page.locator("h1").inner_text() == "You are offline"
    assert page.get_attribute("html", "lang") == "en"
