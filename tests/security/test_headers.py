"""Security headers on every kind of response, and HSTS only behind TLS.

Pages, JSON, errors, static files and downloads all carry a Content-Security-Policy that allows
no inline script (nor eval), blocks framing (frame-ancestors 'none' and X-Frame-Options DENY)
and plugins, plus nosniff and a same-origin referrer policy. Strict-Transport-Security appears
only on requests that arrived over HTTPS: directly, or through a trusted proxy (PROXY_FIX) that
says X-Forwarded-Proto: https; a forged X-Forwarded-Proto without PROXY_FIX changes nothing.
"""
from __future__ import annotations

import pytest

from .conftest import api_login


def csp(response) -> dict[str, list[str]]:
    policy = response.headers.get("Content-Security-Policy", "")
    directives = {}
    for part in policy.split(";"):
        words = part.split()
        if words:
            directives[words[0]] = words[1:]
    return directives


def assert_secure(response, where: str) -> None:
    policy = csp(response)
    assert policy, f"{where}: no Content-Security-Policy"
    scripts = policy.get("script-src", policy.get("default-src"))
    assert scripts is not None, f"{where}: no script-src/default-src"
    for bad in ("'unsafe-inline'", "'unsafe-eval'", "*", "data:", "http:", "https:"):
        assert bad not in scripts, f"{where}: script-src allows {bad}"
    assert policy.get("default-src") == ["'self'"], where
    assert policy.get("object-src") == ["'none'"], where
    assert policy.get("frame-ancestors") == ["'none'"], where
    assert policy.get("base-uri") in (["'self'"], ["'none'"]), where
    assert "'unsafe-inline'" not in policy.get("style-src", []), where
    assert response.headers.get("X-Content-Type-Options") == "nosniff", where
    assert response.headers.get("X-Frame-Options") == "DENY", where
    assert response.headers.get("Referrer-Policy") in ("same-origin", "no-referrer", "strict-origin-when-cross-origin")


URLS = ["/login", "/healthz", "/static/css/app.css", "/no-such-page", "/api/v1/no-such-thing", "/api/v1/openapi.json",
        "/sw.js", "/manifest.webmanifest", "/api/v1/session"]


@pytest.mark.parametrize("url", URLS)
def test_anonymous_responses_carry_the_headers(client, url):
    response = client.get(url)
    assert_secure(response, url)
    assert "Strict-Transport-Security" not in response.headers


def test_logged_in_pages_json_errors_and_writes_carry_the_headers(app, client, teams):
    api_login(client, "inspector1")
    visit_id = teams["1"]["visits"][0]
    for url in ("/", f"/visits/{visit_id}/checklist", "/api/v1/bootstrap", "/my-visits", "/sync",
                f"/visits/{teams['2']['visits'][0]}/checklist", "/campaigns/"):
        response = client.get(url)
        assert_secure(response, url)
    response = client.post("/api/v1/submissions", data="{not json", content_type="application/json")
    assert response.status_code == 400
    assert_secure(response, "POST /api/v1/submissions (400)")
    assert client.get("/api/v1/bootstrap").headers.get("Cache-Control") == "no-store"


def test_server_errors_carry_the_headers(make_app):
    app = make_app(PROPAGATE_EXCEPTIONS=False)

    @app.get("/boom-for-test")
    def boom():
        raise RuntimeError("boom")

    response = app.test_client().get("/boom-for-test")
    assert response.status_code == 500
    assert_secure(response, "500 page")
    assert "boom" not in response.get_data(as_text=True)  # no traceback or message leaks


def test_no_hsts_over_plain_http_even_with_a_forged_proto_header(client):
    response = client.get("/login", headers={"X-Forwarded-Proto": "https"})
    assert "Strict-Transport-Security" not in response.headers


def test_hsts_over_https(client):
    response = client.get("/login", base_url="https://inspections.example")
    hsts = response.headers.get("Strict-Transport-Security", "")
    assert "max-age=" in hsts and int(hsts.split("max-age=")[1].split(";")[0]) >= 15552000


def test_hsts_behind_a_trusted_proxy(make_app):
    app = make_app(PROXY_FIX=1)
    client = app.test_client()
    response = client.get("/login", headers={"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.7"})
    assert "max-age=" in response.headers.get("Strict-Transport-Security", "")
    assert_secure(response, "/login behind the proxy")
    plain = client.get("/login", headers={"X-Forwarded-Proto": "http"})
    assert "Strict-Transport-Security" not in plain.headers


def test_rendered_pages_have_no_inline_script_or_style(app, client, teams):
    """The CSP forbids them, so a page that has them is broken in the browser: none may."""
    import re

    api_login(client, "lead1")
    visit_id = teams["1"]["visits"][0]
    pages = ["/", f"/visits/{visit_id}/checklist", f"/review/visits/{visit_id}", "/my-visits", "/sync"]
    client_admin = app.test_client()
    api_login(client_admin, "admin")
    checked = 0
    for url, who in [(p, client) for p in pages] + [(p, client_admin) for p in
                                                    ("/campaigns/", "/campaigns/units", "/campaigns/users")]:
        response = who.get(url)
        if response.status_code != 200:
            continue
        checked += 1
        html = response.get_data(as_text=True)
        inline_scripts = [m for m in re.findall(r"<script\b([^>]*)>", html, flags=re.I) if "src=" not in m]
        assert not [s for s in inline_scripts if "application/json" not in s and "application/ld+json" not in s], url
        assert not re.search(r"\son[a-z]+\s*=", html, flags=re.I), f"{url}: inline event handler"
        assert not re.search(r"<[a-z][^>]*\sstyle\s*=", html, flags=re.I), f"{url}: style attribute"
        assert "<style" not in html.lower(), f"{url}: <style> element"
        assert "javascript:" not in html.lower(), url
    assert checked >= 6
