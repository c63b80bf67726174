"""The /api/v1 package (issue #13): for now, the one JSON body reader and its error answer.

Every JSON body of the app is read with `read_json()` / `read_json_object()` (a request) or
`parse_json()` (JSON text from a file); see `.body` for what is checked.
"""
from __future__ import annotations

from flask import Flask

from .body import (  # noqa: F401  (the package's interface)
    MAX_DEPTH,
    MAX_NUMBER_LENGTH,
    JSONBody,
    JSONBodyError,
    Problem,
    json_path,
    parse_json,
    read_json,
    read_json_object,
)


def init_app(app: Flask) -> None:
    """Answer a refused JSON body with its JSON error, wherever it was read."""
    from .body import error_response

    app.register_error_handler(JSONBodyError, error_response)
