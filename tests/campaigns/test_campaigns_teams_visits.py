"""Campaigns, teams and visits: defaults, field errors, members from several agencies, archiving, audit."""
from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from inspections.extensions import db
from inspections.models import Campaign, Submission, Team, TeamMember, Template, Unit, User, Visit, new_uuid
from tests.desk import page_text


def campaign_data(query, **changes):
    template_id, target_set_id = query(lambda s: (s.scalar(select(Campaign.template_id)),
                                                  s.scalar(select(Campaign.target_set_id))))
    data = {"name": "Kiểm tra 6 tháng đầu năm 2027", "year": "2027", "period": "mid_year", "deadline": "",
            "start_date": "", "end_date": "", "template_id": str(template_id), "target_set_id": str(target_set_id),
            "issuing_body": "SỞ NỘI VỤ"}
    data.update(changes)
    return data


def test_new_campaign_gets_the_default_deadline(client, login_as, query, audit_events):
    login_as("coordinator")
    page = page_text(client.get("/campaigns/new"))
    assert "10/6" in page  # the hint explains the default deadline
    response = client.post("/campaigns/new", data=campaign_data(query))
    assert response.status_code == 302
    campaign = query(lambda s: s.scalar(select(Campaign).where(Campaign.year == 2027)))
    assert campaign.deadline == date(2027, 6, 10) and campaign.period == "mid_year"
    [event] = audit_events("campaign.create")
    assert event.after["deadline"] == "2027-06-10"
    annual = campaign_data(query, name="Năm 2027", period="annual")
    client.post("/campaigns/new", data=annual)
    assert query(lambda s: s.scalar(select(Campaign.deadline).where(Campaign.name == "Năm 2027"))) == date(2027, 12, 10)


def test_the_deadline_can_be_edited(client, login_as, query, audit_events):
    login_as("coordinator")
    data = campaign_data(query, name="Kiểm tra năm 2026 (sửa)", year="2026", period="annual", deadline="2026-12-05")
    assert client.post("/campaigns/1/edit", data=data).status_code == 302
    assert query(lambda s: s.get(Campaign, 1)).deadline == date(2026, 12, 5)
    [event] = audit_events("campaign.update")
    assert event.before["deadline"] == "2026-12-10" and event.after["deadline"] == "2026-12-05"


def test_campaign_errors_name_the_field_and_keep_the_values(client, login_as, query):
    login_as("coordinator")
    response = client.post("/campaigns/new", data=campaign_data(
        query, year="hai nghìn", deadline="31/02/2027", start_date="2027-11-15", end_date="2027-11-01",
        template_id="0"))
    page = page_text(response)
    assert response.status_code == 400
    assert "Năm: Số nguyên không hợp lệ." in page
    assert "Hạn gửi báo cáo: Ngày không hợp lệ." in page
    assert "Ngày kết thúc: Ngày kết thúc không được trước ngày bắt đầu." in page
    assert "Mẫu phiếu kiểm tra: Trường này là bắt buộc." in page
    assert 'value="hai nghìn"' in page and 'value="31/02/2027"' in page and 'value="SỞ NỘI VỤ"' in page
    response = client.post("/campaigns/new", data=campaign_data(query, year="1990"))
    assert "Năm: Số phải nằm trong khoảng từ 2000 đến 2100." in page_text(response)
    assert query(lambda s: s.scalar(select(func.count()).select_from(Campaign))) == 1


def test_template_cannot_change_once_checklists_are_submitted(client, login_as, query, app):
    with app.app_context():
        visit = db.session.get(Visit, 1)
        campaign = db.session.get(Campaign, 1)
        old = db.session.get(Template, campaign.template_id)
        other = Template(key="other", version=1, title="Khác", definition=old.definition, content_hash="x" * 64)
        db.session.add(other)
        inspector = db.session.scalar(select(User).where(User.username == "inspector1"))
        db.session.add(Submission(uuid=new_uuid(), visit_id=visit.id, inspector_id=inspector.id,
                                  template_id=old.id, answers={}, content_hash="h" * 64))
        db.session.commit()
        other_id = other.id
    login_as("coordinator")
    response = client.post("/campaigns/1/edit", data=campaign_data(query, year="2026", period="annual",
                                                                   template_id=str(other_id)))
    assert response.status_code == 400
    assert "Mẫu phiếu kiểm tra: Đã có phiếu kiểm tra được nộp theo mẫu hiện tại" in page_text(response)


def test_archived_campaign_drops_out_of_the_list_but_keeps_its_dashboard(client, login_as, query, audit_events):
    login_as("coordinator")
    assert client.post("/campaigns/1/archive").status_code == 302
    assert query(lambda s: s.get(Campaign, 1)).archived_at is not None
    assert 'data-campaign-id="1"' not in page_text(client.get("/campaigns/"))
    assert 'data-campaign-id="1"' in page_text(client.get("/campaigns/?archived=1"))
    assert client.get("/campaigns/1").status_code == 200
    assert len(audit_events("campaign.archive")) == 1


def test_team_with_lead_and_members_from_several_agencies(client, login_as, query, audit_events):
    login_as("coordinator")
    response = client.post("/campaigns/1/teams/new", data={
        "name": "Đoàn kiểm tra liên ngành số 3", "decision_number": "127/QĐ-SLĐTBXH", "decision_date": "2026-11-02",
        "lead_id": str(query(lambda s: s.scalar(select(User.id).where(User.username == "lead2"))))})
    assert response.status_code == 302
    team = query(lambda s: s.scalar(select(Team).where(Team.name == "Đoàn kiểm tra liên ngành số 3")))
    ids = {name: query(lambda s, n=name: s.scalar(select(User.id).where(User.username == n)))
           for name in ("inspector1", "inspector4")}
    client.post(f"/campaigns/teams/{team.id}/members", data={"user_id": ids["inspector1"], "team_role": "secretary"})
    client.post(f"/campaigns/teams/{team.id}/members", data={"user_id": ids["inspector4"], "team_role": "deputy"})
    page = page_text(client.get(f"/campaigns/teams/{team.id}"))
    for text in ("Lê Thị Thu Hà", "Trưởng đoàn", "Phạm Thị Lan", "Thư ký đoàn", "Đặng Quốc Bảo", "Phó trưởng đoàn",
                 "Hội Liên hiệp Phụ nữ tỉnh", "Sở Tư pháp"):
        assert text in page, text
    roles = query(lambda s: {m.user_id: m.team_role for m in s.scalars(
        select(TeamMember).where(TeamMember.team_id == team.id))})
    assert sorted(roles.values()) == ["deputy", "lead", "secretary"]
    [created] = audit_events("team.create")
    assert created.after["decision_number"] == "127/QĐ-SLĐTBXH" and created.after["members"]
    adds = audit_events("team.member_add")
    assert len(adds) == 2 and [ids["inspector4"], "deputy"] in adds[1].after["members"]


def test_team_errors_name_the_field(client, login_as):
    login_as("coordinator")
    response = client.post("/campaigns/1/teams/new", data={"name": "Đoàn 4", "decision_number": "",
                                                           "decision_date": "hôm qua", "lead_id": "0"})
    page = page_text(response)
    assert response.status_code == 400
    assert "Số quyết định: Trường này là bắt buộc." in page
    assert "Ngày quyết định: Ngày không hợp lệ." in page
    assert "Trưởng đoàn: Trường này là bắt buộc." in page
    assert 'value="Đoàn 4"' in page and 'value="hôm qua"' in page


def test_changing_the_lead_moves_the_lead_role(client, login_as, query):
    login_as("coordinator")
    lead2 = query(lambda s: s.scalar(select(User.id).where(User.username == "lead2")))
    lead1 = query(lambda s: s.scalar(select(User.id).where(User.username == "lead1")))
    client.post("/campaigns/teams/1/edit", data={"name": "Đoàn kiểm tra liên ngành số 1",
                                                 "decision_number": "125/QĐ-SLĐTBXH", "decision_date": "2026-11-01",
                                                 "lead_id": str(lead2)})
    roles = query(lambda s: {m.user_id: m.team_role
                             for m in s.scalars(select(TeamMember).where(TeamMember.team_id == 1))})
    assert roles[lead2] == "lead" and roles[lead1] == "member"


def test_a_member_who_submitted_stays_on_the_team(client, login_as, query, app):
    member = query(lambda s: s.scalar(select(TeamMember).join(User).where(TeamMember.team_id == 1,
                                                                          User.username == "inspector2")))
    with app.app_context():
        campaign = db.session.get(Campaign, 1)
        db.session.add(Submission(uuid=new_uuid(), visit_id=1, inspector_id=member.user_id,
                                  template_id=campaign.template_id, answers={}, content_hash="h" * 64))
        db.session.commit()
    login_as("coordinator")
    response = client.post(f"/campaigns/teams/1/members/{member.id}/remove", follow_redirects=True)
    assert "Hoàng Văn Đức đã nộp phiếu kiểm tra cho đoàn này nên vẫn ở lại trong đoàn." in page_text(response)
    assert query(lambda s: s.get(TeamMember, member.id)) is not None
    # someone who has not submitted can be taken off
    other = query(lambda s: s.scalar(select(TeamMember).join(User).where(TeamMember.team_id == 1,
                                                                         User.username == "inspector1")))
    client.post(f"/campaigns/teams/1/members/{other.id}/remove")
    assert query(lambda s: s.get(TeamMember, other.id)) is None


def test_plan_a_visit_and_refuse_a_unit_already_in_the_campaign(client, login_as, query, audit_events):
    login_as("coordinator")
    unit = query(lambda s: s.scalar(select(Unit).where(Unit.code == "SXD")))  # team 2 visits it
    response = client.post("/campaigns/teams/1/visits/new", data={"team_id": "1", "unit_id": str(unit.id),
                                                                  "planned_date": "2026-11-30",
                                                                  "record_number": "BB-9"})
    page = page_text(response)
    assert response.status_code == 400
    assert "Đơn vị được kiểm tra: Sở Xây dựng đã có trong lịch kiểm tra của Đoàn kiểm tra liên ngành số 2" in page
    assert 'value="2026-11-30"' in page and 'value="BB-9"' in page
    new_unit = client.post("/campaigns/units/new", data={"code": "SNGV", "name": "Sở Ngoại vụ", "kind": "department",
                                                         "parent_id": "0"})
    assert new_unit.status_code == 302
    unit_id = query(lambda s: s.scalar(select(Unit.id).where(Unit.code == "SNGV")))
    response = client.post("/campaigns/teams/1/visits/new", data={"team_id": "1", "unit_id": str(unit_id),
                                                                  "planned_date": "2026-11-30", "record_number": ""})
    assert response.status_code == 302
    visit = query(lambda s: s.scalar(select(Visit).where(Visit.unit_id == unit_id)))
    assert visit.team_id == 1 and visit.status == "planned" and visit.planned_date == date(2026, 11, 30)
    assert audit_events("visit.create")[0].after["unit_id"] == unit_id


def test_visit_edit_errors_and_stale_version(client, login_as, query, audit_events):
    login_as("coordinator")
    visit = query(lambda s: s.get(Visit, 1))
    data = {"team_id": "1", "unit_id": str(visit.unit_id), "planned_date": "30-11", "record_number": "",
            "version": str(visit.version)}
    response = client.post("/campaigns/visits/1/edit", data=data)
    assert response.status_code == 400 and "Ngày dự kiến: Ngày không hợp lệ." in page_text(response)
    data["planned_date"] = "2026-11-25"
    assert client.post("/campaigns/visits/1/edit", data=data).status_code == 302
    [event] = audit_events("visit.update")
    assert event.before["planned_date"] == "2026-11-17" and event.after["planned_date"] == "2026-11-25"
    # the same (now old) version again: someone else's change is not overwritten
    data["planned_date"] = "2026-11-26"
    response = client.post("/campaigns/visits/1/edit", data=data)
    assert response.status_code == 400 and "Người khác vừa thay đổi cuộc kiểm tra này." in page_text(response)
    assert query(lambda s: s.get(Visit, 1)).planned_date == date(2026, 11, 25)


def test_archived_visit_stays_on_record(client, login_as, query, audit_events):
    login_as("coordinator")
    assert client.post("/campaigns/visits/1/archive").status_code == 302
    assert query(lambda s: s.get(Visit, 1)).archived_at is not None
    team_page = page_text(client.get("/campaigns/teams/1"))
    assert 'data-visit-id="1"' not in team_page and "Hiện cả mục đã lưu trữ" in team_page
    assert 'data-visit-id="1"' in page_text(client.get("/campaigns/teams/1?archived=1"))
    assert 'data-visit-id="1"' not in page_text(client.get("/campaigns/1"))  # not counted on the dashboard
    client.post("/campaigns/visits/1/restore")
    assert query(lambda s: s.get(Visit, 1)).archived_at is None
    actions = [e.action for e in audit_events("visit.archive") + audit_events("visit.restore")]
    assert actions == ["visit.archive", "visit.restore"]


def test_archived_team_leaves_the_dashboard_but_can_be_found_and_restored(client, login_as, query, audit_events):
    login_as("coordinator")
    assert client.post("/campaigns/teams/2/archive").status_code == 302
    assert query(lambda s: s.get(Team, 2)).archived_at is not None
    page = page_text(client.get("/campaigns/1"))
    assert 'data-team-id="2"' not in page
    assert 'id="archived-teams"' in page and "Đoàn kiểm tra liên ngành số 2" in page.split('id="archived-teams"')[1]
    assert 'data-visit-id="7"' not in page  # its visits no longer count
    assert client.get("/campaigns/teams/2").status_code == 200  # its record stays
    client.post("/campaigns/teams/2/restore")
    assert query(lambda s: s.get(Team, 2)).archived_at is None
    actions = [e.action for e in audit_events("team.archive") + audit_events("team.restore")]
    assert actions == ["team.archive", "team.restore"]


def test_a_visit_changed_under_us_is_a_conflict_page(client, login_as, query, monkeypatch):
    """StaleDataError in a campaigns view answers the shared error contract's 409 page, nothing written."""
    from sqlalchemy.orm.exc import StaleDataError

    from inspections.campaigns import services

    def changed_meanwhile(*args, **kwargs):
        raise StaleDataError("UPDATE statement on table 'visits' expected to update 1 row(s); 0 were matched.")

    login_as("coordinator")
    visit = query(lambda s: s.scalar(select(Visit).order_by(Visit.id)))
    monkeypatch.setattr(services, "save_visit", changed_meanwhile)
    response = client.post(f"/campaigns/visits/{visit.id}/edit", data={
        "team_id": str(visit.team_id), "unit_id": str(visit.unit_id), "version": str(visit.version)})
    assert response.status_code == 409
    assert "Người khác vừa thay đổi nội dung này." in page_text(response)
