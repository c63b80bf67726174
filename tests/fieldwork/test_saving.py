"""Saving the checklist: drafts, submissions, revisions, and errors shown where they belong."""
import re

from sqlalchemy import select

from inspections.extensions import db
from inspections.models import Submission, SubmissionRevision, Visit
from tests.fieldwork.conftest import complete_form
from tests.fieldwork.test_checklist_form import Elements


def post(client, visit_id, data, action="draft", **kwargs):
    data = dict(data)
    data["action"] = action
    return client.post(f"/visits/{visit_id}/checklist", data=data, **kwargs)


def stored(app, visit_id):
    with app.app_context():
        submission = db.session.scalar(select(Submission).where(Submission.visit_id == visit_id))
        if submission is None:
            return None
        revisions = db.session.scalars(select(SubmissionRevision.revision).where(
            SubmissionRevision.submission_id == submission.id).order_by(SubmissionRevision.revision)).all()
        return {"state": submission.state, "revision": submission.revision, "answers": submission.answers,
                "notes": submission.notes, "revisions": list(revisions), "uuid": submission.uuid,
                "visit_status": db.session.get(Visit, visit_id).status}


def test_invalid_values_are_shown_next_to_their_field_and_nothing_typed_is_lost(app, login, visits):
    client = login("inspector1")
    visit_id = visits["SYT"]
    data = complete_form(**{"C1.male": "12a", "C3.male": "-3", "C3.female": "1", "B4_meetings": "mười",
                            "A1_date": "31/02/2025", "H2": "Thành tựu nổi bật", "note.A1": "Đã xem bản gốc"})
    response = post(client, visit_id, data, action="submit")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    doc = Elements(html)
    # typed values come back exactly as typed, including the ones that could not be read
    assert doc.find("input", name="C1.male")[0]["value"] == "12a"
    assert doc.find("input", name="C3.male")[0]["value"] == "-3"
    assert doc.find("input", name="B4_meetings")[0]["value"] == "mười"
    date_field = doc.find("input", name="A1_date")[0]
    assert date_field["value"] == "31/02/2025" and date_field["type"] == "text"
    assert doc.find("input", type="radio", name="A2", value="partial")[0].get("checked") is not None
    assert "Thành tựu nổi bật" in html and "Đã xem bản gốc" in html
    # each error sits right after its own field, in Vietnamese, tied to it for screen readers
    assert re.search(r'name="C1\.male"[^>]*aria-invalid="true" aria-describedby="e-f-C1-male">\s*'
                     r'<p class="error" id="e-f-C1-male">Không đọc được số “12a”', html)
    assert re.search(r'<p class="error" id="e-f-C3-male">Không được là số âm', html)
    assert re.search(r'<p class="error" id="e-f-B4_meetings">Không đọc được số', html)
    assert re.search(r'<p class="error" id="e-f-A1_date">Không đọc được ngày', html)
    # ... and in a summary at the top linking to each field
    summary = html[html.index('id="error-summary"'):html.index('id="checklist-form"')]
    for anchor in ("#f-C1-male", "#f-C3-male", "#f-B4_meetings", "#f-A1_date"):
        assert f'href="{anchor}"' in summary
    # the section with an error is open
    assert re.search(r'<details class="section" id="section-C"[^>]* open>', html)
    assert stored(app, visit_id) is None  # a submit with errors stores nothing


def test_errors_follow_the_users_language(login, visits, client):
    login("inspector1")
    client.post("/lang", data={"lang": "en"})
    html = post(client, visits["SYT"], {"C1.male": "abc", "C1.female": "1"}).get_data(as_text=True)
    assert "“abc” is not a number." in html


def test_a_part_larger_than_its_whole_is_reported_on_the_part(login, visits):
    client = login("inspector1")
    html = post(client, visits["SYT"], complete_form(**{"C2.male": "70"}), action="submit").get_data(as_text=True)
    assert re.search(r'<p class="error" id="e-f-C2-male">[^<]*C1', html)


def test_draft_then_submit_then_resubmit_keeps_every_revision(app, login, visits):
    client = login("inspector1")
    visit_id = visits["SYT"]
    assert stored(app, visit_id) is None

    # an incomplete draft is saved; the visit is now in progress
    response = post(client, visit_id, {"A1": "yes", "C1.male": "10", "C1.female": "5", "note.A1": "Bản scan"})
    assert response.status_code == 303
    first = stored(app, visit_id)
    assert first["state"] == "draft" and first["revision"] == 1
    assert first["answers"] == {"A1": "yes", "C1": {"male": 10, "female": 5}}
    assert first["notes"] == {"A1": "Bản scan"}
    assert first["visit_status"] == "in_progress"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Đã lưu nháp (bản 1)" in page
    assert 'data-revision="1"' in page and 'data-state="draft"' in page
    assert Elements(page).find("input", name="C1.male")[0]["value"] == "10"

    # submitting an incomplete checklist is refused, nothing stored, required items marked
    response = post(client, visit_id, {"A1": "yes", "base_revision": "1"}, action="submit")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Chưa gửi được phiếu" in html
    assert re.search(r'<p class="error" id="e-f-A2">Mục bắt buộc chưa được trả lời', html)
    assert stored(app, visit_id)["revision"] == 1

    # a complete checklist is submitted as revision 2
    response = post(client, visit_id, complete_form(base_revision="1"), action="submit")
    assert response.status_code == 303
    second = stored(app, visit_id)
    assert second["state"] == "submitted" and second["revision"] == 2 and second["uuid"] == first["uuid"]
    assert "Đã gửi phiếu kiểm tra (bản 2)" in client.get(f"/visits/{visit_id}/checklist").get_data(as_text=True)

    # the same content again creates nothing new
    response = post(client, visit_id, complete_form(base_revision="2"), action="submit")
    assert response.status_code == 303
    assert stored(app, visit_id)["revisions"] == [1, 2]

    # a change makes revision 3; revisions 1 and 2 stay readable
    response = post(client, visit_id, complete_form(base_revision="2", A3="yes"), action="submit")
    assert response.status_code == 303
    third = stored(app, visit_id)
    assert third["revision"] == 3 and third["revisions"] == [1, 2, 3] and third["answers"]["A3"] == "yes"
    old = client.get(f"/visits/{visit_id}/checklist/revisions/1")
    assert old.status_code == 200
    old_html = old.get_data(as_text=True)
    assert "Bản 1" in old_html and "Bản scan" in old_html and "Đây là một bản cũ" in old_html
    two = client.get(f"/visits/{visit_id}/checklist/revisions/2").get_data(as_text=True)
    assert "Tỷ lệ nữ" in two and "40%" in two  # C1: 60 men, 40 women
    assert client.get(f"/visits/{visit_id}/checklist/revisions/9").status_code == 404


def test_a_draft_keeps_the_valid_answers_and_reports_the_rest(app, login, visits):
    client = login("inspector1")
    visit_id = visits["SYT"]
    response = post(client, visit_id, {"A1": "yes", "C1.male": "7", "C1.female": "", "B4_meetings": "x"})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Đã lưu nháp (bản 1)" in html and "chưa được lưu" in html
    assert Elements(html).find("input", name="B4_meetings")[0]["value"] == "x"
    assert Elements(html).find("input", name="C1.male")[0]["value"] == "7"
    assert 'id="e-f-C1-female"' in html
    assert stored(app, visit_id)["answers"] == {"A1": "yes"}


def test_saving_over_a_newer_revision_from_another_device_is_refused_once(app, login, visits):
    client = login("inspector1")
    visit_id = visits["SYT"]
    assert post(client, visit_id, {"A1": "yes", "base_revision": "0"}).status_code == 303
    assert post(client, visit_id, {"A1": "no", "base_revision": "1"}).status_code == 303
    # a page opened at revision 1 tries to save
    response = post(client, visit_id, {"A1": "partial", "base_revision": "1"})
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "Bản 2 của phiếu này đã được lưu từ một trang hoặc thiết bị khác" in html
    assert Elements(html).find("input", type="radio", name="A1", value="partial")[0].get("checked") is not None
    assert 'name="base_revision" value="2"' in html  # saving again replaces it knowingly
    assert stored(app, visit_id)["answers"] == {"A1": "no"}


def test_draft_after_submission_withdraws_it_until_submitted_again(app, login, visits):
    client = login("inspector1")
    visit_id = visits["SYT"]
    post(client, visit_id, complete_form(), action="submit")
    page = client.get(f"/visits/{visit_id}/checklist").get_data(as_text=True)
    assert "phiếu đã gửi sẽ được rút lại" in page
    post(client, visit_id, complete_form(H2="Thêm ý", base_revision="1"))
    assert stored(app, visit_id)["state"] == "draft"


def test_final_visit_still_takes_the_checklist_marked_late(app, login, visits):
    with app.app_context():
        visit = db.session.get(Visit, visits["SYT"])
        visit.status = "final"
        db.session.commit()
    client = login("inspector1")
    assert "đã hoàn thành" in client.get(f"/visits/{visits['SYT']}/checklist").get_data(as_text=True)
    response = post(client, visits["SYT"], complete_form(), action="submit", follow_redirects=True)
    assert "đánh dấu là gửi muộn" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(Submission.late)) is True


def test_a_teammate_can_read_my_revision_but_not_another_team(app, login, visits, demo):
    client = login("inspector1")
    post(client, visits["SYT"], {"A1": "yes"})
    client = login("inspector2")
    url = f"/visits/{visits['SYT']}/checklist/revisions/1?inspector={demo['inspector1']}"
    assert client.get(url).status_code == 200
    assert client.get(f"/visits/{visits['SYT']}/checklist/revisions/1").status_code == 404  # none of own
    client = login("inspector3")
    assert client.get(url).status_code == 404
