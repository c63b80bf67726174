"""The Word documents read back with python-docx: frame, titles, names, count tables, no item
codes, user text kept literal; who may download them; the command line; the links."""
from __future__ import annotations

import ast
import re
from datetime import date
from pathlib import Path
from urllib.parse import unquote

import pytest
from docx.shared import Pt

from inspections.core.templates import core_template
from inspections.extensions import db
from inspections.models import Recommendation, Shortcoming, Team, VisitReport
from inspections.organisation import issuing_body_for
from tests.documents.conftest import (
    HOSTILE,
    all_text,
    body_xml,
    count_tables,
    dotted_paragraphs,
    header_cells,
    read_docx,
    table_rows,
)
from tests.reports.conftest import base_answers, demo_campaign, download, finalize, submit, team_visits

PACKAGE = Path(__file__).resolve().parents[2] / "inspections" / "documents"


def prepare(app, *, hostile: bool = False) -> dict:
    """Two final visits of team 1 and one of team 2, with findings; returns names and ids."""
    text = " | ".join(HOSTILE) if hostile else "Đơn vị ban hành kế hoạch đầy đủ"
    with app.app_context():
        own = team_visits("lead1")
        other = team_visits("lead2")
        finalize(own[0], base_answers(H2=text), record_number="12/BB-ĐKTLN")
        finalize(own[1], base_answers(C2={"male": 3, "female": 0}))
        finalize(other[0], base_answers(C1={"male": 50, "female": 50}), by="lead2")
        first = own[0]
        db.session.add(VisitReport(visit_id=first.id, achievements=text, conclusion="Đạt yêu cầu"))
        for visit in (own[0], own[1]):
            db.session.add(Shortcoming(visit_id=visit.id, section="A", position=0,
                                       text="Kế hoạch năm ban hành muộn", cause_kind="internal",
                                       cause=text))
            db.session.add(Recommendation(visit_id=visit.id, section="A", position=0,
                                          text="Ban hành kế hoạch đúng hạn" if not hostile else text,
                                          responsible="Giám đốc sở",
                                          remedy_deadline=date(2027, 3, 31)))
        db.session.commit()
        campaign = demo_campaign()
        return {"visit": first.id, "unit": first.unit.name, "team": first.team.name,
                "other_visit": other[0].id, "other_team": other[0].team.name,
                "other_unit": other[0].unit.name, "campaign": campaign.id,
                "issuing_body": campaign.issuing_body,
                "parent": issuing_body_for(campaign).parent,
                "department": issuing_body_for(campaign).department,
                "codes": [item.code for item in core_template(campaign.template).items]}


def assert_frame(document, *, issuer_lines: list[str]) -> None:
    """A4, Decree 30 margins, Times New Roman 14, the two-line issuing body and the motto."""
    section = document.sections[0]
    measured = [round(length.mm, 1) for length in (
        section.page_width, section.page_height, section.top_margin, section.bottom_margin,
        section.left_margin, section.right_margin)]
    assert measured == [210, 297, 20, 20, 30, 15]
    normal = document.styles["Normal"].font
    assert normal.name == "Times New Roman" and normal.size == Pt(14)
    issuer, motto, number, place_date = header_cells(document)
    lines = [p.text for p in issuer.paragraphs if p.text]
    assert lines == issuer_lines
    assert all(run.bold for run in issuer.paragraphs[1].runs)  # the issuer itself is bold
    motto_lines = [p for p in motto.paragraphs if p.text]
    assert [p.text for p in motto_lines] == ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                                            "Độc lập - Tự do - Hạnh phúc"]
    assert motto_lines[0].runs[0].bold and motto_lines[0].runs[0].font.size == Pt(12)
    tagline = motto_lines[1].runs[0]
    assert tagline.bold and tagline.underline and tagline.font.size == Pt(13)
    assert number.text.startswith("Số: ")
    assert all(run.italic for run in place_date.paragraphs[0].runs)
    assert ", ngày " in place_date.text and " tháng " in place_date.text


def title_paragraphs(document) -> list[str]:
    return [p.text for p in document.paragraphs
            if p.text and p.runs and all(r.bold for r in p.runs)
            and p.paragraph_format.alignment == 1]  # centred


def test_the_record_in_word(app, client, auth, demo):
    data = prepare(app, hostile=True)
    auth.login("lead1")
    response = download(client, f"/reports/visits/{data['visit']}/record.docx")
    assert response.mimetype.endswith("wordprocessingml.document")
    assert unquote(response.headers["Content-Disposition"].split("''")[1]) == \
        f"Biên bản kiểm tra - {data['unit']} - 2026.docx"
    document = read_docx(response.data)
    assert_frame(document, issuer_lines=[data["department"], data["team"].upper()])
    assert header_cells(document)[2].text == "Số: 12/BB-ĐKTLN"
    titles = title_paragraphs(document)
    assert titles[0] == "BIÊN BẢN KIỂM TRA" and f"tại {data['unit']}" in titles
    text = all_text(document)
    for heading in ("I. THÀNH PHẦN", "II. KẾT QUẢ KIỂM TRA", "III. KẾT QUẢ ĐẠT ĐƯỢC",
                    "IV. TỒN TẠI, HẠN CHẾ VÀ NGUYÊN NHÂN", "V. Ý KIẾN CỦA ĐƠN VỊ ĐƯỢC KIỂM TRA",
                    "VI. KIẾN NGHỊ CỦA ĐOÀN KIỂM TRA"):
        assert heading in text.splitlines()
    assert "Căn cứ Quyết định số" in text and data["team"] in text and data["unit"] in text
    assert "TRƯỞNG ĐOÀN KIỂM TRA" in text and "THƯ KÝ ĐOÀN" in text and "THỦ TRƯỞNG ĐƠN VỊ" in text
    # the counts as Tổng số / Nữ / Tỷ lệ nữ; C1 is Nam 90, Nữ 10
    rows = [row for table in count_tables(document) for row in table_rows(table)]
    staff = next(row for row in rows if row[1].startswith("Tổng số cán bộ, công chức"))
    assert staff[2:] == ["100", "10", "10,0"]
    # no item code anywhere in the official text
    for code in data["codes"]:
        assert not re.search(rf"(?<![\w/-]){re.escape(code)}(?![\w])", text), code
    # the unit's opinion, the meeting time, the representatives: dotted lines to write on
    assert dotted_paragraphs(document) >= 4 and "hồi …… giờ ……" in text
    assert "Biên bản kết thúc vào hồi …… giờ ……" in text and "được lập thành …… bản" in text
    # user text stays text: literally there, never a field, a hyperlink or a style
    for piece in HOSTILE[:5]:
        assert piece in text, piece
    assert "bell" in text and "\x07" not in text
    for url in (f"/reports/visits/{data['visit']}/record.docx",
                f"/reports/visits/{data['visit']}/conclusions.docx",
                "/reports/periods/2026/annual.docx"):
        produced = download(client, url).data
        assert HOSTILE[1] in all_text(read_docx(produced)), url
        xml = body_xml(produced)
        for element in ("w:fldSimple", "w:instrText", "w:fldChar", "w:hyperlink", "w:pStyle",
                        "w:rStyle"):
            assert f"<{element}" not in xml, (url, element)


def test_the_notice_of_conclusions(app, client, auth, demo):
    data = prepare(app)
    auth.login("coordinator")
    response = download(client, f"/reports/visits/{data['visit']}/conclusions.docx")
    document = read_docx(response.data)
    assert_frame(document, issuer_lines=[data["parent"], data["department"]])
    assert header_cells(document)[2].text == "Số: ……/TB-……"
    titles = title_paragraphs(document)
    assert titles[:3] == ["THÔNG BÁO", "Kết luận kiểm tra công tác bình đẳng giới",
                          f"và vì sự tiến bộ của phụ nữ tại {data['unit']}"]
    text = all_text(document)
    assert "Căn cứ Biên bản kiểm tra số 12/BB-ĐKTLN" in text
    assert "Kế hoạch năm ban hành muộn" in text and "Đơn vị ban hành kế hoạch đầy đủ" in text
    recommendations = next(t for t in document.tables if t.rows[0].cells[1].text == "Nội dung kiến nghị")
    assert table_rows(recommendations)[1][1:] == ["Ban hành kế hoạch đúng hạn (Lãnh đạo, chỉ đạo)",
                                                  "Giám đốc sở", "31/03/2027"]
    assert f"báo cáo kết quả khắc phục bằng văn bản về {data['department']} trước ngày 31/03/2027" in text
    closing = document.tables[-1]
    assert closing.cell(0, 0).paragraphs[0].text == "Nơi nhận:"
    assert f"- {data['unit']};" in closing.cell(0, 0).text and "Lưu: VT" in closing.cell(0, 0).text
    assert "THỦ TRƯỞNG CƠ QUAN" in closing.cell(0, 1).text
    for code in data["codes"]:
        assert not re.search(rf"(?<![\w/-]){re.escape(code)}(?![\w])", text), code


def test_an_open_visit_gives_a_marked_draft(app, client, auth, demo):
    with app.app_context():
        visit = team_visits("lead1")[2]
        submit(visit, "inspector1", {"A1": "no", "C1": {"male": 4, "female": 6}})
        db.session.commit()
        visit_id = visit.id
    auth.login("lead1")
    response = download(client, f"/reports/visits/{visit_id}/record.docx")
    assert "(dự thảo)" in unquote(response.headers["Content-Disposition"].split("''")[1])
    document = read_docx(response.data)
    assert document.paragraphs[1].text.startswith("DỰ THẢO") or "DỰ THẢO" in all_text(document)
    rows = [row for table in count_tables(document) for row in table_rows(table)]
    assert next(row for row in rows if row[1].startswith("Tổng số cán bộ"))[2:] == ["10", "6", "60,0"]


def test_the_report_of_a_campaign_and_of_a_period(app, client, auth, demo):
    data = prepare(app)
    auth.login("coordinator")
    for url in (f"/reports/campaigns/{data['campaign']}.docx", "/reports/periods/2026/annual.docx"):
        response = download(client, url)
        assert unquote(response.headers["Content-Disposition"].split("''")[1]).startswith(
            "Báo cáo kết quả kiểm tra - năm 2026")
        document = read_docx(response.data)
        assert_frame(document, issuer_lines=[data["parent"], data["department"]])
        titles = title_paragraphs(document)
        assert titles[0] == "BÁO CÁO" and titles[3] in ("năm 2026", "Kiểm tra liên ngành công "
                                                        "tác bình đẳng giới và vì sự tiến bộ của "
                                                        "phụ nữ năm 2026")
        text = all_text(document)
        assert "3 đơn vị (3 sở, ban, ngành), do 2 đoàn kiểm tra thực hiện" in text
        assert data["team"] in text and data["other_team"] in text
        # indicator as text against its target, and as a table
        assert re.search(r"Đơn vị có lãnh đạo chủ chốt là nữ[^\n]*: 2/3 đơn vị, đạt 66,7%, so với mục tiêu", text)
        indicator_table = next(t for t in document.tables if t.rows[0].cells[1].text == "Chỉ tiêu")
        assert any(r[1].startswith("Đơn vị có lãnh đạo chủ chốt là nữ") for r in table_rows(indicator_table))
        # the sex-disaggregated summary: the sums first, then the share (10+10+50 of 100+100+100)
        summary = count_tables(document)[0]
        staff = next(r for r in table_rows(summary) if r[1].startswith("Tổng số cán bộ"))
        assert staff[2:] == ["3", "300", "70", "23,3"]
        # achievements and shortcomings by section, with how many units
        assert "a) Lãnh đạo, chỉ đạo" in text
        assert ("Ban hành kế hoạch hằng năm về bình đẳng giới và vì sự tiến bộ của phụ nữ: "
                "3/3 đơn vị đạt yêu cầu (100,0%);") in text
        assert "Kế hoạch năm ban hành muộn (2 đơn vị);" in text
        assert "Ban hành kế hoạch đúng hạn (2 đơn vị);" in text
        assert "III. KIẾN NGHỊ, ĐỀ XUẤT" in text and dotted_paragraphs(document) >= 4
        assert "SỐ LIỆU TẠM THỜI" not in text
        for code in data["codes"]:
            assert not re.search(rf"(?<![\w/-]){re.escape(code)}(?![\w])", text), code


def test_provisional_data_is_marked_and_a_lead_sees_their_own_teams(app, client, auth, demo):
    data = prepare(app)
    with app.app_context():
        submit(team_visits("lead1")[2], "inspector1", {"A1": "no"})
        db.session.commit()
    auth.login("lead1")
    text = all_text(read_docx(download(client, "/reports/periods/2026/annual.docx?provisional=1").data))
    assert "SỐ LIỆU TẠM THỜI: báo cáo gồm số liệu của 1 cuộc kiểm tra chưa hoàn thành biên bản" in text
    assert "3 đơn vị (3 sở, ban, ngành), do 1 đoàn kiểm tra thực hiện" in text
    assert data["team"] in text and data["other_team"] not in text
    assert f"Phạm vi: {data['team']}" in text
    plain = all_text(read_docx(download(client, f"/reports/campaigns/{data['campaign']}.docx").data))
    assert "SỐ LIỆU TẠM THỜI" not in plain and "2 đơn vị (2 sở, ban, ngành)" in plain


def test_an_empty_period_still_gives_a_document(app, client, auth, demo):
    auth.login("coordinator")
    text = all_text(read_docx(download(client, "/reports/periods/2024/mid-year.docx").data))
    assert "Không có đợt kiểm tra nào trong kỳ báo cáo này." in text
    assert client.get("/reports/periods/2024/quarterly.docx").status_code == 404


def test_who_may_download_the_documents(app, client, auth, demo):
    data = prepare(app)
    urls = [f"/reports/visits/{data['visit']}/record.docx",
            f"/reports/visits/{data['visit']}/conclusions.docx",
            f"/reports/campaigns/{data['campaign']}.docx", "/reports/periods/2026/annual.docx"]
    assert client.get(urls[0]).status_code == 302  # to log in
    auth.login("inspector1")
    for url in urls:
        assert client.get(url).status_code in (403, 404), url
    auth.logout()
    auth.login("lead1")
    for url in urls:
        assert client.get(url).status_code == 200, url
    for suffix in ("record.docx", "conclusions.docx"):
        assert client.get(f"/reports/visits/{data['other_visit']}/{suffix}").status_code in (403, 404)
    assert client.get("/reports/visits/99999999/record.docx").status_code == 404


def test_links_where_people_look(app, client, auth, demo):
    data = prepare(app)
    auth.login("lead1")
    index = client.get("/reports/").get_data(as_text=True)
    assert f"/reports/campaigns/{data['campaign']}.docx" in index
    assert "/reports/periods/2026/annual.docx" in index
    assert f"/reports/visits/{data['visit']}/record.docx" in index
    assert f"/reports/visits/{data['visit']}/conclusions.docx" in index
    for page in (f"/review/visits/{data['visit']}", f"/review/visits/{data['visit']}/record"):
        html = client.get(page).get_data(as_text=True)
        assert f"/reports/visits/{data['visit']}/record.docx" in html, page
        assert f"/reports/visits/{data['visit']}/conclusions.docx" in html, page


def test_export_report_writes_the_word_report(app, runner, demo, tmp_path):
    data = prepare(app)
    out = tmp_path / "out" / "bao-cao.docx"
    result = runner.invoke(args=["export-report", "--campaign", str(data["campaign"]), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "report of results" in result.output
    text = all_text(read_docx(out.read_bytes()))
    assert "BÁO CÁO" in text and data["other_team"] in text
    assert not [p for p in out.parent.iterdir() if p.name.startswith(".export-")]
    result = runner.invoke(args=["export-report", "--period", "2026:annual", "--out",
                                 str(tmp_path / "period.docx")])
    assert result.exit_code == 0 and (tmp_path / "period.docx").stat().st_size > 0
    result = runner.invoke(args=["export-report", "--period", "2026:annual", "--out",
                                 str(tmp_path / "x.pdf")])
    assert result.exit_code != 0 and ".docx" in result.output and not (tmp_path / "x.pdf").exists()


@pytest.mark.parametrize("module", ["model.py", "layout.py", "word.py"])
def test_the_builders_know_nothing_of_flask_or_the_database(module):
    tree = ast.parse((PACKAGE / module).read_text(encoding="utf-8"))
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            imported.add((node.module or "").split(".")[0])
        elif isinstance(node, ast.ImportFrom) and node.module not in ("model", "layout"):
            pytest.fail(f"{module} imports .{node.module}")
    assert not imported & {"flask", "flask_babel", "sqlalchemy", "inspections"}


def test_the_report_compares_with_the_previous_period_and_the_workbook(app, client, auth, demo):
    from inspections.models import Campaign, Visit
    from tests.reports.conftest import HEADER_ROW, read

    with app.app_context():
        current = demo_campaign()
        before = Campaign(name="Đợt năm 2025", year=2025, period="annual", deadline=date(2025, 12, 10),
                          template_id=current.template_id, target_set_id=current.target_set_id)
        db.session.add(before)
        db.session.flush()
        team = Team(campaign_id=before.id, name="Đoàn 2025", lead_id=current.teams[0].lead_id)
        db.session.add(team)
        db.session.flush()
        old = Visit(team_id=team.id, unit_id=team_visits("lead1")[0].unit_id, status="planned")
        db.session.add(old)
        db.session.flush()
        finalize(old, {"C1": {"male": 3, "female": 1}})
        finalize(team_visits("lead1")[0], base_answers())
        finalize(team_visits("lead2")[0], base_answers(C1={"male": 7, "female": 13}), by="lead2")
        db.session.commit()
    auth.login("coordinator")
    document = read_docx(download(client, "/reports/periods/2026/annual.docx").data)
    text = all_text(document)
    assert "Tỷ lệ nữ trong tổng số CBCCVC-NLĐ: 23/120, đạt 19,2%; kỳ trước (năm 2025): 25,0%." in text
    table = next(t for t in document.tables if t.rows[0].cells[1].text == "Chỉ tiêu")
    assert table.rows[0].cells[4].text == "Kỳ trước (năm 2025)"
    # the report's figures are the workbook's: the sex-disaggregated total row of sheet 4
    book = read(download(client, "/reports/periods/2026/annual.xlsx").data)
    gender = book["4 Số liệu tách biệt giới"]
    headers = [c.value for c in gender[HEADER_ROW]]
    first = headers.index(next(h for h in headers if h and h.startswith("C1.")))
    total = next(row for row in gender.iter_rows(min_row=HEADER_ROW + 2, values_only=True)
                 if row[1] == "Toàn tỉnh")
    staff = next(r for r in table_rows(count_tables(document)[0]) if r[1].startswith("Tổng số cán bộ"))
    assert [int(staff[3]), int(staff[4])] == [total[first], total[first + 1]] == [120, 23]
