"""Translations: Vietnamese first, English on request; catalogs live beside each feature.

Every `translations/` folder inside the package holds `<lang>/LC_MESSAGES/messages.po`;
Flask-Babel merges them. `.po` files are compiled to `.mo` when they are newer, so a
fresh clone needs no separate build step.
"""
from __future__ import annotations

import logging
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import current_app, request, session

PACKAGE_DIR = Path(__file__).resolve().parent
log = logging.getLogger(__name__)


def translation_directories() -> list[str]:
    """All translation folders of the package, the core one first."""
    dirs = sorted(PACKAGE_DIR.rglob("translations"), key=lambda p: (len(p.parts), str(p)))
    return [str(d) for d in dirs if d.is_dir()]


def compile_catalogs(directories: list[str]) -> None:
    """Compile each messages.po whose .mo is missing or older."""
    for directory in directories:
        for po_path in Path(directory).glob("*/LC_MESSAGES/*.po"):
            mo_path = po_path.with_suffix(".mo")
            if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
                continue
            try:
                with po_path.open("rb") as po_file:
                    catalog = read_po(po_file)
                tmp = mo_path.with_suffix(".mo.tmp")
                with tmp.open("wb") as mo_file:
                    write_mo(mo_file, catalog, use_fuzzy=False)
                tmp.replace(mo_path)
            except OSError as exc:  # read-only install: use whatever .mo is there
                log.warning("could not compile %s: %s", po_path, exc)


def select_locale() -> str:
    """The language chosen with the switch (kept in the session), else the default."""
    languages = current_app.config["LANGUAGES"]
    chosen = session.get("lang")
    if isinstance(chosen, str) and chosen in languages:
        return chosen
    if request and request.args.get("lang") in languages:
        return request.args["lang"]
    return current_app.config["BABEL_DEFAULT_LOCALE"]
