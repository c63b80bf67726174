"""Ids as they arrive from outside: bounded to what the database can hold, ASCII digits only."""
from __future__ import annotations

import re
from typing import Any, Optional

MAX_ID = 2**31 - 1  # ids, versions and revisions are 32-bit integers in PostgreSQL
_ID_RE = re.compile(r"[0-9]{1,10}")


def parse_id(value: Any) -> Optional[int]:
    """An id, revision or version typed in a form or a query string (ASCII digits, surrounding
    spaces allowed, 1 .. MAX_ID), or a JSON integer in that range; None for anything else.

    ``"²".isdigit()`` is True and ``int("9" * 5000)`` raises: neither is an id here.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if 1 <= value <= MAX_ID else None
    if not isinstance(value, str):
        return None
    text = value.strip()
    if not _ID_RE.fullmatch(text):
        return None
    number = int(text)
    return number if 1 <= number <= MAX_ID else None
