"""Send back: the lead comments per item, the inspector corrects, the merge page shows the changes."""
from __future__ import annotations

from sqlalchemy import select

from inspections.extensions import db
from inspections.models import AuditEvent, ReviewComment, Submission

from .conftest import answers, page_text


def test_send_back_round_trip(app, login, submit, version, visit_id):
    submission_id = submit("inspector1", visit_id, answers(A1="yes", C1={"male": 60, "female": 40}))
    submit("inspector2", visit_id, answers())
    lead = login("lead1")

    form = page_text(lead.get(f"/review/visits/{visit_id}/send-back?submission_id={submission_id}"))
    assert 'name="comment-C1"' in form and 'name="comment-"' in form and "Phạm Thị Lan" in form

    response = lead.post(f"/review/visits/{visit_id}/send-back", data={
        "version": version(visit_id), "submission_id": submission_id,
        "comment-C1": "Staff count does not match the payroll", "comment-": "Please check section C", "comment-A2": "",
    })
    assert response.status_code == 303
    with app.app_context():
        submission = db.session.get(Submission, submission_id)
        assert submission.review_state == "has_issues"
        comments = db.session.scalars(select(ReviewComment).where(ReviewComment.submission_id == submission_id)
                                      .order_by(ReviewComment.item_code)).all()
        assert [(c.item_code, c.revision) for c in comments] == [("", 1), ("C1", 1)]
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "submission.send_back"))
        assert event.visit_id == visit_id and event.before["review_state"] == "received"
        assert event.after["review_state"] == "has_issues" and len(event.after["comments"]) == 2
    html = page_text(lead.get(f"/review/visits/{visit_id}"))
    assert "Staff count does not match the payroll" in html and "review-has_issues" in html

    # The inspector corrects C1 and resubmits: the review state goes back to received.
    submit("inspector1", visit_id, answers(A1="yes", C1={"male": 58, "female": 42}))
    with app.app_context():
        submission = db.session.get(Submission, submission_id)
        assert (submission.review_state, submission.revision) == ("received", 2)
    html = page_text(lead.get(f"/review/visits/{visit_id}"))
    changed = html.split('data-changed-item="C1"')
    assert len(changed) == 2  # the diff between the sent-back revision 1 and revision 2 lists C1 only
    row = changed[1].split("</tr>")[0]
    assert "60" in row and "58" in row and "42" in row
    assert 'data-changed-item="A1"' not in html
    assert "Đã sửa sau khi trả lại; trước đây:" in html.split('id="item-C1"')[1].split("</article>")[0]

    body = lead.get(f"/api/v1/visits/{visit_id}/merge").get_json()
    mine = next(s for s in body["submissions"] if s["id"] == submission_id)
    assert mine["review_state"] == "received" and mine["sent_back_revision"] == 1
    assert [c["item_code"] for c in mine["changes_since_sent_back"]] == ["C1"]


def test_send_back_needs_a_comment_and_keeps_what_was_typed(app, login, submit, version, visit_id):
    submission_id = submit("inspector1", visit_id, answers())
    lead = login("lead1")
    empty = lead.post(f"/review/visits/{visit_id}/send-back", data={
        "version": version(visit_id), "submission_id": submission_id, "comment-A1": "  "})
    assert empty.status_code == 422 and 'role="alert"' in page_text(empty)
    too_long = lead.post(f"/review/visits/{visit_id}/send-back", data={
        "version": version(visit_id), "submission_id": submission_id, "comment-A1": "x" * 3000,
        "comment-A2": "keep me"})
    assert too_long.status_code == 422 and "keep me" in page_text(too_long)
    with app.app_context():
        assert db.session.get(Submission, submission_id).review_state == "received"


def test_api_send_back_and_approve(app, login, submit, version, visit_id):
    submission_id = submit("inspector1", visit_id, answers())
    lead = login("lead1")
    response = lead.post(f"/api/v1/visits/{visit_id}/send-back", json={
        "version": version(visit_id), "submission_id": submission_id,
        "comments": [{"item_code": "A1", "comment": "Which plan?"}]})
    assert response.status_code == 200
    assert response.get_json()["submission"]["review_state"] == "has_issues"
    bad = lead.post(f"/api/v1/visits/{visit_id}/send-back", json={
        "version": version(visit_id), "submission_id": submission_id, "comments": "fix it"})
    assert bad.status_code == 422
    unknown = lead.post(f"/api/v1/visits/{visit_id}/send-back", json={
        "version": version(visit_id), "submission_id": 424242, "comments": [{"comment": "x"}]})
    assert unknown.status_code == 422 and unknown.get_json()["fields"][0]["field"] == "submission_id"

    approved = lead.post(f"/api/v1/visits/{visit_id}/approve", json={
        "version": version(visit_id), "submission_id": submission_id})
    assert approved.status_code == 200 and approved.get_json()["submission"]["review_state"] == "approved"
    with app.app_context():
        comments = db.session.scalars(select(ReviewComment).where(ReviewComment.submission_id == submission_id)).all()
        assert all(c.addressed_at is not None for c in comments)
        actions = db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions == ["submission.send_back", "submission.approve"]


def test_approve_from_the_merge_page(app, login, submit, version, visit_id):
    submission_id = submit("inspector1", visit_id, answers())
    response = login("lead1").post(f"/review/visits/{visit_id}/approve", data={
        "version": version(visit_id), "submission_id": submission_id})
    assert response.status_code == 303
    with app.app_context():
        assert db.session.get(Submission, submission_id).review_state == "approved"
