"""Declared against verified: the merge page, the record and the workbook sheet "Đối chiếu số
liệu" list the items whose final value differs from what the unit declared (demo: SYT's report)."""
from inspections.extensions import db
from tests.conftest import AuthActions
from tests.reports.conftest import (
    HEADER_ROW,
    base_answers,
    campaign_url,
    demo_campaign,
    download,
    finalize,
    header,
    read,
    team_visits,
)

SHEET = "Đối chiếu số liệu"


def syt_final(app, **changes):
    with app.app_context():
        visit = team_visits("lead1")[0]
        assert visit.unit.code == "SYT"
        finalize(visit, base_answers(**changes))
        db.session.commit()
        return visit.id, demo_campaign().id


def test_the_workbook_sheet_lists_each_discrepancy(app, client, demo):
    visit_id, campaign_id = syt_final(app, C1={"male": 120, "female": 180})  # C1 as declared
    AuthActions(client).login("coordinator")
    book = read(download(client, campaign_url(campaign_id)).data)
    assert SHEET in book.sheetnames
    ws = book[SHEET]
    titles = header(ws)
    assert titles[:9] == ["STT", "Đơn vị được kiểm tra", "Mã đơn vị", "Số liệu", "Mã mục", "Nội dung kiểm tra",
                          "Đơn vị báo cáo", "Đoàn kiểm tra xác định", "Ghi chú"]
    rows = [r for r in ws.iter_rows(min_row=HEADER_ROW + 1, values_only=True) if r[0] is not None and r[4]]
    by_code = {r[4]: r for r in rows}
    assert {"C2", "A2", "B4_meetings", "H1"} <= set(by_code)
    assert "C1" not in by_code and "A1" not in by_code  # the same as declared: no discrepancy
    c2 = by_code["C2"]
    assert c2[1] == "Sở Y tế" and c2[2] == "SYT"
    assert "Nam 9" in c2[6] and "Nữ 6" in c2[6]
    assert "Nam 2" in c2[7] and "Nữ 1" in c2[7]
    assert [r[0] for r in rows] == list(range(1, len(rows) + 1))


def test_no_declared_report_no_rows(app, client, demo):
    with app.app_context():
        visit = team_visits("lead1")[1]  # SGDDT: no report
        finalize(visit, base_answers())
        db.session.commit()
        campaign_id = demo_campaign().id
    AuthActions(client).login("coordinator")
    ws = read(download(client, campaign_url(campaign_id)).data)[SHEET]
    texts = [c for row in ws.iter_rows(values_only=True) for c in row if isinstance(c, str)]
    assert any("Không có số liệu nào của đơn vị chênh lệch" in t for t in texts)


def test_merge_page_and_record_show_the_discrepancies(app, login, submit, demo, version, write_findings):
    with app.app_context():
        visit_id = team_visits("lead1")[0].id
    from tests.unit.conftest import answers

    submit("inspector1", visit_id, answers())  # C1 60/40 against the declared 120/180
    lead = login("lead1")
    page = lead.get(f"/review/visits/{visit_id}").get_data(as_text=True)
    assert 'data-declared-for="C1"' in page and "Nam 120" in page
    assert 'data-discrepancy="C1"' in page and "Chênh lệch" in page
    assert 'data-discrepancy="A1"' not in page  # yes as declared
    write_findings(lead, visit_id)
    assert lead.post(f"/api/v1/visits/{visit_id}/finalize", json={"version": version(visit_id)}).status_code == 200
    record = lead.get(f"/review/visits/{visit_id}/record").get_data(as_text=True)
    assert 'id="record-discrepancies"' in record and 'data-discrepancy="C1"' in record
    assert "Số liệu đơn vị báo cáo chênh lệch" in record


def test_bootstrap_carries_unit_code_and_declared_answers(login, demo):
    inspector = login("inspector1")
    body = inspector.get("/api/v1/bootstrap").get_json()
    by_code = {v["unit"]["code"]: v for v in body["visits"]}
    assert by_code["SYT"]["declared"]["answers"]["C1"] == {"male": 120, "female": 180}
    assert by_code["SYT"]["declared"]["revision"] == 1
    assert by_code["SGDDT"]["declared"] is None
    page = inspector.get(f"/visits/{by_code['SYT']['id']}/checklist").get_data(as_text=True)
    assert 'id="declared-data"' in page and "js/declared.js" in page
    assert "<script>" not in page  # no inline script: the page's CSP stays strict


def test_the_word_record_lists_the_discrepancies(app, client, demo):
    from tests.documents.conftest import all_text, read_docx, table_rows

    visit_id, _campaign_id = syt_final(app, C1={"male": 120, "female": 180})  # C1 as declared
    with app.app_context():
        other_id = team_visits("lead1")[1].id  # SGDDT: no report of its own
        finalize(db.session.get(type(team_visits("lead1")[1]), other_id), base_answers())
        db.session.commit()
    AuthActions(client).login("lead1")
    document = read_docx(download(client, f"/reports/visits/{visit_id}/record.docx").data)
    assert "Số liệu đơn vị báo cáo khác với kết quả kiểm tra" in all_text(document)
    tables = [table_rows(t) for t in document.tables]
    found = [rows for rows in tables if rows and rows[0] == ["TT", "Nội dung", "Đơn vị báo cáo",
                                                             "Đoàn kiểm tra xác định", "Ghi chú"]]
    assert len(found) == 1
    rows = found[0][1:]
    assert [r[0] for r in rows] == [str(i) for i in range(1, len(rows) + 1)]
    staff = [r for r in rows if "Nam 9" in r[2] and "Nữ 6" in r[2]]  # C2 as the unit declared it
    assert len(staff) == 1 and "Nam 2" in staff[0][3] and "Nữ 1" in staff[0][3]
    assert not any("Nam 120" in r[2] for r in rows)  # C1 agrees: not listed
    plain = read_docx(download(client, f"/reports/visits/{other_id}/record.docx").data)
    assert "Số liệu đơn vị báo cáo khác với kết quả kiểm tra" not in all_text(plain)
