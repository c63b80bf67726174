"""The one text check for every form field and every JSON text value.

A text the app stores or looks up may not hold:
- NUL (U+0000): PostgreSQL refuses it in text and JSONB columns (a 500 there, fine on SQLite);
- a lone surrogate (U+D800-U+DFFF, only reachable through a JSON ``\\ud800`` escape): it cannot
  be encoded as UTF-8, so hashing, storing or even logging it fails;
- any other control character (C0, DEL, C1) except tab, line feed and carriage return
  (a textarea sends CR LF line ends): they are invisible, break the Excel and Word exports and
  are never typed on purpose.

`text_problem` says which of these a text has (pure, no Flask); `text_error` is the message a
user reads, naming the field. Forms use it through `inspections.web.SafeForm` (every string
field) or directly in services; JSON bodies through `inspections.api.read_json`.
"""
from __future__ import annotations

import re
from typing import Any, Optional

from flask_babel import gettext as _

# One pass over the text in C: every character that is refused, in one class.
BAD_TEXT_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")

NUL, SURROGATE, CONTROL = "nul", "surrogate", "control"


def text_problem(value: Any) -> Optional[str]:
    """"nul", "surrogate" or "control" for the first refused character of `value`, else None.

    Anything that is not a str has no text problem (the caller checks types).
    """
    if value.__class__ is not str:
        return None
    match = BAD_TEXT_RE.search(value)
    if match is None:
        return None
    char = match.group()
    if char == "\x00":
        return NUL
    if "\ud800" <= char <= "\udfff":
        return SURROGATE
    return CONTROL


def problem_message(problem: str, field: str) -> str:
    """The message for a text problem of `field` (a label or a JSON path)."""
    if problem == NUL:
        return _("%(field)s contains the NUL character (\\u0000), which cannot be stored. Remove it and try again.",
                 field=field)
    if problem == SURROGATE:
        return _("%(field)s contains a broken character (a lone UTF-16 surrogate). Retype the text and try again.",
                 field=field)
    return _("%(field)s contains an invisible control character. Only letters, digits, punctuation, "
             "spaces, tabs and line breaks are allowed.", field=field)


def text_error(value: Any, field: str) -> Optional[str]:
    """The message naming `field` when `value` holds a refused character, else None."""
    problem = text_problem(value)
    return problem_message(problem, field) if problem else None
