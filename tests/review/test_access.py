"""Who may do what: the team's lead decides; staff read; inspectors see the final record; other teams get 404."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from inspections.extensions import db
from inspections.models import AuditEvent, Resolution, ReviewComment

from .conftest import answers

WRITES = [
    ("/review/visits/{id}/resolve", {"item_code": "A1", "choice": "enter", "A1": "yes"}),
    ("/review/visits/{id}/send-back", {"submission_id": "{sub}", "comment-A1": "x"}),
    ("/review/visits/{id}/approve", {"submission_id": "{sub}"}),
    ("/review/visits/{id}/report", {"conclusion": "x"}),
    ("/review/visits/{id}/shortcomings", {"text": "x", "cause_kind": "internal"}),
    ("/review/visits/{id}/recommendations", {"text": "x"}),
    ("/review/visits/{id}/finalize", {}),
    ("/review/visits/{id}/reopen", {"reason": "x"}),
]
API_WRITES = [
    ("resolutions", {"item_code": "A1", "source": "entered", "value": "yes"}),
    ("send-back", {"submission_id": "{sub}", "comments": [{"comment": "x"}]}),
    ("approve", {"submission_id": "{sub}"}),
    ("finalize", {}),
    ("reopen", {"reason": "x"}),
]


def fill(body: dict, sub: int) -> dict:
    return {k: (sub if v == "{sub}" else v) for k, v in body.items()}


@pytest.mark.parametrize("username,status", [("lead2", 404), ("inspector3", 404), ("inspector1", 403),
                                             ("coordinator", 403), ("admin", 403)])
def test_only_the_teams_lead_writes(app, login, submit, version, visit_id, username, status):
    sub = submit("inspector1", visit_id, answers(A1="yes"))
    client = login(username)
    for url, body in WRITES:
        data = {"version": version(visit_id), **fill(body, sub)}
        assert client.post(url.format(id=visit_id), data=data).status_code == status, url
    for path, body in API_WRITES:
        response = client.post(f"/api/v1/visits/{visit_id}/{path}",
                               json={"version": version(visit_id), **fill(body, sub)})
        assert response.status_code == status, path
        assert response.is_json
    with app.app_context():
        assert db.session.scalar(select(func.count(Resolution.id))) == 0
        assert db.session.scalar(select(func.count(ReviewComment.id))) == 0
        assert db.session.scalar(select(func.count(AuditEvent.id))) == 0


def test_other_teams_do_not_see_the_visit_at_all(login, visit_id):
    for username in ("lead2", "inspector3"):
        client = login(username)
        for suffix in ("", "/audit", "/record", "/send-back"):
            assert client.get(f"/review/visits/{visit_id}{suffix}").status_code == 404, (username, suffix)
        assert client.get(f"/api/v1/visits/{visit_id}/merge").status_code == 404
    assert login("lead1").get("/review/visits/999999").status_code == 404
    assert login("lead1").get("/api/v1/visits/999999/merge").status_code == 404


def test_staff_read_everything_but_change_nothing(login, submit, visit_id):
    submit("inspector1", visit_id, answers())
    for username in ("coordinator", "admin"):
        client = login(username)
        page = client.get(f"/review/visits/{visit_id}")
        assert page.status_code == 200
        html = page.get_data(as_text=True)
        assert "Lưu quyết định" not in html and "Hoàn tất biên bản</button>" not in html
        assert client.get(f"/review/visits/{visit_id}/audit").status_code == 200
        assert client.get(f"/review/visits/{visit_id}/record").status_code == 200
        assert client.get(f"/api/v1/visits/{visit_id}/merge").status_code == 200
        assert client.get(f"/review/visits/{visit_id}/send-back").status_code == 403


def test_inspectors_see_the_record_only_once_final(login, submit, version, visit_id, write_findings):
    submit("inspector1", visit_id, answers())
    inspector = login("inspector1")
    for suffix in ("", "/audit", "/record"):
        assert inspector.get(f"/review/visits/{visit_id}{suffix}").status_code == 403, suffix
    assert inspector.get(f"/api/v1/visits/{visit_id}/merge").status_code == 403
    lead = login("lead1")
    write_findings(lead, visit_id)
    lead.post(f"/api/v1/visits/{visit_id}/finalize", json={"version": version(visit_id)})
    assert inspector.get(f"/review/visits/{visit_id}/record").status_code == 200
    assert inspector.get(f"/review/visits/{visit_id}").status_code == 403


def test_lead_of_another_team_cannot_touch_this_one_but_can_merge_their_own(login, visits, version):
    lead2 = login("lead2")
    assert lead2.get(f"/review/visits/{visits['SYT']}").status_code == 404
    assert lead2.get(f"/review/visits/{visits['SXD']}").status_code == 200


def test_pages_need_a_login(client, visit_id):
    response = client.get(f"/review/visits/{visit_id}")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert client.post(f"/api/v1/visits/{visit_id}/finalize", json={"version": 1}).status_code == 401
