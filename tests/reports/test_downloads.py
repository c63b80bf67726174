"""Who may download what; the period and visit workbooks; the command line; the index page."""
from __future__ import annotations

from urllib.parse import unquote

import pytest
from sqlalchemy import select

from inspections.extensions import db
from inspections.models import Attachment, Campaign, Recommendation, Shortcoming, Team, Visit, VisitReport

from .conftest import (
    HEADER_ROW,
    base_answers,
    campaign_url,
    demo_campaign,
    download,
    finalize,
    frame,
    read,
    rows_after_header,
    submit,
    team_visits,
    user_id,
)


def team_unit_names(app, lead: str) -> set[str]:
    with app.app_context():
        return {visit.unit.name for visit in team_visits(lead)}


@pytest.mark.parametrize("username", ["inspector1", "inspector3"])
def test_inspectors_are_refused_everything(app, client, auth, demo, username):
    with app.app_context():
        campaign_id = demo_campaign().id
        own_visit = team_visits("lead1")[0].id
    auth.login(username)
    assert client.get("/reports/").status_code == 403
    assert client.get(campaign_url(campaign_id)).status_code == 403
    assert client.get("/reports/periods/2026/annual.xlsx").status_code == 403
    assert client.get(f"/reports/visits/{own_visit}.xlsx").status_code in (403, 404)


def test_anonymous_users_are_sent_to_log_in(app, client, demo):
    with app.app_context():
        campaign_id = demo_campaign().id
    response = client.get(campaign_url(campaign_id))
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_a_lead_gets_only_their_own_team(app, client, auth, demo):
    with app.app_context():
        for lead in ("lead1", "lead2"):
            for visit in team_visits(lead)[:2]:
                finalize(visit, base_answers(), by=lead)
        db.session.commit()
        campaign_id = demo_campaign().id
        other_team_visit = team_visits("lead2")[0].id
        own_visit = team_visits("lead1")[0].id
    own, other = team_unit_names(app, "lead1"), team_unit_names(app, "lead2")
    auth.login("lead1")
    for url in (campaign_url(campaign_id), campaign_url(campaign_id, provisional=True),
                "/reports/periods/2026/annual.xlsx", "/reports/periods/2026/annual.xlsx?provisional=1"):
        data = download(client, url).data
        book = read(data)
        listed = {row[1] for row in rows_after_header(book["2 Danh sách đơn vị"])}
        assert listed == own, url
        long = frame(data, "9 Dữ liệu chi tiết", header=0)
        assert set(long["Đơn vị được kiểm tra"]) <= own and not set(long["Đơn vị được kiểm tra"]) & other
        gender = book["4 Số liệu tách biệt giới"]
        assert "Tổng số" in [c.value for c in gender[HEADER_ROW + 1]]
        totals = [row for row in gender.iter_rows(min_row=HEADER_ROW + 2, values_only=True)
                  if row[1] == "Tổng số"]
        assert totals, "a team-only workbook has a team total, not a province-wide one"
        assert book["1 Thông tin chung"]["A5"].value.endswith("Phạm vi: Đoàn kiểm tra liên ngành số 1")
    assert client.get(f"/reports/visits/{own_visit}.xlsx").status_code == 200
    assert client.get(f"/reports/visits/{other_team_visit}.xlsx").status_code in (403, 404)
    page = client.get("/reports/").get_data(as_text=True)
    assert f"/reports/visits/{own_visit}.xlsx" in page
    assert f"/reports/visits/{other_team_visit}.xlsx" not in page


def test_a_lead_without_a_team_in_the_campaign_is_refused(app, client, auth, demo):
    with app.app_context():
        demo_row = demo_campaign()
        other = Campaign(name="Đợt khác", year=2026, period="mid_year", deadline=demo_row.deadline,
                         template_id=demo_row.template_id, target_set_id=demo_row.target_set_id)
        db.session.add(other)
        db.session.commit()
        other_id = other.id
    auth.login("lead1")
    assert client.get(campaign_url(other_id)).status_code == 403
    assert client.get("/reports/periods/2026/mid-year.xlsx").status_code == 403
    assert client.get("/reports/periods/2026/quarterly.xlsx").status_code == 404


def test_period_workbook_consolidates_every_campaign_and_team(app, coordinator):
    with app.app_context():
        demo_row = demo_campaign()
        second = Campaign(name="Đợt bổ sung", year=2026, period="annual", deadline=demo_row.deadline,
                          template_id=demo_row.template_id, target_set_id=demo_row.target_set_id,
                          issuing_body=demo_row.issuing_body)
        db.session.add(second)
        db.session.flush()
        team = Team(campaign_id=second.id, name="Đoàn bổ sung", lead_id=user_id("lead1"))
        db.session.add(team)
        db.session.flush()
        extra = Visit(team_id=team.id, unit_id=team_visits("lead2")[0].unit_id, status="planned")
        db.session.add(extra)
        db.session.flush()
        finalize(extra, base_answers(C1={"male": 1, "female": 3}))
        finalize(team_visits("lead1")[0], base_answers(C1={"male": 6, "female": 0}))
        finalize(team_visits("lead2")[0], base_answers(C1={"male": 0, "female": 10}))
        db.session.commit()
    for url in ("/reports/periods/2026/annual.xlsx", "/reports/periods/2026/annual.xlsx"):
        response = download(coordinator, url)
        assert "filename*=UTF-8''" in response.headers["Content-Disposition"]
        assert unquote(response.headers["Content-Disposition"].split("''")[1]) == \
            "Tổng hợp kiểm tra bình đẳng giới - năm 2026.xlsx"
        book = read(response.data)
        units = rows_after_header(book["2 Danh sách đơn vị"])
        assert len(units) == 13
        assert {row[4] for row in units} == {
            "Kiểm tra liên ngành công tác bình đẳng giới và vì sự tiến bộ của phụ nữ năm 2026",
            "Đợt bổ sung"}
        indicators = book["5 Chỉ tiêu"]
        i1 = next(r for r in indicators.iter_rows(min_row=HEADER_ROW + 1, values_only=True) if r[1] == "I1")
        assert (i1[7], i1[8]) == (13, 20) and i1[6] == pytest.approx(13 / 20)
    assert download(coordinator, "/reports/periods/2026/mid-year.xlsx").status_code == 200
    empty = read(download(coordinator, "/reports/periods/2024/mid_year.xlsx").data)
    general = [c.value for row in empty["1 Thông tin chung"].iter_rows() for c in row if c.value]
    assert "Không có đợt kiểm tra nào trong kỳ báo cáo này." in general


def test_visit_workbook_is_the_inspection_record(app, client, auth, demo):
    with app.app_context():
        visit = team_visits("lead1")[0]
        attachment_uuid = "0f8b8a3c-5d1e-4c56-9a7e-2b3c4d5e6f70"
        db.session.add(Attachment(uuid=attachment_uuid, visit_id=visit.id, item_code="A1_file",
                                  uploaded_by_id=user_id("inspector1"), filename="kế hoạch.pdf",
                                  mime="application/pdf", size=2048, sha256="0" * 64,
                                  storage_key="k"))
        finalize(visit, base_answers(A1_file=[attachment_uuid], H2="=SUM(1)"), source="picked",
                 record_number="12/BB-KTLN")
        db.session.add(VisitReport(visit_id=visit.id, achievements="Làm tốt", conclusion="Đạt yêu cầu"))
        db.session.add(Shortcoming(visit_id=visit.id, section="A", text="Kế hoạch ban hành muộn",
                                   cause_kind="internal", cause="Thiếu cán bộ"))
        db.session.add(Recommendation(visit_id=visit.id, section="A", text="Ban hành đúng hạn",
                                      responsible="Giám đốc", remedy_status="open"))
        db.session.commit()
        visit_id, unit_name = visit.id, visit.unit.name
        open_visit = team_visits("lead1")[1]
        submit(open_visit, "inspector1", {"A1": "no"})
        db.session.commit()
        open_id = open_visit.id
    auth.login("lead1")
    response = download(client, f"/reports/visits/{visit_id}.xlsx")
    assert unquote(response.headers["Content-Disposition"].split("''")[1]) == \
        f"Biên bản kiểm tra - {unit_name} - 2026.xlsx"
    book = read(response.data)
    assert book.sheetnames == ["Biên bản kiểm tra", "Tồn tại, hạn chế", "Kiến nghị", "Minh chứng",
                               "Chỉ tiêu của đơn vị"]
    record = book["Biên bản kiểm tra"]
    values = {row[0]: row[1] for row in record.iter_rows(values_only=True) if row[0]}
    assert values["Đơn vị được kiểm tra"] == unit_name
    assert values["Số biên bản"] == "12/BB-KTLN"
    assert values["Trạng thái"] == "Đã hoàn thành"
    assert values["Kết luận"] == "Đạt yêu cầu"
    items = {row[1]: row for row in record.iter_rows(values_only=True) if row[1] and row[0] is None}
    assert items["A1"][3] == "Có" and items["A1"][7] == "Trưởng đoàn chọn" and items["A1"][8] == "Trần Văn Minh"
    assert items["A1_file"][3] == "kế hoạch.pdf"
    assert items["C1"][4:7] == (100, 10, pytest.approx(0.1))
    assert items["H1"][3] == "15.000.000"
    h2 = next(row[3] for row in record.iter_rows() if row[1].value == "H2")
    assert h2.value == "=SUM(1)" and h2.data_type == "s"
    assert book["Tồn tại, hạn chế"].cell(HEADER_ROW + 1, 3).value == "Kế hoạch ban hành muộn"
    assert book["Tồn tại, hạn chế"].cell(HEADER_ROW + 1, 4).value == "Chủ quan"
    assert book["Kiến nghị"].cell(HEADER_ROW + 1, 3).value == "Ban hành đúng hạn"
    assert book["Minh chứng"].cell(HEADER_ROW + 1, 4).value == "kế hoạch.pdf"
    indicators = {row[1]: row for row in book["Chỉ tiêu của đơn vị"].iter_rows(
        min_row=HEADER_ROW + 1, values_only=True) if row[1]}
    assert indicators["I1"][4] == pytest.approx(0.1)

    provisional = read(download(client, f"/reports/visits/{open_id}.xlsx").data)
    sheet = provisional["Biên bản kiểm tra"]
    assert sheet["A6"].value.startswith("TẠM THỜI")
    a1 = next(row for row in sheet.iter_rows(values_only=True) if row[1] == "A1")
    assert a1[3] == "Không" and a1[7] == "Một thành viên"


def test_streamed_values_match_visit_values(app, demo):
    """The workbook's answers are what core.values.visit_values gives, final and open."""
    from inspections.core.values import visit_values
    from inspections.reports import queries
    from inspections.reports.consolidated import provisional_values
    from inspections.reports.queries import VisitFilter
    from inspections.reports.texts import workbook_texts

    with app.app_context():
        visits = team_visits("lead1")
        finalize(visits[0], base_answers(A3=None))
        submit(visits[1], "inspector1", {"A1": "yes", "A2": "no", "C1": {"male": 1, "female": 2}})
        submit(visits[1], "inspector2", {"A1": "yes", "A2": "yes"})
        db.session.commit()
        campaign = demo_campaign()
        streamed: dict[int, dict] = {}
        for row in queries.visits_with_resolutions(VisitFilter((campaign.id,))):
            answers = streamed.setdefault(row.visit_id, {})
            if row.item_code is not None and row.value is not None:
                answers[row.item_code] = row.value
        assert streamed[visits[0].id] == visit_values(visits[0])
        with app.test_request_context():
            answers, provenance = provisional_values(visits[1].id, workbook_texts())
        assert answers == visit_values(visits[1]) == {"A1": "yes", "C1": {"male": 1, "female": 2}}
        assert provenance["A1"][0] == "agreed" and provenance["C1"][0] == "single"


def test_export_report_command(app, runner, demo, tmp_path):
    with app.app_context():
        finalize(team_visits("lead1")[0], base_answers())
        submit(team_visits("lead1")[1], "inspector1", {"A1": "yes"})
        db.session.commit()
        campaign_id = demo_campaign().id
    out = tmp_path / "out" / "campaign.xlsx"
    result = runner.invoke(args=["export-report", "--campaign", str(campaign_id), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "12 visits, 1 final, 1 counted" in result.output
    book = read(out.read_bytes())
    assert book.sheetnames[0] == "1 Thông tin chung"
    assert not [p for p in out.parent.iterdir() if p.name.startswith(".export-")]

    result = runner.invoke(args=["export-report", "--period", "2026:annual", "--include-provisional",
                                 "--out", str(tmp_path / "period.xlsx")])
    assert result.exit_code == 0, result.output
    assert "2 counted (1 provisional)" in result.output
    units = rows_after_header(read((tmp_path / "period.xlsx").read_bytes())["2 Danh sách đơn vị"])
    assert [row[11] for row in units].count("Tạm thời") == 1  # period: campaign column first

    result = runner.invoke(args=["export-report", "--out", str(tmp_path / "x.xlsx")])
    assert result.exit_code != 0 and "exactly one of" in result.output
    result = runner.invoke(args=["export-report", "--period", "2026:q3", "--out", str(tmp_path / "x.xlsx")])
    assert result.exit_code != 0 and "YEAR:mid-year" in result.output
    result = runner.invoke(args=["export-report", "--campaign", "999", "--out", str(tmp_path / "x.xlsx")])
    assert result.exit_code != 0 and "no campaign" in result.output
    assert not (tmp_path / "x.xlsx").exists()


def test_index_lists_what_can_be_downloaded(app, client, auth, demo):
    with app.app_context():
        campaign_id = demo_campaign().id
        finalize(team_visits("lead1")[0], base_answers())
        db.session.commit()
    auth.login("coordinator")
    page = client.get("/reports/").get_data(as_text=True)
    assert f"/reports/campaigns/{campaign_id}.xlsx" in page
    assert f"/reports/campaigns/{campaign_id}.xlsx?provisional=1" in page
    assert "/reports/periods/2026/annual.xlsx" in page
    assert "Đã hoàn thành biên bản: 1/12 lượt" in page
    client.post("/logout")
    auth.login("lead1")
    page = client.get("/reports/").get_data(as_text=True)
    assert "Đã hoàn thành biên bản: 1/6 lượt" in page  # their team only
    with app.app_context():
        visit_ids = db.session.scalars(select(Visit.id)).all()
    assert sum(f"/reports/visits/{vid}.xlsx" in page for vid in visit_ids) == 6
