"""My visits: what is assigned to me, how far my checklist is, and what the lead sent back."""
from sqlalchemy import select

from inspections.extensions import db
from inspections.models import ReviewComment, Submission
from tests.fieldwork.conftest import complete_form


def test_my_visits_lists_my_teams_visits_with_my_checklists_state(login, visits):
    client = login("inspector1")
    client.post(f"/visits/{visits['SYT']}/checklist", data={"A1": "yes", "action": "draft"})
    html = client.get("/my-visits").get_data(as_text=True)
    assert "Sở Y tế" in html and "Sở Giáo dục và Đào tạo" in html
    assert "UBND xã Hòa Phú" not in html  # team 2
    assert "Đoàn kiểm tra liên ngành số 1" in html
    syt = html[html.index(f'data-visit-id="{visits["SYT"]}"'):]
    syt = syt[:syt.index("</li>")]
    assert "Đang kiểm tra" in syt and "Bản nháp · bản 1" in syt and "Tiếp tục điền phiếu" in syt
    other = html[html.index(f'data-visit-id="{visits["SGDDT"]}"'):]
    assert "Chưa điền" in other[:other.index("</li>")]


def test_comments_the_lead_sent_back_link_to_the_item(app, login, visits, demo):
    client = login("inspector1")
    client.post(f"/visits/{visits['SYT']}/checklist", data=complete_form(action="submit"))
    with app.app_context():
        submission = db.session.scalar(select(Submission))
        submission.review_state = "has_issues"
        db.session.add_all([
            ReviewComment(submission_id=submission.id, revision=1, item_code="C1",
                          comment="Số liệu C1 chưa khớp với báo cáo năm", author_id=demo["lead1"]),
            ReviewComment(submission_id=submission.id, revision=1, item_code="A1_file",
                          comment="Thiếu bản scan kế hoạch", author_id=demo["lead1"]),
        ])
        db.session.commit()
    html = client.get("/my-visits").get_data(as_text=True)
    assert "Trưởng đoàn đã trả lại phiếu để bổ sung" in html and "Cần bổ sung, sửa đổi" in html
    assert f'href="/visits/{visits["SYT"]}/checklist#item-C1">C1</a>' in html
    assert "Số liệu C1 chưa khớp với báo cáo năm" in html and "Trần Văn Minh" in html
    form = client.get(f"/visits/{visits['SYT']}/checklist").get_data(as_text=True)
    # on the form the comment sits inside the item it concerns, and its section is open
    item = form[form.index('id="item-C1"'):]
    assert "Số liệu C1 chưa khớp" in item[:item.index('id="item-C2"')]
    assert '<details class="section" id="section-C" data-section="C" open>' in form
    # a draft saved since keeps the comments visible; submitting answers the send-back
    client.post(f"/visits/{visits['SYT']}/checklist", data=complete_form(action="draft", base_revision="1"))
    assert "Thiếu bản scan kế hoạch" in client.get("/my-visits").get_data(as_text=True)
    client.post(f"/visits/{visits['SYT']}/checklist",
                data=complete_form(action="submit", base_revision="2", **{"C1.male": "61"}))
    assert "Thiếu bản scan kế hoạch" not in client.get("/my-visits").get_data(as_text=True)


def test_a_lead_sees_the_whole_team(login, visits):
    html = login("lead1").get("/my-visits").get_data(as_text=True)
    assert html.count('class="card visit"') == 6
    assert "Mở phiếu kiểm tra" in html
