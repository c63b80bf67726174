"""The installable app: manifest, icons, the versioned service worker, the offline page, the strings."""
from __future__ import annotations

import re
import shutil
import struct
from pathlib import Path

from inspections.sync.routes import shell_version
from inspections.sync.strings import JS_STRINGS

ROOT = Path(__file__).resolve().parents[2]


def test_manifest_is_vietnamese_standalone_with_any_and_maskable_icons(client):
    response = client.get("/manifest.webmanifest")
    assert response.status_code == 200 and response.mimetype == "application/manifest+json"
    manifest = response.get_json(force=True)
    assert manifest["name"] == "Kiểm tra liên ngành về bình đẳng giới" and manifest["lang"] == "vi"
    assert manifest["start_url"] == "/" and manifest["display"] == "standalone"
    assert manifest["theme_color"] == "#8a1538"
    icons = {(i["sizes"], i["purpose"]): i["src"] for i in manifest["icons"]}
    assert set(icons) == {("192x192", "any"), ("512x512", "any"), ("192x192", "maskable"), ("512x512", "maskable")}
    for (sizes, _), src in icons.items():
        png = client.get(src)
        assert png.status_code == 200 and png.data[:8] == b"\x89PNG\r\n\x1a\n"
        width, height = struct.unpack(">II", png.data[16:24])
        assert f"{width}x{height}" == sizes


def test_service_worker_is_served_at_the_root_uncached_with_its_version(client):
    response = client.get("/sw.js")
    assert response.status_code == 200 and response.mimetype == "text/javascript"
    assert response.headers["Service-Worker-Allowed"] == "/"
    assert response.headers["Cache-Control"] == "no-cache"
    text = response.get_data(as_text=True)
    version = re.search(r'"version": "([0-9a-f]{16})"', text).group(1)
    for url in ("/static/css/app.css", "/static/js/app.js", "/static/js/offline.js", "/offline",
                "/static/icons/icon-192.png", "/manifest.webmanifest"):
        assert f'"{url}"' in text
    assert "addEventListener('fetch'" in text and "request.method !== 'GET'" in text
    for url in re.search(r'"precache": (\[[^\]]*\])', text).group(1).strip("[]").split(", "):
        assert client.get(url.strip('"')).status_code == 200, url  # install would fail otherwise
    assert len(version) == 16


def test_a_deploy_that_changes_a_cached_file_changes_the_version(app, tmp_path):
    static = tmp_path / "static"
    shutil.copytree(ROOT / "static", static)
    with app.test_request_context():
        before = shell_version()
        app.static_folder = str(static)
        assert shell_version() == before  # same bytes, same version
        (static / "css" / "app.css").write_text((static / "css" / "app.css").read_text() + "\n/* v2 */\n")
        assert shell_version() != before


def test_offline_page_is_public_and_impersonal(client):
    response = client.get("/offline")
    assert response.status_code == 200
    assert 'data-user=""' in response.get_data(as_text=True)


def test_scripts_strings_are_all_translated_to_vietnamese(client):
    vi = client.get("/sync/strings.json?lang=vi").get_json()
    assert vi["lang"] == "vi" and set(vi["strings"]) == set(JS_STRINGS)
    untranslated = [k for k, v in vi["strings"].items() if v == k]
    assert not untranslated, untranslated
    en = client.get("/sync/strings.json?lang=en").get_json()
    assert all(k == v for k, v in en["strings"].items())


def test_every_text_the_scripts_show_is_in_the_strings_list():
    used = set()
    for name in ("app.js", "offline.js"):
        source = (ROOT / "static" / "js" / name).read_text(encoding="utf-8")
        used |= set(re.findall(r"\bt\('((?:[^'\\]|\\.)*)'", source))
        # reasons and results are looked up in tables of English texts
        for table in re.findall(r"var (?:REASONS|RESULTS) = \{(.*?)\};", source, re.S):
            used |= set(re.findall(r":\s*'([^']*)'", table))
    missing = used - set(JS_STRINGS)
    assert not missing, missing


def test_sync_status_page_shows_the_panel(client, demo):
    from tests.conftest import AuthActions

    AuthActions(client).login("inspector1")
    html = client.get("/sync").get_data(as_text=True)
    assert 'id="sync-panel"' in html and 'data-sync-action="export"' in html
    assert "Lưu công việc chưa gửi ra tệp" in html


def test_checklist_page_includes_the_panel_and_offline_script(client, demo):
    from tests.conftest import AuthActions

    AuthActions(client).login("inspector1")
    visit_id = client.get("/api/v1/bootstrap").get_json()["visits"][0]["id"]
    html = client.get(f"/visits/{visit_id}/checklist").get_data(as_text=True)
    assert 'id="checklist-form"' in html and 'id="sync-panel"' in html
    assert "/static/js/offline.js" in html and "/static/js/app.js" in html
