"""The lead's desk: finalizing needs a conclusion and achievements, the merge names who has not
submitted, uses each inspector's latest *submitted* revision while she keeps a newer draft, and
the late-change table compares a late revision with her own previous one."""
from __future__ import annotations

from inspections.extensions import db
from inspections.models import Visit

from .conftest import answers, page_text


def test_finalize_refuses_an_empty_conclusion_and_names_the_field(app, login, submit, version, visit_id,
                                                                   write_findings):
    submit("inspector1", visit_id, answers())
    lead = login("lead1")
    response = lead.post(f"/review/visits/{visit_id}/finalize", data={"version": version(visit_id)})
    assert response.status_code == 422
    refused = page_text(response).split('id="refused"')[1].split("</section>")[0]
    assert 'href="#report-conclusion"' in refused and "Kết luận" in refused
    assert 'href="#report-achievements"' in refused and "Kết quả đạt được" in refused

    # Whitespace only is still empty; achievements alone are not enough.
    write_findings(lead, visit_id, achievements="Kế hoạch đúng hạn", conclusion="   ")
    body = lead.post(f"/api/v1/visits/{visit_id}/finalize", json={"version": version(visit_id)}).get_json()
    assert body["error"] == "not_ready"
    assert [(r["kind"], r["field"]) for r in body["reasons"]] == [("missing_findings", "conclusion")]
    with app.app_context():
        assert db.session.get(Visit, visit_id).status != "final"

    lead.post("/lang", data={"lang": "en"})
    html = page_text(lead.get(f"/review/visits/{visit_id}"))
    sign_off = html.split('id="sign-off"')[1]
    assert "Conclusion is empty" in sign_off and "#report-conclusion" in sign_off

    write_findings(lead, visit_id)
    assert lead.post(f"/api/v1/visits/{visit_id}/finalize", json={"version": version(visit_id)}).status_code == 200


def test_the_merge_lists_team_members_who_have_not_submitted(login, submit, version, visit_id):
    html = page_text(login("lead1").get(f"/review/visits/{visit_id}"))
    pending = html.split('id="not-submitted"')[1].split("</section>")[0]
    assert "Phạm Thị Lan" in pending and "Hoàng Văn Đức" in pending
    assert "Trần Văn Minh" not in pending  # the lead, who merges

    submit("inspector1", visit_id, answers())
    lead = login("lead1")
    html = page_text(lead.get(f"/review/visits/{visit_id}"))
    pending = html.split('id="not-submitted"')[1].split("</section>")[0]
    assert "Phạm Thị Lan" not in pending and "Hoàng Văn Đức" in pending
    body = lead.get(f"/api/v1/visits/{visit_id}/merge").get_json()
    assert [m["name"] for m in body["not_submitted"]] == ["Hoàng Văn Đức"]

    submit("inspector2", visit_id, answers())
    assert 'id="not-submitted"' not in page_text(lead.get(f"/review/visits/{visit_id}"))


def test_the_merge_keeps_the_submitted_revision_while_a_newer_draft_exists(login, submit, version, visit_id,
                                                                           write_findings):
    first = submit("inspector1", visit_id, answers(A1="yes", H2="Đã nộp"))
    submit("inspector1", visit_id, answers(A1="no", H2="Bản nháp"), state="draft")  # revision 2, a draft
    lead = login("lead1")
    body = lead.get(f"/api/v1/visits/{visit_id}/merge").get_json()
    items = {item["code"]: item for item in body["items"]}
    assert items["A1"]["state"] == "single" and items["A1"]["value"] == "yes"
    assert items["H2"]["value"] == "Đã nộp"
    assert [(s["submission_id"], s["revision"]) for s in items["A1"]["sources"]] == [(first, 1)]
    [sub] = body["submissions"]
    assert (sub["id"], sub["revision"], sub["newer_draft_revision"]) == (first, 1, 2)
    html = page_text(lead.get(f"/review/visits/{visit_id}"))
    assert 'data-newer-draft="2"' in html and "Phạm Thị Lan" in html.split('id="submissions"')[1].split("</ul>")[0]

    # The lead picks her answer at the revision shown, and finalizes with the submitted values.
    write_findings(lead, visit_id)
    final = lead.post(f"/api/v1/visits/{visit_id}/finalize", json={"version": version(visit_id)})
    assert final.status_code == 200, final.get_json()
    assert final.get_json()["values"]["A1"] == "yes"

    # Once the draft is submitted (revision 3), it is what the merge uses.
    lead.post(f"/api/v1/visits/{visit_id}/reopen", json={"version": version(visit_id), "reason": "new answers"})
    submit("inspector1", visit_id, answers(A1="no", H2="Bản cuối"))
    items = {i["code"]: i for i in lead.get(f"/api/v1/visits/{visit_id}/merge").get_json()["items"]}
    assert items["A1"]["value"] == "no" and items["A1"]["sources"][0]["revision"] == 3


def test_late_changes_compare_with_her_previous_revision(login, submit, version, visit_id, write_findings):
    # Two inspectors disagree on A1, A3 and C1; the lead decides them; then the visit is final.
    submit("inspector1", visit_id, answers(A1="yes", C1={"male": 60, "female": 40}, H2="Tốt"))
    second = submit("inspector2", visit_id, answers(A1="no", A3="no", C1={"male": 50, "female": 50}))
    lead = login("lead1")
    for code in ("A1", "A3", "C1"):
        lead.post(f"/api/v1/visits/{visit_id}/resolutions", json={
            "version": version(visit_id), "item_code": code, "source": "picked", "submission_id": second})
    write_findings(lead, visit_id)
    assert lead.post(f"/api/v1/visits/{visit_id}/finalize", json={"version": version(visit_id)}).status_code == 200
    # Inspector 1 (whose A1, C1, H2 differ from the final values) now changes only A3.
    submit("inspector1", visit_id, answers(A1="yes", A3="yes", C1={"male": 60, "female": 40}, H2="Tốt"))
    body = lead.get(f"/api/v1/visits/{visit_id}/merge").get_json()
    assert [(c["item_code"], c["previous_revision"]) for c in body["late_changes"]] == [("A3", 1)]
    html = page_text(lead.get(f"/review/visits/{visit_id}"))
    banner = html.split('id="late"')[1].split("</section>")[0]
    rows = [part.split('"')[0] for part in banner.split('data-late-item="')[1:]]
    assert rows == ["A3"]
    a3 = banner.split('data-late-item="A3"')[1].split("</tr>")[0]
    assert "Một phần" in a3 and "Có" in a3 and "Phạm Thị Lan" in a3  # partial -> yes
