"""The lean ingest path (issue #18): the same results as item by item, in a few statements.

One batch mixing every outcome gets the same answers and leaves the same rows as the rules
say; what a send-back needs still happens; what is stored reads back as sent; and a batch
costs a fixed number of statements however many items it holds (counted, not timed).
"""
from __future__ import annotations

import json

from sqlalchemy import event, select

from inspections.extensions import db
from inspections.models import Submission, SubmissionRevision, Visit
from inspections.submissions import content_hash
from tests.conftest import AuthActions

from .conftest import answers, item, post, results


def login(app, username="inspector1"):
    client = app.test_client()
    AuthActions(client).login(username)
    return client


def rows_of(app, submission_uuid):
    with app.app_context():
        row = db.session.scalar(select(Submission).where(Submission.uuid == submission_uuid))
        if row is None:
            return None
        return {"revision": row.revision, "answers": row.answers, "notes": row.notes,
                "review_state": row.review_state, "content_hash": row.content_hash, "state": row.state,
                "history": [(r.revision, r.content_hash, r.answers) for r in row.revisions]}


def test_one_batch_with_every_outcome(app, demo, visits):
    client = login(app)
    kept, newer, old, clash = (item(visits[code]) for code in ("SYT", "SGDDT", "STC", "SVHTTDL"))
    results(post(client, kept, dict(newer), dict(old, revision=3), clash))
    fresh = item(visits["SCT"])
    batch = [
        fresh,                                                # created
        dict(newer, revision=2, answers=answers(A1="no")),    # updated
        kept,                                                 # unchanged
        dict(old, revision=2),                                # stale
        dict(clash, answers=answers(A1="partial")),           # conflict
        item(visits["SXD"]),                                  # forbidden: team 2
        item(visits["SNNMT"], answers=answers(C1={"male": -1, "female": 2})),  # invalid
        {"uuid": "not-a-uuid"},                               # invalid shape
        dict(fresh, revision=2, answers=answers(A2="no")),    # the same uuid again, newer
    ]
    out = results(post(client, *batch))
    assert [(r["status"], r.get("reason")) for r in out] == [
        ("created", None), ("updated", None), ("unchanged", None), ("stale", None), ("rejected", "conflict"),
        ("rejected", "forbidden"), ("rejected", "invalid"), ("rejected", "invalid"), ("updated", None)]
    assert [r["server_revision"] for r in out[:5]] == [1, 2, 1, 3, 1]
    assert out[8]["server_revision"] == 2
    assert [h[0] for h in rows_of(app, fresh["uuid"])["history"]] == [1, 2]
    assert rows_of(app, fresh["uuid"])["answers"]["A2"] == "no"
    assert [h[0] for h in rows_of(app, newer["uuid"])["history"]] == [1, 2]
    assert rows_of(app, newer["uuid"])["answers"]["A1"] == "no"
    assert rows_of(app, clash["uuid"])["answers"]["A1"] == "yes"  # nothing overwritten
    assert rows_of(app, batch[6]["uuid"]) is None and rows_of(app, batch[5]["uuid"]) is None
    with app.app_context():
        assert db.session.get(Visit, visits["SCT"]).status == "in_progress"
        assert db.session.get(Visit, visits["SNNMT"]).status == "planned"  # nothing stored there


def test_what_is_stored_reads_back_as_sent_and_hashes_alike(app, demo, visits):
    client = login(app)
    body = item(visits["SYT"], answers=answers(H2="Kế hoạch “năm” \\ số 2 — đã ký", C1={"male": 60, "female": 40}),
                notes={"A1": "Ghi chú: 'đã đối chiếu' \"bản gốc\"", "H2": "ư"})
    results(post(client, body))
    row = rows_of(app, body["uuid"])
    assert row["answers"] == body["answers"] and row["notes"] == body["notes"]
    assert row["content_hash"] == content_hash(body["answers"], body["notes"], "submitted")
    assert row["history"] == [(1, row["content_hash"], body["answers"])]
    # the HTML form sees the API's submission as unchanged content (same hash)
    assert results(post(client, body))[0]["status"] == "unchanged"


def test_new_items_of_one_batch_each_keep_their_own_content_and_history(app, demo, visits):
    """Several new submissions in one batch (on PostgreSQL one statement writes them and their
    history rows): each row and its history row hold that item's answers, notes, state and time."""
    client = login(app)
    sent = [item(visits["SYT"], answers=answers(A1="no"), notes={"A1": "một"}),
            item(visits["SGDDT"], answers=answers(A1="partial"), notes={}, state="draft", client_saved_at=None),
            item(visits["STC"], answers=answers(H2="ba \"3\""), notes={"H2": "ba"},
                 client_saved_at="2026-11-21T10:00:00+07:00")]
    assert [r["status"] for r in results(post(client, *sent))] == ["created"] * 3
    for body in sent:
        row = rows_of(app, body["uuid"])
        assert (row["answers"], row["notes"], row["state"]) == (body["answers"], body["notes"], body["state"])
        assert row["history"] == [(1, row["content_hash"], body["answers"])]
    with app.app_context():
        saved = {s.uuid: s.client_saved_at for s in db.session.scalars(
            select(Submission).where(Submission.uuid.in_([b["uuid"] for b in sent])))}
        history = {r.submission_id: (r.notes, r.state, r.client_saved_at) for r in db.session.scalars(
            select(SubmissionRevision))}
    assert saved[sent[1]["uuid"]] is None
    assert saved[sent[2]["uuid"]].isoformat() == "2026-11-21T03:00:00+00:00"
    assert saved[sent[0]["uuid"]].isoformat() == "2026-11-20T09:30:00+00:00"
    assert sorted(history.values(), key=repr) == sorted(
        [(b["notes"], b["state"], saved[b["uuid"]]) for b in sent], key=repr)


def test_an_answered_send_back_goes_back_to_received(app, demo, visits):
    client = login(app)
    body = item(visits["SYT"])
    results(post(client, body))
    with app.app_context():
        row = db.session.scalar(select(Submission).where(Submission.uuid == body["uuid"]))
        row.review_state = "has_issues"
        db.session.commit()
    results(post(client, dict(body, revision=2, state="draft")))
    assert rows_of(app, body["uuid"])["review_state"] == "has_issues"  # a draft does not answer it
    results(post(client, dict(body, revision=3)))
    assert rows_of(app, body["uuid"])["review_state"] == "received"


def test_a_batch_costs_the_same_few_statements_whatever_its_size(make_app, demo, visits):
    app = make_app(SYNC_MAX_BATCH=250)
    client = login(app)
    with app.app_context():
        engine = db.engine
    statements: list[str] = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    own = [visits[c] for c in ("SYT", "SGDDT", "STC", "SVHTTDL", "SCT", "SNNMT")]
    event.listen(engine, "before_cursor_execute", count)
    try:
        results(post(client, item(own[0])))
        one = len(statements)
        statements.clear()
        batch = [item(own[n % len(own)]) for n in range(120)]
        assert {r["status"] for r in results(post(client, *batch))} == {"created"}
        many = len(statements)
        statements.clear()
        updates = [dict(b, revision=2, answers=answers(A1="no")) for b in batch[:5]]
        assert {r["status"] for r in results(post(client, *updates))} == {"updated"}
        five_updates = len(statements)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    # log-in check, the batch's one query, the two multi-row INSERTs, the visit's state change
    # (first time only) and the sync time: the same for 1 or 120 new items
    assert one <= 8, one
    assert many <= one, many
    assert five_updates <= one + 5, five_updates
    with app.app_context():
        assert db.session.scalar(select(db.func.count()).select_from(SubmissionRevision)) == 126


def test_a_lone_surrogate_rejects_its_item_alone(app, demo, visits):
    client = login(app)
    good, bad = item(visits["SYT"]), item(visits["STC"], notes={"A1": "m\ud800"})
    body = '{"submissions": [%s, %s]}' % (json.dumps(good), json.dumps(bad))  # ASCII escapes: \\ud800
    response = client.post("/api/v1/submissions", data=body, content_type="application/json")
    out = results(response)
    assert [(r["status"], r.get("reason")) for r in out] == [("created", None), ("rejected", "invalid")]
    assert rows_of(app, good["uuid"]) is not None and rows_of(app, bad["uuid"]) is None
