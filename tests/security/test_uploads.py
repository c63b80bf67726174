"""Evidence uploads: the content decides the type, names never become paths.

- a file whose name, declared type or first bytes lie (HTML or SVG called photo.png, a script
  sent as image/jpeg) is refused with 415 and nothing is stored;
- an accepted file is served back with the type that was sniffed, nosniff and a safe
  Content-Disposition, never as HTML;
- a uuid like ../../etc/passwd, percent-encoded or not, is refused; a file name full of slashes,
  dots, NULs or newlines is reduced to a display name and the file lands under UPLOAD_DIR by uuid.
"""
from __future__ import annotations

import io
import os
from pathlib import Path

import pytest

from .conftest import JPEG, PDF, PNG, api_login, changed, fingerprint, new_uuid


@pytest.fixture
def inspector(app, client, teams):
    api_login(client, "inspector1")
    return client, teams["1"]["visits"][0]


SPOOFED = [
    ("photo.png", b"<html><script>alert(1)</script></html>"),
    ("photo.jpg", b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>"),
    ("scan.pdf", b"#!/bin/sh\nrm -rf /\n"),
    ("photo.png", b"\x89PN"),  # a truncated signature
    ("x.exe", b"MZ\x90\x00\x03\x00\x00\x00"),
    ("photo.gif", b"GIF89a\x01\x00\x01\x00\x00\x00\x00;"),
]


@pytest.mark.parametrize("filename,data", SPOOFED)
def test_spoofed_types_are_refused_through_the_api(app, inspector, filename, data):
    client, visit_id = inspector
    before = fingerprint(app)
    for declared in ("image/png", "image/jpeg", "application/pdf"):
        response = client.put(f"/api/v1/attachments/{new_uuid()}?visit_id={visit_id}&filename={filename}",
                              data=data, headers={"Content-Type": declared})
        assert response.status_code == 415, response.get_data(as_text=True)
        assert response.get_json()["error"] == "type"
    assert changed(before, fingerprint(app)) == []


@pytest.mark.parametrize("filename,data", SPOOFED)
def test_spoofed_types_are_refused_through_the_form(app, inspector, filename, data):
    client, visit_id = inspector
    before = fingerprint(app)
    response = client.post(f"/visits/{visit_id}/attachments", data={
        "uuid": new_uuid(), "item_code": "A1_file",
        "file": (io.BytesIO(data), filename, "image/png")}, content_type="multipart/form-data")
    assert response.status_code == 415
    assert changed(before, fingerprint(app)) == []


@pytest.mark.parametrize("data,mime", [(PNG, "image/png"), (JPEG, "image/jpeg"), (PDF, "application/pdf")])
def test_stored_files_are_served_with_the_sniffed_type_and_nosniff(app, inspector, data, mime):
    client, visit_id = inspector
    uuid = new_uuid()
    response = client.put(f"/api/v1/attachments/{uuid}?visit_id={visit_id}&filename=page.html",
                          data=data, headers={"Content-Type": "text/html"})
    assert response.status_code == 201
    body = response.get_json()
    assert body["mime"] == mime
    assert not body["filename"].endswith(".html")  # page.html that is a PNG becomes page.html.png
    served = client.get(f"/attachments/{uuid}?download=1")
    assert served.status_code == 200
    assert served.headers["Content-Type"].split(";")[0] == mime
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    assert served.headers["Content-Disposition"].startswith("attachment")
    assert served.data == data


PATH_TRICKS = [
    "../../etc/passwd", "..%2F..%2Fetc%2Fpasswd", "%2e%2e%2f%2e%2e%2fetc%2fpasswd", "....//....//etc/passwd",
    "/etc/passwd", "..\\..\\windows\\win.ini", "00000000-0000-0000-0000-000000000000/../../x",
    "a" * 300, "%00", "12345678-1234-1234-1234-1234567890ab%00.png", "12345678-1234-1234-1234-1234567890ab/..",
]


@pytest.mark.parametrize("uuid", PATH_TRICKS)
def test_path_tricks_in_the_uuid_are_refused(app, inspector, tmp_path, uuid):
    client, visit_id = inspector
    before = fingerprint(app)
    response = client.put(f"/api/v1/attachments/{uuid}?visit_id={visit_id}", data=PNG)
    assert response.status_code in (400, 404, 405), response.status_code
    response = client.get(f"/attachments/{uuid}")
    assert response.status_code in (400, 404)
    assert changed(before, fingerprint(app)) == []


NASTY_NAMES = ["../../etc/passwd.png", "..\\..\\boot.ini.png", "/tmp/evil.png", "a/b/c/../../d.png",
               "photo.png\x00.html", "line\r\nSet-Cookie: x=1.png", "<script>alert(1)</script>.png",
               ".htaccess", "con.png", "\u202etxt.png", "x" * 1000 + ".png", "ảnh chụp biên bản.png"]


@pytest.mark.parametrize("filename", NASTY_NAMES)
def test_file_names_never_become_paths(app, inspector, filename):
    client, visit_id = inspector
    upload_dir = Path(app.config["UPLOAD_DIR"]).resolve()
    outside_before = set(os.listdir(upload_dir.parent))
    uuid = new_uuid()
    from urllib.parse import quote

    response = client.put(f"/api/v1/attachments/{uuid}?visit_id={visit_id}", data=PNG,
                          headers={"X-Filename": quote(filename)})
    assert response.status_code == 201, response.get_data(as_text=True)
    stored_name = response.get_json()["filename"]
    assert "/" not in stored_name and "\\" not in stored_name and "\x00" not in stored_name
    assert "\r" not in stored_name and "\n" not in stored_name
    assert len(stored_name) <= 200
    files = [p for p in upload_dir.rglob("*") if p.is_file()]
    assert [p.name for p in files if p.name == uuid] == [uuid]
    assert all(p.resolve().is_relative_to(upload_dir) for p in files)
    assert set(os.listdir(upload_dir.parent)) == outside_before
    served = client.get(f"/attachments/{uuid}?download=1")
    assert served.status_code == 200
    disposition = served.headers["Content-Disposition"]
    assert "\n" not in disposition and "\r" not in disposition and "/" not in disposition.split("filename")[1]
    assert "Set-Cookie" not in served.headers


def test_the_form_upload_also_ignores_the_path_in_the_name(app, inspector):
    client, visit_id = inspector
    upload_dir = Path(app.config["UPLOAD_DIR"]).resolve()
    response = client.post(f"/visits/{visit_id}/attachments", data={
        "uuid": new_uuid(), "item_code": "A1_file", "file": (io.BytesIO(PNG), "../../../../tmp/owned.png")},
        content_type="multipart/form-data")
    assert response.status_code == 201
    assert response.get_json()["filename"] == "owned.png"
    assert not Path("/tmp/owned.png").exists() or Path("/tmp/owned.png").read_bytes() != PNG
    assert all(p.resolve().is_relative_to(upload_dir) for p in upload_dir.rglob("*"))


def test_a_uuid_can_not_be_taken_over_with_other_bytes(app, inspector):
    client, visit_id = inspector
    uuid = new_uuid()
    assert client.put(f"/api/v1/attachments/{uuid}?visit_id={visit_id}", data=PNG).status_code == 201
    before = fingerprint(app)
    response = client.put(f"/api/v1/attachments/{uuid}?visit_id={visit_id}", data=JPEG)
    assert response.status_code == 409
    assert changed(before, fingerprint(app)) == []
    assert client.get(f"/attachments/{uuid}").data == PNG


def test_an_upload_over_the_limit_is_refused_before_it_is_stored(make_app, teams):
    app = make_app(MAX_UPLOAD_BYTES=1024)
    client = app.test_client()
    api_login(client, "inspector1")
    before = fingerprint(app)
    big = PNG + b"\x00" * 2048
    response = client.put(f"/api/v1/attachments/{new_uuid()}?visit_id={teams['1']['visits'][0]}", data=big)
    assert response.status_code == 413
    assert changed(before, fingerprint(app)) in ([], ["user_account"])
