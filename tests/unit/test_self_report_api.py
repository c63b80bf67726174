"""The unit's own report through GET/PUT /api/v1/visits/{id}/self-report: revisions with the
rules of submissions, the checklist's validator and its field-named messages, history kept."""
from datetime import date

from inspections.extensions import db
from inspections.models import AuditEvent, SelfReport, SelfReportRevision, Visit
from tests.conftest import AuthActions

ANSWERS = {"A1": "yes", "A2": "no", "C1": {"male": 10, "female": 20}, "C2": {"male": 2, "female": 3}, "B4_meetings": 2}


def url(visit_id):
    return f"/api/v1/visits/{visit_id}/self-report"


def put(client, visit_id, revision, answers=None, state="submitted", notes=None):
    body = {"answers": ANSWERS if answers is None else answers, "state": state, "revision": revision}
    if notes is not None:
        body["notes"] = notes
    return client.put(url(visit_id), json=body)


def test_rep_reads_an_empty_report_then_stores_revisions(client, visits):
    AuthActions(client).login("rep-SGDDT")
    visit_id = visits["SGDDT"]
    first = client.get(url(visit_id))
    assert first.status_code == 200
    body = first.get_json()
    assert body["state"] == "missing" and body["revision"] == 0 and body["answers"] == {}
    assert body["unit"]["code"] == "SGDDT"
    assert "C1" in body["items"] and "A3" not in body["items"]  # A3 is the team's
    assert body["due_date"] == "2026-11-13"  # five days before the visit of 18/11

    created = put(client, visit_id, 1, state="draft", notes={"C1": "theo báo cáo quý 3"})
    assert created.status_code == 201, created.get_json()
    assert created.get_json()["status"] == "created"
    again = put(client, visit_id, 1, state="draft", notes={"C1": "theo báo cáo quý 3"})
    assert again.status_code == 200 and again.get_json()["status"] == "unchanged"
    conflict = put(client, visit_id, 1, state="submitted")
    assert conflict.status_code == 409 and conflict.get_json()["error"] == "conflict"
    updated = put(client, visit_id, 2, state="submitted")
    assert updated.status_code == 200 and updated.get_json()["status"] == "updated"
    stale = put(client, visit_id, 1, state="draft")
    assert stale.status_code == 409 and stale.get_json()["error"] == "stale"
    assert stale.get_json()["server_revision"] == 2

    now = client.get(url(visit_id)).get_json()
    assert now["state"] == "submitted" and now["revision"] == 2 and now["answers"] == ANSWERS
    with client.application.app_context():
        report = db.session.scalar(db.select(SelfReport).where(SelfReport.visit_id == visit_id))
        history = db.session.scalars(db.select(SelfReportRevision.revision).where(
            SelfReportRevision.self_report_id == report.id).order_by(SelfReportRevision.revision)).all()
        assert history == [1, 2]
        actions = db.session.scalars(db.select(AuditEvent.action).where(AuditEvent.visit_id == visit_id)).all()
        assert "self_report.submitted" in actions and "self_report.saved" in actions


def test_the_checklist_validator_names_the_field(client, visits):
    AuthActions(client).login("rep-SGDDT")
    visit_id = visits["SGDDT"]
    bad = put(client, visit_id, 1, answers={"A1": "maybe", "C1": {"male": -1, "female": 2},
                                             "C2": {"male": 50, "female": 1}, "A3": "yes"})
    assert bad.status_code == 422
    errors = bad.get_json()["errors"]
    fields = {e["field"] for e in errors}
    assert {"A1", "C1.male", "A3"} <= fields
    assert all(e["message"] for e in errors)
    assert any(e["kind"] == "not_self_report" and e["code"] == "A3" for e in errors)
    # submitting needs the unit's required items (A1, A2, C1, C2), never the team's (A3, A4 ...)
    missing = put(client, visit_id, 1, answers={"A1": "yes"})
    assert missing.status_code == 422
    required = {e["code"] for e in missing.get_json()["errors"] if e["kind"] == "required"}
    assert required == {"A2", "C1", "C2"}
    # a draft may leave them out
    assert put(client, visit_id, 1, answers={"A1": "yes"}, state="draft").status_code == 201
    with client.application.app_context():
        assert db.session.scalar(db.select(SelfReport.revision).where(SelfReport.visit_id == visit_id)) == 1


def test_malformed_bodies_name_the_field(client, visits):
    AuthActions(client).login("rep-SGDDT")
    visit_id = visits["SGDDT"]
    cases = [
        ({"answers": [], "state": "draft", "revision": 1}, "answers"),
        ({"answers": {}, "state": "final", "revision": 1}, "state"),
        ({"answers": {}, "state": "draft", "revision": 0}, "revision"),
        ({"answers": {}, "state": "draft", "revision": True}, "revision"),
        ({"answers": {}, "state": "draft", "revision": "2"}, "revision"),
        ({"answers": {}, "notes": [], "state": "draft", "revision": 1}, "notes"),
    ]
    for body, field in cases:
        response = client.put(url(visit_id), json=body)
        assert response.status_code == 400, body
        assert response.get_json()["field"] == field
    notes = client.put(url(visit_id), json={"answers": {}, "notes": {"A3": "x", "C1": 5}, "state": "draft",
                                            "revision": 1})
    assert notes.status_code == 422
    assert {e["field"] for e in notes.get_json()["errors"]} == {"note.A3", "note.C1"}
    assert client.put(url(visit_id), data="{", content_type="application/json").status_code == 400


def test_closed_once_the_visit_starts_or_the_lead_locks(client, visits, app):
    AuthActions(client).login("rep-SGDDT")
    visit_id = visits["SGDDT"]
    assert put(client, visit_id, 1).status_code == 201
    with app.app_context():
        visit = db.session.get(Visit, visit_id)
        visit.self_report_locked_at = visit.created_at
        db.session.commit()
    locked = put(client, visit_id, 2)
    assert locked.status_code == 409 and locked.get_json()["error"] == "report_closed"
    with app.app_context():
        visit = db.session.get(Visit, visit_id)
        visit.self_report_locked_at = None
        visit.status = "in_progress"
        db.session.commit()
    assert put(client, visit_id, 2).get_json()["error"] == "report_closed"
    assert client.get(url(visit_id)).get_json()["open"] is False


def test_team_reads_the_report_but_never_writes_it(client, visits):
    AuthActions(client).login("rep-SYT")  # the demo's SYT report is submitted already
    assert client.get(url(visits["SYT"])).get_json()["state"] == "submitted"
    client.post("/logout")
    for username, status in (("lead1", 403), ("inspector1", 403), ("coordinator", 403), ("lead2", 404),
                             ("inspector3", 404)):
        AuthActions(client).login(username)
        assert client.get(url(visits["SYT"])).status_code == (200 if status == 403 else 404), username
        assert put(client, visits["SYT"], 5).status_code == status, username
        client.post("/logout")


def test_overdue_after_the_due_date(app, visits):
    from inspections.unit import services

    with app.app_context():
        visit = db.session.get(Visit, visits["SGDDT"])
        status = services.status_of(visit, None, today=date(2026, 11, 14))
        assert status.overdue and status.state == "missing"
        assert not services.status_of(visit, None, today=date(2026, 11, 13)).overdue
        visit.self_report_due = date(2026, 11, 16)
        assert not services.status_of(visit, None, today=date(2026, 11, 14)).overdue
        submitted = services.find_report(db.session.get(Visit, visits["SYT"]))
        assert not services.status_of(submitted.visit, submitted, today=date(2026, 11, 30)).overdue


def test_openapi_describes_the_self_report(client, demo):
    AuthActions(client).login("rep-SYT")
    document = client.get("/api/v1/openapi.json").get_json()
    path = document["paths"]["/api/v1/visits/{visit_id}/self-report"]
    assert set(path) == {"get", "put"}
    assert "SelfReport" in document["components"]["schemas"]
    assert set(document["components"]["schemas"]["SelfReportInput"]["required"]) == {"answers", "state", "revision"}


def test_the_demo_has_a_rep_per_unit_and_one_report_submitted(app, demo):
    from inspections.demo import UNITS
    from inspections.models import User

    with app.app_context():
        reps = db.session.scalars(db.select(User).where(User.role == "unit")).all()
        assert sorted(u.username for u in reps) == sorted(f"rep-{code}" for code, *_rest in UNITS)
        assert all(u.unit.code == u.username[4:] for u in reps)
        reports = db.session.scalars(db.select(SelfReport)).all()
        assert [(r.visit.unit.code, r.state) for r in reports] == [("SYT", "submitted")]
