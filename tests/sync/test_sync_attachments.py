"""PUT /api/v1/attachments/<uuid>: raw bytes, idempotent by uuid + sha256, type from the bytes."""
from __future__ import annotations

import hashlib
from urllib.parse import quote

import pytest
from sqlalchemy import select

from inspections.extensions import db
from inspections.models import Attachment
from tests.conftest import AuthActions

from .conftest import JPEG, PDF, PNG, item, new_uuid, post, results


@pytest.fixture
def inspector(client, demo):
    AuthActions(client).login("inspector1")
    return client


def put(client, uuid, data, **params):
    query = "&".join(f"{k}={quote(str(v))}" for k, v in params.items())
    return client.put(f"/api/v1/attachments/{uuid}?{query}", data=data,
                      headers={"Content-Type": "application/octet-stream"})


def test_created_then_same_bytes_then_different_bytes(app, inspector, visits):
    uuid = new_uuid()
    first = put(inspector, uuid, PNG, visit_id=visits["SYT"], item_code="A1_file", filename="ke-hoach.png")
    assert first.status_code == 201
    body = first.get_json()
    assert body == {"uuid": uuid, "status": "created", "sha256": hashlib.sha256(PNG).hexdigest(),
                    "size": len(PNG), "mime": "image/png", "filename": "ke-hoach.png",
                    "visit_id": visits["SYT"], "item_code": "A1_file"}
    again = put(inspector, uuid, PNG, visit_id=visits["SYT"], item_code="A1_file", filename="ke-hoach.png")
    assert again.status_code == 200 and again.get_json()["status"] == "unchanged"
    other = put(inspector, uuid, JPEG, visit_id=visits["SYT"], item_code="A1_file")
    assert other.status_code == 409 and other.get_json()["error"] == "conflict"
    with app.app_context():
        rows = db.session.scalars(select(Attachment)).all()
        assert len(rows) == 1 and rows[0].sha256 == hashlib.sha256(PNG).hexdigest()


def test_visit_item_and_name_may_come_in_headers(inspector, visits):
    uuid = new_uuid()
    response = inspector.put(f"/api/v1/attachments/{uuid}", data=PDF, headers={
        "X-Visit-Id": str(visits["SYT"]), "X-Item-Code": "D1_file",
        "X-Filename": quote("Nội quy cơ quan.pdf"), "Content-Type": "application/pdf"})
    assert response.status_code == 201
    body = response.get_json()
    assert body["filename"] == "Nội quy cơ quan.pdf" and body["mime"] == "application/pdf"
    assert body["item_code"] == "D1_file"


def test_the_type_comes_from_the_bytes_not_the_name(inspector, visits):
    response = put(inspector, new_uuid(), b"MZ\x90\x00 not a picture", visit_id=visits["SYT"], filename="photo.jpg")
    assert response.status_code == 415 and response.get_json()["error"] == "type"


def test_too_large_is_413(make_app, demo, visits):
    app = make_app(MAX_UPLOAD_BYTES=1000)
    client = app.test_client()
    AuthActions(client).login("inspector1")
    response = put(client, new_uuid(), PNG + b"\x00" * 2000, visit_id=visits["SYT"])
    assert response.status_code == 413 and response.is_json


def test_another_teams_visit_is_not_found(inspector, visits):
    response = put(inspector, new_uuid(), PNG, visit_id=visits["XA-HP"])
    assert response.status_code == 404 and response.is_json


def test_a_visit_one_may_see_but_not_fill_is_forbidden(client, demo, visits):
    AuthActions(client).login("coordinator")
    response = put(client, new_uuid(), PNG, visit_id=visits["SYT"])
    assert response.status_code == 403 and response.get_json()["error"] == "forbidden"


@pytest.mark.parametrize("uuid, params, status", [
    ("not-a-uuid", {"visit_id": 1}, 400),
    (None, {}, 400),
    (None, {"visit_id": "abc"}, 400),
    (None, {"visit_id": 1, "item_code": "A1"}, 400),  # A1 takes no files
])
def test_bad_uploads_are_400(inspector, visits, uuid, params, status):
    if params.get("visit_id") == 1:
        params = dict(params, visit_id=visits["SYT"])
    response = put(inspector, uuid or new_uuid(), PNG, **params)
    assert response.status_code == status and response.is_json


def test_an_empty_file_is_refused(inspector, visits):
    response = put(inspector, new_uuid(), b"", visit_id=visits["SYT"])
    assert response.status_code == 400 and response.get_json()["error"] == "empty"


def test_a_submission_may_refer_to_an_uploaded_file(app, inspector, visits):
    file_uuid = new_uuid()
    assert put(inspector, file_uuid, JPEG, visit_id=visits["SYT"], item_code="A1_file").status_code == 201
    body = item(visits["SYT"])
    body["answers"]["A1_file"] = [file_uuid]
    [result] = results(post(inspector, body))
    assert result["status"] == "created"


def test_a_resend_may_leave_the_visit_out(inspector, visits):
    uuid = new_uuid()
    assert put(inspector, uuid, PNG, visit_id=visits["SYT"]).status_code == 201
    response = inspector.put(f"/api/v1/attachments/{uuid}", data=PNG)
    assert response.status_code == 200 and response.get_json()["visit_id"] == visits["SYT"]
