"""The province of 2026 everywhere a user looks, and a campaign from before 2025 still working.

The organisation is a setting (admin page, environment, CLI; a campaign may override it), the
demo province has two tiers of local government, new campaigns get checklist v2, and an old
campaign on checklist v1 with a district keeps opening, merging and exporting as it did.
"""
from __future__ import annotations

import io
import re

from openpyxl import load_workbook
from sqlalchemy import select

from inspections.extensions import db
from inspections.models import AuditEvent, Campaign, OrganisationSetting, Submission, Template, Unit, User, Visit
from inspections.submissions import SubmissionInput, default_uuid, store_submission
from tests.conftest import AuthActions
from tests.review.conftest import REQUIRED_ANSWERS

V2_ONLY = {"C12", "D7", "D8"}


def client_for(app, username):
    client = app.test_client()
    AuthActions(client).login(username)
    return client


def text(response) -> str:
    return response.get_data(as_text=True)


def workbook(response):
    assert response.status_code == 200, response.status_code
    return load_workbook(io.BytesIO(response.data))


def store(app, username, visit_id, answers):
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == username))
        uuid = default_uuid(visit_id, user.id)
        result = store_submission(user, SubmissionInput(uuid=uuid, visit_id=visit_id, revision=1, answers=answers,
                                                        notes={}, state="submitted"), lang="en")
        assert result.stored, result.as_json()
        db.session.commit()


def version(app, visit_id):
    with app.app_context():
        return db.session.scalar(select(Visit.version).where(Visit.id == visit_id))


def demo_visit(app, code):
    with app.app_context():
        return db.session.scalar(select(Visit.id).join(Unit).where(Unit.code == code))


# --- the organisation as settings ------------------------------------------------------------

def test_admin_sets_the_organisation_and_every_form_follows(app, demo):
    admin = client_for(app, "admin")
    page = text(admin.get("/campaigns/organisation"))
    assert 'name="province"' in page and 'name="department"' in page and 'name="form_prefix"' in page
    assert "UBND TỈNH HÒA AN / SỞ NỘI VỤ" in page
    response = admin.post("/campaigns/organisation", data={
        "province": "Quảng Trị", "department": "", "parent": "", "form_prefix": "QT-BĐG", "record_symbol": "BB-ĐKT"})
    assert response.status_code == 302
    with app.app_context():
        row = db.session.get(OrganisationSetting, 1)
        assert (row.province, row.form_prefix) == ("Quảng Trị", "QT-BĐG")
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "organisation.update"))
        assert event.before["province"] == "Hòa An" and event.after["province"] == "Quảng Trị"
        campaign_id = db.session.scalar(select(Campaign.id))
    coordinator = client_for(app, "coordinator")
    general = workbook(coordinator.get(f"/reports/campaigns/{campaign_id}.xlsx"))["1 Thông tin chung"]
    assert [general[c].value for c in ("A1", "A2", "A3")] == ["UBND TỈNH QUẢNG TRỊ", "SỞ NỘI VỤ", "Biểu số: QT-BĐG-01"]
    lead = client_for(app, "lead1")
    record = text(lead.get(f"/review/visits/{demo_visit(app, 'SYT')}/record"))
    assert "UBND TỈNH QUẢNG TRỊ" in record and "……/BB-ĐKT" in record


def test_only_the_admin_changes_the_organisation_and_bad_values_name_the_field(app, demo):
    coordinator = client_for(app, "coordinator")
    assert coordinator.get("/campaigns/organisation").status_code in (403, 404)
    assert coordinator.post("/campaigns/organisation", data={"province": "X"}).status_code in (403, 404)
    admin = client_for(app, "admin")
    response = admin.post("/campaigns/organisation", data={"province": "Hòa An", "department": "x" * 301})
    assert response.status_code == 400 and 'value="Hòa An"' in text(response)
    with app.app_context():
        assert db.session.get(OrganisationSetting, 1).department == ""  # nothing saved


def test_a_campaign_overrides_the_issuing_body(app, demo):
    coordinator = client_for(app, "coordinator")
    with app.app_context():
        campaign = db.session.scalar(select(Campaign))
        data = {"name": campaign.name, "year": "2026", "period": "annual", "deadline": "2026-12-10",
                "start_date": "", "end_date": "", "template_id": str(campaign.template_id),
                "target_set_id": str(campaign.target_set_id), "issuing_parent": "UBND tỉnh Hòa An",
                "issuing_body": "Ban Vì sự tiến bộ của phụ nữ tỉnh", "on_time_rule": "on_or_before"}
        campaign_id = campaign.id
    assert coordinator.post(f"/campaigns/{campaign_id}/edit", data=data).status_code == 302
    general = workbook(coordinator.get(f"/reports/campaigns/{campaign_id}.xlsx"))["1 Thông tin chung"]
    assert [general[c].value for c in ("A1", "A2")] == ["UBND TỈNH HÒA AN", "BAN VÌ SỰ TIẾN BỘ CỦA PHỤ NỮ TỈNH"]


def test_a_new_campaign_gets_checklist_v2_even_when_v1_is_stored(app, demo, old_campaign):
    coordinator = client_for(app, "coordinator")
    page = text(coordinator.get("/campaigns/new"))
    with app.app_context():
        v2 = db.session.scalar(select(Template).where(Template.version == 2))
    selected = re.search(r'<select[^>]*name="template_id".*?</select>', page, re.S).group(0)
    assert re.search(rf'<option (selected )?value="{v2.id}"( selected)?', selected).group(0).count("selected") == 1
    assert 'name="on_time_rule"' in page and "Trước hoặc vào ngày hạn" in page


def test_a_district_cannot_be_planned_in_a_campaign_on_checklist_v2(app, demo, old_campaign):
    coordinator = client_for(app, "coordinator")
    response = coordinator.post("/campaigns/teams/2/visits/new", data={
        "team_id": "2", "unit_id": str(old_campaign["district"]), "planned_date": "", "record_number": ""})
    assert response.status_code == 400 and "không có câu hỏi cho loại đơn vị này" in text(response)


# --- the on-time rule -----------------------------------------------------------------------

def test_strictly_before_makes_a_report_on_the_deadline_day_late(app, demo):
    with app.app_context():
        campaign = db.session.scalar(select(Campaign))
        campaign.on_time_rule = "before"
        db.session.commit()
        campaign_id = campaign.id
    visit_id = demo_visit(app, "SYT")
    inspector = client_for(app, "inspector1")
    assert "Đúng hạn nếu gửi trước ngày 10/6." in text(inspector.get(f"/visits/{visit_id}/checklist"))
    answers = {k: v for k, v in REQUIRED_ANSWERS.items()} | {"G3": "2026-06-10", "G4": "2026-12-01"}
    store(app, "inspector1", visit_id, answers)
    lead = client_for(app, "lead1")
    assert lead.post(f"/review/visits/{visit_id}/report", data={
        "version": version(app, visit_id), "achievements": "Kế hoạch ban hành đúng hạn",
        "conclusion": "Cơ bản thực hiện tốt"}).status_code == 303  # finalizing needs both
    assert lead.post(f"/api/v1/visits/{visit_id}/finalize", json={"version": version(app, visit_id)}).status_code == 200
    sheet = workbook(client_for(app, "coordinator").get(f"/reports/campaigns/{campaign_id}.xlsx"))["5 Chỉ tiêu"]
    i10 = next(row for row in sheet.iter_rows(values_only=True) if row[1] == "I10")
    assert i10[6] == 0 and "Không đạt" in i10  # the one unit sent on 10/6: late under "strictly before"


# --- what every role sees -------------------------------------------------------------------

def test_no_page_of_any_role_names_the_old_labour_department(app, demo):
    visit_id = demo_visit(app, "SYT")
    pages = {"admin": ["/", "/campaigns/users", "/campaigns/organisation", "/campaigns/agencies"],
             "coordinator": ["/", "/campaigns/", "/campaigns/1", "/campaigns/units", "/campaigns/units/new",
                             "/campaigns/agencies", "/reports/", "/checklists/"],
             "lead": ["/", "/campaigns/", f"/review/visits/{visit_id}", f"/review/visits/{visit_id}/record"],
             "inspector": ["/", "/my-visits", f"/visits/{visit_id}/checklist"]}
    users = {"admin": "admin", "coordinator": "coordinator", "lead": "lead1", "inspector": "inspector1"}
    for role, urls in pages.items():
        client = client_for(app, users[role])
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, (role, url, response.status_code)
            page = text(response)
            assert "Thương binh" not in page and "LĐTB" not in page, (role, url)
            assert not re.search(r"\bhuyện\b", page, re.IGNORECASE), (role, url)
    units = text(client_for(app, "coordinator").get("/campaigns/units"))
    assert "UBND phường Tân Lập" in units and "UBND đặc khu An Thịnh" in units
    assert "Cấp xã (xã, phường, đặc khu)" in units
    users_page = text(client_for(app, "admin").get("/campaigns/users"))
    assert "Điều phối (cán bộ của sở)" in users_page


# --- a campaign from before 2025 -------------------------------------------------------------

def test_an_old_campaign_on_v1_with_a_district_opens_merges_and_exports(app, demo, old_campaign):
    visit_id = old_campaign["district_visit"]
    inspector = client_for(app, "inspector1")
    page = text(inspector.get(f"/visits/{visit_id}/checklist"))
    assert 'data-template="gender_equality@1"' in page and 'data-unit-kind="district"' in page
    assert 'data-code="C6"' in page and 'data-code="C12"' not in page  # v1's items, locality items for a district
    assert "Đúng hạn nếu gửi trước hoặc vào ngày 10/6." in page  # v1's own hint, unchanged
    v1_answers = {k: v for k, v in REQUIRED_ANSWERS.items() if k not in V2_ONLY}
    store(app, "inspector1", visit_id, v1_answers | {"C6": {"male": 20, "female": 10}, "E6_cases": 4,
                                                     "E6_supported": 3})
    lead = client_for(app, "lead1")
    merge = lead.get(f"/review/visits/{visit_id}")
    assert merge.status_code == 200 and 'data-item="C6"' in text(merge)
    assert lead.post(f"/review/visits/{visit_id}/report", data={
        "version": version(app, visit_id), "achievements": "Kế hoạch ban hành đúng hạn",
        "conclusion": "Cơ bản thực hiện tốt"}).status_code == 303  # finalizing needs both
    assert lead.post(f"/api/v1/visits/{visit_id}/finalize", json={"version": version(app, visit_id)}).status_code == 200
    record = text(lead.get(f"/review/visits/{visit_id}/record"))
    assert "SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI" in record  # the old campaign's own data, kept
    assert "UBND huyện Minh Sơn" in record
    coordinator = client_for(app, "coordinator")
    book = workbook(coordinator.get(f"/reports/campaigns/{old_campaign['campaign']}.xlsx"))
    general = book["1 Thông tin chung"]
    assert general["A2"].value == "SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI"
    units = [row for row in book["2 Danh sách đơn vị"].iter_rows(values_only=True) if row[1] == "UBND huyện Minh Sơn"]
    assert units and "đơn vị cấp huyện" in units[0]
    headers = [c for row in book["3 Tổng hợp theo đơn vị"].iter_rows(values_only=True) for c in row
               if isinstance(c, str)]
    assert not any(h.startswith("C12.") for h in headers)  # v1's items, not v2's
    indicators = [row[1] for row in book["5 Chỉ tiêu"].iter_rows(values_only=True)]
    assert "I12" in indicators and "I13" not in indicators
    visit_book = workbook(coordinator.get(f"/reports/visits/{visit_id}.xlsx"))
    assert visit_book.worksheets[0]["A2"].value == "SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI"
    with app.app_context():
        assert db.session.scalar(select(Submission.template_id).where(Submission.visit_id == visit_id)) == \
            old_campaign["template"]
