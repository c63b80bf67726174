"""Vietnamese first: every English message in code and templates has a Vietnamese translation."""
from pathlib import Path

from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po

from inspections.i18n import translation_directories

ROOT = Path(__file__).resolve().parent.parent
METHOD_MAP = [
    ("inspections/**.py", "python"),
    ("templates/**.html", "jinja2.ext:babel_extract"),
]


def vietnamese_catalog() -> dict[str, str]:
    messages: dict[str, str] = {}
    for directory in translation_directories():
        for po in Path(directory).glob("vi/LC_MESSAGES/*.po"):
            with po.open("rb") as handle:
                for message in read_po(handle):
                    if message.id and message.string:
                        key = message.id if isinstance(message.id, str) else message.id[0]
                        messages[key] = message.string if isinstance(message.string, str) else message.string[0]
    return messages


def extracted_ids() -> dict[str, str]:
    found: dict[str, str] = {}
    keywords = dict(DEFAULT_KEYWORDS, _l=None, lazy_gettext=None, lazy_pgettext=((1, "c"), 2))
    for filename, lineno, message, _comments, _context in extract_from_dir(str(ROOT), METHOD_MAP, keywords=keywords):
        msgid = message if isinstance(message, str) else message[0]
        found.setdefault(msgid, f"{filename}:{lineno}")
    return found


def test_every_message_has_a_vietnamese_translation():
    catalog = vietnamese_catalog()
    missing = {msgid: where for msgid, where in extracted_ids().items() if msgid not in catalog}
    assert not missing, "untranslated messages (add them to the feature's vi messages.po):\n" + "\n".join(
        f"  {where}: {msgid!r}" for msgid, where in sorted(missing.items(), key=lambda kv: kv[1]))


def test_home_page_speaks_each_role(client, demo):
    from tests.conftest import AuthActions

    expectations = {
        "inspector1": "Đơn vị tôi kiểm tra",
        "lead1": "Các đơn vị đoàn kiểm tra",
        "coordinator": "Đợt kiểm tra",
        "admin": "Đợt kiểm tra",
    }
    for username, heading in expectations.items():
        AuthActions(client).login(username)
        page = client.get("/").get_data(as_text=True)
        assert heading in page, username
        client.post("/logout")


def test_inspector_home_lists_only_own_team_visits(client, demo):
    from tests.conftest import AuthActions

    AuthActions(client).login("inspector1")
    page = client.get("/").get_data(as_text=True)
    assert "Sở Y tế" in page  # team 1
    assert "UBND xã Hòa Phú" not in page  # team 2
