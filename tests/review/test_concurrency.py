"""Two people saving the same visit: the second gets a clear 409, and nothing typed is lost."""
from __future__ import annotations

import pytest
from sqlalchemy import select, update

from inspections.extensions import db
from inspections.models import AuditEvent, Resolution, User, Visit, VisitReport
from inspections.review import services

from .conftest import answers, page_text


def test_second_html_save_on_the_same_version_gets_409_with_what_was_typed(app, login, submit, version, visit_id):
    first_sub = submit("inspector1", visit_id, answers(A1="yes", H2="Good plans"))
    submit("inspector2", visit_id, answers(A1="no", H2="Plans late"))
    one, two = login("lead1"), login("lead1")  # the lead on a phone and on a desktop
    v = version(visit_id)
    assert one.post(f"/review/visits/{visit_id}/resolve", data={
        "version": v, "item_code": "A1", "choice": f"pick-{first_sub}"}).status_code == 303

    typed = "Both plans seen; the 2026 plan was signed on 3 March"
    response = two.post(f"/review/visits/{visit_id}/resolve", data={
        "version": v, "item_code": "H2", "choice": "enter", "H2": typed, "note": "from the meeting"})
    assert response.status_code == 409
    html = page_text(response)
    assert typed in html and "from the meeting" in html  # what they typed is shown ...
    assert f'name="version" value="{v + 1}"' in html  # ... in a form based on the current version
    assert f'name="H2" value="{typed}"' in html
    with app.app_context():
        assert db.session.scalar(select(Resolution.item_code)) == "A1"  # the first save stands

    # Saving again from the 409 page applies the change on top of the current version.
    again = two.post(f"/review/visits/{visit_id}/resolve", data={
        "version": v + 1, "item_code": "H2", "choice": "enter", "H2": typed, "note": "from the meeting"})
    assert again.status_code == 303
    with app.app_context():
        rows = {r.item_code: r.value for r in db.session.scalars(select(Resolution))}
    assert rows == {"A1": "yes", "H2": typed}


def test_findings_saved_from_two_places_do_not_overwrite_each_other(app, login, submit, version, visit_id):
    submit("inspector1", visit_id, answers())
    one, two = login("lead1"), login("lead1")
    v = version(visit_id)
    assert one.post(f"/review/visits/{visit_id}/report", data={
        "version": v, "achievements": "A", "conclusion": "First conclusion"}).status_code == 303
    response = two.post(f"/review/visits/{visit_id}/report", data={
        "version": v, "achievements": "B", "conclusion": "Second conclusion, typed for ten minutes"})
    assert response.status_code == 409 and "Second conclusion, typed for ten minutes" in page_text(response)
    with app.app_context():
        assert db.session.scalar(select(VisitReport.conclusion)) == "First conclusion"


def test_api_409_carries_the_current_version(login, submit, version, visit_id):
    submit("inspector1", visit_id, answers(A1="yes"))
    submit("inspector2", visit_id, answers(A1="no"))
    one, two = login("lead1"), login("lead1")
    v = version(visit_id)
    url = f"/api/v1/visits/{visit_id}/resolutions"
    assert one.post(url,
                    json={"version": v, "item_code": "A1", "source": "entered", "value": "partial"}).status_code == 200
    stale = two.post(url, json={"version": v, "item_code": "A1", "source": "entered", "value": "no"})
    assert stale.status_code == 409
    assert stale.get_json()["error"] == "stale_version" and stale.get_json()["version"] == v + 1
    for path, body in (("finalize", {}), ("reopen", {"reason": "x"}),
                       ("send-back", {"submission_id": 1, "comments": []}),
                       ("approve", {"submission_id": 1})):
        response = two.post(f"/api/v1/visits/{visit_id}/{path}", json={"version": v, **body})
        assert response.status_code == 409, path


def test_a_save_that_raced_past_the_check_still_loses_cleanly(app, demo, submit, visit_id):
    """Both requests read version v; the other one commits first. The UPDATE ... WHERE version = v
    of this one then matches no row: StaleVersion, and nothing of it is written."""
    submit("inspector1", visit_id, answers(A1="yes"))
    submit("inspector2", visit_id, answers(A1="no"))
    with app.test_request_context():
        visit = db.session.get(Visit, visit_id)
        v = visit.version
        lead = db.session.get(User, demo["lead1"])
        with db.engine.begin() as other:  # another worker commits a change to the visit meanwhile
            other.execute(update(Visit).where(Visit.id == visit_id).values(version=v + 1))
        with pytest.raises(services.StaleVersion) as caught:
            services.resolve_item(visit, lead, v, services.ResolveRequest("A1", "enter", value="partial"))
        db.session.rollback()  # the service only flushes: whoever answers the error rolls back
        caught.value.after_rollback()  # and then reads the current version
        assert caught.value.current_version == v + 1 and caught.value.extra["version"] == v + 1
        assert db.session.scalar(select(Resolution.id)) is None
        assert db.session.scalar(select(AuditEvent.id)) is None


def test_every_write_bumps_the_version_once(login, submit, version, visit_id, write_findings):
    submission_id = submit("inspector1", visit_id, answers(A1="yes"))
    submit("inspector2", visit_id, answers(A1="no"))
    lead = login("lead1")
    write_findings(lead, visit_id)
    steps = [
        ("resolutions", {"item_code": "A1", "source": "picked", "submission_id": submission_id}),
        ("send-back", {"submission_id": submission_id, "comments": [{"comment": "see A3"}]}),
        ("approve", {"submission_id": submission_id}),
        ("finalize", {}),
        ("reopen", {"reason": "more evidence"}),
    ]
    for path, body in steps:
        before = version(visit_id)
        response = lead.post(f"/api/v1/visits/{visit_id}/{path}", json={"version": before, **body})
        assert response.status_code == 200, (path, response.get_json())
        assert response.get_json()["version"] == version(visit_id) == before + 1, path


def test_picking_an_answer_the_inspector_changed_meanwhile_gets_409(app, login, submit, version, visit_id):
    first = submit("inspector1", visit_id, answers(A1="yes"))
    submit("inspector2", visit_id, answers(A1="no"))
    lead = login("lead1")
    page = lead.get(f"/review/visits/{visit_id}").get_data(as_text=True)
    assert f'value="pick-{first}-1"' in page  # the choice names the revision the lead sees
    submit("inspector1", visit_id, answers(A1="partial"))  # revision 2 arrives while the lead reads
    response = lead.post(f"/review/visits/{visit_id}/resolve", data={
        "version": version(visit_id), "item_code": "A1", "choice": f"pick-{first}-1"})
    assert response.status_code == 409
    assert "Phạm Thị Lan" in response.get_data(as_text=True)  # the choice, in words
    api = lead.post(f"/api/v1/visits/{visit_id}/resolutions", json={
        "version": version(visit_id), "item_code": "A1", "source": "picked", "submission_id": first,
        "source_revision": 1})
    assert api.status_code == 409 and api.get_json()["version"] == version(visit_id)
    with app.app_context():
        assert db.session.scalar(select(Resolution.id)) is None


def test_the_409_page_names_no_inspector_of_another_team(app, login, submit, version, visits, visit_id):
    """The posted pick-<id> is the user's input: an id of another team's checklist shows no name."""
    own = submit("inspector1", visit_id, answers(A1="yes"))
    other_team = submit("inspector3", visits["SXD"], answers(A1="no"))  # team 2: Vũ Thị Mai
    lead = login("lead1")
    stale = version(visit_id) - 1
    for choice, name, shown in ((f"pick-{other_team}-1", "Vũ Thị Mai", False), (f"pick-{own}-1", "Phạm Thị Lan", True)):
        response = lead.post(f"/review/visits/{visit_id}/resolve", data={
            "version": stale, "item_code": "A1", "choice": choice})
        assert response.status_code == 409
        assert (name in page_text(response)) is shown, choice
