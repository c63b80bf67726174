"""The desk speaks Vietnamese: every English message of its code and templates is in its vi catalog."""
from pathlib import Path

from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
CATALOG = ROOT / "inspections/campaigns/translations/vi/LC_MESSAGES/messages.po"
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None}


def test_every_desk_message_is_translated():
    with CATALOG.open("rb") as handle:
        translated = {(m.id if isinstance(m.id, str) else m.id[0]) for m in read_po(handle) if m.id and m.string}
    used = {}
    for folder, method in (("inspections/campaigns", ("**.py", "python")),
                           ("templates/campaigns", ("**.html", "jinja2.ext:babel_extract"))):
        for filename, line, message, *_ in extract_from_dir(str(ROOT / folder), [method], keywords=KEYWORDS):
            msgid = message if isinstance(message, str) else message[0]
            used.setdefault(msgid, f"{folder}/{filename}:{line}")
    missing = {m: where for m, where in used.items() if m not in translated}
    assert not missing, missing


def test_pages_render_in_vietnamese_by_default(client, login_as):
    login_as("coordinator")
    page = client.get("/campaigns/units").get_data(as_text=True)
    assert "Đơn vị được kiểm tra" in page and "Hiện cả mục đã lưu trữ" in page
