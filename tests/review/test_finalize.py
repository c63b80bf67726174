"""Finalize: refused with every reason while conflicts or missing required items remain;
on success a Resolution row for every merged item, status final; reopening needs a reason."""
from __future__ import annotations

from sqlalchemy import select

from inspections.core.values import visit_values
from inspections.extensions import db
from inspections.models import AuditEvent, Resolution, Visit

from .conftest import REQUIRED_ANSWERS, answers, page_text


def test_finalize_is_refused_with_each_conflict_and_missing_item_named(app, login, submit, version, visit_id):
    submit("inspector1", visit_id, answers(A1="yes", A2=None, H1=100))
    submit("inspector2", visit_id, answers(A1="no", A2=None, H1=100))
    lead = login("lead1")
    v = version(visit_id)
    response = lead.post(f"/review/visits/{visit_id}/finalize", data={"version": v})
    assert response.status_code == 422
    html = page_text(response)
    refused = html.split('id="refused"')[1].split("</section>")[0]
    assert "A1 (Ban hành kế hoạch hằng năm" in refused  # the conflict, with its label
    assert "Mục bắt buộc A2" in refused  # the missing required item
    assert "H1" not in refused
    with app.app_context():
        visit = db.session.get(Visit, visit_id)
        assert visit.status != "final" and visit.version == v
        assert db.session.scalar(select(Resolution.id)) is None

    api = lead.post(f"/api/v1/visits/{visit_id}/finalize", json={"version": v})
    assert api.status_code == 422
    body = api.get_json()
    assert body["error"] == "not_ready"
    assert [(r["kind"], r["item_code"]) for r in body["reasons"]] == [
        ("conflict", "A1"), ("missing_required", "A2"), ("missing_findings", ""), ("missing_findings", "")]
    assert [r.get("field") for r in body["reasons"]][2:] == ["achievements", "conclusion"]
    assert all(r["label"] and r["message"] for r in body["reasons"])


def test_a_checklist_still_sent_back_blocks_finalizing(login, submit, version, visit_id, write_findings):
    submission_id = submit("inspector1", visit_id, answers())
    lead = login("lead1")
    write_findings(lead, visit_id)
    lead.post(f"/api/v1/visits/{visit_id}/send-back", json={
        "version": version(visit_id), "submission_id": submission_id, "comments": [{"comment": "Check C"}]})
    body = lead.post(f"/api/v1/visits/{visit_id}/finalize", json={"version": version(visit_id)}).get_json()
    assert [r["kind"] for r in body["reasons"]] == ["has_issues"]


def test_finalize_writes_a_resolution_for_every_merged_item(app, demo, login, submit, version, visit_id,
                                                            write_findings):
    first = submit("inspector1", visit_id, answers(A1="yes", H2="Plans issued on time"))
    second = submit("inspector2", visit_id, answers(A1="no", G3="2026-06-09"))
    lead = login("lead1")
    lead.post(f"/review/visits/{visit_id}/resolve", data={
        "version": version(visit_id), "item_code": "A1", "choice": f"pick-{second}"})
    write_findings(lead, visit_id)
    v = version(visit_id)
    response = lead.post(f"/review/visits/{visit_id}/finalize", data={"version": v})
    assert response.status_code == 303
    with app.app_context():
        visit = db.session.get(Visit, visit_id)
        assert visit.status == "final" and visit.finalized_by_id == demo["lead1"] and visit.finalized_at
        assert visit.record_number == "01/BB-ĐKTLN" and visit.version == v + 1
        rows = {r.item_code: r for r in db.session.scalars(select(Resolution).where(Resolution.visit_id == visit_id))}
        assert set(rows) == set(REQUIRED_ANSWERS) | {"H2", "G3"}
        assert (rows["A1"].source, rows["A1"].value) == ("picked", "no")
        assert (rows["A2"].source, rows["A2"].source_submission_id, rows["A2"].source_revision) == ("agreed", first, 1)
        assert (rows["H2"].source, rows["H2"].source_submission_id) == ("agreed", first)  # one source
        assert (rows["G3"].source, rows["G3"].source_submission_id) == ("agreed", second)
        assert all(r.resolved_by_id == demo["lead1"] for r in rows.values())
        # the reports engineer's contract: a final visit's values are its Resolution rows
        values = visit_values(visit)
        assert values == {code: r.value for code, r in rows.items()}
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "visit.finalize"))
        assert event.before["status"] == "merging" and event.after["status"] == "final"
        assert event.after["values"]["A1"] == "no"
    html = page_text(lead.get(f"/review/visits/{visit_id}"))
    assert "Mở lại biên bản" in html and "Lưu quyết định" not in html  # read-only once final
    # Nothing changes a final visit but reopening.
    refused = lead.post(f"/api/v1/visits/{visit_id}/resolutions", json={
        "version": version(visit_id), "item_code": "A2", "source": "entered", "value": "no"})
    assert refused.status_code == 422 and refused.get_json()["error"] == "visit_final"
    again = lead.post(f"/api/v1/visits/{visit_id}/finalize", json={"version": version(visit_id)})
    assert again.status_code == 422 and again.get_json()["error"] == "visit_final"


def test_reopen_needs_a_reason_and_is_audited(app, login, submit, version, visit_id, write_findings):
    submit("inspector1", visit_id, answers())
    lead = login("lead1")
    assert lead.post(f"/api/v1/visits/{visit_id}/reopen", json={
        "version": version(visit_id), "reason": "x"}).get_json()["error"] == "not_final"
    write_findings(lead, visit_id)
    lead.post(f"/api/v1/visits/{visit_id}/finalize", json={"version": version(visit_id)})
    no_reason = lead.post(f"/review/visits/{visit_id}/reopen", data={"version": version(visit_id), "reason": " "})
    assert no_reason.status_code == 422 and 'id="reopen-reason"' in page_text(no_reason)
    assert lead.post(f"/api/v1/visits/{visit_id}/reopen", json={
        "version": version(visit_id)}).get_json()["fields"][0]["field"] == "reason"
    response = lead.post(f"/api/v1/visits/{visit_id}/reopen", json={
        "version": version(visit_id), "reason": "The unit sent the missing payroll"})
    assert response.status_code == 200 and response.get_json()["visit"]["status"] == "merging"
    with app.app_context():
        visit = db.session.get(Visit, visit_id)
        assert visit.finalized_at is None and visit.record_number == "01/BB-ĐKTLN"
        assert db.session.scalar(select(Resolution.id).where(Resolution.source == "agreed")) is None
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "visit.reopen"))
        assert event.reason == "The unit sent the missing payroll"
        assert event.before["status"] == "final" and event.before["agreed_values"]["A1"] == "yes"
        assert event.after == {"status": "merging"}
    # and it can be finalized again
    assert lead.post(f"/api/v1/visits/{visit_id}/finalize", json={"version": version(visit_id)}).status_code == 200


def test_finalize_page_says_when_the_visit_is_ready(login, submit, visit_id, write_findings):
    submit("inspector1", visit_id, answers())
    lead = login("lead1")
    write_findings(lead, visit_id)
    html = page_text(lead.get(f"/review/visits/{visit_id}"))
    assert "có thể hoàn tất biên bản" in html
