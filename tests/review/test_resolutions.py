"""The lead decides conflicts: pick an answer or enter a value, checked by the shared validator."""
from __future__ import annotations

from sqlalchemy import select

from inspections.core.values import visit_merge
from inspections.extensions import db
from inspections.models import AuditEvent, Resolution, Visit

from .conftest import answers, page_text


def resolution(app, visit_id, code):
    with app.app_context():
        return db.session.scalar(select(Resolution).where(Resolution.visit_id == visit_id,
                                                          Resolution.item_code == code))


def test_picking_an_answer_records_who_when_and_from_where(app, demo, login, submit, version, visit_id):
    submit("inspector1", visit_id, answers(A1="yes"))
    second = submit("inspector2", visit_id, answers(A1="no"))
    submit("inspector2", visit_id, answers(A1="no", A2="yes"))  # revision 2 of the same submission
    before = version(visit_id)
    client = login("lead1")
    response = client.post(f"/review/visits/{visit_id}/resolve", data={
        "version": before, "item_code": "A1", "choice": f"pick-{second}", "note": "Saw the signed plan"})
    assert response.status_code == 303 and response.headers["Location"].endswith("#item-A1")
    row = resolution(app, visit_id, "A1")
    assert (row.value, row.source, row.source_submission_id, row.source_revision) == ("no", "picked", second, 2)
    assert row.resolved_by_id == demo["lead1"] and row.resolved_at is not None and row.note == "Saw the signed plan"
    assert version(visit_id) == before + 1
    with app.app_context():
        visit = db.session.get(Visit, visit_id)
        assert visit.status == "merging"
        assert visit_merge(visit)["A1"].state == "resolved"
    html = page_text(client.get(f"/review/visits/{visit_id}"))
    assert 'data-item="A1" data-state="resolved"' in html and "Saw the signed plan" in html


def test_entering_a_value_is_checked_and_errors_keep_what_was_typed(app, login, submit, version, visit_id):
    submit("inspector1", visit_id, answers(C1={"male": 60, "female": 40}))
    submit("inspector2", visit_id, answers(C1={"male": 61, "female": 40}))
    client = login("lead1")
    v = version(visit_id)
    bad = client.post(f"/review/visits/{visit_id}/resolve", data={
        "version": v, "item_code": "C1", "choice": "enter", "C1.male": "-5", "C1.female": "4o"})
    assert bad.status_code == 422
    html = page_text(bad)
    c1 = html.split('id="item-C1"')[1].split("</article>")[0]
    assert 'value="-5"' in c1 and 'value="4o"' in c1  # typed values kept
    assert "has-error" in c1 and 'role="alert"' in c1  # errors next to the fields
    assert "“4o”" in c1  # the validator's message names the bad number
    assert resolution(app, visit_id, "C1") is None and version(visit_id) == v  # nothing written

    # A part may not exceed its whole: C2 (leaders, 3 + 1 merged) within C1.
    small = client.post(f"/review/visits/{visit_id}/resolve", data={
        "version": v, "item_code": "C1", "choice": "enter", "C1.male": "2", "C1.female": "40"})
    assert small.status_code == 422 and "C2" in page_text(small).split('id="item-C1"')[1].split("</article>")[0]

    good = client.post(f"/review/visits/{visit_id}/resolve", data={
        "version": v, "item_code": "C1", "choice": "enter", "C1.male": "1.061", "C1.female": "40"})
    assert good.status_code == 303
    row = resolution(app, visit_id, "C1")
    assert (row.value, row.source, row.source_submission_id) == ({"male": 1061, "female": 40}, "entered", None)


def test_a_pick_must_name_one_of_the_answers_shown(app, login, submit, version, visit_id):
    submit("inspector1", visit_id, answers(A1="yes"))
    client = login("lead1")
    for choice in ("pick-99999", "", "bogus"):
        response = client.post(f"/review/visits/{visit_id}/resolve", data={
            "version": version(visit_id), "item_code": "A1", "choice": choice})
        assert response.status_code == 422, choice
    response = client.post(f"/review/visits/{visit_id}/resolve", data={
        "version": version(visit_id), "item_code": "C6", "choice": "enter", "C6.male": "1", "C6.female": "1"})
    assert response.status_code == 422  # C6 does not apply to a department
    assert client.post(f"/review/visits/{visit_id}/resolve",
                       data={"item_code": "A1", "choice": "enter"}).status_code == 400


def test_clearing_a_decision_goes_back_to_the_inspectors_answers(app, login, submit, version, visit_id):
    first = submit("inspector1", visit_id, answers(A1="yes"))
    submit("inspector2", visit_id, answers(A1="no"))
    client = login("lead1")
    client.post(f"/review/visits/{visit_id}/resolve", data={
        "version": version(visit_id), "item_code": "A1", "choice": f"pick-{first}"})
    response = client.post(f"/review/visits/{visit_id}/resolve", data={
        "version": version(visit_id), "item_code": "A1", "choice": "clear"})
    assert response.status_code == 303 and resolution(app, visit_id, "A1") is None
    with app.app_context():
        assert visit_merge(db.session.get(Visit, visit_id))["A1"].state == "conflict"
        actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.visit_id == visit_id)
                                     .order_by(AuditEvent.id)).all()
    assert actions == ["resolution.pick", "resolution.clear"]


def test_api_resolutions_pick_enter_and_per_field_errors(app, login, submit, version, visit_id):
    submit("inspector1", visit_id, answers(A1="yes", H1=5_000_000))
    second = submit("inspector2", visit_id, answers(A1="no", H1=6_000_000))
    client = login("lead1")
    url = f"/api/v1/visits/{visit_id}/resolutions"
    v = version(visit_id)
    response = client.post(url, json={"version": v, "item_code": "A1", "source": "picked", "submission_id": second})
    assert response.status_code == 200
    body = response.get_json()
    assert body["version"] == v + 1 and body["visit"]["status"] == "merging"
    assert body["resolution"]["value"] == "no" and body["resolution"]["source_submission_id"] == second

    invalid = client.post(url, json={"version": v + 1, "item_code": "H1", "source": "entered", "value": "lots"})
    assert invalid.status_code == 422
    error = invalid.get_json()
    assert error["error"] == "invalid" and error["fields"][0]["field"] == "H1" and error["fields"][0]["message"]
    assert error["fields"][0]["item"] == "H1"  # each refused value names its item and its field
    half = client.post(url, json={"version": v + 1, "item_code": "C1", "source": "entered", "value": {"male": 1}})
    assert (half.get_json()["fields"][0]["item"], half.get_json()["fields"][0]["field"]) == ("C1", "C1.female")
    assert client.post(url, json={"version": v + 1, "item_code": "C1", "source": "entered",
                                  "value": {"male": 1}}).get_json()["fields"][0]["field"] == "C1.female"

    entered = client.post(url, json={"version": v + 1, "item_code": "H1", "source": "entered", "value": 5_500_000})
    assert entered.status_code == 200 and resolution(app, visit_id, "H1").value == 5_500_000
    assert client.post(url, json={"item_code": "H1", "source": "clear"}).status_code == 400  # no version
    assert client.post(url, data="not json", content_type="application/json").status_code == 400


def test_evidence_items_need_no_decision(login, submit, version, visit_id):
    submit("inspector1", visit_id, answers())
    response = login("lead1").post(f"/api/v1/visits/{visit_id}/resolutions", json={
        "version": version(visit_id), "item_code": "A1_file", "source": "entered", "value": []})
    assert response.status_code == 422
