"""The one reader of JSON bodies: `read_json()` for a request, `parse_json()` for any JSON text.

Checked once, without recursion, before a view sees the value:
- size: over MAX_CONTENT_LENGTH is a 413 (the limit of the whole request);
- UTF-8 and JSON syntax: a 400 with the line and column;
- nesting: deeper than MAX_DEPTH (arrays and objects) is a 400 with the path where it gets too
  deep (the C parser's own RecursionError, for thousands of levels, is the same 400);
- numbers: NaN, Infinity, a float longer than MAX_NUMBER_LENGTH characters or too large to be
  finite (PostgreSQL's JSONB has none of them), and an integer Python cannot read (over 4,300
  digits, a ValueError in json.loads) are refused with their path;
- text: every string and every object key goes through the one text check
  (`inspections.core.text`): NUL, lone surrogates and control characters.

A refusal is a `JSONBodyError` (an HTTP 400/413) whose JSON answer says what and where:
``{"error": "bad_json", "message": ..., "fields": [], "path": "$.submissions[2].answers.A1", "problem": ...,
"problems": [{path, problem, message}, ...]}``. With ``report_values=True`` the bad numbers and
texts are not fatal: they come back in `JSONBody.problems` (paths as tuples), so that a batch can
reject the one item that holds them and store the rest (see `JSONBody.split_items`).

Fast path (the sync batch is the hot one): a body without a \\u escape of a refused character
(C0, DEL, C1, a surrogate) or a raw DEL/C1 character cannot hold a bad text, and one whose
parse hooks saw no bad number holds none; then only the containers are visited, one level at a
time, to measure the depth. The whole value is walked only to locate a problem.
"""
from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from typing import Any, Iterator, Optional, Union

from flask import current_app, jsonify, request
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException

from ..core.errors import error_body
from ..core.text import BAD_TEXT_RE, problem_message, text_problem

MAX_DEPTH = 32  # a sync batch is 5 deep (body, list, item, answers, an mf value)
MAX_NUMBER_LENGTH = 100  # characters of one number; far beyond any count or sum of money

PathPart = Union[str, int]
Path = tuple[PathPart, ...]

# A text can hold a refused character only through a \u escape (JSON forbids raw C0
# characters in strings; raw surrogates are not UTF-8) or as a raw DEL / C1 character.
_RAW_CONTROL_RE = re.compile("[\x7f-\x9f]")
# The escapes that can make a refused character: C0 but tab, line feed and carriage return, DEL
# and C1, and any surrogate (a pair, e.g. an emoji sent as ASCII, is then checked as well). Other
# escapes (the letters of a body sent with ASCII escapes: "Nh\u1eadn", "\u00e9") cannot.
_BAD_ESCAPE_RE = re.compile(r"\\u(?:00(?:0[0-8bBcCeEfF]|1[0-9a-fA-F]|7[fF]|[89][0-9a-fA-F])|[dD][89a-fA-F])")
_IDENTIFIER_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class BadNumber:
    """Stands in for a number that was refused, so the walk can say where it was."""

    __slots__ = ("text",)

    def __init__(self, text: str):
        self.text = text


@dataclass
class Problem:
    """One refused value: where (a path from the root), what kind, and the message."""

    path: Path
    problem: str  # nul | surrogate | control | number | too_deep
    message: str

    def as_json(self) -> dict[str, str]:
        return {"path": json_path(self.path), "problem": self.problem, "message": self.message}


class JSONBodyError(HTTPException):
    """A body refused by the reader; its response is the JSON error (see `init_app`)."""

    def __init__(self, status: int, code: str, message: str, problems: Optional[list[Problem]] = None,
                 **extra: Any):
        super().__init__(message)
        self.code = status
        self.error_code = code
        self.message = message
        self.problems = problems or []
        self.extra = extra

    def body(self) -> dict[str, Any]:
        out: dict[str, Any] = error_body(self.error_code, self.message)
        if self.problems:
            first = self.problems[0]
            out.update(path=json_path(first.path), problem=first.problem,
                       problems=[p.as_json() for p in self.problems[:20]])
        out.update(self.extra)
        return out


@dataclass
class JSONBody:
    """A parsed body; `problems` are the bad values left in it (only with report_values)."""

    value: Any
    problems: list[Problem] = field(default_factory=list)

    def split_items(self, name: str) -> tuple[list[Any], dict[int, list[Problem]]]:
        """The items of the list `name` at the top that hold no problem, and the problems of the
        others by index. A problem anywhere else (outside that list's items) is a 400."""
        items = self.value.get(name) if isinstance(self.value, dict) else None
        if not isinstance(items, list):
            items = []
        bad: dict[int, list[Problem]] = {}
        outside = []
        for problem in self.problems:
            path = problem.path
            if len(path) >= 2 and path[0] == name and isinstance(path[1], int):
                bad.setdefault(path[1], []).append(problem)
            else:
                outside.append(problem)
        if outside:
            raise bad_values(outside)
        return [item for index, item in enumerate(items) if index not in bad], bad


def json_path(path: Path) -> str:
    """A JSONPath such as $.submissions[0].answers.A1 (odd keys quoted, with ASCII escapes)."""
    out = ["$"]
    for part in path:
        if isinstance(part, int):
            out.append(f"[{part}]")
        elif _IDENTIFIER_RE.match(part):
            out.append("." + part)
        else:
            out.append("[" + json.dumps(part, ensure_ascii=True) + "]")
    return "".join(out)


def bad_values(problems: list[Problem]) -> JSONBodyError:
    first = problems[0]
    return JSONBodyError(400, "bad_json", first.message, problems)


# --- parsing --------------------------------------------------------------------------------

def parse_json(text: str, *, report_values: bool = False, max_depth: int = MAX_DEPTH,
               raw: Optional[bytes] = None) -> JSONBody:
    """Parse JSON text by the rules in the module docstring; raises JSONBodyError.

    `raw`: the UTF-8 bytes `text` was decoded from, when the caller has them (a faster check
    for raw DEL and C1 characters, which are two bytes starting with C2 there).
    """
    saw_bad_number = False

    def bad_number(number: str) -> BadNumber:
        nonlocal saw_bad_number
        saw_bad_number = True
        return BadNumber(number)

    def parse_float(number: str) -> Any:
        if len(number) > MAX_NUMBER_LENGTH:
            return bad_number(number)
        value = float(number)
        return value if math.isfinite(value) else bad_number(number)

    def parse_int(number: str) -> Any:
        return bad_number(number) if len(number) > MAX_NUMBER_LENGTH else int(number)

    # Integers are parsed by the C scanner itself (a hook per number would cost more than the
    # rest of the checks); only one it cannot make (over 4,300 digits) sends the text through
    # the hook that finds where it is. Shorter long integers are harmless: ids, revisions and
    # answers are compared with their bounds.
    try:
        try:
            value = json.loads(text, parse_float=parse_float, parse_constant=bad_number)
        except json.JSONDecodeError:
            raise
        except ValueError:
            value = json.loads(text, parse_int=parse_int, parse_float=parse_float, parse_constant=bad_number)
    except json.JSONDecodeError as error:
        raise JSONBodyError(
            400, "bad_json",
            _("The body is not valid JSON: %(problem)s at line %(line)d, column %(column)d.",
              problem=error.msg, line=error.lineno, column=error.colno),
            line=error.lineno, column=error.colno, position=error.pos) from None
    except RecursionError:
        raise too_deep(()) from None
    if nesting_exceeds(value, max_depth):
        raise too_deep(deep_path(value, max_depth))
    problems: list[Problem] = []
    if raw is not None:
        maybe_raw_control = b"\x7f" in raw or b"\xc2" in raw
    else:
        maybe_raw_control = not text.isascii()
    if (saw_bad_number or ("\\u" in text and _BAD_ESCAPE_RE.search(text))
            or (maybe_raw_control and _RAW_CONTROL_RE.search(text))):
        problems = list(find_problems(value))
    if problems and not report_values:
        raise bad_values(problems)
    return JSONBody(value, problems)


def too_deep(path: Path) -> JSONBodyError:
    problem = Problem(path, "too_deep", _("The body is nested too deeply (at most %(max)d levels of lists "
                                          "and objects).", max=MAX_DEPTH))
    return JSONBodyError(400, "bad_json", problem.message, [problem] if path else [])


def nesting_exceeds(value: Any, max_depth: int) -> bool:
    """Whether `value` nests lists and objects deeper than `max_depth`: one level at a time."""
    level = [value] if value.__class__ is dict or value.__class__ is list else []
    depth = 0
    while level:
        depth += 1
        if depth > max_depth:
            return True
        below: list[Any] = []
        for node in level:
            below += [v for v in (node.values() if node.__class__ is dict else node)
                      if v.__class__ is dict or v.__class__ is list]
        level = below
    return False


def deep_path(value: Any, max_depth: int) -> Path:
    """The path of the first container nested deeper than `max_depth` (iterative)."""
    stack: list[tuple[Any, Path]] = [(value, ())]
    while stack:
        node, path = stack.pop()
        if len(path) >= max_depth:
            return path
        if isinstance(node, dict):
            stack.extend((v, path + (k,)) for k, v in node.items() if isinstance(v, (dict, list)))
        elif isinstance(node, list):
            stack.extend((v, path + (i,)) for i, v in enumerate(node) if isinstance(v, (dict, list)))
    return ()


def find_problems(value: Any) -> Iterator[Problem]:
    """Every bad number, text and key in `value`, in document order (iterative)."""
    stack: list[tuple[Any, Path]] = [(value, ())]
    while stack:
        node, path = stack.pop()
        cls = node.__class__
        if cls is dict:
            children = []
            for key, child in node.items():
                problem = text_problem(key)
                if problem:
                    yield Problem(path + (key,), problem, problem_message(
                        problem, _("The name %(path)s", path=json_path(path + (key,)))))
                children.append((child, path + (key,)))
            stack.extend(reversed(children))
        elif cls is list:
            stack.extend(reversed([(child, path + (i,)) for i, child in enumerate(node)]))
        elif cls is str:
            if BAD_TEXT_RE.search(node):
                problem = text_problem(node) or ""
                yield Problem(path, problem, problem_message(problem, json_path(path)))
        elif cls is BadNumber:
            yield Problem(path, "number", _(
                "%(path)s is not a number the server can store (at most %(max)d characters, no NaN or "
                "Infinity).", path=json_path(path), max=MAX_NUMBER_LENGTH))


# --- reading a request ----------------------------------------------------------------------

def read_json(*, report_values: bool = False) -> JSONBody:
    """The request's body as JSON, checked (see the module docstring); raises JSONBodyError."""
    if not request.is_json:  # a cross-site form can send text/plain or form bodies, never JSON
        raise JSONBodyError(400, "bad_request", _("Send the body as JSON (Content-Type: application/json)."))
    limit = current_app.config.get("MAX_CONTENT_LENGTH")
    raw = request.get_data(cache=False)  # over MAX_CONTENT_LENGTH: 413 before anything is read
    if limit and len(raw) > limit:
        raise JSONBodyError(413, "too_large", _("The request is larger than the %(mb)d MB limit.",
                                                mb=limit // (1024 * 1024)))
    if not raw.strip():
        raise JSONBodyError(400, "bad_request", _("The request has no body; send a JSON object."))
    return parse_json(decode(raw), report_values=report_values, raw=raw)


def read_json_object(message: Optional[str] = None) -> dict[str, Any]:
    """`read_json()` that must be an object; a 400 with `message` otherwise."""
    value = read_json().value
    if not isinstance(value, dict):
        raise JSONBodyError(400, "bad_request", message or _("Send a JSON object."))
    return value


def decode(raw: bytes) -> str:
    """UTF-8 bytes as text (a BOM is allowed); a 400 naming the byte otherwise."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise JSONBodyError(400, "bad_json", _("The body is not UTF-8 text (byte %(position)d).",
                                               position=error.start + 1), position=error.start + 1) from None


def error_response(error: JSONBodyError):
    response = jsonify(error.body())
    response.status_code = error.code or 400
    return response
