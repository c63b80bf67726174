"""The phone page budget: the checklist page with its CSS and JS at most 60 KB gzipped, no framework;
and every English message of the feature has its Vietnamese translation in the feature's catalog."""
import gzip
import re
from pathlib import Path

from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
BUDGET = 60 * 1024


def test_checklist_page_with_css_and_js_is_at_most_60_kb_gzipped(login, visits):
    client = login("inspector1")
    html = client.get(f"/visits/{visits['SYT']}/checklist").data
    assets = re.findall(rb'(?:href|src)="(/static/[^"?]+\.(?:css|js))', html)
    assert any(a.endswith(b"checklist.css") for a in assets) and any(a.endswith(b"checklist.js") for a in assets)
    sizes = {"page": len(gzip.compress(html, 9))}
    for asset in assets:
        response = client.get(asset.decode())
        assert response.status_code == 200, asset
        sizes[asset.decode()] = len(gzip.compress(response.data, 9))
        response.close()
    total = sum(sizes.values())
    assert total <= BUDGET, f"{total} bytes gzipped > {BUDGET}: {sizes}"


def test_every_fieldwork_message_is_translated_in_its_catalog():
    sources = [(p, "python") for p in (ROOT / "inspections" / "fieldwork").glob("*.py")]
    sources.append((ROOT / "inspections" / "attachments.py", "python"))
    sources += [(p, "jinja2.ext:babel_extract") for p in (ROOT / "templates" / "fieldwork").glob("*.html")]
    po = ROOT / "inspections" / "fieldwork" / "translations" / "vi" / "LC_MESSAGES" / "messages.po"
    with po.open("rb") as handle:
        catalog = {(m.id if isinstance(m.id, str) else m.id[0]): m.string for m in read_po(handle) if m.id}
    missing = []
    for path, method in sources:
        for lineno, message, _comments, _context in extract_from_file(method, str(path)):
            msgid = message if isinstance(message, str) else message[0]
            translated = catalog.get(msgid)
            if not translated or (isinstance(translated, tuple) and not all(translated)):
                missing.append(f"{path.name}:{lineno} {msgid!r}")
    assert not missing, "\n".join(missing)
