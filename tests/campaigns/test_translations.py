"""The desk speaks Vietnamese: every English message of its code and templates is in its vi catalog.

The desk is three packages, each with its catalog beside its code: the campaigns, the registry
and what both share (inspections/desk, whose catalog also holds the messages both use).
"""
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None}


def catalog(package: str) -> set[str]:
    path = ROOT / f"inspections/{package}/translations/vi/LC_MESSAGES/messages.po"
    with path.open("rb") as handle:
        return {(m.id if isinstance(m.id, str) else m.id[0]) for m in read_po(handle) if m.id and m.string}


@pytest.mark.parametrize("package", ["campaigns", "registry", "desk"])
def test_every_desk_message_is_translated(package):
    translated = catalog(package) | (catalog("desk") if package != "desk" else set())
    used = {}
    for folder, method in ((f"inspections/{package}", ("**.py", "python")),
                           (f"templates/{package}", ("**.html", "jinja2.ext:babel_extract"))):
        for filename, line, message, *_ in extract_from_dir(str(ROOT / folder), [method], keywords=KEYWORDS):
            msgid = message if isinstance(message, str) else message[0]
            used.setdefault(msgid, f"{folder}/{filename}:{line}")
    missing = {m: where for m, where in used.items() if m not in translated}
    assert not missing, missing


def test_pages_render_in_vietnamese_by_default(client, login_as):
    login_as("coordinator")
    page = client.get("/campaigns/units").get_data(as_text=True)
    assert "Đơn vị được kiểm tra" in page and "Hiện cả mục đã lưu trữ" in page
    page = client.get("/campaigns/").get_data(as_text=True)
    assert "Đợt kiểm tra" in page
