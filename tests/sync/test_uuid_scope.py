"""Issue #12 section 2: nobody can block another inspector's checklist by taking its uuid.

A default submission uuid is uuid5(visit, inspector): anyone can compute it. Submission uuids
are unique per inspector, so another user holding the same uuid (through the API batch, the
HTML form or an outbox file) never stops the owner from storing their checklist under it, and
an entry already waiting in a phone's outbox under that uuid is stored as it always was.
"""
from __future__ import annotations

from sqlalchemy import select

from inspections.extensions import db
from inspections.models import Submission, SubmissionRevision, Unit, Visit
from inspections.submissions import default_uuid
from tests.conftest import AuthActions
from tests.fieldwork.conftest import complete_form

from .conftest import item, post, results


def logged_in(app, username):
    client = app.test_client()
    AuthActions(client).login(username)
    return client


def owners(app, uuid):
    with app.app_context():
        return sorted(db.session.execute(
            select(Submission.inspector_id, Submission.visit_id).where(Submission.uuid == uuid)).all())


def test_a_squatted_default_uuid_does_not_block_the_owner_through_the_api(app, demo, visits):
    victim_visit = visits["SYT"]
    attacker = logged_in(app, "inspector3")
    taken = default_uuid(victim_visit, demo["inspector1"])
    # One batch takes this pair and 49 more: the visits the next ids will be, not created yet.
    last = max(visits.values())
    batch = [item(visits["SXD"], uuid=taken)] + [
        item(visits["SXD"], uuid=default_uuid(visit_id, demo["inspector1"]), revision=1)
        for visit_id in range(last + 1, last + 50)]
    got = results(post(attacker, *batch))
    assert got[0]["status"] == "created"

    owner = logged_in(app, "inspector1")
    mine = results(post(owner, item(victim_visit, uuid=taken)))[0]
    assert mine["status"] == "created", mine
    # a newer revision and a resend behave as always for the owner
    assert results(post(owner, item(victim_visit, uuid=taken, revision=2)))[0]["status"] == "updated"
    assert results(post(owner, item(victim_visit, uuid=taken, revision=2)))[0]["status"] == "unchanged"
    assert owners(app, taken) == sorted([(demo["inspector1"], victim_visit), (demo["inspector3"], visits["SXD"])])
    # a later visit the attacker took in advance is also free for its owner
    with app.app_context():
        team_id = db.session.get(Visit, victim_visit).team_id
        unit = Unit(code="NEW-1", name="Đơn vị mới", kind="department")
        db.session.add(unit)
        db.session.flush()
        future = Visit(team_id=team_id, unit_id=unit.id, status="planned")
        db.session.add(future)
        db.session.commit()
        future_id = future.id
    future_uuid = default_uuid(future_id, demo["inspector1"])
    assert future_uuid in {b["uuid"] for b in batch}
    assert results(post(owner, item(future_id, uuid=future_uuid)))[0]["status"] == "created"
    # and the attacker's own checklist under that uuid is untouched by the owner's saves
    with app.app_context():
        theirs = db.session.scalar(select(Submission).where(
            Submission.uuid == taken, Submission.inspector_id == demo["inspector3"]))
        assert theirs.revision == 1 and theirs.visit_id == visits["SXD"]


def test_a_squatted_default_uuid_does_not_block_the_html_form(app, demo, visits):
    victim_visit = visits["SYT"]
    attacker = logged_in(app, "inspector3")
    taken = default_uuid(victim_visit, demo["inspector1"])
    assert results(post(attacker, item(visits["SXD"], uuid=taken)))[0]["status"] == "created"

    owner = logged_in(app, "inspector1")
    page = owner.get(f"/visits/{victim_visit}/checklist").get_data(as_text=True)
    assert f'data-uuid="{taken}"' in page  # the phone's drafts and outbox keep this key
    form = complete_form(action="submit")
    response = owner.post(f"/visits/{victim_visit}/checklist", data=form)
    assert response.status_code == 303, response.get_data(as_text=True)[:300]
    form = complete_form(action="submit", A3="yes", base_revision="1")
    assert owner.post(f"/visits/{victim_visit}/checklist", data=form).status_code == 303
    with app.app_context():
        mine = db.session.scalar(select(Submission).where(
            Submission.uuid == taken, Submission.inspector_id == demo["inspector1"]))
        assert mine.visit_id == victim_visit and mine.revision == 2 and mine.answers["A3"] == "yes"
        assert [r.revision for r in mine.revisions] == [1, 2]


def test_the_form_and_a_phone_outbox_entry_under_the_old_uuid_land_on_one_checklist(app, demo, visits):
    """An entry queued on a phone before the change (the default uuid of the old scheme) is
    stored as that checklist's next revision, next to a squatter holding the same uuid."""
    victim_visit = visits["SYT"]
    taken = default_uuid(victim_visit, demo["inspector1"])
    attacker = logged_in(app, "inspector3")
    assert results(post(attacker, item(visits["SXD"], uuid=taken)))[0]["status"] == "created"
    owner = logged_in(app, "inspector1")
    assert owner.post(f"/visits/{victim_visit}/checklist", data=complete_form(action="draft")).status_code == 303
    queued = item(victim_visit, uuid=taken, revision=2, state="submitted")
    got = results(post(owner, queued))[0]
    assert got["status"] == "updated" and got["server_revision"] == 2
    with app.app_context():
        rows = db.session.scalars(select(Submission).where(Submission.inspector_id == demo["inspector1"])).all()
        assert [(r.uuid, r.revision, r.state) for r in rows] == [(taken, 2, "submitted")]
        assert db.session.scalar(select(db.func.count()).select_from(SubmissionRevision)) == 3


def test_the_owner_own_uuid_on_another_visit_is_still_refused(app, demo, visits):
    """One inspector cannot reuse their own uuid for a second visit (that would mix two checklists)."""
    owner = logged_in(app, "inspector1")
    taken = default_uuid(visits["SYT"], demo["inspector1"])
    assert results(post(owner, item(visits["SYT"], uuid=taken)))[0]["status"] == "created"
    got = results(post(owner, item(visits["STC"], uuid=taken)))[0]
    assert got["status"] == "rejected" and got["reason"] == "uuid_taken"
