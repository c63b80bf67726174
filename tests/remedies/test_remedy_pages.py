"""The remedy pages, the dashboard's overdue remedies, the workbooks' status words, the audit
trail's labels (vi and en), the Word conclusions' deadlines and the c7_remedies migration."""
from __future__ import annotations

import io
from datetime import date

from openpyxl import load_workbook
from sqlalchemy import select

from inspections.extensions import db
from inspections.models import AuditEvent, Campaign, Recommendation, RemedyReport

from .conftest import PNG

HEADER_ROW = 7  # framed workbook sheets: six frame rows, then the header


def text_of(response) -> str:
    return response.get_data(as_text=True)


def test_the_rep_reads_the_final_record_and_sends_a_report_with_evidence(app, remedies, login):
    rep = login("rep-SKHCN")
    index = text_of(rep.get("/remedies/"))
    assert "Khắc phục sau kiểm tra" in index and "Sở Khoa học và Công nghệ" in index
    assert f'data-recommendation-id="{remedies.overdue}" data-status="overdue"' in index
    page = text_of(rep.get(f"/remedies/visits/{remedies.visit_id}"))
    assert "còn hạn chế về tỷ lệ nữ lãnh đạo" in page  # the conclusion
    assert "Tỷ lệ nữ lãnh đạo cấp phòng còn thấp." in page  # a shortcoming
    assert "Quá hạn" in page and "Đã báo cáo" in page

    rec_page = text_of(rep.get(f"/remedies/recommendations/{remedies.overdue}"))
    assert 'id="report-form"' in rec_page and "Đã quá thời hạn" in rec_page
    assert 'id="review-form"' not in rec_page
    refused = rep.post(f"/remedies/recommendations/{remedies.overdue}/report",
                       data={"text": "Đã làm xong", "done_on": "ngày mai"}, content_type="multipart/form-data")
    assert refused.status_code == 422
    assert "Không phải ngày hợp lệ" in text_of(refused) and "Đã làm xong" in text_of(refused)  # typed text kept
    sent = rep.post(f"/remedies/recommendations/{remedies.overdue}/report",
                    data={"text": "Đã ban hành kế hoạch", "done_on": "30/11/2026",
                          "evidence": [(io.BytesIO(PNG), "quyết định.png")]},
                    content_type="multipart/form-data")
    assert sent.status_code == 302
    page = text_of(rep.get(sent.headers["Location"]))
    assert "Đã gửi báo cáo khắc phục" in page and "quyết định.png" in page and "Gửi sau thời hạn" in page
    assert 'id="report-form"' not in page  # awaiting review: no second report


def test_the_lead_returns_then_accepts_in_the_browser_forms(app, remedies, login):
    lead = login("lead2")
    url = f"/remedies/recommendations/{remedies.reported}"
    page = text_of(lead.get(url))
    assert 'id="review-form"' in page and 'id="report-form"' not in page
    missing = lead.post(url + "/return", data={"comment": ""})
    assert missing.status_code == 422 and "Cần nhập Ý kiến" in text_of(missing)
    assert lead.post(url + "/return", data={"comment": "Thiếu quyết định"}).status_code == 302
    with app.app_context():
        assert db.session.get(Recommendation, remedies.reported).remedy_status == "open"
    rep = login("rep-SKHCN")
    assert "Thiếu quyết định" in text_of(rep.get(url))
    assert rep.post(url + "/report", data={"text": "Kèm quyết định", "done_on": "2026-11-30"},
                    content_type="multipart/form-data").status_code == 302
    assert lead.post(url + "/accept", data={}).status_code == 302
    twice = lead.post(url + "/accept", data={})
    assert twice.status_code == 409 and "Không có báo cáo khắc phục nào đang chờ xem xét" in text_of(twice)
    with app.app_context():
        assert db.session.get(Recommendation, remedies.reported).remedy_status == "remedied"


def test_pages_refuse_other_units_and_teams(app, remedies, login):
    for username in ("rep-SXD", "rep-SYT", "lead1", "inspector1"):
        client = login(username)
        assert client.get(f"/remedies/visits/{remedies.visit_id}").status_code == 404, username
        assert client.get(f"/remedies/recommendations/{remedies.overdue}").status_code == 404, username
        assert client.post(f"/remedies/recommendations/{remedies.overdue}/report",
                           data={"text": "x", "done_on": "2026-11-30"}).status_code == 404, username
        assert "Sở Khoa học và Công nghệ" not in text_of(client.get("/remedies/"))
    assert login("inspector3").post(f"/remedies/recommendations/{remedies.reported}/accept").status_code == 403
    assert login("rep-SKHCN").get(f"/review/visits/{remedies.visit_id}/audit").status_code in (403, 404)
    with app.app_context():
        assert db.session.scalar(select(AuditEvent.id)) is None


def test_the_dashboard_lists_overdue_remedies(app, remedies, login):
    with app.app_context():
        campaign_id = db.session.scalar(select(Campaign.id))
    page = text_of(login("coordinator").get(f"/campaigns/{campaign_id}"))
    section = page.split('id="overdue-remedies"')[1].split("</section>")[0]
    assert "Kiến nghị quá hạn khắc phục" in page
    assert f'data-recommendation-id="{remedies.overdue}"' in section
    assert f'data-recommendation-id="{remedies.reported}"' not in section  # not yet due
    lead1 = text_of(login("lead1").get(f"/campaigns/{campaign_id}"))  # team 1 only
    assert "Không có kiến nghị nào quá hạn khắc phục." in lead1


def _status_column(book) -> dict[str, str]:
    sheet = next(book[name] for name in book.sheetnames if "Tồn tại, kiến nghị" in name)
    header = [c.value for c in sheet[HEADER_ROW]]
    text_col, status_col = header.index("Kiến nghị"), header.index("Tình trạng khắc phục")
    return {row[text_col]: row[status_col] for row in sheet.iter_rows(min_row=HEADER_ROW + 1, values_only=True)
            if row[text_col]}


def test_workbooks_take_the_status_from_the_flow(app, remedies, login):
    coordinator = login("coordinator")
    with app.app_context():
        campaign_id = db.session.scalar(select(Campaign.id))
        texts = {r.id: r.text for r in db.session.scalars(select(Recommendation))}
    book = load_workbook(io.BytesIO(coordinator.get(f"/reports/campaigns/{campaign_id}.xlsx").data))
    assert _status_column(book) == {texts[remedies.reported]: "Đã báo cáo", texts[remedies.overdue]: "Quá hạn"}
    coordinator.post(f"/api/v1/recommendations/{remedies.reported}/accept", json={})
    book = load_workbook(io.BytesIO(coordinator.get(f"/reports/campaigns/{campaign_id}.xlsx").data))
    assert _status_column(book)[texts[remedies.reported]] == "Đã khắc phục"
    record = load_workbook(io.BytesIO(coordinator.get(f"/reports/visits/{remedies.visit_id}.xlsx").data))
    statuses = [row[5] for row in record["Kiến nghị"].iter_rows(min_row=HEADER_ROW + 1, values_only=True) if row[2]]
    assert statuses == ["Đã khắc phục", "Quá hạn"]


def test_the_word_conclusions_still_show_the_deadlines(app, remedies, login):
    from docx import Document

    with app.app_context():
        deadlines = [r.remedy_deadline.strftime("%d/%m/%Y") for r in db.session.scalars(
            select(Recommendation).order_by(Recommendation.position))]
    response = login("lead2").get(f"/reports/visits/{remedies.visit_id}/conclusions.docx")
    assert response.status_code == 200
    document = Document(io.BytesIO(response.data))
    words = "\n".join([p.text for p in document.paragraphs]
                      + [c.text for t in document.tables for r in t.rows for c in r.cells])
    for deadline in deadlines:
        assert deadline in words


def test_the_audit_trail_reads_the_remedy_steps_in_both_languages(app, remedies, login):
    rep, lead = login("rep-SKHCN"), login("lead2")
    rep.post(f"/api/v1/recommendations/{remedies.overdue}/remedy-reports",
             data={"text": "Đã ban hành kế hoạch", "done_on": "2026-11-30",
                   "evidence": [(io.BytesIO(PNG), "quyết định.png")]}, content_type="multipart/form-data")
    lead.post(f"/api/v1/recommendations/{remedies.overdue}/return", json={"comment": "Thiếu số liệu"})
    page = text_of(lead.get(f"/review/visits/{remedies.visit_id}/audit"))
    submit = page.split('data-action="remedy.submit"')[1].split("</li>")[0]
    assert "Đơn vị gửi báo cáo khắc phục" in submit and "Nội dung đã khắc phục" in submit
    assert "Đã ban hành kế hoạch" in submit and "30/11/2026" in submit and "quyết định.png" in submit
    assert "Chờ xem xét" in submit and "Ban hành kế hoạch truyền thông" in submit  # the recommendation
    returned = page.split('data-action="remedy.return"')[1].split("</li>")[0]
    assert "Trả lại báo cáo khắc phục" in returned and "Thiếu số liệu" in returned and "Đã trả lại" in returned
    for raw in ("remedy_state", "remedy_text", "done_on", "recommendation_id"):
        assert raw not in page, raw
    lead.post("/lang", data={"lang": "en"})
    page = text_of(lead.get(f"/review/visits/{remedies.visit_id}/audit"))
    assert "The unit sent a remedy report" in page and "Returned a remedy report" in page
    assert "What was done" in page and "Awaiting review" in page and "Returned" in page


def test_the_migration_maps_done_to_remedied_and_back(tmp_path, database):
    """c7_remedies: the status the lead set by hand becomes the flow's (done -> remedied) and
    comes back on downgrade; a reported one goes back to open."""
    from flask_migrate import downgrade, upgrade
    from sqlalchemy import create_engine, text

    from inspections import create_app
    from inspections.demo import seed_demo
    from inspections.models import Visit
    from tests.conftest import base_config

    url = "sqlite:///" + str(tmp_path / "remedies.sqlite3")
    pg_admin = None
    if database.startswith("postgresql"):
        pg_admin = create_engine(database, isolation_level="AUTOCOMMIT")
        with pg_admin.connect() as connection:
            connection.execute(text("DROP DATABASE IF EXISTS insp_migration_remedies WITH (FORCE)"))
            connection.execute(text("CREATE DATABASE insp_migration_remedies"))
        url = database.rsplit("/", 1)[0] + "/insp_migration_remedies"
    app = create_app(base_config(url, tmp_path))
    try:
        with app.app_context():
            upgrade()
            seed_demo("pass-123-abc", year=2026)
            db.session.commit()
            visit_id = db.session.scalars(db.select(Visit.id).order_by(Visit.id)).first()
            db.session.remove()  # no transaction left open while the schema changes
            downgrade(revision="c6_unit")
            insert = text("INSERT INTO recommendation (visit_id, section, text, responsible, remedy_status,"
                          " position) VALUES (:v, '', :t, '', :s, :p)")
            for position, status in enumerate(("open", "done"), 1):
                db.session.execute(insert, {"v": visit_id, "t": status, "s": status, "p": position})
            db.session.commit()
            upgrade()
            rows = dict(db.session.execute(text("SELECT text, remedy_status FROM recommendation")).all())
            db.session.commit()  # end the read: PostgreSQL's ALTER TABLE waits for open transactions
            assert rows == {"open": "open", "done": "remedied"}
            db.session.execute(text("UPDATE recommendation SET remedy_status = 'reported' WHERE text = 'open'"))
            db.session.commit()
            try:
                db.session.execute(text("UPDATE recommendation SET remedy_status = 'done'"))
                db.session.commit()
                raise AssertionError("the check constraint let an old status in")
            except Exception as error:  # noqa: BLE001 - the check constraint refuses it
                db.session.rollback()
                assert "check" in str(error).lower() or "constraint" in str(error).lower()
            downgrade(revision="c6_unit")
            rows = dict(db.session.execute(text("SELECT text, remedy_status FROM recommendation")).all())
            db.session.commit()
            assert rows == {"open": "open", "done": "done"}
            upgrade()
            db.session.remove()
            db.engine.dispose()
    finally:
        if pg_admin is not None:
            with pg_admin.connect() as connection:
                connection.execute(text("DROP DATABASE IF EXISTS insp_migration_remedies WITH (FORCE)"))
            pg_admin.dispose()


def test_a_recommendation_with_reports_cannot_be_deleted_after_reopening(app, remedies, login):
    from inspections.models import Visit

    with app.app_context():
        visit = db.session.get(Visit, remedies.visit_id)
        visit.status = "merging"
        db.session.commit()
        version = visit.version
    lead = login("lead2")
    response = lead.post(f"/review/visits/{remedies.visit_id}/recommendations",
                         data={"version": version, "id": remedies.reported, "action": "delete"},
                         follow_redirects=True)
    assert "không thể xóa kiến nghị" in text_of(response)
    with app.app_context():
        assert db.session.get(Recommendation, remedies.reported) is not None
        assert db.session.scalar(select(RemedyReport.id)) is not None


def test_the_demo_loads_twice_without_doubling(app, remedies):
    from inspections.demo import seed_after_visit
    from tests.conftest import TEST_PASSWORD

    with app.app_context():
        seed_after_visit(TEST_PASSWORD, 2026, today=date.today())
        db.session.commit()
        assert len(db.session.scalars(select(Recommendation)).all()) == 2
        assert len(db.session.scalars(select(RemedyReport)).all()) == 1
