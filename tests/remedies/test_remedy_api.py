"""/api/v1/recommendations and the remedy flow: scope by role, filters, report, accept, return,
the audit trail, evidence, and nothing written when a step is refused."""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select

from inspections.extensions import db
from inspections.models import Attachment, AuditEvent, Recommendation, RemedyReport

from .conftest import PDF, PNG


def listed(client, query: str = "") -> list[dict]:
    response = client.get("/api/v1/recommendations" + query)
    assert response.status_code == 200, response.get_json()
    return response.get_json()["recommendations"]


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def test_each_role_lists_only_its_scope(app, remedies, login):
    expected = {
        "rep-SKHCN": {remedies.reported, remedies.overdue},  # its own unit
        "rep-SXD": set(),  # another unit, same team
        "rep-SYT": set(),  # a unit of the other team
        "lead2": {remedies.reported, remedies.overdue},  # the team's lead
        "inspector3": {remedies.reported, remedies.overdue},  # the team's inspector
        "lead1": set(),  # another team's lead
        "inspector1": set(),
        "coordinator": {remedies.reported, remedies.overdue},
        "admin": {remedies.reported, remedies.overdue},
    }
    for username, ids in expected.items():
        assert {r["id"] for r in listed(login(username))} == ids, username


def test_statuses_and_filters(app, remedies, login):
    coordinator = login("coordinator")
    rows = {r["id"]: r for r in listed(coordinator)}
    assert rows[remedies.reported]["status"] == "reported" and not rows[remedies.reported]["overdue"]
    assert rows[remedies.overdue]["status"] == "overdue" and rows[remedies.overdue]["overdue"]
    assert rows[remedies.overdue]["stored_status"] == "open"
    assert rows[remedies.reported]["remedy_reports"][0]["state"] == "submitted"
    assert [r["id"] for r in listed(coordinator, "?status=overdue")] == [remedies.overdue]
    assert [r["id"] for r in listed(coordinator, "?status=reported")] == [remedies.reported]
    assert listed(coordinator, "?status=open") == []  # the open one is overdue: it shows as overdue
    assert listed(coordinator, "?status=remedied") == []
    assert [r["id"] for r in listed(coordinator, "?overdue=true")] == [remedies.overdue]
    assert [r["id"] for r in listed(coordinator, "?overdue=0")] == [remedies.reported]
    for query, parameter in (("?status=done", "status"), ("?status=%00", "status"),
                             ("?overdue=maybe", "overdue"), ("?overdue=2", "overdue")):
        response = coordinator.get("/api/v1/recommendations" + query)
        assert response.status_code == 400, query
        body = response.get_json()
        assert [f["field"] for f in body["fields"]] == [parameter] and parameter in body["message"]


def test_the_unit_reports_late_and_the_lead_accepts(app, remedies, login):
    rep, lead = login("rep-SKHCN"), login("lead2")
    url = f"/api/v1/recommendations/{remedies.overdue}"
    response = rep.post(url + "/remedy-reports", json={"text": "Đã ban hành kế hoạch truyền thông",
                                                       "done_on": date.today().isoformat()})
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["remedy_report"]["late"] is True and body["remedy_report"]["state"] == "submitted"
    assert body["recommendation"]["stored_status"] == "reported"
    assert body["recommendation"]["status"] == "overdue"  # still not remedied, past the deadline
    again = rep.post(url + "/remedy-reports", json={"text": "again", "done_on": date.today().isoformat()})
    assert again.status_code == 409 and again.get_json()["error"] == "awaiting_review"

    accepted = lead.post(url + "/accept", json={"comment": "Đạt"})
    assert accepted.status_code == 200, accepted.get_json()
    body = accepted.get_json()
    assert body["recommendation"]["status"] == "remedied" and body["remedy_report"]["state"] == "accepted"
    assert body["remedy_report"]["reviewer"] == "Lê Thị Thu Hà"
    assert lead.post(url + "/accept", json={}).get_json()["error"] == "nothing_to_review"
    after = rep.post(url + "/remedy-reports", json={"text": "more", "done_on": date.today().isoformat()})
    assert after.status_code == 409 and after.get_json()["error"] == "already_remedied"
    with app.app_context():
        events = db.session.execute(select(AuditEvent.action, AuditEvent.visit_id, AuditEvent.reason)
                                    .order_by(AuditEvent.id)).all()
    assert [(a, v) for a, v, _ in events] == [("remedy.submit", remedies.visit_id),
                                             ("remedy.accept", remedies.visit_id)]
    assert events[1].reason == "Đạt"


def test_return_needs_a_comment_and_opens_the_recommendation_again(app, remedies, login):
    rep, coordinator = login("rep-SKHCN"), login("coordinator")
    url = f"/api/v1/recommendations/{remedies.reported}"
    for body in ({}, {"comment": "   "}, {"comment": 5}):
        refused = coordinator.post(url + "/return", json=body)
        assert refused.status_code == 422, body
        assert refused.get_json()["fields"][0]["field"] == "comment"
    assert count(app, AuditEvent) == 0
    returned = coordinator.post(url + "/return", json={"comment": "Thiếu quyết định phê duyệt"})
    assert returned.status_code == 200
    body = returned.get_json()
    assert body["recommendation"]["status"] == "open"
    assert body["remedy_report"]["state"] == "returned"
    assert body["remedy_report"]["review_comment"] == "Thiếu quyết định phê duyệt"
    resent = rep.post(url + "/remedy-reports", json={"text": "Kèm quyết định", "done_on": "01/12/2026"})
    assert resent.status_code == 201
    states = [r["state"] for r in resent.get_json()["recommendation"]["remedy_reports"]]
    assert states == ["returned", "submitted"]
    with app.app_context():
        assert db.session.get(Recommendation, remedies.reported).remedy_status == "reported"
        assert db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all() == [
            "remedy.return", "remedy.submit"]


def test_bad_reports_name_the_field_and_write_nothing(app, remedies, login):
    rep = login("rep-SKHCN")
    url = f"/api/v1/recommendations/{remedies.overdue}/remedy-reports"
    tomorrow = (date.today() + timedelta(days=2)).isoformat()
    cases = [({}, {"text", "done_on"}), ({"text": "x", "done_on": "someday"}, {"done_on"}),
             ({"text": "x", "done_on": tomorrow}, {"done_on"}), ({"text": "", "done_on": "2026-11-30"}, {"text"}),
             ({"text": ["x"], "done_on": 20261130}, {"text", "done_on"}),
             ({"text": "x" * 5001, "done_on": "2026-11-30"}, {"text"})]
    for body, fields in cases:
        response = rep.post(url, json=body)
        assert response.status_code == 422, body
        answer = response.get_json()
        assert set(answer) == {"error", "message", "fields"} and answer["error"] == "invalid", answer  # the one shape
        assert {e["field"] for e in answer["fields"]} == fields, body
        assert all(e["item"] == "" and e["message"] and e["kind"] for e in answer["fields"]), answer
    assert rep.post(url, data="text=x", content_type="text/plain").status_code == 400
    assert rep.post(url, json=["x"]).status_code == 400
    assert rep.post(url, data='{"text": "a\\u0000b", "done_on": "2026-11-30"}',
                    content_type="application/json").status_code == 400
    assert count(app, RemedyReport) == 1 and count(app, AuditEvent) == 0  # only the demo's


def test_who_may_do_what(app, remedies, login):
    report = f"/api/v1/recommendations/{remedies.overdue}/remedy-reports"
    accept = f"/api/v1/recommendations/{remedies.reported}/accept"
    body = {"text": "x", "done_on": "2026-11-30"}
    for username in ("rep-SXD", "rep-SYT", "lead1", "inspector1"):  # cannot see it: 404
        client = login(username)
        assert client.post(report, json=body).status_code == 404, username
        assert client.post(accept, json={}).status_code == 404, username
        assert client.post(accept.replace("accept", "return"), json={"comment": "x"}).status_code == 404
    for username in ("lead2", "inspector3", "coordinator"):  # sees it, is not the unit: 403
        assert login(username).post(report, json=body).status_code == 403, username
    assert login("inspector3").post(accept, json={}).status_code == 403  # a member, not the lead
    assert login("rep-SKHCN").post(accept, json={}).status_code == 403  # the unit never reviews
    assert login("coordinator").post("/api/v1/recommendations/99999/accept", json={}).status_code == 404
    assert count(app, AuditEvent) == 0


def test_nothing_before_the_visit_is_final(app, remedies, login):
    """A reopened visit: its recommendations leave every list and refuse every step."""
    from inspections.models import Visit

    with app.app_context():
        visit = db.session.get(Visit, remedies.visit_id)
        visit.status = "merging"
        db.session.commit()
    rep = login("rep-SKHCN")
    assert listed(rep) == [] and listed(login("coordinator")) == []
    response = rep.post(f"/api/v1/recommendations/{remedies.overdue}/remedy-reports",
                        json={"text": "x", "done_on": "2026-11-30"})
    assert response.status_code == 404  # the rep does not see the visit's record before it is final
    assert login("lead2").post(f"/api/v1/recommendations/{remedies.reported}/accept",
                               json={}).status_code in (403, 404)


def test_evidence_travels_in_a_multipart_report(app, remedies, login):
    rep = login("rep-SKHCN")
    url = f"/api/v1/recommendations/{remedies.overdue}/remedy-reports"
    import io

    bad = rep.post(url, data={"text": "x", "done_on": "2026-11-30",
                              "evidence": [(io.BytesIO(PNG), "ảnh.png"), (io.BytesIO(b"MZ not a file"), "virus.exe")]},
                   content_type="multipart/form-data")
    assert bad.status_code == 422
    error = bad.get_json()["fields"][0]
    assert error["field"] == "evidence" and "virus.exe" in error["message"]
    assert count(app, Attachment) == 0 and count(app, RemedyReport) == 1
    with app.app_context():
        assert db.session.get(Recommendation, remedies.overdue).remedy_status == "open"

    ok = rep.post(url, data={"text": "Đã làm", "done_on": "2026-11-30",
                             "evidence": [(io.BytesIO(PNG), "ảnh.png"), (io.BytesIO(PDF), "kế hoạch.pdf")]},
                  content_type="multipart/form-data")
    assert ok.status_code == 201, ok.get_json()
    files = ok.get_json()["remedy_report"]["evidence"]
    assert [(f["filename"], f["mime"]) for f in files] == [
        ("ảnh.png", "image/png"), ("kế hoạch.pdf", "application/pdf")]
    with app.app_context():
        stored = db.session.scalars(select(Attachment)).all()
        assert {a.visit_id for a in stored} == {None}  # never among the checklist's evidence
    file_url = f"/remedies/evidence/{files[1]['uuid']}"
    assert rep.get(file_url).data == PDF
    assert login("lead2").get(file_url).status_code == 200
    assert rep.get(f"/attachments/{files[1]['uuid']}").data == PDF  # the checklist route asks the same rule
    assert login("coordinator").get(file_url).status_code == 200
    for username in ("rep-SXD", "lead1", "inspector1"):
        assert login(username).get(file_url).status_code == 404, username
        assert login(username).get(f"/attachments/{files[1]['uuid']}").status_code == 404, username
