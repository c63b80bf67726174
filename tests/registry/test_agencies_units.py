"""Agencies and inspected units: create, edit, errors named by field, archive instead of delete, audit."""
from __future__ import annotations

from sqlalchemy import select

from inspections.models import Agency, Unit, Visit
from tests.desk import page_text


def unit_by_code(query, code):
    return query(lambda s: s.scalar(select(Unit).where(Unit.code == code)))


def test_create_agency_and_see_it_listed(client, login_as, query, audit_events):
    login_as("coordinator")
    response = client.post("/campaigns/agencies/new",
                           data={"code": "syt", "name": "Sở Y tế (cơ quan)", "short_name": "SYT"})
    assert response.status_code == 302
    assert "Sở Y tế (cơ quan)" in page_text(client.get("/campaigns/agencies"))
    agency = query(lambda s: s.scalar(select(Agency).where(Agency.code == "SYT")))
    assert agency is not None  # codes are stored upper-case
    [event] = audit_events("agency.create")
    assert event.before is None and event.after["name"] == "Sở Y tế (cơ quan)" and event.object_id == agency.id


def test_agency_errors_name_the_field_and_keep_what_was_typed(client, login_as):
    login_as("coordinator")
    response = client.post("/campaigns/agencies/new", data={"code": "SNV", "name": "", "short_name": "Nội vụ 2"})
    page = page_text(response)
    assert response.status_code == 400
    assert "Tên: Trường này là bắt buộc." in page  # "Name: This field is required."
    assert 'value="SNV"' in page and 'value="Nội vụ 2"' in page
    # a taken code is refused next to the code field
    response = client.post("/campaigns/agencies/new", data={"code": "snv", "name": "Another", "short_name": ""})
    page = page_text(response)
    assert response.status_code == 400
    assert "Mã: Đã có cơ quan khác mang mã SNV." in page and 'value="Another"' in page


def test_edit_agency_records_before_and_after(client, login_as, audit_events, query):
    login_as("coordinator")
    snv = query(lambda s: s.scalar(select(Agency).where(Agency.code == "SNV")))
    response = client.post(f"/campaigns/agencies/{snv.id}/edit",
                           data={"code": "SNV", "name": "Sở Nội vụ tỉnh", "short_name": "SNV"})
    assert response.status_code == 302
    [event] = audit_events("agency.update")
    assert event.before["name"] == "Sở Nội vụ" and event.after["name"] == "Sở Nội vụ tỉnh"
    assert event.before["short_name"] == "Sở Nội vụ" and event.after["short_name"] == "SNV"


def test_saving_unchanged_values_writes_no_audit_event(client, login_as, audit_events, query):
    login_as("coordinator")
    snv = query(lambda s: s.scalar(select(Agency).where(Agency.code == "SNV")))
    client.post(f"/campaigns/agencies/{snv.id}/edit",
                data={"code": "SNV", "name": "Sở Nội vụ", "short_name": "Sở Nội vụ"})
    assert audit_events("agency.update") == []


def test_archived_agency_leaves_the_user_picker_but_users_keep_it(client, login_as, query):
    login_as("admin")
    hlhpn = query(lambda s: s.scalar(select(Agency).where(Agency.code == "HLHPN")))
    assert client.post(f"/campaigns/agencies/{hlhpn.id}/archive").status_code == 302
    assert query(lambda s: s.get(Agency, hlhpn.id)).archived_at is not None  # archived, not deleted
    assert "Hội Liên hiệp Phụ nữ tỉnh" not in page_text(client.get("/campaigns/agencies"))
    assert "Hội Liên hiệp Phụ nữ tỉnh" in page_text(client.get("/campaigns/agencies?archived=1"))
    assert f'<option value="{hlhpn.id}"' not in page_text(client.get("/campaigns/users/new"))
    # inspector1's own agency stays on their record and in their form (marked archived)
    page = page_text(client.get("/campaigns/users/5/edit"))
    assert f'<option selected value="{hlhpn.id}"' in page or f'<option value="{hlhpn.id}" selected' in page
    assert client.post(f"/campaigns/agencies/{hlhpn.id}/restore").status_code == 302
    assert query(lambda s: s.get(Agency, hlhpn.id)).archived_at is None


def test_create_unit_with_parent(client, login_as, query, audit_events):
    login_as("coordinator")
    parent = unit_by_code(query, "SNNMT")
    response = client.post("/campaigns/units/new",
                           data={"code": "CC-TL", "name": "Chi cục Thủy lợi", "kind": "department",
                                 "parent_id": str(parent.id), "address": ""})
    assert response.status_code == 302
    unit = unit_by_code(query, "CC-TL")
    assert unit.parent_id == parent.id and unit.kind == "department"
    assert audit_events("unit.create")[0].after["parent_id"] == parent.id


def test_new_units_are_department_or_commune_level_never_district(client, login_as, query):
    login_as("coordinator")
    page = page_text(client.get("/campaigns/units/new"))
    assert 'value="department"' in page and 'value="commune"' in page and 'value="district"' not in page
    assert "Cấp xã (xã, phường, đặc khu)" in page and "huyện" not in page
    response = client.post("/campaigns/units/new", data={"code": "HUYEN-MOI", "name": "UBND huyện Mới",
                                                         "kind": "district", "parent_id": "0", "address": ""})
    assert response.status_code == 400 and "Loại: Lựa chọn không hợp lệ." in page_text(response)
    assert unit_by_code(query, "HUYEN-MOI") is None


def test_a_district_of_an_old_campaign_stays_readable_and_editable(client, login_as, query, old_campaign):
    login_as("coordinator")
    district = unit_by_code(query, "HUYEN-MS")
    assert "UBND huyện Minh Sơn" in page_text(client.get("/campaigns/units"))
    page = page_text(client.get(f"/campaigns/units/{district.id}/edit"))
    assert 'value="district" selected' in page or 'selected value="district"' in page
    response = client.post(f"/campaigns/units/{district.id}/edit", data={
        "code": "HUYEN-MS", "name": "UBND huyện Minh Sơn (cũ)", "kind": "district", "parent_id": "0", "address": ""})
    assert response.status_code == 302 and unit_by_code(query, "HUYEN-MS").kind == "district"
    # another unit cannot be turned into a district
    commune = unit_by_code(query, "XA-HP")
    response = client.post(f"/campaigns/units/{commune.id}/edit", data={
        "code": "XA-HP", "name": commune.name, "kind": "district", "parent_id": "0", "address": ""})
    assert response.status_code == 400 and unit_by_code(query, "XA-HP").kind == "commune"


def test_unit_errors_name_the_field(client, login_as):
    login_as("coordinator")
    response = client.post("/campaigns/units/new", data={"code": "SYT", "name": "Trùng mã", "kind": "province",
                                                         "parent_id": "0", "address": "12 Lê Lợi"})
    page = page_text(response)
    assert response.status_code == 400
    assert "Loại: Lựa chọn không hợp lệ." in page  # Kind: Not a valid choice
    assert 'value="12 Lê Lợi"' in page and 'value="Trùng mã"' in page
    response = client.post("/campaigns/units/new", data={"code": "SYT", "name": "Trùng mã", "kind": "department",
                                                         "parent_id": "0", "address": ""})
    assert "Mã: Đã có đơn vị khác mang mã SYT." in page_text(response)
    response = client.post("/campaigns/units/new", data={"code": "có dấu", "name": "X", "kind": "department",
                                                         "parent_id": "0"})
    assert "Mã: Chỉ dùng chữ cái không dấu" in page_text(response)


def test_a_unit_cannot_be_put_under_its_own_commune(client, login_as, query, old_campaign):
    login_as("coordinator")
    district = unit_by_code(query, "HUYEN-MS")
    commune = unit_by_code(query, "XA-CU")
    # communes are never offered as parents, and a posted one is refused by the picker
    page = page_text(client.get(f"/campaigns/units/{district.id}/edit"))
    assert f'value="{commune.id}"' not in page
    response = client.post(f"/campaigns/units/{district.id}/edit", data={
        "code": "HUYEN-MS", "name": district.name, "kind": "district", "parent_id": str(commune.id)})
    assert response.status_code == 400
    assert "Đơn vị cấp trên: Lựa chọn không hợp lệ." in page_text(response)


def test_archiving_a_unit_in_use_keeps_its_visits_and_hides_it_from_pickers(client, login_as, query, audit_events):
    login_as("coordinator")
    unit = unit_by_code(query, "SYT")  # team 1 visits it
    assert client.post(f"/campaigns/units/{unit.id}/archive").status_code == 302
    stored = unit_by_code(query, "SYT")
    assert stored is not None and stored.archived_at is not None
    assert query(lambda s: s.scalar(select(Visit).where(Visit.unit_id == unit.id))) is not None
    # gone from the list and the visit picker, still in the team's history
    assert "Sở Y tế" not in page_text(client.get("/campaigns/units"))
    assert "Sở Y tế" in page_text(client.get("/campaigns/units?archived=1"))
    assert ">Sở Y tế</option>" not in page_text(client.get("/campaigns/teams/1/visits/new"))
    assert ">Sở Giáo dục và Đào tạo</option>" in page_text(client.get("/campaigns/teams/1/visits/new"))
    team_page = page_text(client.get("/campaigns/teams/1"))
    assert "Sở Y tế" in team_page and "đã lưu trữ" in team_page
    [event] = audit_events("unit.archive")
    assert event.before["archived_at"] is None and event.after["archived_at"] is not None


def test_a_district_with_communes_cannot_become_a_commune(client, login_as, query, old_campaign):
    login_as("coordinator")
    district = unit_by_code(query, "HUYEN-MS")
    response = client.post(f"/campaigns/units/{district.id}/edit", data={
        "code": "HUYEN-MS", "name": district.name, "kind": "commune", "parent_id": "0"})
    assert response.status_code == 400
    assert "Loại: Đang có đơn vị khác trực thuộc đơn vị này" in page_text(response)


def test_two_people_saving_the_same_code_get_a_conflict_not_an_error(client, login_as, query, monkeypatch):
    """The uniqueness check and the insert race: the database refuses the second, the user sees 409."""
    from inspections.registry import services

    login_as("coordinator")
    # as if the other save landed just after the check
    monkeypatch.setattr(services, "code_taken", lambda *args: False)
    response = client.post("/campaigns/agencies/new", data={"code": "SNV", "name": "Sở Nội vụ (2)", "short_name": ""})
    assert response.status_code == 409
    assert "Người khác vừa thay đổi nội dung này." in page_text(response)
