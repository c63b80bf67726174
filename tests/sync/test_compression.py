"""Text responses go out compressed (Flask-Compress, COMPRESS_RESPONSES) unless a proxy does it, and
the service worker still stores and serves the real files: a compressed precache round trip in
Chromium, offline."""
from __future__ import annotations

import gzip
import urllib.request
from pathlib import Path

import brotli
import pytest

from tests.sync.test_sync_browser import WAIT, wait_for_service_worker_control

STATIC = Path(__file__).resolve().parents[2] / "static"


@pytest.mark.parametrize("encoding,decode", [("br", brotli.decompress), ("gzip", gzip.decompress)])
def test_pages_styles_scripts_and_json_are_compressed_and_decode_to_the_same_bytes(client, encoding, decode):
    for url, path in [("/static/js/app.js", STATIC / "js" / "app.js"),
                      ("/static/css/checklist.css", STATIC / "css" / "checklist.css")]:
        response = client.get(url, headers={"Accept-Encoding": encoding})
        assert response.headers["Content-Encoding"] == encoding
        assert "Accept-Encoding" in response.headers["Vary"]
        body = response.get_data()
        response.close()
        assert len(body) < path.stat().st_size / 2
        assert decode(body) == path.read_bytes()
    for url in ("/offline", "/sync/strings.json?lang=vi", "/sw.js"):
        response = client.get(url, headers={"Accept-Encoding": encoding})
        assert response.headers["Content-Encoding"] == encoding, url
        assert decode(response.get_data()) == client.get(url).get_data()  # the same, uncompressed


def test_pictures_are_left_as_they_are_and_plain_clients_get_plain_text(client):
    icon = client.get("/static/icons/icon-192.png", headers={"Accept-Encoding": "br, gzip"})
    assert "Content-Encoding" not in icon.headers
    assert icon.get_data() == (STATIC / "icons" / "icon-192.png").read_bytes()
    icon.close()
    plain = client.get("/static/js/app.js")
    assert "Content-Encoding" not in plain.headers and plain.get_data() == (STATIC / "js" / "app.js").read_bytes()
    plain.close()


def test_behind_a_compressing_proxy_the_setting_turns_it_off(make_app):
    client = make_app(COMPRESS_RESPONSES=False).test_client()
    response = client.get("/static/js/app.js", headers={"Accept-Encoding": "br, gzip"})
    assert "Content-Encoding" not in response.headers
    response.close()


@pytest.mark.browser
def test_the_service_worker_stores_the_real_files_of_compressed_responses(live_server, demo, page):
    base = live_server.url
    request = urllib.request.Request(base + "/static/css/app.css", headers={"Accept-Encoding": "br"})
    with urllib.request.urlopen(request) as response:  # what Chromium gets from this server
        assert response.headers["Content-Encoding"] == "br"
        assert brotli.decompress(response.read()) == (STATIC / "css" / "app.css").read_bytes()

    with page.expect_response(lambda r: r.url == base + "/static/js/app.js") as script:
        login = page.goto(base + "/login")
    assert login.all_headers().get("content-encoding") in ("br", "gzip")
    assert script.value.all_headers().get("content-encoding") in ("br", "gzip")
    wait_for_service_worker_control(page)
    page.goto(base + "/login")  # now through the worker: stored in its pages cache
    cached = page.evaluate("""() => caches.keys()
      .then(keys => caches.open(keys.find(k => k.startsWith('inspections-shell-'))))
      .then(cache => Promise.all(['/static/js/app.js', '/static/css/app.css']
        .map(u => cache.match(u).then(r => r.text()))))""")
    assert cached == [(STATIC / "js" / "app.js").read_text(encoding="utf-8"),
                      (STATIC / "css" / "app.css").read_text(encoding="utf-8")]

    page.context.set_offline(True)
    response = page.reload()
    assert response.from_service_worker
    page.wait_for_function("() => !!window.InspectionsOffline", timeout=WAIT)  # the script ran, from the cache
    colour = page.evaluate("getComputedStyle(document.querySelector('.topbar')).backgroundColor")
    assert colour == "rgb(138, 21, 56)"  # the stylesheet applied, from the cache
