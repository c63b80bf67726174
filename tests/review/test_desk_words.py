"""Words on the lead's and coordinator's pages: the record page keeps the user's language
around the Vietnamese record, the 409 page calls the visit a "cuộc kiểm tra", and adding a
team member reads as done."""
from __future__ import annotations

from sqlalchemy import select

from inspections.extensions import db
from inspections.models import Team, User

from .conftest import answers, page_text


def test_the_record_page_keeps_the_users_language_in_its_header(login, submit, visit_id):
    submit("inspector1", visit_id, answers())
    lead = login("lead1")
    lead.post("/lang", data={"lang": "en"})
    html = page_text(lead.get(f"/review/visits/{visit_id}/record"))
    header, record = html.split('<article class="record')
    assert '<html lang="en"' in html
    assert "Log out" in header and "Print" in header and "Merge findings" in header
    assert "Đăng xuất" not in header
    assert "BIÊN BẢN KIỂM TRA" in record and 'lang="vi"' in record.split(">")[0]
    lead.post("/lang", data={"lang": "vi"})
    header = page_text(lead.get(f"/review/visits/{visit_id}/record")).split('<article class="record')[0]
    assert "Đăng xuất" in header and "Log out" not in header


def test_the_409_page_calls_the_visit_a_cuoc_kiem_tra(login, submit, version, visit_id):
    submit("inspector1", visit_id, answers())
    one, two = login("lead1"), login("lead1")
    v = version(visit_id)
    one.post(f"/review/visits/{visit_id}/report", data={"version": v, "achievements": "A", "conclusion": "B"})
    response = two.post(f"/review/visits/{visit_id}/report", data={"version": v, "achievements": "C",
                                                                  "conclusion": "D"})
    assert response.status_code == 409
    html = page_text(response)
    assert "cuộc kiểm tra" in html and "đơn vị kiểm tra" not in html


def test_adding_a_member_says_she_was_added(app, login, demo):
    coordinator = login("coordinator")
    with app.app_context():
        team = db.session.scalar(select(Team).join(User, Team.lead_id == User.id).where(User.username == "lead2"))
        team_id = team.id
    response = coordinator.post(f"/campaigns/teams/{team_id}/members",
                                data={"user_id": demo["inspector1"], "team_role": "member"}, follow_redirects=True)
    html = page_text(response)
    assert "Đã thêm Phạm Thị Lan vào đoàn (thành viên)." in html
    assert "Phạm Thị Lan đã có trong đoàn" not in html
    again = coordinator.post(f"/campaigns/teams/{team_id}/members",
                             data={"user_id": demo["inspector1"], "team_role": "secretary"}, follow_redirects=True)
    assert "Đã đổi vai trò của Phạm Thị Lan trong đoàn thành: thư ký đoàn." in page_text(again)
