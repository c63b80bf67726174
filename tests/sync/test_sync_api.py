"""The sync API: bootstrap, the submission rules per item, batch limits, bad bodies, CSRF."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from inspections.extensions import db
from inspections.models import ReviewComment, Submission, SubmissionRevision, User, Visit
from tests.conftest import AuthActions

from .conftest import answers, item, new_uuid, post, results


@pytest.fixture
def inspector(client, demo):
    AuthActions(client).login("inspector1")
    return client


def stored(app, submission_uuid):
    with app.app_context():
        row = db.session.scalar(select(Submission).where(Submission.uuid == submission_uuid))
        if row is None:
            return None
        revisions = [r.revision for r in row.revisions]
        return {"revision": row.revision, "answers": row.answers, "state": row.state, "late": row.late,
                "inspector": row.inspector.username, "revisions": revisions}


# --- bootstrap ---------------------------------------------------------------------------------

def test_bootstrap_lists_own_team_visits_templates_and_urls_to_cache(app, inspector, visits):
    body = inspector.get("/api/v1/bootstrap").get_json()
    assert body["user"]["username"] == "inspector1" and body["csrf_token"]
    names = {v["unit"]["name"] for v in body["visits"]}
    assert "Sở Y tế" in names and len(body["visits"]) == 6
    assert "UBND xã Hòa Phú" not in names  # team 2
    first = body["visits"][0]
    assert first["template"] == "gender_equality@2" and first["submission"] is None
    assert first["unit"]["kind"] == "department" and first["team"]["name"].startswith("Đoàn")
    assert set(body["templates"]) == {"gender_equality@2"}
    assert body["templates"]["gender_equality@2"]["sections"][0]["items"][0]["code"] == "A1"
    urls = body["offline_urls"]
    assert "/api/v1/bootstrap" in urls and "/my-visits" in urls and "/api/v1/templates/gender_equality/2" in urls
    for visit in body["visits"]:
        assert f"/visits/{visit['id']}/checklist" in urls
    assert body["limits"]["max_batch"] == app.config["SYNC_MAX_BATCH"]


def test_bootstrap_shows_own_submission_and_send_back_comments(app, inspector, visits, demo):
    submission_uuid = new_uuid()
    results(post(inspector, item(visits["SYT"], uuid=submission_uuid)))
    with app.app_context():
        row = db.session.scalar(select(Submission).where(Submission.uuid == submission_uuid))
        row.review_state = "has_issues"
        db.session.add(ReviewComment(submission_id=row.id, revision=1, item_code="C1",
                                     comment="Số liệu C1 chưa khớp báo cáo.", author_id=demo["lead1"]))
        db.session.commit()
    body = inspector.get("/api/v1/bootstrap").get_json()
    visit = next(v for v in body["visits"] if v["id"] == visits["SYT"])
    assert visit["submission_uuid"] == submission_uuid
    own = visit["submission"]
    assert own["uuid"] == submission_uuid and own["revision"] == 1 and own["state"] == "submitted"
    assert own["review_state"] == "has_issues"
    assert own["comments"][0]["item_code"] == "C1" and own["comments"][0]["author"] == "Trần Văn Minh"
    assert visit["status"] == "in_progress"


def test_bootstrap_for_staff_has_no_fieldwork(client, demo):
    AuthActions(client).login("coordinator")
    body = client.get("/api/v1/bootstrap").get_json()
    assert body["visits"] == [] and body["templates"] == {}


@pytest.mark.parametrize("method, url", [
    ("get", "/api/v1/bootstrap"), ("post", "/api/v1/submissions"),
    ("put", "/api/v1/attachments/6f1d8a52-3c1e-4f57-9d0b-7a0c2e3b9a41"),
    ("get", "/api/v1/templates/gender_equality/1"),
])
def test_not_logged_in_is_401_json_never_a_redirect(client, demo, method, url):
    response = getattr(client, method)(url)
    assert response.status_code == 401
    assert response.is_json and response.get_json()["error"] == "not_authenticated"


def test_template_version_for_team_members_only_what_they_use(client, demo):
    AuthActions(client).login("inspector3")
    body = client.get("/api/v1/templates/gender_equality/2").get_json()
    assert body["label"] == "gender_equality@2" and body["definition"]["key"] == "gender_equality"
    assert client.get("/api/v1/templates/gender_equality/99").status_code == 404
    assert client.get("/api/v1/templates/nope/2").status_code == 404


# --- the storing rules, per item -------------------------------------------------------------------

def test_created_unchanged_conflict_updated_stale(app, inspector, visits):
    first = item(visits["SYT"])
    uuid = first["uuid"]
    [created] = results(post(inspector, first))
    assert created == {"uuid": uuid, "status": "created", "errors": [], "server_revision": 1}

    [unchanged] = results(post(inspector, first))
    assert unchanged["status"] == "unchanged" and unchanged["server_revision"] == 1

    other = dict(first, answers=answers(A1="no"))
    [conflict] = results(post(inspector, other))
    assert conflict["status"] == "rejected" and conflict["reason"] == "conflict"
    assert conflict["errors"][0]["field"] == "revision"
    assert stored(app, uuid)["answers"]["A1"] == "yes"  # nothing overwritten

    [updated] = results(post(inspector, dict(other, revision=2)))
    assert updated["status"] == "updated" and updated["server_revision"] == 2
    row = stored(app, uuid)
    assert row["answers"]["A1"] == "no" and row["revisions"] == [1, 2]  # history kept

    [stale] = results(post(inspector, first))
    assert stale["status"] == "stale" and stale["server_revision"] == 2
    assert stored(app, uuid)["revision"] == 2


def test_other_teams_visit_is_rejected_forbidden(app, inspector, visits):
    [result] = results(post(inspector, item(visits["XA-HP"]), ))
    assert result["status"] == "rejected" and result["reason"] == "forbidden"
    assert result["errors"][0]["field"] == "visit_id"
    [missing] = results(post(inspector, item(999_999)))
    assert missing["reason"] == "forbidden"
    with app.app_context():
        assert db.session.scalar(select(func.count(Submission.id))) == 0


def test_invalid_answers_are_rejected_with_one_error_per_field(inspector, visits):
    bad = item(visits["SYT"], answers=answers(C1={"male": -1, "female": 4}, A1="maybe"))
    [result] = results(post(inspector, bad))
    assert result["status"] == "rejected" and result["reason"] == "invalid"
    fields = {e["field"] for e in result["errors"]}
    assert {"C1.male", "A1"} <= fields
    assert all(e["message"] for e in result["errors"])


def test_nul_characters_are_refused_per_item_on_every_database(app, inspector, visits):
    """PostgreSQL cannot keep U+0000 in text or JSONB: the item is refused, never a 500."""
    bad = item(visits["SYT"], answers=answers(H2="a\u0000b"), notes={"A1\u0000": "x"})
    good = item(visits["STC"])
    out = results(post(inspector, bad, good))
    # Each refused text is named like a validation error (the answer's field) with its JSON path.
    assert out[0]["status"] == "rejected" and {e["field"] for e in out[0]["errors"]} == {"H2", "notes"}
    assert {e["path"] for e in out[0]["errors"]} == {"$.submissions[0].answers.H2",
                                                     '$.submissions[0].notes["A1\\u0000"]'}
    assert out[1]["status"] == "created"


def test_wrong_template_version_is_rejected(inspector, visits):
    [result] = results(post(inspector, item(visits["SYT"], template="gender_equality@7")))
    assert result["status"] == "rejected" and result["reason"] == "template"


def test_a_finalized_visit_still_stores_and_flags_late(app, inspector, visits):
    with app.app_context():
        visit = db.session.get(Visit, visits["SGDDT"])
        visit.status = "final"
        db.session.commit()
    body = item(visits["SGDDT"])
    [result] = results(post(inspector, body))
    assert result["status"] == "created" and result["late"] is True
    assert stored(app, body["uuid"])["late"] is True


def test_a_batch_mixing_good_and_bad_items_stores_the_good_ones(app, inspector, visits):
    good_1, good_2 = item(visits["SYT"]), item(visits["STC"])
    batch = [
        good_1,
        {"visit_id": visits["SGDDT"], "revision": 1, "answers": {}},  # no uuid
        item(visits["XA-HP"]),  # another team
        dict(item(visits["SCT"]), revision=0, answers=[], client_saved_at="yesterday", state="sent"),
        "not an object",
        good_2,
    ]
    out = results(post(inspector, *batch))
    assert [r["status"] for r in out] == ["created", "rejected", "rejected", "rejected", "rejected", "created"]
    assert out[1]["uuid"] is None and {e["field"] for e in out[1]["errors"]} == {"uuid"}
    assert out[2]["reason"] == "forbidden"
    assert {e["field"] for e in out[3]["errors"]} == {"revision", "answers", "client_saved_at", "state"}
    assert out[4]["reason"] == "invalid"
    assert stored(app, good_1["uuid"]) and stored(app, good_2["uuid"])


def test_one_uuids_revisions_in_one_batch_are_stored_in_order(app, inspector, visits):
    first = item(visits["STC"])
    out = results(post(inspector, item(visits["SNNMT"]), first, dict(first, revision=2, answers=answers(A1="no")),
                       item(visits["SYT"])))
    assert [r["status"] for r in out] == ["created", "created", "updated", "created"]
    assert stored(app, first["uuid"])["revisions"] == [1, 2]


def test_a_database_failure_in_one_item_never_sinks_the_others(app, inspector, visits):
    """The database refuses every INSERT carrying one item's row: the batch's multi-row INSERT
    fails, the batch is stored again item by item, and only that item is rejected."""
    from sqlalchemy import event
    from sqlalchemy.exc import OperationalError

    poisoned = new_uuid()

    def refuse(conn, cursor, statement, parameters, context, executemany):
        # the INSERT alone, or inside PostgreSQL's statement that writes the history rows with it
        if "INSERT INTO SUBMISSION " in statement.upper() and poisoned in repr(parameters):
            raise OperationalError(statement, parameters, Exception("disk I/O error"))

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", refuse)
    try:
        before, bad, after = item(visits["SYT"]), item(visits["STC"], uuid=poisoned), item(visits["SCT"])
        out = results(post(inspector, before, bad, after))
    finally:
        event.remove(engine, "before_cursor_execute", refuse)
    assert [r["status"] for r in out] == ["created", "rejected", "created"]
    assert out[1]["reason"] == "error"
    assert stored(app, before["uuid"]) and stored(app, after["uuid"]) and stored(app, poisoned) is None
    assert stored(app, before["uuid"])["revisions"] == [1]
    # sent again once the disk is well: stored, the others unchanged
    out = results(post(inspector, before, bad, after))
    assert [r["status"] for r in out] == ["unchanged", "created", "unchanged"]


def test_drafts_are_stored_as_drafts(app, inspector, visits):
    body = item(visits["SYT"], state="draft", answers={"A1": "partial"})
    [result] = results(post(inspector, body))
    assert result["status"] == "created" and stored(app, body["uuid"])["state"] == "draft"


def test_last_sync_time_is_recorded(app, inspector, visits):
    results(post(inspector, item(visits["SYT"])))
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == "inspector1"))
        assert user.last_sync_at is not None


def test_last_sync_time_is_written_at_most_once_a_minute(app, inspector, visits):
    from datetime import timedelta

    def sync_time():
        with app.app_context():
            return db.session.scalar(select(User.last_sync_at).where(User.username == "inspector1"))

    results(post(inspector, item(visits["SYT"])))
    first = sync_time()
    results(post(inspector, item(visits["SGDDT"])))  # seconds later: the stored time stands
    assert sync_time() == first
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == "inspector1"))
        user.last_sync_at = first - timedelta(minutes=2)
        db.session.commit()
    results(post(inspector))  # an empty batch a minute or more later: written again
    assert sync_time() > first


def test_results_come_in_english_when_asked(client, demo, visits):
    AuthActions(client).login("inspector1")
    client.post("/lang", data={"lang": "en"})
    [result] = results(post(client, item(visits["XA-HP"])))
    assert result["errors"][0]["message"] == "You are not assigned to this visit."


# --- bad requests ----------------------------------------------------------------------------------

def test_malformed_json_says_where(inspector):
    response = inspector.post("/api/v1/submissions", data='{"submissions": [\n  {"uuid": "x",}\n]}',
                              content_type="application/json")
    assert response.status_code == 400
    body = response.get_json()
    assert body["error"] == "bad_json" and body["line"] == 2 and body["column"] == 16
    assert "line 2, column 16" in body["message"] or "dòng 2, cột 16" in body["message"]


@pytest.mark.parametrize("payload", ['[]', '{"submissions": {}}', '{}', '"x"', ''])
def test_a_body_without_a_submissions_list_is_400(inspector, payload):
    response = inspector.post("/api/v1/submissions", data=payload, content_type="application/json")
    assert response.status_code == 400 and response.is_json


def test_a_batch_over_the_limit_is_413_with_a_message(make_app, demo, visits):
    app = make_app(SYNC_MAX_BATCH=3)
    client = app.test_client()
    AuthActions(client).login("inspector1")
    response = post(client, *[item(visits["SYT"]) for _ in range(4)])
    assert response.status_code == 413
    body = response.get_json()
    assert body["error"] == "batch_too_large" and body["max_batch"] == 3 and "3" in body["message"]
    with app.app_context():
        assert db.session.scalar(select(func.count(Submission.id))) == 0


def test_a_body_over_the_request_limit_is_413_json(make_app, demo, visits):
    app = make_app(MAX_CONTENT_LENGTH=2000)
    client = app.test_client()
    AuthActions(client).login("inspector1")
    response = post(client, item(visits["SYT"], answers=answers(H2="x" * 3000)))
    assert response.status_code == 413
    assert response.is_json and response.get_json()["error"] == "too_large"


def test_writes_need_the_csrf_header_when_csrf_is_on(make_app, demo, visits):
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    AuthActions(client).login("inspector1")
    refused = post(client, item(visits["SYT"]))
    assert refused.status_code == 400 and refused.is_json
    token = client.get("/api/v1/csrf").get_json()["csrf_token"]
    accepted = post(client, item(visits["SYT"]), headers={"X-CSRFToken": token})
    assert accepted.status_code == 200 and accepted.get_json()["results"][0]["status"] == "created"


def test_concurrent_first_submissions_to_a_planned_visit_are_both_stored(make_app, demo, visits, tmp_path):
    """Two inspectors' first checklists for one planned visit, sent at the same moment."""
    import threading

    app = make_app()
    clients = []
    for username in ("inspector1", "inspector2"):
        c = app.test_client()
        AuthActions(c).login(username)
        clients.append(c)
    barrier = threading.Barrier(2)
    outcomes = []

    def send(c):
        barrier.wait()
        outcomes.append(results(post(c, item(visits["SNNMT"])))[0]["status"])

    threads = [threading.Thread(target=send, args=(c,)) for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert outcomes == ["created", "created"]
    with app.app_context():
        assert db.session.scalar(select(func.count(Submission.id)).where(Submission.visit_id == visits["SNNMT"])) == 2
        assert db.session.get(Visit, visits["SNNMT"]).status == "in_progress"


def test_history_rows_match_each_stored_revision(app, inspector, visits):
    body = item(visits["SYT"])
    for revision in (1, 2, 3):
        results(post(inspector, dict(body, revision=revision, answers=answers(B4_meetings=revision))))
    with app.app_context():
        rows = db.session.execute(select(SubmissionRevision.revision, SubmissionRevision.answers)
                                  .order_by(SubmissionRevision.revision)).all()
        assert [(r, a["B4_meetings"]) for r, a in rows] == [(1, 1), (2, 2), (3, 3)]


def test_response_is_plain_json_and_not_cached(inspector, visits):
    response = post(inspector, item(visits["SYT"]))
    assert response.headers["Cache-Control"] == "no-store"
    json.loads(response.get_data(as_text=True))
