"""A body sent chunked (no Content-Length) is held to MAX_REQUEST_MB like any other (issue #12 §6).

Werkzeug only stops reading such a body at the limit; before the fix the part up to the limit
was parsed as if it were the whole request (a 2 MB chunked log-in form logged in).
Sent for real over a socket to the threaded server, which de-chunks as gunicorn does.
"""
from __future__ import annotations

import http.client
import json

from tests.conftest import TEST_PASSWORD

LIMIT = 1024 * 1024


def send_chunked(port: int, path: str, body: bytes, content_type: str, headers=None) -> tuple[int, bytes, dict]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.putrequest("POST", path)
    connection.putheader("Content-Type", content_type)
    connection.putheader("Transfer-Encoding", "chunked")
    for name, value in (headers or {}).items():
        connection.putheader(name, value)
    connection.endheaders()
    for start in range(0, len(body), 64 * 1024):
        part = body[start:start + 64 * 1024]
        connection.send(b"%x\r\n" % len(part) + part + b"\r\n")
    connection.send(b"0\r\n\r\n")
    response = connection.getresponse()
    return response.status, response.read(), dict(response.getheaders())


def test_a_chunked_form_over_the_limit_is_413_and_logs_nobody_in(live_server_factory, demo):
    server = live_server_factory(MAX_CONTENT_LENGTH=LIMIT, WTF_CSRF_ENABLED=False)
    body = b"username=inspector1&password=" + TEST_PASSWORD.encode() + b"&pad=" + b"x" * (2 * LIMIT)
    status, page, headers = send_chunked(server.port, "/login", body, "application/x-www-form-urlencoded")
    assert status == 413
    assert "remember_token" not in headers.get("Set-Cookie", "")
    assert "1 MB" in page.decode()


def test_a_chunked_json_body_over_the_limit_is_413_json(live_server_factory, demo):
    server = live_server_factory(MAX_CONTENT_LENGTH=LIMIT, WTF_CSRF_ENABLED=False)
    body = json.dumps({"username": "inspector1", "password": TEST_PASSWORD, "pad": "x" * (2 * LIMIT)}).encode()
    status, raw, _ = send_chunked(server.port, "/api/v1/session", body, "application/json")
    assert status == 413
    assert json.loads(raw)["error"] == "too_large"


def test_a_chunked_body_within_the_limit_works_as_before(live_server_factory, demo):
    server = live_server_factory(MAX_CONTENT_LENGTH=LIMIT, WTF_CSRF_ENABLED=False)
    body = json.dumps({"username": "inspector1", "password": TEST_PASSWORD, "pad": "x" * (LIMIT // 2)}).encode()
    status, raw, _ = send_chunked(server.port, "/api/v1/session", body, "application/json")
    assert status == 200 and json.loads(raw)["user"]["username"] == "inspector1"
    form = b"username=inspector1&password=" + TEST_PASSWORD.encode()
    status, _, headers = send_chunked(server.port, "/login", form, "application/x-www-form-urlencoded")
    assert status == 302 and headers["Location"] == "/"
