"""A unit's representative sees its own unit's visits and report, nothing of another unit, and
never the inspectors' answers, notes or names before the visit is final."""
from inspections.extensions import db
from inspections.models import Unit, utcnow
from tests.conftest import AuthActions
from tests.unit.conftest import answers

SECRET_NOTE = "ghi-chu-rieng-cua-doan-7731"


def test_a_rep_of_another_unit_gets_404(login, visits):
    rep = login("rep-SGDDT")
    syt = visits["SYT"]
    assert rep.get(f"/api/v1/visits/{syt}/self-report").status_code == 404
    assert rep.put(f"/api/v1/visits/{syt}/self-report",
                   json={"answers": {}, "state": "draft", "revision": 9}).status_code == 404
    assert rep.get(f"/unit/visits/{syt}/report").status_code == 404
    assert rep.post(f"/unit/visits/{syt}/report", data={"action": "draft"}).status_code == 404
    assert rep.post(f"/unit/visits/{syt}/report/attachments").status_code == 404
    assert rep.get(f"/review/visits/{syt}/record").status_code == 404
    own = rep.get("/unit/").get_data(as_text=True)
    assert f'data-visit-id="{syt}"' not in own
    assert f'data-visit-id="{visits["SGDDT"]}"' in own


def test_before_final_the_rep_never_sees_the_inspectors_work(login, submit, visits, demo, app):
    syt = visits["SYT"]
    submit("inspector1", syt, answers(), notes={"A1": SECRET_NOTE})
    rep = login("rep-SYT")
    for url in (f"/visits/{syt}/checklist", f"/visits/{syt}/checklist/revisions/1?inspector={demo['inspector1']}",
                f"/review/visits/{syt}", f"/review/visits/{syt}/record", f"/review/visits/{syt}/audit",
                f"/api/v1/visits/{syt}/merge", f"/unit/visits/{syt}/manage"):
        response = rep.get(url)
        assert response.status_code in (403, 404), (url, response.status_code)
        assert SECRET_NOTE not in response.get_data(as_text=True)
    for url in ("/", "/unit/", f"/unit/visits/{syt}/report", f"/api/v1/visits/{syt}/self-report",
                "/api/v1/bootstrap"):
        response = rep.get(url, follow_redirects=True)
        text = response.get_data(as_text=True)
        assert response.status_code == 200, url
        assert SECRET_NOTE not in text and "Phạm Thị Lan" not in text, url  # inspector1's name
    assert rep.get("/api/v1/bootstrap").get_json()["visits"] == []


def test_after_final_the_rep_reads_the_record(login, submit, visits, version, write_findings):
    syt = visits["SYT"]
    submit("inspector1", syt, answers())
    lead = login("lead1")
    write_findings(lead, syt)
    assert lead.post(f"/api/v1/visits/{syt}/finalize", json={"version": version(syt)}).status_code == 200
    rep = login("rep-SYT")
    assert rep.get(f"/review/visits/{syt}/record").status_code == 200
    assert rep.get(f"/review/visits/{syt}").status_code == 403  # the merge stays the team's
    assert rep.get(f"/api/v1/visits/{syt}/merge").status_code == 403


def test_a_rep_of_an_archived_unit_cannot_log_in(client, app, demo):
    auth = AuthActions(client)
    auth.login("rep-SYT")
    assert client.get("/unit/").status_code == 200
    with app.app_context():
        unit = db.session.scalar(db.select(Unit).where(Unit.code == "SYT"))
        unit.archived_at = utcnow()
        db.session.commit()
    # the open session ends, and a new log-in is refused like a wrong password
    assert client.get("/api/v1/session").status_code == 401
    response = client.post("/api/v1/session", json={"username": "rep-SYT", "password": "test-pass-123"})
    assert response.status_code == 401
    other = app.test_client()
    AuthActions(other).login("rep-SGDDT")  # another unit's rep still works


def test_home_sends_the_rep_to_the_unit_pages(login):
    rep = login("rep-SYT")
    response = rep.get("/")
    assert response.status_code == 302 and response.headers["Location"].endswith("/unit/")
