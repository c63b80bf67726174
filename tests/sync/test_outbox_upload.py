"""/outbox/upload: a lead or coordinator stores an outbox file saved on a phone, never bypassing teams."""
from __future__ import annotations

import base64
import io
import json

import pytest
from sqlalchemy import select

from inspections.extensions import db
from inspections.models import Attachment, AuditEvent, Submission
from tests.conftest import AuthActions

from .conftest import PNG, item, new_uuid


def outbox_file(*submissions, user="inspector1", attachments=()) -> dict:
    body = {"format": "inspections-outbox", "version": 1, "exported_at": "2026-11-20T10:00:00Z",
            "submissions": list(submissions), "attachments": list(attachments)}
    if user is not None:
        body["user"] = {"username": user}
    return body


def upload(client, content, name="outbox.json"):
    data = content if isinstance(content, bytes) else json.dumps(content).encode()
    return client.post("/outbox/upload", data={"outbox_file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def stored(app, uuid):
    with app.app_context():
        row = db.session.scalar(select(Submission).where(Submission.uuid == uuid))
        return (row.inspector.username, row.revision) if row else None


def test_the_lead_stores_an_inspectors_file_for_that_inspector(app, client, demo, visits):
    AuthActions(client).login("lead1")
    page = client.get("/outbox/upload")
    assert page.status_code == 200 and "outbox_file" in page.get_data(as_text=True)
    first, second = item(visits["SYT"]), item(visits["STC"], state="draft")
    response = upload(client, outbox_file(first, second))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert f'data-uuid="{first["uuid"]}" data-status="created"' in html
    assert stored(app, first["uuid"]) == ("inspector1", 1)
    assert stored(app, second["uuid"]) == ("inspector1", 1)
    with app.app_context():
        events = db.session.scalars(select(AuditEvent)
                                    .where(AuditEvent.action == "submission.uploaded_from_file")).all()
        assert len(events) == 2 and all(e.actor.username == "lead1" for e in events)
    # the same file again changes nothing
    again = upload(client, outbox_file(first, second)).get_data(as_text=True)
    assert f'data-uuid="{first["uuid"]}" data-status="unchanged"' in again


def test_a_lead_of_another_team_cannot_store_it(app, client, demo, visits):
    AuthActions(client).login("lead2")
    body = item(visits["SYT"])
    html = upload(client, outbox_file(body)).get_data(as_text=True)
    assert f'data-uuid="{body["uuid"]}" data-status="rejected"' in html
    assert stored(app, body["uuid"]) is None


def test_a_coordinator_may_store_it_but_only_on_the_inspectors_own_team(app, client, demo, visits):
    AuthActions(client).login("coordinator")
    own_team, other_team = item(visits["SYT"]), item(visits["XA-HP"])
    html = upload(client, outbox_file(own_team, other_team)).get_data(as_text=True)
    assert stored(app, own_team["uuid"]) == ("inspector1", 1)
    assert stored(app, other_team["uuid"]) is None  # inspector1 is not on team 2: no bypass
    assert f'data-uuid="{other_team["uuid"]}" data-status="rejected"' in html


def test_a_file_without_a_user_is_the_uploaders_own_work(app, client, demo, visits):
    AuthActions(client).login("lead1")
    body = item(visits["SYT"])
    upload(client, outbox_file(body, user=None))
    assert stored(app, body["uuid"]) == ("lead1", 1)


def test_a_file_naming_an_unknown_user_stores_nothing(app, client, demo, visits):
    AuthActions(client).login("coordinator")
    body = item(visits["SYT"])
    html = upload(client, outbox_file(body, user="ghost")).get_data(as_text=True)
    assert 'data-status="rejected"' in html and stored(app, body["uuid"]) is None


def test_attachments_in_the_file_are_stored_before_the_submissions(app, client, demo, visits):
    AuthActions(client).login("lead1")
    file_uuid = new_uuid()
    body = item(visits["SYT"])
    body["answers"]["A1_file"] = [file_uuid]
    attachment = {"uuid": file_uuid, "visit_id": visits["SYT"], "item_code": "A1_file",
                  "filename": "anh.png", "type": "image/png", "data": base64.b64encode(PNG).decode()}
    html = upload(client, outbox_file(body, attachments=[attachment])).get_data(as_text=True)
    assert f'data-uuid="{file_uuid}" data-status="created"' in html
    assert stored(app, body["uuid"]) == ("inspector1", 1)
    with app.app_context():
        row = db.session.scalar(select(Attachment).where(Attachment.uuid == file_uuid))
        assert row.uploaded_by.username == "inspector1" and row.size == len(PNG)


def test_odd_names_and_ids_in_a_file_are_refused_not_crashed(app, client, demo, visits):
    AuthActions(client).login("coordinator")
    body = item(visits["SYT"])
    # A refused text outside the submissions damages the whole file: a 400 that says where.
    response = upload(client, outbox_file(body, user="ghost\u0000"))
    assert response.status_code == 400 and "$.user" in response.get_data(as_text=True)
    attachment = {"uuid": new_uuid(), "visit_id": 2**63, "data": base64.b64encode(PNG).decode()}
    html = upload(client, outbox_file(attachments=[attachment])).get_data(as_text=True)
    assert 'data-status="rejected"' in html


@pytest.mark.parametrize("content", [b"not json", b'{"format": "something else"}', b"\xff\xfe"])
def test_files_that_are_not_outbox_files_are_refused(client, demo, content):
    AuthActions(client).login("lead1")
    response = upload(client, content)
    assert response.status_code == 400
    assert "flash-error" in response.get_data(as_text=True)


def test_no_file_chosen_is_400(client, demo):
    AuthActions(client).login("lead1")
    assert client.post("/outbox/upload", data={}).status_code == 400


def test_inspectors_may_not_open_the_upload_page(client, demo):
    AuthActions(client).login("inspector1")
    assert client.get("/outbox/upload").status_code == 403
