"""Each cause of a 500 found in issue #12 §3, one test per cause, on SQLite and PostgreSQL:
bounded path ids, the one JSON reader (surrogates, NUL, long numbers, deep nesting), a bad item
refused alone in a sync batch and an outbox file, odd digits in review ids and versions, and the
one text check in review texts, findings, the fieldwork form and every desk form. Each answer is
a clear 4xx (or the form again) that names the field, and nothing is stored."""
from __future__ import annotations

import io
import json

import pytest
from sqlalchemy import func, select

from inspections.extensions import db
from inspections.models import (
    Agency,
    Campaign,
    Recommendation,
    ReviewComment,
    Shortcoming,
    Submission,
    Team,
    Unit,
    User,
    Visit,
    VisitReport,
)
from tests.conftest import AuthActions
from tests.review.conftest import answers as full_answers
from tests.sync.conftest import item

from .conftest import api_login

NUL = "Kế hoạch\x00năm"
SURROGATE = "Kế hoạch \ud800"


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def client_for(app, username):
    client = app.test_client()
    api_login(client, username)
    return client


def raw_post(client, url, text):
    return client.post(url, data=text.encode("utf-8", "surrogatepass"), content_type="application/json")


@pytest.fixture
def visit_ids(app, demo):
    with app.app_context():
        rows = db.session.execute(select(Unit.code, Visit.id).join(Visit, Visit.unit_id == Unit.id)).all()
        return {code: visit_id for code, visit_id in rows}


@pytest.fixture
def submitted(app, demo, visit_ids):
    """inspector1's submitted checklist for Sở Y tế: (visit id, submission id, visit version)."""
    from inspections.submissions import SubmissionInput, default_uuid, store_submission

    visit_id = visit_ids["SYT"]
    with app.app_context():
        user = db.session.get(User, demo["inspector1"])
        result = store_submission(user, SubmissionInput(uuid=default_uuid(visit_id, user.id), visit_id=visit_id,
                                                        revision=1, answers=full_answers()), lang="en")
        assert result.stored
        db.session.commit()
        return visit_id, result.submission.id, db.session.get(Visit, visit_id).version


# --- path ids -------------------------------------------------------------------------------

@pytest.mark.parametrize("value", ["2147483648", "9223372036854775808", "9" * 30, "9" * 5000])
def test_path_ids_too_large_for_the_database_are_404_on_every_int_route(app, demo, value):
    """Every <int:> route of the URL map, as the admin (who may open the most pages)."""
    client = client_for(app, "admin")
    failures = []
    for rule in app.url_map.iter_rules():
        if not any(arg for arg in rule.arguments if "int" in type(rule._converters[arg]).__name__.lower()):
            continue
        url = rule.rule
        for arg in rule.arguments:
            url = url.replace(f"<int:{arg}>", value).replace(f"<{arg}>", "x").replace(f"<path:{arg}>", "x")
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            status = client.open(url, method=method).status_code
            if status != 404:
                failures.append(f"{method} {url[:80]}: {status}")
    assert not failures, "\n".join(failures)


def test_ids_in_other_digits_do_not_open_a_visit(app, teams):
    """'٣' (Arabic-Indic three) is a digit to Python's int(): it must not open visit 3."""
    client = client_for(app, "lead1")
    visit_id = teams["1"]["visits"][0]
    assert client.get(f"/review/visits/{visit_id}").status_code == 200
    arabic = "".join(chr(0x660 + int(d)) for d in str(visit_id))
    for digits in (arabic, "²", "①"):
        assert client.get(f"/review/visits/{digits}").status_code == 404
        assert client.get(f"/api/v1/visits/{digits}/merge").status_code == 404


def test_a_nul_in_a_path_text_is_a_404(app, demo):
    client = client_for(app, "coordinator")
    assert client.get("/api/v1/templates/gender_equality/2").status_code == 200
    assert client.get("/api/v1/templates/gender%00equality/2").status_code == 404
    assert client.get("/checklists/gender%00equality/2.xlsx").status_code == 404


def test_a_doubled_slash_is_a_404_never_a_redirect_to_another_id(app, demo):
    """Werkzeug would answer 308 to /api/v1/attachments/x for //x (or %2Fx), sending a PUT's
    bytes on to another id; the app answers 404 (JSON under /api/) and redirects nowhere."""
    client = client_for(app, "inspector1")
    for path in ("/api/v1/attachments/%2F0f8fad5b-d9cb-469f-a165-70867728950e",
                 "/api/v1//attachments/0f8fad5b-d9cb-469f-a165-70867728950e"):
        response = client.put(path, data=b"\x89PNG\r\n\x1a\n")
        assert response.status_code == 404 and response.is_json and "Location" not in response.headers, path
    page = client.get("/review//visits/1")
    assert page.status_code == 404 and "Location" not in page.headers


# --- the sync batch: one bad item is refused, the rest stored --------------------------------

@pytest.mark.parametrize("where", ["answer", "note", "answer_key", "mf_part"])
@pytest.mark.parametrize("bad", [SURROGATE, NUL, "chuông\x07", None], ids=["surrogate", "nul", "control", "number"])
def test_a_bad_text_or_number_in_one_submission_rejects_that_item_alone(app, visit_ids, where, bad):
    client = client_for(app, "inspector1")
    good = item(visit_ids["STC"])
    if bad is None:  # a 5,000-digit number (Python refuses to read it: a ValueError before)
        number = "9" * 5000
        bad_item = item(visit_ids["SYT"], answers={"A1": "yes", "B4_meetings": 1})
        text = json.dumps({"submissions": [bad_item, good]}).replace('"B4_meetings": 1', f'"B4_meetings": {number}')
        expected_path = "$.submissions[0].answers.B4_meetings"
    else:
        answers = {"A1": "yes", "H2": "ok", "C1": {"male": 1, "female": 2}}
        notes = {"A1": "ok"}
        if where == "answer":
            answers["H2"], expected_path = bad, "$.submissions[0].answers.H2"
        elif where == "note":
            notes["A1"], expected_path = bad, "$.submissions[0].notes.A1"
        elif where == "answer_key":
            answers[bad] = "yes"
            expected_path = "$.submissions[0].answers[" + json.dumps(bad) + "]"
        else:
            answers["C1"], expected_path = {"male": 1, bad: 2}, "$.submissions[0].answers.C1[" + json.dumps(bad) + "]"
        text = json.dumps({"submissions": [item(visit_ids["SYT"], answers=answers, notes=notes), good]})
    response = raw_post(client, "/api/v1/submissions", text)
    assert response.status_code == 200, response.get_data(as_text=True)
    first, second = response.get_json()["results"]
    assert first["status"] == "rejected" and first["reason"] == "invalid"
    assert [e["path"] for e in first["errors"]] == [expected_path], first
    assert first["errors"][0]["message"]
    assert second["status"] == "created"
    with app.app_context():
        assert db.session.scalars(select(Submission.visit_id)).all() == [visit_ids["STC"]]


def test_a_bad_text_outside_the_items_is_a_400_that_says_where(app, visit_ids):
    client = client_for(app, "inspector1")
    text = json.dumps({"submissions": [item(visit_ids["SYT"])], "device": SURROGATE})
    response = raw_post(client, "/api/v1/submissions", text)
    body = response.get_json()
    assert response.status_code == 400 and body["error"] == "bad_json"
    assert body["path"] == "$.device" and body["problem"] == "surrogate" and "$.device" in body["message"]
    assert count(app, Submission) == 0


@pytest.mark.parametrize("depth", [33, 900])
def test_answers_nested_deeply_are_a_400_naming_the_place(app, visit_ids, depth):
    client = client_for(app, "inspector1")
    deep = "[" * depth + "]" * depth
    text = json.dumps({"submissions": [item(visit_ids["SYT"])]}).replace('"A1": "yes"', f'"A1": {deep}')
    response = raw_post(client, "/api/v1/submissions", text)
    body = response.get_json()
    assert response.status_code == 400 and body["problem"] == "too_deep"
    assert body["path"].startswith("$.submissions[0].answers.A1[0]")
    assert count(app, Submission) == 0


def test_an_outbox_file_with_a_bad_item_stores_the_others(app, visit_ids):
    client = app.test_client()
    AuthActions(client).login("lead1")
    bad = item(visit_ids["SYT"], notes={"A1": SURROGATE})
    good = item(visit_ids["STC"])
    content = json.dumps({"format": "inspections-outbox", "user": {"username": "inspector1"},
                          "submissions": [bad, good], "attachments": []}).encode()
    response = client.post("/outbox/upload", data={"outbox_file": (io.BytesIO(content), "o.json")},
                           content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f'data-uuid="{good["uuid"]}" data-status="created"' in html
    assert f'data-uuid="{bad["uuid"]}" data-status="rejected"' in html and "$.submissions[0].notes.A1" in html
    assert count(app, Submission) == 1


# --- the review API: one reader, clear 400s ---------------------------------------------------

@pytest.mark.parametrize("body, path, problem", [
    ('{"version": %(v)d, "reason": "l\\u00fd do \\ud800"}', "$.reason", "surrogate"),
    ('{"version": %(v)d, "reason": "a\\u0000b"}', "$.reason", "nul"),
    ('{"version": ' + "9" * 5000 + ', "reason": "x"}', "$.version", "number"),
    ('{"version": %(v)d, "reason": "x", "extra": NaN}', "$.extra", "number"),
])
def test_review_api_bodies_with_bad_values_are_a_400_with_the_path(app, submitted, body, path, problem):
    visit_id, _submission_id, version = submitted
    client = client_for(app, "lead1")
    text = body % {"v": version} if "%(v)d" in body else body
    for action in ("reopen", "send-back", "resolutions", "approve", "finalize"):
        response = raw_post(client, f"/api/v1/visits/{visit_id}/{action}", text)
        answer = response.get_json()
        assert response.status_code == 400, (action, answer)
        assert (answer["path"], answer["problem"]) == (path, problem) and path in answer["message"]


@pytest.mark.parametrize("version", ["²", "①", "٣", "9" * 5000, "-1", "1.0"])
def test_a_version_in_odd_digits_is_a_400_that_says_so(app, submitted, version):
    visit_id, submission_id, _version = submitted
    client = client_for(app, "lead1")
    form = client.post(f"/review/visits/{visit_id}/approve", data={"version": version, "submission_id": submission_id})
    assert form.status_code == 400 and "0-9" in form.get_data(as_text=True)
    api = client.post(f"/api/v1/visits/{visit_id}/approve", json={"version": version, "submission_id": submission_id})
    assert api.status_code == 400 and [(f["item"], f["field"]) for f in api.get_json()["fields"]] == [("", "version")]
    with app.app_context():
        assert db.session.get(Submission, submission_id).review_state == "received"


@pytest.mark.parametrize("raw_id", ["²", "①", "9" * 5000, "2147483648"])
def test_review_ids_in_odd_digits_are_refused_not_a_500(app, submitted, raw_id):
    visit_id, submission_id, version = submitted
    client = client_for(app, "lead1")
    assert client.get(f"/review/visits/{visit_id}/send-back?submission_id={raw_id}").status_code == 200
    approve = client.post(f"/review/visits/{visit_id}/approve", data={"version": version, "submission_id": raw_id})
    assert approve.status_code == 303  # back to the merge page with "No such submitted checklist"
    resolve = client.post(f"/review/visits/{visit_id}/resolve", data={
        "version": version, "item_code": "A1", "choice": f"pick-{raw_id}-1"})
    assert resolve.status_code == 422 and "Pick an answer or enter a value" in resolve.get_data(as_text=True) \
        or resolve.status_code == 422
    shortcoming = client.post(f"/review/visits/{visit_id}/shortcomings", data={
        "version": version, "id": raw_id, "text": "x", "cause_kind": "internal"})
    assert shortcoming.status_code == 422
    with app.app_context():
        assert db.session.get(Visit, visit_id).version == version  # nothing was written


# --- the one text check: review texts and findings (PostgreSQL refuses NUL) ------------------

@pytest.mark.parametrize("bad", [NUL, "a\x1bb", "\x7f"])
def test_review_texts_with_nul_or_control_characters_are_refused_naming_the_field(app, submitted, bad):
    visit_id, submission_id, version = submitted
    client = client_for(app, "lead1")
    url = f"/review/visits/{visit_id}"
    posts = [
        ("report", {"achievements": bad, "conclusion": "ok"}, "Kết quả đạt được"),
        ("shortcomings", {"text": bad, "cause_kind": "internal"}, "nội dung tồn tại, hạn chế"),
        ("shortcomings", {"text": "ok", "cause_kind": "internal", "cause": bad}, "Nguyên nhân"),
        ("recommendations", {"text": "ok", "responsible": bad}, "Đơn vị, cá nhân thực hiện"),
        ("send-back", {"submission_id": submission_id, "comment-A1": bad}, "Nhận xét"),
        ("resolve", {"item_code": "H2", "choice": "enter", "H2": bad}, "H2"),
        ("resolve", {"item_code": "A1", "choice": "clear", "note": bad}, "Ghi chú"),
    ]
    for action, data, label in posts:
        response = client.post(f"{url}/{action}", data=dict(data, version=version))
        page = response.get_data(as_text=True)
        assert response.status_code == 422, (action, response.status_code)
        assert label in page and ("NUL" in page or "điều khiển" in page), (action, label)
    reopen = client.post(f"/api/v1/visits/{visit_id}/reopen", json={"version": version, "reason": bad})
    assert reopen.status_code == 400 and reopen.get_json()["path"] == "$.reason"
    with app.app_context():
        assert db.session.get(Visit, visit_id).version == version
        for model in (VisitReport, Shortcoming, Recommendation, ReviewComment):
            assert db.session.scalar(select(func.count()).select_from(model)) == 0


# --- the one text check: the inspector's checklist form ---------------------------------------

def test_the_checklist_form_refuses_a_nul_in_a_text_answer_or_a_note_and_keeps_the_rest(app, visit_ids):
    client = client_for(app, "inspector1")
    visit_id = visit_ids["SYT"]
    response = client.post(f"/visits/{visit_id}/checklist", data={
        "action": "draft", "A1": "yes", "H2": NUL, "note.A1": "bản\x00giấy", "base_revision": "0"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "NUL" in page and "H2" in page
    with app.app_context():
        submission = db.session.scalar(select(Submission))
        assert submission.answers == {"A1": "yes"} and submission.notes == {}


# --- the one text check: every desk form ------------------------------------------------------

def test_every_desk_form_refuses_nul_and_control_characters_naming_the_field(app, teams):
    client = app.test_client()
    AuthActions(client).login("admin")
    with app.app_context():
        agency_id = db.session.scalar(select(Agency.id).order_by(Agency.id))
        unit_id = db.session.scalar(select(Unit.id).order_by(Unit.id))
    team_id, campaign_id = teams["1"]["team_id"], teams["1"]["campaign_id"]
    forms = [
        ("/campaigns/agencies/new", {"code": "SNV", "name": NUL}, "Tên"),
        (f"/campaigns/agencies/{agency_id}/edit", {"code": "SYT", "name": "Sở", "short_name": "a\x01"}, "Tên viết tắt"),
        ("/campaigns/units/new", {"code": "X1", "name": "Đơn vị", "kind": "department", "parent_id": "0",
                                  "address": NUL}, "Địa chỉ"),
        (f"/campaigns/units/{unit_id}/edit", {"code": "X1", "name": NUL, "kind": "department", "parent_id": "0"},
         "Tên"),
        ("/campaigns/users/new", {"username": "moi", "full_name": NUL, "role": "inspector", "agency_id": "0",
                                  "password": "mat-khau-dai"}, "Họ và tên"),
        ("/campaigns/new", {"name": NUL, "year": "2026", "period": "annual"}, "Tên"),
        (f"/campaigns/{campaign_id}/teams/new", {"name": "Đoàn", "decision_number": NUL}, "Số quyết định"),
        (f"/campaigns/teams/{team_id}/edit", {"name": "a\x1bb", "decision_number": "1"}, "Tên đoàn"),
        (f"/campaigns/teams/{team_id}/visits/new", {"team_id": str(team_id), "unit_id": str(unit_id),
                                                    "record_number": NUL}, "Số biên bản"),
    ]
    before = {model: count(app, model) for model in (Agency, Unit, User, Campaign, Team, Visit)}
    for url, data, label in forms:
        response = client.post(url, data=data)
        page = response.get_data(as_text=True)
        assert response.status_code in (200, 400), (url, response.status_code)
        assert label in page and ("NUL" in page or "điều khiển" in page), (url, label, page[:300])
    assert {model: count(app, model) for model in before} == before
    with app.app_context():
        assert not db.session.scalars(select(Agency).where(Agency.short_name.contains("\x01"))).all()
    anonymous = app.test_client()  # the log-in form is a SafeForm too: no NUL reaches the query
    response = anonymous.post("/login", data={"username": NUL, "password": "x" * 10})
    assert response.status_code == 400 and "Tên đăng nhập" in response.get_data(as_text=True)
