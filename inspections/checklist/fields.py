"""Reading fields out of plain data (parsed YAML, JSON or Excel rows), collecting problems.

Shared by templates and target sets: strings are stripped (empty means absent), whole floats
become ints, numeric text is read as a number, and yes/no words are accepted for booleans.
"""
from __future__ import annotations

import re
from typing import Any, Callable, Iterable, Mapping, Optional

from .problems import Path, format_path

MAX_LABEL_LENGTH = 2000


class FieldReader:
    """Reads fields out of plain data, normalising them and collecting ``(path, message)``."""

    def __init__(self, locate: Callable[[Path], str] = format_path) -> None:
        self.problems: list[tuple[Path, str]] = []
        self.locate = locate  # names another place in a message ("also at ...")

    def problem(self, path: Path, message: str) -> None:
        self.problems.append((path, message))

    def mapping(self, value: Any, path: Path, known: set[str], what: str) -> Optional[dict]:
        if not isinstance(value, Mapping):
            self.problem(path, f"{what} must be a mapping of fields, got {_kind(value)}")
            return None
        for name in value:
            if name not in known:
                self.problem(path + (str(name),), f"unknown field {name!r} in {what}; known: "
                             + ", ".join(sorted(known)))
        return dict(value)

    def text(self, data: Mapping, name: str, path: Path, *, required: bool = False,
             max_length: int = MAX_LABEL_LENGTH) -> Optional[str]:
        value = data.get(name)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)
        if isinstance(value, str):
            value = value.strip()
            if len(value) > max_length:
                self.problem(path + (name,), f"{name} is longer than {max_length} characters")
                return None
            if value:
                return value
        elif value is not None:
            self.problem(path + (name,), f"{name} must be text, got {_kind(value)}")
            return None
        if required:
            self.problem(path + (name,), f"{name} is missing")
        return None

    def integer(self, data: Mapping, name: str, path: Path, *, required: bool = False,
                minimum: Optional[int] = None, maximum: Optional[int] = None) -> Optional[int]:
        value = number_value(data.get(name))
        if value is None:
            if data.get(name) not in (None, ""):
                self.problem(path + (name,), f"{name} must be a whole number, got "
                             f"{data.get(name)!r}")
            elif required:
                self.problem(path + (name,), f"{name} is missing")
            return None
        if not isinstance(value, int):
            self.problem(path + (name,), f"{name} must be a whole number, got {value!r}")
            return None
        if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
            bounds = f"at least {minimum}" if maximum is None else f"between {minimum} and {maximum}"
            self.problem(path + (name,), f"{name} must be {bounds}, got {value}")
            return None
        return value

    def boolean(self, data: Mapping, name: str, path: Path) -> Optional[bool]:
        value = data.get(name)
        if value is None or value == "":
            return None
        parsed = bool_value(value)
        if parsed is None:
            self.problem(path + (name,), f"{name} must be true or false, got {value!r}")
        return parsed

    def word_list(self, data: Mapping, name: str, path: Path, allowed: Iterable[str],
                  what: str) -> Optional[tuple[str, ...]]:
        """A list of words from ``allowed`` (a comma-separated string is accepted too)."""
        value = data.get(name)
        if value is None or value == "":
            return None
        if isinstance(value, str):
            value = [part.strip() for part in value.split(",") if part.strip()]
        if not isinstance(value, (list, tuple)) or not value:
            self.problem(path + (name,), f"{name} must be a non-empty list of {what}")
            return None
        allowed = tuple(allowed)
        out: list[str] = []
        for index, word in enumerate(value):
            if not isinstance(word, str) or word.strip() not in allowed:
                self.problem(path + (name, index), f"unknown {what} {word!r}; use one of: "
                             + ", ".join(allowed))
            elif word.strip() in out:
                self.problem(path + (name, index), f"{word.strip()!r} is listed twice")
            else:
                out.append(word.strip())
        return tuple(out) if len(out) == len(value) else None

    def listing(self, data: Mapping, name: str, path: Path, *, required: bool,
                limit: int = 5000) -> list:
        """A list field; past ``limit`` entries it is reported and cut (no endless checking)."""
        value = data.get(name)
        if value is None:
            if required:
                self.problem(path + (name,), f"{name} is missing")
            return []
        if not isinstance(value, list):
            self.problem(path + (name,), f"{name} must be a list, got {_kind(value)}")
            return []
        if required and not value:
            self.problem(path + (name,), f"{name} is empty")
        if len(value) > limit:
            self.problem(path + (name,), f"{name} has more than {limit} entries")
            return value[:limit]
        return value


def number_value(value: Any) -> Optional[float | int]:
    """An int or float (whole floats become int; numeric strings are read); else ``None``."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, str):
        text = value.strip()
        try:
            value = int(text) if re.fullmatch(r"[+-]?\d{1,18}", text) else float(text)
        except ValueError:
            return None
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return None
        return int(value) if value.is_integer() else value
    return value if isinstance(value, int) else None


def bool_value(value: Any) -> Optional[bool]:
    """True/False, or yes/no, true/false, có/không, x, 1/0 as text; else ``None``."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        word = value.strip().lower()
        if word in ("yes", "true", "x", "1", "có", "co"):
            return True
        if word in ("no", "false", "0", "không", "khong"):
            return False
    return None


def _kind(value: Any) -> str:
    return {dict: "a mapping", list: "a list", str: "text", bool: "true/false",
            int: "a number", float: "a number", type(None): "nothing"}.get(type(value),
                                                                          type(value).__name__)
