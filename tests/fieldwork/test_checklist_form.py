"""The checklist form as an inspector sees it: every item type, only the items that apply,
and the contract with the page's script and the offline feature."""
import re
from html.parser import HTMLParser

from sqlalchemy import select

from inspections.extensions import db
from inspections.models import Visit


class Elements(HTMLParser):
    """The page's start tags with their attributes (enough to check a form without a browser)."""

    def __init__(self, html: str):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, {k: (v if v is not None else "") for k, v in attrs}))

    def find(self, tag=None, **attrs):
        return [a for t, a in self.tags if (tag is None or t == tag)
                and all(a.get(k.rstrip("_").replace("_", "-")) == v for k, v in attrs.items())]


def page(client, visit_id):
    response = client.get(f"/visits/{visit_id}/checklist")
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def test_every_item_type_is_rendered_with_fields_named_after_the_item(login, visits):
    client = login("inspector1")
    html = page(client, visits["SYT"])
    doc = Elements(html)
    # ynp: four radio buttons yes / partial / no / na with labels tied to them
    radios = doc.find("input", type="radio", name="A1")
    assert [r["value"] for r in radios] == ["yes", "partial", "no", "na"]
    for radio in radios:
        assert doc.find("label", **{"for": radio["id"]}), radio
    assert "Một phần" in html and "Không áp dụng" in html
    # mf: paired numbers for men and women, with total and share
    for name in ("C1.male", "C1.female"):
        (field,) = doc.find("input", name=name)
        assert field["inputmode"] == "numeric" and doc.find("label", **{"for": field["id"]})
    assert 'class="mf-total"' in html and "Tỷ lệ nữ" in html
    # int, money, date, text
    assert doc.find("input", name="B4_meetings")[0]["inputmode"] == "numeric"
    assert doc.find("input", name="H1")[0]["inputmode"] == "numeric"
    assert doc.find("input", name="A1_date")[0]["type"] == "date"
    assert doc.find("textarea", name="H2")
    # file: evidence upload from the camera, photos and PDF only
    uploads = doc.find("input", type="file", name="upload.A1_file")
    assert uploads and uploads[0]["accept"] == "image/jpeg,image/png,application/pdf"
    assert "capture" in uploads[0]
    # a note per item, hints and legal basis on demand
    assert doc.find("textarea", name="note.A1")
    assert "Căn cứ pháp lý" in html and "<details class=\"more\">" in html
    # sections fold and show their progress
    assert len(doc.find("details", class_="section")) == 8
    assert re.search(r'<span class="count">0/\d+</span>', html)
    # every visible input, textarea and select has a label (for/id)
    ids = {a["id"] for t, a in doc.tags if t in ("input", "textarea") and a.get("type") not in ("hidden",)}
    labelled = {a["for"] for t, a in doc.tags if t == "label"}
    assert ids <= labelled, sorted(ids - labelled)


def test_form_carries_the_offline_contract(app, login, visits):
    client = login("inspector1")
    doc = Elements(page(client, visits["SYT"]))
    (form,) = doc.find("form", id="checklist-form")
    assert form["method"] == "post" and form["enctype"] == "multipart/form-data"
    assert form["data-visit-id"] == str(visits["SYT"])
    assert form["data-revision"] == "0" and form["data-state"] == "none"
    assert form["data-template"] == "gender_equality@2" and form["data-unit-kind"] == "department"
    assert re.fullmatch(r"[0-9a-f-]{36}", form["data-uuid"])
    assert doc.find("input", type="hidden", name="csrf_token")
    codes = [a["data-code"] for t, a in doc.tags if "item" in a.get("class", "").split()]
    assert codes[:3] == ["A1", "A1_date", "A1_file"]
    assert doc.find("div", data_code="C1", data_type="mf")
    scripts = [a["src"] for t, a in doc.tags if t == "script"]
    assert any(s.endswith("/js/checklist.js") for s in scripts)
    assert any(s.endswith("/js/offline.js") for s in scripts)
    # CSP: no inline script or style anywhere on the page
    html = page(client, visits["SYT"])
    assert "style=" not in html and not re.search(r"<script(?![^>]*src=)", html)


def test_items_for_localities_only_are_hidden_for_a_department(login, visits):
    client = login("inspector1")
    department = page(client, visits["SYT"])
    assert 'data-code="C6"' not in department and 'data-code="E6_cases"' not in department
    assert 'data-code="C5"' in department
    client = login("inspector3")
    for code in ("XA-HP", "PHUONG-TL", "DK-AT"):  # a xã, a phường and an đặc khu: the commune level
        locality = page(client, visits[code])
        assert 'data-code="C6"' in locality and 'data-code="E6_cases"' in locality and 'data-code="G6"' in locality


def test_a_department_answer_to_a_locality_item_is_ignored(app, login, visits):
    client = login("inspector1")
    response = client.post(f"/visits/{visits['SYT']}/checklist",
                           data={"A1": "yes", "C6.male": "3", "C6.female": "4", "action": "draft"})
    assert response.status_code == 303
    from inspections.models import Submission
    with app.app_context():
        submission = db.session.scalar(select(Submission))
        assert submission.answers == {"A1": "yes"}


def test_english_speaking_user_gets_english_labels(login, visits, client):
    login("inspector1")
    client.post("/lang", data={"lang": "en"})
    html = page(client, visits["SYT"])
    assert "Partly" in html and "Not applicable" in html and "Share of women" in html
    assert "Save draft" in html


def test_lead_fills_own_checklist_and_sees_team_visits(login, visits, app):
    client = login("lead1")
    assert client.get(f"/visits/{visits['SYT']}/checklist").status_code == 200
    html = client.get("/my-visits").get_data(as_text=True)
    with app.app_context():
        team_visits = db.session.scalars(select(Visit).where(Visit.id.in_(list(visits.values())))).all()
    assert "Sở Y tế" in html and "UBND xã Hòa Phú" not in html
    assert len(team_visits) == 12
