"""Late submissions after finalization, and the findings written for the record."""
from __future__ import annotations

from sqlalchemy import select

from inspections.core.values import visit_values
from inspections.extensions import db
from inspections.models import AuditEvent, Recommendation, Shortcoming, Submission, Visit, VisitReport

from .conftest import answers, page_text


def test_a_late_submission_shows_a_banner_with_what_it_would_change(app, login, submit, version, visit_id,
                                                                   write_findings):
    submit("inspector1", visit_id, answers(C1={"male": 60, "female": 40}))
    lead = login("lead1")
    write_findings(lead, visit_id)
    assert lead.post(f"/api/v1/visits/{visit_id}/finalize", json={"version": version(visit_id)}).status_code == 200
    html = page_text(lead.get(f"/review/visits/{visit_id}"))
    assert 'id="late"' not in html

    late_id = submit("inspector2", visit_id, answers(C1={"male": 55, "female": 45}, H1=2_000_000))
    with app.app_context():
        assert db.session.get(Submission, late_id).late is True
        final_values = visit_values(db.session.get(Visit, visit_id))
        assert final_values["C1"] == {"male": 60, "female": 40} and "H1" not in final_values  # record unchanged
    html = page_text(lead.get(f"/review/visits/{visit_id}"))
    banner = html.split('id="late"')[1].split("</section>")[0]
    assert 'data-late-item="C1"' in banner and 'data-late-item="H1"' in banner
    assert 'data-late-item="A1"' not in banner  # same answer as the final value
    c1 = banner.split('data-late-item="C1"')[1].split("</tr>")[0]
    assert "Hoàng Văn Đức" in c1 and "60" in c1 and "55" in c1
    body = lead.get(f"/api/v1/visits/{visit_id}/merge").get_json()
    assert {c["item_code"] for c in body["late_changes"]} == {"C1", "H1"}

    # Reopening takes the late answers in: C1 is now a conflict for the lead to decide.
    lead.post(f"/api/v1/visits/{visit_id}/reopen", json={"version": version(visit_id), "reason": "late checklist"})
    body = lead.get(f"/api/v1/visits/{visit_id}/merge").get_json()
    items = {item["code"]: item for item in body["items"]}
    assert items["C1"]["state"] == "conflict" and items["H1"]["state"] == "single"
    assert 'id="late"' not in page_text(lead.get(f"/review/visits/{visit_id}"))


def test_findings_achievements_shortcomings_recommendations_conclusion(app, login, submit, version, visit_id):
    submit("inspector1", visit_id, answers())
    lead = login("lead1")
    url = f"/review/visits/{visit_id}"
    assert lead.post(url + "/report", data={"version": version(visit_id), "achievements": "Plans on time",
                                            "conclusion": "Compliant overall",
                                            "record_number": "07/BB"}).status_code == 303
    with app.app_context():
        visit = db.session.get(Visit, visit_id)
        assert visit.status == "merging" and visit.record_number == "07/BB"
        report = db.session.scalar(select(VisitReport))
        assert (report.achievements, report.conclusion) == ("Plans on time", "Compliant overall")

    missing = lead.post(url + "/shortcomings", data={"version": version(visit_id), "section": "C", "text": "",
                                                     "cause": "Typed cause kept"})
    assert missing.status_code == 422
    html = page_text(missing)
    assert "Typed cause kept" in html and 'role="alert"' in html
    assert lead.post(url + "/shortcomings", data={
        "version": version(visit_id), "section": "C", "text": "No women among division leaders",
        "cause_kind": "internal", "cause": "No succession plan"}).status_code == 303

    bad_date = lead.post(url + "/recommendations", data={
        "version": version(visit_id), "text": "Appoint a woman", "remedy_deadline": "someday"})
    assert bad_date.status_code == 422 and "Appoint a woman" in page_text(bad_date)
    assert lead.post(url + "/recommendations", data={
        "version": version(visit_id), "section": "C", "text": "Add women to the succession pool",
        "responsible": "Director", "remedy_deadline": "30/06/2027"}).status_code == 303
    with app.app_context():
        shortcoming = db.session.scalar(select(Shortcoming))
        assert (shortcoming.section, shortcoming.cause_kind, shortcoming.cause) == ("C", "internal",
                                                                                    "No succession plan")
        recommendation = db.session.scalar(select(Recommendation))
        assert recommendation.remedy_deadline.isoformat() == "2027-06-30" and recommendation.responsible == "Director"
        rec_id = recommendation.id
    assert lead.post(url + "/recommendations", data={
        "version": version(visit_id), "id": rec_id, "text": "Add two women to the succession pool",
        "remedy_deadline": "2027-06-30", "remedy_status": "done"}).status_code == 303
    html = page_text(lead.get(url))
    assert "Add two women to the succession pool" in html and "No women among division leaders" in html
    assert lead.post(url + "/recommendations", data={"version": version(visit_id), "id": rec_id,
                                                     "action": "delete"}).status_code == 303
    with app.app_context():
        assert db.session.scalar(select(Recommendation.id)) is None
        actions = db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions == ["report.update", "shortcoming.add", "recommendation.add", "recommendation.update",
                       "recommendation.delete"]
