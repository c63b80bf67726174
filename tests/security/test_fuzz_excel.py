"""Hostile files to the Excel imports: the coordinator's units/users import and the checklist
template import (the page, and template_from_xlsx itself).

Each file is refused (or its rows reported as problems) with a clear 4xx page in bounded time and
memory, never a 500, and never a half-written import: the rows counted before and after are equal.
Zip bombs and huge sheets are measured in a separate interpreter (time, and peak resident memory
above the baseline, from getrusage) with a hard time limit and an address-space cap, so that a
reader that does not bound its work fails the test instead of eating the machine.
"""
from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from sqlalchemy import func, select

from inspections.extensions import db
from inspections.models import Template, Unit, User

from . import xlsx_bombs as bombs
from .conftest import api_login

ROOT = Path(__file__).resolve().parents[2]
MAX_SECONDS = 10.0  # the bound asked of every import, whatever the file
MAX_EXTRA_MB = 300  # resident memory above the interpreter's baseline
HARD_LIMIT_SECONDS = 15  # the probe is killed after this
ADDRESS_SPACE_CAP = 3 * 1024 ** 3

UNIT_HEADER = ["Code (code)", "Name (name)", "Kind (kind)", "Parent unit code (parent_code)", "Address (address)"]
USER_HEADER = ["Username (username)", "Full name (full_name)", "E-mail (email)", "Role (role)",
               "Agency code (agency_code)"]


def counts(app) -> dict[str, int]:
    with app.app_context():
        result = {name: db.session.scalar(select(func.count()).select_from(model))
                  for name, model in (("unit", Unit), ("user", User), ("template", Template))}
        db.session.remove()
        return result


@pytest.fixture
def coordinator(app, demo):
    """Staff allowed to use every import: units and templates are the coordinator's, users the
    admin's (who may do everything a coordinator may)."""
    client = app.test_client()
    api_login(client, "admin")
    return client


def xlsx(rows: list[list]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def post_import(client, kind: str, data: bytes, filename: str = "import.xlsx"):
    started = time.perf_counter()
    response = client.post(f"/campaigns/{kind}/import", data={"file": (io.BytesIO(data), filename)},
                           content_type="multipart/form-data")
    elapsed = time.perf_counter() - started
    assert elapsed < MAX_SECONDS, f"{kind} import took {elapsed:.1f} s"
    return response


def post_template(client, data: bytes, filename: str = "template.xlsx"):
    started = time.perf_counter()
    response = client.post("/checklists/import", data={"file": (io.BytesIO(data), filename)},
                           content_type="multipart/form-data")
    elapsed = time.perf_counter() - started
    assert elapsed < MAX_SECONDS, f"template import took {elapsed:.1f} s"
    return response


# --- random and damaged files ---------------------------------------------------------------

def test_random_bytes_are_refused_by_every_import(app, coordinator):
    before = counts(app)
    valid = xlsx([UNIT_HEADER, ["U1", "Unit", "department"]])

    @settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
    @given(data=st.binary(max_size=2000)
           | st.binary(max_size=500).map(lambda b: b"PK\x03\x04" + b)
           | st.integers(0, len(valid) - 1).map(lambda n: valid[:n])  # truncated workbooks
           | st.tuples(st.integers(30, len(valid) - 1), st.binary(min_size=1, max_size=8)).map(
               lambda t: valid[:t[0]] + t[1] + valid[t[0] + len(t[1]):]),  # bytes flipped inside
           filename=st.sampled_from(["import.xlsx", "x.xls", "x.csv", "../../x.xlsx", "x"]))
    def run(data, filename):
        for kind in ("units", "users"):
            response = post_import(coordinator, kind, data, filename)
            # 200: bytes flipped where nothing reads them leave a readable workbook, whose
            # preview (which stores nothing) is shown.
            assert response.status_code in (200, 400, 413, 415), response.status_code
        response = post_template(coordinator, data, filename if filename != "x" else "t.xlsx")
        assert response.status_code in (400, 413, 415), response.status_code

    run()
    assert counts(app) == before


@pytest.mark.parametrize("how", ["method", "encrypted", "deflate"])
def test_damaged_zip_members_are_refused(app, coordinator, how):
    """Unsupported compression, encryption, broken deflate data: refused, not a 500."""
    data = bombs.damaged(xlsx([UNIT_HEADER, ["U1", "Đơn vị", "department"]]), how)
    before = counts(app)
    for kind in ("units", "users"):
        assert post_import(coordinator, kind, data).status_code in (400, 413, 415), (kind, how)
    assert post_template(coordinator, data).status_code in (400, 413, 415), how
    assert counts(app) == before


@pytest.mark.parametrize("kind", ["units", "users"])
def test_wrong_cell_types_are_reported_per_row(app, coordinator, kind):
    from datetime import date, datetime

    header = UNIT_HEADER if kind == "units" else USER_HEADER
    nasty = [
        [12345, 3.5, True, None, datetime(2026, 1, 1, 10, 30)],
        [date(2026, 1, 1), "=HYPERLINK(\"http://evil\",\"x\")", "=1+1", "#DIV/0!", "@SUM(A1)"],
        ["x" * 32767, "tab\there\u200b", "department", "-1", "+1"],
        ["ÜNICODE-ĐƠN-VỊ", "Đơn vị", "xã", "NOPE", ""],
        [None, None, None, None, None],
        ["dup", "a", "inspector", "SLDTBXH", ""], ["DUP", "b", "inspector", "SLDTBXH", ""],
    ]
    before = counts(app)
    response = post_import(coordinator, kind, xlsx([header] + nasty))
    assert response.status_code == 400, response.status_code
    page = response.get_data(as_text=True)
    assert "Traceback" not in page
    assert counts(app) == before


RAW_CELLS = [
    '<c t="s"><v>99999</v></c>',  # a shared string that does not exist
    '<c t="n"><v>abc</v></c>',  # a number that is not one
    '<c t="d"><v>not a date</v></c>',
    '<c t="b"><v>7</v></c>',
    '<c t="e"><v>#DIV/0!</v></c>',
    '<c><f>1/0</f></c>',  # a formula without a cached value
    '<c t="inlineStr"><is><r><t>rich</t></r><r><t> text</t></r></is></c>',
    '<c r="XFD1048576"><v>1</v></c>',  # the last cell Excel has
    '<c s="999"><v>45000</v></c>',  # a style that does not exist
]


@pytest.mark.parametrize("cell", RAW_CELLS)
@pytest.mark.parametrize("kind", ["units", "users"])
def test_malformed_cells_are_refused_or_reported(app, coordinator, kind, cell):
    header = UNIT_HEADER if kind == "units" else USER_HEADER
    sheet = bombs.row_xml(header, 1) + f'<row r="2">{cell * 5}</row>'
    data = bombs.workbook([("Sheet1", iter([sheet]))])
    before = counts(app)
    response = post_import(coordinator, kind, data)
    assert response.status_code == 400, response.status_code
    assert counts(app) == before


@pytest.mark.parametrize("kind,header,make_row", [
    ("units", UNIT_HEADER, lambda n: [f"U{n}", f"Đơn vị {n}", "department", "", ""]),
    ("users", USER_HEADER, lambda n: [f"user{n}", f"Người {n}", "", "inspector", "SLDTBXH"]),
])
def test_a_sheet_of_100000_rows_is_refused_quickly(app, coordinator, kind, header, make_row):
    data = bombs.many_rows(header, make_row, count=100_000)
    before = counts(app)
    response = post_import(coordinator, kind, data)
    assert response.status_code in (400, 413)
    assert counts(app) == before


def test_a_template_of_100000_items_is_refused_quickly(app, coordinator):
    from inspections.checklist.excel import ITEM_COLUMNS, SETTINGS_COLUMNS

    settings_rows = [list(SETTINGS_COLUMNS[:4]), ["huge", 1, "Lớn", "Huge"]]
    data = bombs.many_rows(list(ITEM_COLUMNS), lambda n: ["A", "Phần A", "Part A", f"A{n}", "ynp", "x", "x"],
                           count=100_000, sheet_name="items", extra_sheets=[("settings", settings_rows)])
    before = counts(app)
    response = post_template(coordinator, data)
    assert response.status_code == 400
    assert counts(app) == before


def test_lying_zip_headers_are_refused(app, coordinator):
    data = bombs.lying_sizes(bombs.blank_rows_bomb(UNIT_HEADER, unpacked_mb=5))
    before = counts(app)
    for kind in ("units", "users"):
        assert post_import(coordinator, kind, data).status_code in (400, 413)
    assert post_template(coordinator, data).status_code in (400, 413)
    assert counts(app) == before


def test_hostile_yaml_and_json_templates_are_refused(app, coordinator):
    """The template page also takes YAML and JSON: alias bombs and deep nesting are refused."""
    laughs = "a: &a [" + ",".join(['"lol"'] * 10) + "]\n"
    for level in "bcdefghi":
        previous = chr(ord(level) - 1)
        laughs += f"{level}: &{level} [" + ",".join([f"*{previous}"] * 10) + "]\n"
    laughs += "key: bomb\nversion: 1\ntitle_vi: x\ntitle_en: x\nsections:\n"
    laughs += "  - {code: A, title_vi: x, title_en: x, items: *i}\n"
    deep_json = '{"key": "deep", "sections": ' + "[" * 50_000 + "]" * 50_000 + "}"
    before = counts(app)
    for filename, text in [("bomb.yaml", laughs), ("deep.json", deep_json), ("deep.yaml", "[" * 50_000),
                           ("tags.yaml", "!!python/object/apply:os.system ['touch /tmp/pwned']\n"),
                           ("bin.yaml", "\x00\x01\x02"), ("huge.json", "[" + "1," * 3_000_000 + "1]")]:
        response = post_template(coordinator, text.encode(), filename)
        assert response.status_code in (400, 413), (filename, response.status_code)
    assert not Path("/tmp/pwned").exists()
    assert counts(app) == before


def test_a_confirmed_import_is_all_or_nothing(app, coordinator, monkeypatch):
    """A failure in the middle of writing a confirmed import leaves no row behind."""
    from inspections import audit
    from inspections.registry import imports

    rows = [UNIT_HEADER] + [[f"AON{n}", f"Đơn vị {n}", "department", "", ""] for n in range(10)]
    response = post_import(coordinator, "units", xlsx(rows))
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    token = page.split('name="token"', 1)[1].split('value="', 1)[1].split('"', 1)[0]
    before = counts(app)
    calls = {"n": 0}
    real_record = audit.record

    def failing_record(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 5:
            raise RuntimeError("the disk is full")
        return real_record(*args, **kwargs)

    monkeypatch.setattr(audit, "record", failing_record)
    monkeypatch.setattr(imports.audit, "record", failing_record)
    with pytest.raises(RuntimeError):
        coordinator.post("/campaigns/units/import/confirm", data={"token": token})
    assert calls["n"] == 5
    assert counts(app) == before


@pytest.mark.parametrize("token", ["../../../../etc/passwd", "..%2f..%2fsecret_key", "A" * 65, "", "x" * 20 + "/../y"])
def test_confirm_tokens_are_not_paths(app, coordinator, token):
    before = counts(app)
    response = coordinator.post("/campaigns/units/import/confirm", data={"token": token})
    assert response.status_code in (302, 400, 404)
    assert counts(app) == before


# --- zip bombs, measured in their own interpreter -------------------------------------------

PROBE = r"""
import io, json, resource, sys, time
cap = int(sys.argv[4])
resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
target, path, database = sys.argv[1], sys.argv[2], sys.argv[3]
data = open(path, "rb").read()
from inspections import create_app
from inspections.extensions import db
app = create_app({"TESTING": False, "SECRET_KEY": "probe", "SQLALCHEMY_DATABASE_URI": database,
                  "WTF_CSRF_ENABLED": False, "UPLOAD_DIR": sys.argv[5]})
client = app.test_client()
if target != "template_from_xlsx":
    login = client.post("/api/v1/session", json={"username": "admin", "password": "test-pass-123"})
    assert login.status_code == 200, login.data
    client.get("/campaigns/units/import")  # warm up the page (templates, catalogs)
from inspections.checklist import template_from_xlsx
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
started = time.perf_counter()
outcome = {}
if target == "template_from_xlsx":
    try:
        template_from_xlsx(data)
        outcome["result"] = "accepted"
    except Exception as exc:
        outcome["result"] = type(exc).__name__
else:
    response = client.post(target, data={"file": (io.BytesIO(data), "bomb.xlsx")}, content_type="multipart/form-data")
    outcome["status"] = response.status_code
outcome["seconds"] = time.perf_counter() - started
outcome["extra_mb"] = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - base) / 1024
print("PROBE " + json.dumps(outcome))
"""


def probe(target: str, data: bytes, database: str, tmp_path) -> dict:
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(data)
    env = {k: v for k, v in os.environ.items() if k != "TEST_DATABASE_URL"}
    try:
        result = subprocess.run([sys.executable, "-c", PROBE, target, str(path), database, str(ADDRESS_SPACE_CAP),
                                 str(tmp_path / "uploads")], cwd=ROOT, env=env, capture_output=True, text=True,
                                timeout=HARD_LIMIT_SECONDS)
    except subprocess.TimeoutExpired:
        result = None
    if result is None:
        pytest.fail(f"{target}: still working after {HARD_LIMIT_SECONDS} s (killed)", pytrace=False)
    lines = [line for line in result.stdout.splitlines() if line.startswith("PROBE ")]
    assert lines, f"{target}: the probe died: {result.stderr[-1500:]}"
    return json.loads(lines[-1][6:])


@pytest.fixture(scope="module")
def bomb_files(tmp_path_factory, database):
    """Built once: just under the unpacked-size limits the importers had when these were written
    (100 MB for units/users, 200 MB for templates), each a few hundred KB on the wire."""
    from inspections.checklist.excel import ITEM_COLUMNS, SETTINGS_COLUMNS

    if not database.startswith("sqlite"):
        pytest.skip("reading a file does not depend on the database: the bombs run with the SQLite suite")
    settings_rows = [list(SETTINGS_COLUMNS[:4]), ["bomb", 1, "Bom", "Bomb"]]
    items = list(ITEM_COLUMNS)

    def template_wide(mb):
        def body():
            yield bombs.row_xml(items, 1)
            for _ in range(3):
                yield "<row>"
                yield from bombs._repeat("<c><v>1</v></c>", (mb << 20) // 3)
                yield "</row>"
        return bombs.workbook([("items", body()), ("settings", iter([bombs.row_xml(r) for r in settings_rows]))])

    def template_strings(mb):
        return bombs.workbook([("items", iter([bombs.row_xml(items, 1)])),
                               ("settings", iter([bombs.row_xml(r) for r in settings_rows]))],
                              shared_strings=bombs._repeat("<si><t>ab</t></si>", mb << 20))

    return {
        "import:blank": bombs.blank_rows_bomb(UNIT_HEADER, unpacked_mb=300),
        "import:wide": bombs.wide_row_bomb(UNIT_HEADER, unpacked_mb=95),
        "import:strings": bombs.shared_strings_bomb(UNIT_HEADER, unpacked_mb=95),
        "template:blank": bombs.blank_rows_bomb(items, unpacked_mb=190, sheet_name="items",
                                                extra_sheets=[("settings", settings_rows)]),
        "template:wide": template_wide(190),
        "template:strings": template_strings(190),
    }


@pytest.mark.parametrize("bomb", ["blank", "wide", "strings"])
def test_zip_bombs_to_the_units_import_page(app, demo, database, tmp_path, bomb_files, bomb):
    """(The users import reads files with the same function.)"""
    data = bomb_files[f"import:{bomb}"]
    assert len(data) < 1024 * 1024  # small on the wire
    before = counts(app)
    outcome = probe("/campaigns/units/import", data, database, tmp_path)
    assert outcome["status"] in (400, 413), outcome
    assert outcome["seconds"] < MAX_SECONDS, outcome
    assert outcome["extra_mb"] < MAX_EXTRA_MB, outcome
    assert counts(app) == before


@pytest.mark.parametrize("bomb", ["blank", "wide", "strings"])
def test_zip_bombs_to_template_from_xlsx(database, tmp_path, bomb_files, bomb):
    outcome = probe("template_from_xlsx", bomb_files[f"template:{bomb}"], database, tmp_path)
    assert outcome["result"] == "TemplateError", outcome
    assert outcome["seconds"] < MAX_SECONDS, outcome
    assert outcome["extra_mb"] < MAX_EXTRA_MB, outcome


def test_a_zip_bomb_to_the_template_page(app, demo, database, tmp_path, bomb_files):
    """(The page reads .xlsx files with template_from_xlsx, tested with every bomb above.)"""
    before = counts(app)
    outcome = probe("/checklists/import", bomb_files["template:blank"], database, tmp_path)
    assert outcome["status"] in (400, 413), outcome
    assert outcome["seconds"] < MAX_SECONDS, outcome
    assert outcome["extra_mb"] < MAX_EXTRA_MB, outcome
    assert counts(app) == before
