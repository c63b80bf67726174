"""Another team's visits, submissions and attachments are refused, through the pages and the API.

Team 1 (lead1, inspector1, inspector2) has stored a checklist and a photo for its first visit.
Team 2 (lead2, inspector3) may neither read them nor write to them by any route that takes a
visit id (built from the URL map), nor reach them through the sync API by visit id or by uuid:
every attempt is a 403/404 (or a per-item rejection) and nothing stored changes.
"""
from __future__ import annotations

import json

import pytest
from flask import url_for

from .conftest import PNG, WRITE_METHODS, api_login, changed, fingerprint, new_uuid, submission_item

OUTSIDERS = ("lead2", "inspector3")


@pytest.fixture
def stored(app, client, teams):
    """inspector1's checklist and photo for team 1's first visit; returns their ids."""
    visit_id = teams["1"]["visits"][0]
    api_login(client, "inspector1")
    item = submission_item(visit_id)
    response = client.post("/api/v1/submissions", json={"submissions": [item]})
    assert response.get_json()["results"][0]["status"] == "created"
    photo = new_uuid()
    response = client.put(f"/api/v1/attachments/{photo}?visit_id={visit_id}&filename=a.png", data=PNG)
    assert response.status_code == 201, response.get_data(as_text=True)
    client.delete("/api/v1/session")
    from inspections.extensions import db
    from inspections.models import User

    with app.app_context():
        inspector1 = db.session.scalar(db.select(User.id).where(User.username == "inspector1"))
        db.session.remove()
    return {"visit_id": visit_id, "uuid": item["uuid"], "attachment": photo, "inspector1": inspector1,
            "item": item}


def rules_with_visit(app):
    for rule in app.url_map.iter_rules():
        if "visit_id" in rule.arguments:
            yield rule


def url_of(app, rule, visit_id: int) -> str:
    values = {name: (visit_id if name == "visit_id" else 1) for name in rule.arguments}
    with app.test_request_context():
        return url_for(rule.endpoint, **values)


@pytest.mark.parametrize("username", OUTSIDERS)
def test_every_route_of_another_teams_visit_is_refused(app, stored, username):
    client = app.test_client()
    api_login(client, username)
    before = fingerprint(app)
    failures = []
    rules = list(rules_with_visit(app))
    assert len(rules) >= 10
    for rule in rules:
        url = url_of(app, rule, stored["visit_id"])
        for method in sorted(rule.methods & {"GET", *WRITE_METHODS}):
            if url.startswith("/api/"):
                response = client.open(url, method=method, json={"version": 1, "item_code": "A1", "value": "no",
                                                                 "reason": "x", "comment": "x"})
            else:
                response = client.open(url, method=method, data={"A1": "no", "action": "submit",
                                                                 "reason": "x", "text": "x"})
            if response.status_code not in (403, 404):
                failures.append(f"{username} {method} {url}: {response.status_code}")
    assert not failures, "\n".join(failures)
    assert changed(before, fingerprint(app)) == []


@pytest.mark.parametrize("username", OUTSIDERS)
def test_another_inspectors_revisions_and_evidence_are_not_found(app, stored, username):
    client = app.test_client()
    api_login(client, username)
    visit_id = stored["visit_id"]
    assert client.get(f"/visits/{visit_id}/checklist/revisions/1?inspector={stored['inspector1']}").status_code == 404
    assert client.get(f"/attachments/{stored['attachment']}").status_code == 404
    assert client.get(f"/attachments/{stored['attachment']}?download=1").status_code == 404
    assert client.get(f"/attachments/{stored['attachment'].upper()}").status_code == 404
    bootstrap = client.get("/api/v1/bootstrap").get_json()
    assert visit_id not in [v["id"] for v in bootstrap["visits"]]
    assert stored["uuid"] not in json.dumps(bootstrap)


def test_the_sync_api_refuses_another_teams_visit_and_uuids(app, stored, teams):
    client = app.test_client()
    api_login(client, "inspector3")
    own_visit = teams["2"]["visits"][0]
    before = fingerprint(app)
    items = [
        submission_item(stored["visit_id"]),  # a visit of team 1
        submission_item(stored["visit_id"], uuid=stored["uuid"], revision=2),  # inspector1's checklist, newer
    ]
    response = client.post("/api/v1/submissions", json={"submissions": items})
    assert response.status_code == 200
    results = response.get_json()["results"]
    assert [r["status"] for r in results] == ["rejected"] * 2
    assert [r["reason"] for r in results] == ["forbidden", "forbidden"]
    after = fingerprint(app)
    # Only the sync time of inspector3 moves; no submission, revision or visit changes.
    assert changed(before, after) in ([], ["user_account"])

    # inspector1's uuid on my own visit is my own checklist under that uuid (uuids are unique
    # per inspector): stored for me, and inspector1's checklist is untouched.
    from inspections.extensions import db
    from inspections.models import Submission

    with app.app_context():
        theirs_before = db.session.execute(db.select(Submission.__table__).where(
            Submission.inspector_id == stored["inspector1"])).all()
    response = client.post("/api/v1/submissions", json={"submissions": [
        submission_item(own_visit, uuid=stored["uuid"].upper(), revision=5)]})
    assert response.get_json()["results"][0]["status"] == "created"
    with app.app_context():
        assert db.session.execute(db.select(Submission.__table__).where(
            Submission.inspector_id == stored["inspector1"])).all() == theirs_before
        mine = db.session.scalar(db.select(Submission).where(
            Submission.uuid == stored["uuid"], Submission.inspector_id != stored["inspector1"]))
        assert mine.visit_id == own_visit and mine.revision == 5


def test_attachments_of_another_team_cannot_be_overwritten_or_moved(app, stored, teams):
    client = app.test_client()
    api_login(client, "inspector3")
    own_visit = teams["2"]["visits"][0]
    before = fingerprint(app)
    other = b"\x89PNG\r\n\x1a\n" + b"another picture"
    attempts = [
        (stored["attachment"], stored["visit_id"], PNG),  # the same file, their visit
        (stored["attachment"], own_visit, other),  # their uuid, my visit, my bytes
        (stored["attachment"], own_visit, PNG),  # their uuid, my visit, their bytes
        (new_uuid(), stored["visit_id"], PNG),  # a new file on their visit
    ]
    for uuid, visit_id, data in attempts:
        response = client.put(f"/api/v1/attachments/{uuid}?visit_id={visit_id}", data=data)
        assert response.status_code in (403, 404, 409), (uuid, visit_id, response.status_code)
        assert response.is_json
        response = client.put(f"/api/v1/attachments/{uuid}", data=data, headers={"X-Visit-Id": str(visit_id)})
        assert response.status_code in (403, 404, 409)
        response = client.post(f"/visits/{visit_id}/attachments",
                               data={"uuid": uuid, "item_code": "A1_file",
                                     "file": (__import__("io").BytesIO(data), "a.png")})
        assert response.status_code in (403, 404, 409), (uuid, visit_id, response.status_code)
    assert changed(before, fingerprint(app)) == []


@pytest.mark.parametrize("uploader", ["lead2", "inspector3"])
def test_an_outbox_file_cannot_carry_another_teams_work(app, stored, teams, uploader):
    """The outbox upload (for leads and staff) never stores work on a visit of a team the
    uploader does not lead, whoever the file names."""
    import io

    client = app.test_client()
    api_login(client, uploader)
    before = fingerprint(app)
    for named in ("inspector1", uploader):
        outbox = {"format": "inspections-outbox", "user": {"username": named},
                  "submissions": [submission_item(stored["visit_id"], uuid=stored["uuid"], revision=9),
                                  submission_item(stored["visit_id"])],
                  "attachments": [{"uuid": new_uuid(), "visit_id": stored["visit_id"], "filename": "a.png",
                                   "data": __import__("base64").b64encode(PNG).decode()}]}
        response = client.post("/outbox/upload", data={
            "outbox_file": (io.BytesIO(json.dumps(outbox).encode()), "outbox.json")})
        assert response.status_code in (200, 400, 403, 404)
    assert changed(before, fingerprint(app)) == []


def test_another_teams_submission_ids_are_refused_by_the_review_of_my_own_visit(app, stored, teams):
    """lead2 reviews his own visit but names inspector1's checklist (team 1) by its id: refused
    by every review action, through the API and the pages, and nothing changes."""
    from inspections.extensions import db
    from inspections.models import Submission, Visit

    with app.app_context():
        submission_id = db.session.scalar(db.select(Submission.id).where(Submission.uuid == stored["uuid"]))
        own_visit = teams["2"]["visits"][0]
        version = db.session.get(Visit, own_visit).version
        db.session.remove()
    client = app.test_client()
    api_login(client, "lead2")
    before = fingerprint(app)
    api_calls = [
        ("approve", {"submission_id": submission_id}),
        ("send-back", {"submission_id": submission_id, "comments": [{"item_code": "A1", "comment": "x"}]}),
        ("resolutions", {"item_code": "A1", "source": "picked", "submission_id": submission_id}),
        ("resolutions", {"item_code": "A1", "source": "picked", "submission_id": submission_id, "source_revision": 1}),
    ]
    for path, body in api_calls:
        response = client.post(f"/api/v1/visits/{own_visit}/{path}", json={"version": version, **body})
        assert 400 <= response.status_code < 500, (path, response.status_code)
    page_calls = [
        ("approve", {"submission_id": submission_id, "version": version}),
        ("send-back", {"submission_id": submission_id, "version": version, "comment-A1": "x"}),
        ("resolve", {"item_code": "A1", "choice": f"pick-{submission_id}-1", "version": version}),
    ]
    for path, form in page_calls:
        response = client.post(f"/review/visits/{own_visit}/{path}", data=form)
        assert response.status_code in (302, 303, 400, 403, 404, 409, 422), (path, response.status_code)
    assert changed(before, fingerprint(app)) == []
    # Team 1's checklist was not approved, sent back or copied into team 2's decisions.
    assert client.get(f"/review/visits/{stored['visit_id']}").status_code in (403, 404)
