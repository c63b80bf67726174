"""Web helpers every blueprint shares: the bounded id converter, reading ids from forms, the
language of the request (`current_language`), and the base form whose string fields all go
through the one text check, and `local_target` (a next= or Referer address kept only when it
points into this site).

`init_app` registers the converter for the whole app (before any blueprint adds a rule), so
every ``<int:...>`` in a route is a bounded, ASCII-only id: a path id of 2**31 or more, or one
written with other digits (``²``, ``①``, ``٣``), is a 404 like any id that does not exist,
instead of an overflow in the database driver (2**31 on PostgreSQL, 2**63 on SQLite).
"""
from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import Flask, request, url_for
from flask_babel import get_locale
from flask_wtf import FlaskForm
from werkzeug.routing import BaseConverter, ValidationError
from werkzeug.routing.converters import UnicodeConverter
from wtforms import Field, StringField
from wtforms.validators import StopValidation

from .checklist.messages import language
from .core.ids import MAX_ID, parse_id  # noqa: F401  (parse_id: the web layer's id reader)
from .core.text import BAD_TEXT_RE, text_error


def current_language() -> str:
    """"vi" or "en": the language of this request's texts (checklist labels, messages, files)."""
    return language(str(get_locale() or "vi"))


class BoundedIntConverter(BaseConverter):
    """``<int:name>``: ASCII digits only, 0 .. MAX_ID; anything else does not match (404)."""

    regex = r"[0-9]{1,10}"
    weight = 50  # as werkzeug's own int converter: before string parts in the same place

    def to_python(self, value: str) -> int:
        number = int(value)
        if number > MAX_ID:
            raise ValidationError()
        return number

    def to_url(self, value: Any) -> str:
        return str(int(value))


def check_text_field(form: Any, field: Field) -> None:
    """WTForms validator: the one text check (NUL, lone surrogates, control characters)."""
    message = text_error(field.data, str(field.label.text) if field.label else field.name)
    if message:
        raise StopValidation(message)


class SafeForm(FlaskForm):
    """A FlaskForm whose every string field (StringField, TextAreaField, PasswordField,
    HiddenField, EmailField, ...) is checked by `check_text_field` before its own validators.

    The check comes first and stops the chain, so a Regexp or Length message never hides it
    and no later validator (or inline ``validate_<name>``) sees the refused text.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self._fields.values():
            if isinstance(field, StringField):
                field.validators = [check_text_field, *field.validators]


class TextConverter(UnicodeConverter):
    """The default ``<name>`` / ``<string:name>`` part, refusing control characters (404):
    a ``%00`` in a template key or a uuid never reaches a query (PostgreSQL refuses NUL)."""

    def to_python(self, value: str) -> str:
        if BAD_TEXT_RE.search(value):
            raise ValidationError()
        return value


def init_app(app: Flask) -> None:
    """The bounded converter for every ``<int:...>`` rule and the checked string converter
    (call before registering blueprints: a rule takes its converters when it is added).

    An address with a doubled slash (``/api/v1/attachments//x``, or ``%2F`` in an id) is not
    redirected to another address (Werkzeug's default, a 308 that would send a PUT's body to
    another id): it matches no route, so the API answers its JSON 404 and a page the 404 page."""
    app.url_map.merge_slashes = False
    app.url_map.converters["int"] = BoundedIntConverter
    app.url_map.converters["default"] = TextConverter
    app.url_map.converters["string"] = TextConverter


def local_target(url: str | None) -> str:
    """The path of `url` when it points into this site, else the home page.

    Control characters (CR/LF would split the Location header), lone surrogates (no URL can
    hold them) and backslashes (browsers read `/\\host` as `//host`) never make a target.
    """
    if not isinstance(url, str) or any(ord(c) < 32 or c in "\\\x7f" or "\ud800" <= c <= "\udfff" for c in url):
        return url_for("main.home")
    parts = urlsplit(url or "")
    if parts.netloc and parts.netloc != request.host:
        return url_for("main.home")
    path = parts.path or ""
    if not path.startswith("/") or path.startswith("//"):
        return url_for("main.home")
    return path + ("?" + parts.query if parts.query else "")
