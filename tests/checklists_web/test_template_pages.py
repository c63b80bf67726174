"""Coordinators import and export checklist templates (page and commands)."""
import io

import yaml
from openpyxl import load_workbook
from sqlalchemy import func, select

from inspections import checklist
from inspections.extensions import db
from inspections.models import Template


def template_count(app):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Template))


def exported_workbook(client, version=2) -> bytes:  # the demo stores checklist v2 as version 2
    response = client.get(f"/checklists/gender_equality/{version}.xlsx")
    assert response.status_code == 200
    assert "gender_equality-v%d.xlsx" % version in response.headers["Content-Disposition"]
    return response.data


def test_export_then_import_the_same_file_changes_nothing(app, client, auth, demo):
    auth.login("coordinator")
    data = exported_workbook(client)
    response = client.post("/checklists/import", data={"file": (io.BytesIO(data), "checklist.xlsx")},
                           content_type="multipart/form-data")
    assert response.status_code == 200
    assert "đã có đúng nội dung này" in response.get_data(as_text=True)
    assert template_count(app) == 1


def test_a_changed_workbook_becomes_the_next_version(app, client, auth, demo):
    auth.login("coordinator")
    workbook = load_workbook(io.BytesIO(exported_workbook(client)))
    items = workbook["items"]
    header = [c.value for c in items[1]]
    label_col = header.index("label_en") + 1
    items.cell(row=2, column=label_col, value="A changed English label")
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = client.post("/checklists/import", data={"file": (io.BytesIO(buffer.getvalue()), "v2.xlsx")},
                           content_type="multipart/form-data")
    assert response.status_code == 200, response.get_data(as_text=True)
    assert "phiên bản 3" in response.get_data(as_text=True)
    assert template_count(app) == 2
    # version 2 (used by the demo campaign) is unchanged
    with app.app_context():
        v2 = db.session.scalar(select(Template).where(Template.version == 2))
        assert checklist.Template.from_dict(v2.definition).content_hash() == checklist.default_template().content_hash()


def test_a_type_change_is_refused_naming_the_item_and_nothing_is_stored(app, client, auth, demo):
    auth.login("coordinator")
    definition = checklist.default_template().to_dict()
    for section in definition["sections"]:
        for item in section["items"]:
            if item["code"] == "C1":
                item["type"] = "int"
    response = client.post("/checklists/import",
                           data={"file": (io.BytesIO(yaml.safe_dump(definition, allow_unicode=True).encode()),
                                          "t.yaml")},
                           content_type="multipart/form-data")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "C1" in page and "Tệp chưa được nhập" in page
    assert template_count(app) == 1


def test_garbage_upload_is_refused_with_a_clear_message(app, client, auth, demo):
    auth.login("coordinator")
    response = client.post("/checklists/import", data={"file": (io.BytesIO(b"\x00garbage"), "x.xlsx")},
                           content_type="multipart/form-data")
    assert response.status_code == 400
    assert "Tệp chưa được nhập" in response.get_data(as_text=True)
    missing = client.post("/checklists/import", data={}, content_type="multipart/form-data")
    assert missing.status_code == 400 and "Hãy chọn một tệp" in missing.get_data(as_text=True)
    assert template_count(app) == 1


def test_inspectors_and_leads_cannot_import(client, auth, demo):
    auth.login("lead1")
    response = client.post("/checklists/import", data={"file": (io.BytesIO(b"x"), "x.xlsx")},
                           content_type="multipart/form-data")
    assert response.status_code == 403


def test_cli_export_and_import(app, runner, demo, tmp_path):
    out = tmp_path / "t.xlsx"
    result = runner.invoke(args=["export-template", "gender_equality", "--out", str(out)])
    assert result.exit_code == 0, result.output
    template, targets = checklist.template_from_xlsx(out.read_bytes())
    assert template.content_hash() == checklist.default_template().content_hash()
    assert targets is not None and targets.key == checklist.default_target_set().key
    result = runner.invoke(args=["import-template", str(out)])
    assert result.exit_code == 0 and "nothing changed" in result.output
    bad = tmp_path / "bad.json"
    bad.write_text('{"key": "x"}')
    result = runner.invoke(args=["import-template", str(bad)])
    assert result.exit_code != 0 and "not imported" in result.output
    result = runner.invoke(args=["export-template", "nope", "--out", str(out)])
    assert result.exit_code != 0 and "no template" in result.output
