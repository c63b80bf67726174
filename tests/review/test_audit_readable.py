"""The audit trail reads as words, in the user's language: no field names, no raw JSON, no
file uuids; before → after; the app's proportional font."""
from __future__ import annotations

from inspections.extensions import db
from inspections.models import Attachment

from .conftest import answers, page_text

FILE_UUID = "0f8b8a3c-5d1e-4c56-9a7e-2b3c4d5e6f70"


def test_audit_trail_shows_labels_values_and_file_names(app, demo, login, submit, version, visit_id,
                                                        write_findings):
    with app.app_context():
        db.session.add(Attachment(uuid=FILE_UUID, visit_id=visit_id, item_code="A1_file",
                                  uploaded_by_id=demo["inspector1"], filename="kế hoạch năm 2026.pdf",
                                  mime="application/pdf", size=2048, sha256="0" * 64, storage_key="k"))
        db.session.commit()
    first = submit("inspector1", visit_id, answers(A1="yes", A1_file=[FILE_UUID]))
    submit("inspector2", visit_id, answers(A1="no"))
    lead = login("lead1")
    api = f"/api/v1/visits/{visit_id}"
    lead.post(api + "/resolutions", json={"version": version(visit_id), "item_code": "A1", "source": "picked",
                                          "submission_id": first})
    url = f"/review/visits/{visit_id}"
    lead.post(url + "/recommendations", data={"version": version(visit_id), "text": "Bổ sung quy hoạch",
                                              "responsible": "Giám đốc Sở", "remedy_deadline": "2027-06-30"})
    write_findings(lead, visit_id)
    lead.post(api + "/finalize", json={"version": version(visit_id)})

    html = page_text(lead.get(url + "/audit"))
    assert FILE_UUID not in html and "kế hoạch năm 2026.pdf" in html
    for raw in ("remedy_status", "status", "item_code", "source_submission_id", "open", "{", "null",
                "class=\"json\""):
        assert f">{raw}<" not in html and f">{raw}:" not in html, raw
    assert "remedy_status" not in html and "resolved_by_id" not in html
    pick = html.split('data-action="resolution.pick"')[1].split("</li>")[0]
    assert "A1 Ban hành kế hoạch hằng năm" in pick  # the item, by code and label
    assert "Khác nhau" in pick and "chọn từ câu trả lời của thành viên đoàn" in pick  # conflict → picked
    assert "Phạm Thị Lan" in pick and "→" in pick  # whose answer; before → after
    rec = html.split('data-action="recommendation.add"')[1].split("</li>")[0]
    assert "Tình trạng khắc phục" in rec and "Chưa khắc phục" in rec and "30/06/2027" in rec
    final = html.split('data-action="visit.finalize"')[1].split("</li>")[0]
    assert "Đang tổng hợp" in final and "Đã hoàn thành" in final and "01/BB-ĐKTLN" in final

    lead.post("/lang", data={"lang": "en"})
    html = page_text(lead.get(url + "/audit"))
    rec = html.split('data-action="recommendation.add"')[1].split("</li>")[0]
    assert "Remedy status" in rec and ">Not yet remedied<" in rec.replace("<ins>", ">").replace("</ins>", "<")
    assert "kế hoạch năm 2026.pdf" in html and FILE_UUID not in html


def test_audit_trail_uses_the_proportional_font_of_the_app(app):
    css = (app.static_folder + "/css/review.css")
    text = open(css, encoding="utf-8").read()
    audit_rules = text.split("table.audit-changes")[1:]
    assert audit_rules and not any("monospace" in rule.split("}")[0] for rule in audit_rules)
    assert ".audit .json" not in text


def test_every_audit_field_label_is_translated(app):
    from flask_babel import force_locale

    from inspections.review.audit_view import FIELD_LABELS

    with app.test_request_context(), force_locale("vi"):
        untranslated = [key for key, label in FIELD_LABELS.items() if str(label) == label._args[0]]
    assert not untranslated
