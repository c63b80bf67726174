"""The printable inspection record and the audit trail page."""
from __future__ import annotations

from .conftest import answers, page_text


def test_record_has_the_administrative_frame_and_the_merged_answers(login, submit, version, visit_id):
    submit("inspector1", visit_id, answers(C1={"male": 60, "female": 40}, H1=1_500_000, G3="2026-06-09"))
    lead = login("lead1")
    url = f"/review/visits/{visit_id}"
    lead.post(url + "/report", data={"version": version(visit_id), "achievements": "Kế hoạch ban hành đúng hạn",
                                     "conclusion": "Đơn vị thực hiện tốt"})
    lead.post(url + "/shortcomings", data={"version": version(visit_id), "section": "C",
                                           "text": "Chưa có nữ lãnh đạo cấp phòng", "cause_kind": "internal",
                                           "cause": "Chưa quy hoạch"})
    lead.post(url + "/recommendations", data={"version": version(visit_id), "text": "Bổ sung quy hoạch cán bộ nữ",
                                              "responsible": "Giám đốc Sở", "remedy_deadline": "2027-06-30"})
    draft = page_text(lead.get(url + "/record"))
    assert "DỰ THẢO" in draft
    lead.post(f"/api/v1/visits/{visit_id}/finalize", json={"version": version(visit_id)})
    response = lead.get(url + "/record")
    assert response.status_code == 200
    html = page_text(response)
    assert "DỰ THẢO" not in html
    # the two-line issuing body of Decree 30/2020: the parent above, the department in bold below
    issuer = html.split('class="issuer"')[1].split("</div>")[0]
    assert 'issuing-parent">UBND TỈNH HÒA AN<' in issuer and 'strong issuing-department">SỞ NỘI VỤ<' in issuer
    assert "THƯƠNG BINH" not in html.upper()
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in html and "Độc lập - Tự do - Hạnh phúc" in html
    assert "BIÊN BẢN KIỂM TRA" in html and "01/BB-ĐKTLN" in html
    assert "ngày 17 tháng 11 năm 2026" in html  # the visit's date
    assert "Quyết định số 125/QĐ-SNV ngày 01/11/2026" in html
    assert "Trần Văn Minh" in html and "Phạm Thị Lan" in html and "Hoàng Văn Đức" in html  # team members
    assert "Sở Y tế" in html
    # counts as Tổng số / Trong đó: Nữ / Tỷ lệ nữ
    assert "Tổng số" in html and "Trong đó: Nữ" in html and "Tỷ lệ nữ (%)" in html
    c1 = html.split('data-item="C1"')[1].split("</tr>")[0]
    assert ">100<" in c1 and ">40<" in c1 and ">40,0<" in c1
    assert "1.500.000 đ" in html and "09/06/2026" in html and ">Có<" in html
    assert "Kế hoạch ban hành đúng hạn" in html and "Đơn vị thực hiện tốt" in html
    assert "Chưa có nữ lãnh đạo cấp phòng" in html and "Chưa quy hoạch" in html
    assert "Bổ sung quy hoạch cán bộ nữ" in html and "30/06/2027" in html and "Giám đốc Sở" in html
    assert "ĐẠI DIỆN ĐƠN VỊ ĐƯỢC KIỂM TRA" in html.upper() and "TRƯỞNG ĐOÀN KIỂM TRA" in html.upper()
    assert "css/review.css" in html and "style=" not in html and "<script>" not in html


def test_the_lead_gives_the_meeting_representatives_secretary_and_copies(login, submit, version, visit_id, app):
    submit("inspector1", visit_id, answers())
    lead = login("lead1")
    url = f"/review/visits/{visit_id}"
    blank = page_text(lead.get(url + "/record"))
    assert "……/BB-ĐKTLN" in blank and "lập thành …… bản" in blank
    response = lead.post(url + "/report", data={
        "version": version(visit_id), "achievements": "Tốt", "conclusion": "Đạt", "record_number": "",
        "meeting_at": "2026-11-17T08:30", "meeting_place": "Hội trường Sở Y tế", "secretary": "Phạm Thị Lan",
        "copies": "3", "rep1_name": "Nguyễn Văn An", "rep1_position": "Giám đốc Sở",
        "rep2_name": "Lê Thị Bình", "rep2_position": "Chủ tịch Công đoàn"})
    assert response.status_code in (302, 303)
    html = page_text(lead.get(url + "/record"))
    assert "Vào hồi 08 giờ 30 ngày 17/11/2026, tại Hội trường Sở Y tế" in html
    assert "Nguyễn Văn An — Giám đốc Sở" in html and "Lê Thị Bình — Chủ tịch Công đoàn" in html
    assert "Thư ký đoàn: Phạm Thị Lan" in html and "lập thành 3 bản" in html
    # the merge page shows them back in the form
    merge = page_text(lead.get(url))
    assert 'value="2026-11-17T08:30"' in merge and 'value="Nguyễn Văn An"' in merge and 'value="3"' in merge
    # an API client sending the narrative alone keeps them
    lead.post(url + "/report", data={"version": version(visit_id), "achievements": "Tốt hơn", "conclusion": "Đạt"})
    assert "Nguyễn Văn An — Giám đốc Sở" in page_text(lead.get(url + "/record"))


def test_bad_record_details_name_the_field_and_keep_what_was_saved(login, submit, version, visit_id):
    submit("inspector1", visit_id, answers())
    lead = login("lead1")
    url = f"/review/visits/{visit_id}"
    lead.post(url + "/report", data={"version": version(visit_id), "achievements": "A", "conclusion": "B",
                                     "meeting_place": "Phòng họp 1", "copies": "2"})
    for bad in ({"copies": "0"}, {"copies": "nhiều"}, {"meeting_at": "hôm qua"}, {"rep1_position": "Giám đốc"},
                {"copies": "9" * 30}, {"meeting_at": "99999-01-01T00:00"}):
        response = lead.post(url + "/report", data={"version": version(visit_id), "achievements": "A",
                                                    "conclusion": "B", **bad})
        assert response.status_code == 422, bad
    html = page_text(lead.get(url + "/record"))
    assert "tại Phòng họp 1" in html and "lập thành 2 bản" in html


def test_record_is_vietnamese_even_when_the_user_reads_english(login, submit, visit_id):
    submit("inspector1", visit_id, answers())
    lead = login("lead1")
    lead.post("/lang", data={"lang": "en"})
    html = page_text(lead.get(f"/review/visits/{visit_id}/record"))
    assert "BIÊN BẢN KIỂM TRA" in html and "INSPECTION RECORD" not in html


def test_audit_trail_lists_each_decision_with_before_and_after(login, submit, version, visit_id, write_findings):
    sub = submit("inspector1", visit_id, answers(A1="yes"))
    submit("inspector2", visit_id, answers(A1="no"))
    lead = login("lead1")
    api = f"/api/v1/visits/{visit_id}"
    lead.post(api + "/resolutions", json={"version": version(visit_id), "item_code": "A1", "source": "picked",
                                          "submission_id": sub})
    lead.post(api + "/send-back", json={"version": version(visit_id), "submission_id": sub,
                                        "comments": [{"item_code": "A3", "comment": "Attach the document"}]})
    lead.post(api + "/approve", json={"version": version(visit_id), "submission_id": sub})
    write_findings(lead, visit_id)
    lead.post(api + "/finalize", json={"version": version(visit_id)})
    lead.post(api + "/reopen", json={"version": version(visit_id), "reason": "Wrong unit representative"})
    html = page_text(lead.get(f"/review/visits/{visit_id}/audit"))
    order = [html.index(f'data-action="{a}"') for a in ("visit.reopen", "visit.finalize", "submission.approve",
                                                         "submission.send_back", "resolution.pick")]
    assert order == sorted(order)  # newest first
    assert "Wrong unit representative" in html and "Attach the document" in html
    assert "Trần Văn Minh" in html
    pick = html.split('data-action="resolution.pick"')[1].split("</li>")[0]
    assert "Khác nhau" in pick and "chọn từ câu trả lời" in pick  # before: a conflict; after: the picked answer
