"""The merge page and GET /api/v1/visits/<id>/merge: answers side by side, marks, counts, filters."""
from __future__ import annotations

import re

from .conftest import answers, page_text


def test_merge_page_shows_each_inspectors_answer_with_name_agency_note_and_time(login, submit, visit_id):
    submit("inspector1", visit_id, answers(A1="yes"), notes={"A1": "Plan 12/KH seen"})
    submit("inspector2", visit_id, answers(A1="no", C1={"male": 61, "female": 40}))
    response = login("lead1").get(f"/review/visits/{visit_id}")
    assert response.status_code == 200
    html = page_text(response)
    assert "Phạm Thị Lan" in html and "Hội LHPN" in html  # inspector1 and her agency
    assert "Hoàng Văn Đức" in html and "LĐLĐ tỉnh" in html
    assert "Plan 12/KH seen" in html
    assert re.search(r"\d\d/\d\d/\d{4} \d\d:\d\d", html)  # when each answer was saved
    a1 = html.split('id="item-A1"')[1].split("</article>")[0]
    assert 'data-state="conflict"' in html.split('id="item-A1"')[0][-200:] + a1[:80] or "Xung đột" in a1
    assert "Có" in a1 and "Không" in a1  # both answers, in Vietnamese
    a2 = html.split('id="item-A2"')[1].split("</article>")[0]
    assert "Thống nhất" in a2  # agreed
    # counts at the top
    assert re.search(r'data-count="conflict">2<', html)  # A1 and C1
    assert re.search(r'data-count="submissions">2<', html)
    # CSP: no inline script or style on the page
    assert "<script>" not in html and "style=" not in html


def test_marks_for_single_unanswered_and_missing_required(login, submit, visit_id):
    submit("inspector1", visit_id, answers(A1=None, G3="2026-06-09"))
    html = page_text(login("lead1").get(f"/review/visits/{visit_id}"))
    assert 'data-item="G3" data-state="single"' in html
    assert 'data-item="A1" data-state="unanswered"' in html
    assert 'data-item="H1" data-state="unanswered"' in html
    assert re.search(r'data-count="missing">1<', html)  # A1 is required


def test_filters_show_only_conflicts_or_missing_required(login, submit, visit_id):
    submit("inspector1", visit_id, answers(A1="yes", A2=None))
    submit("inspector2", visit_id, answers(A1="no", A2=None))
    client = login("lead1")
    conflicts = page_text(client.get(f"/review/visits/{visit_id}?show=conflicts"))
    assert 'data-item="A1"' in conflicts and 'data-item="A2"' not in conflicts and 'data-item="A3"' not in conflicts
    missing = page_text(client.get(f"/review/visits/{visit_id}?show=missing"))
    assert 'data-item="A2"' in missing and 'data-item="A1"' not in missing and 'data-item="A3"' not in missing
    everything = page_text(client.get(f"/review/visits/{visit_id}?show=bogus"))
    assert 'data-item="A1"' in everything and 'data-item="A3"' in everything


def test_drafts_are_not_merged(login, submit, visit_id):
    submit("inspector1", visit_id, answers(A1="yes"))
    submit("inspector2", visit_id, answers(A1="no"), state="draft")
    html = page_text(login("lead1").get(f"/review/visits/{visit_id}"))
    assert 'data-item="A1" data-state="single"' in html
    submissions = html.split('id="submissions"')[1].split('id="not-submitted"')[0]
    assert "Hoàng Văn Đức" not in submissions  # a draft is no checklist in the merge
    assert "Hoàng Văn Đức" in html.split('id="not-submitted"')[1].split("</section>")[0]


def test_items_that_do_not_apply_to_the_unit_are_left_out(login, visit_id, visits):
    client = login("lead1")
    assert 'data-item="C6"' not in page_text(client.get(f"/review/visits/{visit_id}"))  # localities only
    assert 'data-item="C6"' in page_text(login("lead2").get(f"/review/visits/{visits['XA-HP']}"))


def test_english_page(login, submit, visit_id):
    submit("inspector1", visit_id, answers())
    client = login("lead1")
    client.post("/lang", data={"lang": "en"})
    html = page_text(client.get(f"/review/visits/{visit_id}"))
    assert "Merge findings" in html and "One source only" in html


def test_api_merge_gives_every_item_with_sources_state_resolution_and_version(login, submit, visit_id):
    first = submit("inspector1", visit_id, answers(A1="yes"), notes={"A1": "seen"})
    submit("inspector2", visit_id, answers(A1="no"))
    response = login("lead1").get(f"/api/v1/visits/{visit_id}/merge")
    assert response.status_code == 200
    body = response.get_json()
    assert body["version"] == body["visit"]["version"] >= 1
    items = {item["code"]: item for item in body["items"]}
    assert "C6" not in items and len(items) == 70  # checklist v2 for a department
    a1 = items["A1"]
    assert a1["state"] == "conflict" and a1["value"] is None and a1["resolution"] is None
    by_submission = {s["submission_id"]: s for s in a1["sources"]}
    assert by_submission[first]["value"] == "yes" and by_submission[first]["note"] == "seen"
    assert by_submission[first]["inspector"]["name"] == "Phạm Thị Lan"
    assert by_submission[first]["inspector"]["agency"] == "Hội LHPN"
    assert items["A2"]["state"] == "agreed" and items["A2"]["value"] == "yes"
    assert items["H1"]["state"] == "unanswered"
    assert body["counts"]["conflict"] == 1 and body["counts"]["submissions"] == 2
    assert {s["review_state"] for s in body["submissions"]} == {"received"}
    assert [b["kind"] for b in body["finalize_blockers"]] == ["conflict", "missing_findings", "missing_findings"]


def test_the_merge_view_reads_the_sent_back_revisions_in_one_query(app, demo, submit, visit_id):
    """Building the merge page costs the same number of queries for one resubmitted checklist as
    for three (the sent-back revisions are read together, not one query per submission)."""
    from sqlalchemy import event

    from inspections.extensions import db
    from inspections.models import ReviewComment, Visit
    from inspections.review.view import build_merge_view

    def resubmit(username: str) -> None:
        submission_id = submit(username, visit_id, answers(A1="yes"))
        with app.app_context():
            db.session.add(ReviewComment(submission_id=submission_id, revision=1, item_code="A1",
                                         comment="Check A1", author_id=demo["lead1"]))
            db.session.commit()
        submit(username, visit_id, answers(A1="no"))

    def statements() -> tuple[int, list]:
        seen: list[str] = []
        with app.test_request_context():
            visit = db.session.get(Visit, visit_id)
            engine = db.engine
            listener = lambda *args: seen.append(args[2])  # noqa: E731 - (conn, cursor, statement, ...)
            event.listen(engine, "before_cursor_execute", listener)
            try:
                view = build_merge_view(visit, "en")
            finally:
                event.remove(engine, "before_cursor_execute", listener)
            return len(seen), [[c.code for c in s.changes] for s in view.submissions]

    resubmit("inspector1")
    one, changes = statements()
    assert changes == [["A1"]]
    resubmit("inspector2")
    resubmit("lead1")
    three, changes = statements()
    assert changes == [["A1"], ["A1"], ["A1"]]
    assert three <= one, (one, three)
