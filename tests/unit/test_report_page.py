"""The rep's report page (plain form posts, no JavaScript): the checklist's form reader and
validator with its field-named messages, drafts keeping the valid answers, revisions kept."""
from inspections.checklist import default_template, validate_answers
from inspections.extensions import db
from inspections.models import SelfReport, SelfReportRevision, Visit


def url(visit_id):
    return f"/unit/visits/{visit_id}/report"


def stored(app, visit_id):
    with app.app_context():
        row = db.session.scalar(db.select(SelfReport).where(SelfReport.visit_id == visit_id))
        return None if row is None else (row.revision, row.state, dict(row.answers))


def test_bad_values_get_the_checklists_messages_on_their_fields(app, login, visits):
    rep = login("rep-SGDDT")
    visit_id = visits["SGDDT"]
    page = rep.get(url(visit_id)).get_data(as_text=True)
    assert 'name="C1.male"' in page and 'name="A3"' not in page
    response = rep.post(url(visit_id), data={"action": "submit", "base_revision": "0", "A1": "yes", "A2": "yes",
                                             "C1.male": "-3", "C1.female": "10", "C2.male": "1", "C2.female": "1"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    expected = [e.message for e in validate_answers(default_template(), "department",
                                                    {"C1": {"male": -3, "female": 10}}, lang="vi")
                if e.field == "C1.male"]
    assert expected and expected[0] in html and 'id="e-f-C1-male"' in html
    assert stored(app, visit_id) is None
    # a draft keeps the valid answers and names the one left out
    draft = rep.post(url(visit_id), data={"action": "draft", "base_revision": "0", "A1": "yes",
                                          "B4_meetings": "nhiều", "C1.male": "1.200", "C1.female": "800"})
    assert draft.status_code == 200 and 'id="e-f-B4_meetings"' in draft.get_data(as_text=True)
    revision, state, answers = stored(app, visit_id)
    assert (revision, state) == (1, "draft")
    assert answers == {"A1": "yes", "C1": {"male": 1200, "female": 800}}
    # submitting without the unit's required items names them; the team's required items are not asked
    missing = rep.post(url(visit_id), data={"action": "submit", "base_revision": "1", "A1": "yes"})
    assert missing.status_code == 422
    text = missing.get_data(as_text=True)
    assert 'id="e-f-A2"' in text and 'id="e-f-A3"' not in text
    ok = rep.post(url(visit_id), data={"action": "submit", "base_revision": "1", "A1": "yes", "A2": "no",
                                       "C1.male": "10", "C1.female": "12", "C2.male": "1", "C2.female": "2",
                                       "note.C1": "Theo báo cáo quý"})
    assert ok.status_code == 303
    assert stored(app, visit_id)[:2] == (2, "submitted")
    stale = rep.post(url(visit_id), data={"action": "draft", "base_revision": "1", "A1": "no"})
    assert stale.status_code == 409 and stored(app, visit_id)[:2] == (2, "submitted")
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(SelfReportRevision.id))) >= 3  # SYT's demo one too


def test_the_report_closes_when_the_visit_starts(app, login, visits):
    rep = login("rep-SGDDT")
    visit_id = visits["SGDDT"]
    with app.app_context():
        db.session.get(Visit, visit_id).status = "in_progress"
        db.session.commit()
    page = rep.get(url(visit_id)).get_data(as_text=True)
    assert 'id="report-closed"' in page and "js/self_report.js" not in page
    response = rep.post(url(visit_id), data={"action": "draft", "A1": "yes"})
    assert response.status_code == 303 and stored(app, visit_id) is None


def test_the_lead_sets_the_due_date_and_locks(app, login, visits):
    lead = login("lead1")
    visit_id = visits["SGDDT"]
    scheduled = lead.post(f"/unit/visits/{visit_id}/schedule", data={"due_date": "2026-11-10", "locked": "1"})
    assert scheduled.status_code == 303
    with app.app_context():
        visit = db.session.get(Visit, visit_id)
        assert visit.self_report_due.isoformat() == "2026-11-10" and visit.self_report_locked_at is not None
    bad = lead.post(f"/unit/visits/{visit_id}/schedule", data={"due_date": "10/11"}, follow_redirects=True)
    assert "YYYY-MM-DD" in bad.get_data(as_text=True)
    rep = login("rep-SGDDT")
    closed = rep.put(f"/api/v1/visits/{visit_id}/self-report", json={"answers": {}, "state": "draft", "revision": 1})
    assert closed.status_code == 409


def test_the_dashboard_lists_missing_reports(app, login, visits):
    with app.app_context():
        campaign_id = db.session.get(Visit, visits["SGDDT"]).team.campaign_id
        db.session.get(Visit, visits["STC"]).self_report_due = None
        db.session.commit()
    page = login("coordinator").get(f"/campaigns/{campaign_id}").get_data(as_text=True)
    section = page[page.index('id="self-reports"'):]
    section = section[:section.index("</section>")]
    assert f'data-self-report-visit="{visits["SGDDT"]}"' in section
    assert f'data-self-report-visit="{visits["SYT"]}"' not in section  # submitted in the demo
    assert f'data-self-report-visit="{visits["SXD"]}"' in section  # team 2's too, for the coordinator
    lead_page = login("lead1").get(f"/campaigns/{campaign_id}").get_data(as_text=True)
    assert f'data-self-report-visit="{visits["SXD"]}"' not in lead_page  # a lead sees their own teams
