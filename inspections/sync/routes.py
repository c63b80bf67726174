"""PWA files (service worker, manifest, offline page, strings for the scripts), the sync status
page and the outbox-file upload page."""
from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    jsonify,
    render_template,
    request,
    url_for,
)
from flask_babel import force_locale, get_locale, gettext as _
from flask_login import current_user, login_required

from .. import access
from ..api import JSONBodyError, Problem, parse_json
from ..core.text import text_problem
from ..extensions import db
from ..web import current_language
from . import services
from .strings import JS_STRINGS

bp = Blueprint("sync", __name__, cli_group=None)

# The app shell: cached when the service worker installs, served from the cache offline.
# Every stylesheet and script of every feature (pages cached for offline use need theirs) and
# the icons; the service worker's own source is not part of it.
SHELL_PATTERNS = ("css/*.css", "js/*.js", "icons/*.png")
SYNC_DIR = Path(__file__).resolve().parent
THEME_COLOUR = "#8a1538"


def _folder(path: str | os.PathLike[str] | None) -> Path:
    assert path is not None  # the app is created with its static and template folders
    return Path(path)


def shell_static() -> list[str]:
    """The static files of the app shell, relative to the static folder."""
    static = _folder(current_app.static_folder)
    names = {p.relative_to(static).as_posix() for pattern in SHELL_PATTERNS for p in static.glob(pattern)}
    names.discard("js/sw.js")
    return sorted(names)


def shell_urls() -> list[str]:
    urls = [url_for("static", filename=name) for name in shell_static()]
    urls += [url_for("sync.manifest"), url_for("sync.offline_page")]
    urls += list(offline_pages().values())
    urls += [url_for("sync.strings", lang=lang) for lang in current_app.config["LANGUAGES"]]
    return urls


def offline_pages() -> dict[str, str]:
    """The offline page in each language (the worker shows the one of the user's last page:
    it fetches without cookies, so the language must be in the address)."""
    return {lang: url_for("sync.offline_page", lang=lang) for lang in current_app.config["LANGUAGES"]}


def shell_version() -> str:
    """A hash of everything the service worker precaches (and of itself): a deploy changes it."""
    static = _folder(current_app.static_folder)
    digest = hashlib.sha256()
    files = [static / name for name in shell_static()] + [static / "js" / "sw.js"]
    files += [_folder(current_app.template_folder) / "sync" / "offline.html"]
    files += sorted(SYNC_DIR.glob("translations/*/LC_MESSAGES/messages.po"))
    files += [SYNC_DIR / "strings.py", SYNC_DIR / "routes.py"]
    for path in files:
        digest.update(path.name.encode())
        digest.update(path.read_bytes() if path.exists() else b"-")
    return digest.hexdigest()[:16]


@bp.get("/sw.js")
def service_worker():
    """The service worker, with its version and precache list written in front of it."""
    source = (Path(current_app.static_folder) / "js" / "sw.js").read_text(encoding="utf-8")
    config = {"version": shell_version(), "precache": shell_urls(),
              "offline": url_for("sync.offline_page"), "offline_pages": offline_pages(),
              "core": url_for("static", filename="js/app.js")}
    body = f"self.SW_CONFIG = {json.dumps(config)};\n{source}"
    response = Response(body, mimetype="text/javascript")
    response.headers["Service-Worker-Allowed"] = "/"
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/manifest.webmanifest")
def manifest():
    """The web app manifest: Vietnamese name, standalone, brand colour, any and maskable icons."""
    icons = []
    for size in (192, 512):
        icons.append({"src": url_for("static", filename=f"icons/icon-{size}.png"),
                      "sizes": f"{size}x{size}", "type": "image/png", "purpose": "any"})
        icons.append({"src": url_for("static", filename=f"icons/maskable-{size}.png"),
                      "sizes": f"{size}x{size}", "type": "image/png", "purpose": "maskable"})
    body = {
        "id": "/",
        "name": "Kiểm tra liên ngành về bình đẳng giới",
        "short_name": "Kiểm tra BĐG",
        "description": ("Phiếu kiểm tra liên ngành công tác bình đẳng giới và vì sự tiến bộ của phụ nữ; "
                        "dùng được khi không có mạng."),
        "lang": "vi",
        "dir": "ltr",
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "theme_color": THEME_COLOUR,
        "background_color": "#f6f6f8",
        "icons": icons,
    }
    response = Response(json.dumps(body, ensure_ascii=False), mimetype="application/manifest+json")
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/offline")
def offline_page():
    """Shown by the service worker for a page that was never saved on the phone."""
    return render_template("sync/offline.html")


@bp.get("/sync/strings.json")
def strings():
    """The texts the scripts show, in the language asked for (English msgids as keys)."""
    lang = request.args.get("lang", "")
    if lang not in current_app.config["LANGUAGES"]:
        lang = str(get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"])
    with force_locale(lang):
        table = {msgid: _(msgid) for msgid in JS_STRINGS}
    response = jsonify({"lang": lang, "strings": table})
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/sync")
@login_required
def status():
    """What is waiting on this phone, what was sent or refused, and the offline tools."""
    return render_template("sync/status.html")


def refused_rows(items: list, refused: dict[int, list[Problem]], author) -> list[services.UploadRow]:
    """Result rows for the submissions of a file that the JSON reader refused (bad text or number)."""
    from .api import item_errors

    rows = []
    for index in sorted(refused):
        raw = items[index]
        uuid = raw.get("uuid") if isinstance(raw, dict) else None
        rows.append(services.UploadRow(uuid if isinstance(uuid, str) and text_problem(uuid) is None else None,
                                       "rejected", errors=item_errors(refused[index]),
                                       inspector=author.display_name if author is not None else ""))
    return rows


@bp.route("/outbox/upload", methods=["GET", "POST"])
@login_required
@access.role_required("outbox.upload")
def outbox_upload():
    """A coordinator or lead uploads an outbox file saved on a phone (same rules as the API)."""
    rows, author, status = None, None, 200
    if request.method == "POST":
        upload = request.files.get("outbox_file")
        if upload is None or not upload.filename:
            flash(_("Choose the file saved on the phone."), "error")
            status = 400
        else:
            try:
                # The one JSON reader: a bad text or number in one submission refuses that one.
                parsed = parse_json(upload.read().decode("utf-8-sig"), report_values=True)
                data = services.read_outbox_file(parsed.value)
                clean, refused = parsed.split_items("submissions")
            except UnicodeDecodeError:
                flash(_("This file is not readable JSON; choose the file saved with “Save unsent work to a file”."),
                      "error")
                status = 400
            except JSONBodyError as error:
                flash(_("This file is not readable JSON; choose the file saved with “Save unsent work to a file”.")
                      + " " + error.message, "error")
                status = 400
            except services.OutboxFileError as error:
                flash(str(error), "error")
                status = 400
            else:
                lang = current_language()
                author, rows = services.store_outbox_file(current_user, dict(data, submissions=clean), lang)
                rows += refused_rows(data.get("submissions", []), refused, author)
                db.session.commit()
                stored = sum(1 for r in rows if r.status in ("created", "updated", "unchanged"))
                flash(_("%(stored)d of %(total)d entries are on the server; see the table for each one.",
                        stored=stored, total=len(rows)), "success" if stored == len(rows) else "warning")
    labels = {"created": _("stored"), "updated": _("stored as a newer revision"),
              "unchanged": _("already on the server"), "stale": _("the server had a newer revision"),
              "rejected": _("rejected")}
    return render_template("sync/outbox_upload.html", rows=rows, author=author, status_labels=labels), status
