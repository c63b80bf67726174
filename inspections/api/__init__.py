"""The /api/v1 package (issue #13): the one JSON body reader and its error answer, and the
OpenAPI document assembled from what the features describe (`.openapi`).

Every JSON body of the app is read with `read_json()` / `read_json_object()` (a request) or
`parse_json()` (JSON text from a file); see `.body` for what is checked.
"""
from __future__ import annotations

from flask import Flask

from . import openapi
from .body import (  # noqa: F401  (the package's interface)
    MAX_DEPTH,
    MAX_NUMBER_LENGTH,
    JSONBody,
    JSONBodyError,
    Problem,
    error_response,
    json_path,
    parse_json,
    read_json,
    read_json_object,
)


def init_app(app: Flask) -> None:
    """Answer a refused JSON body with its JSON error, wherever it was read; serve the OpenAPI
    document (assembled from what the features describe, see `.openapi`)."""
    app.register_error_handler(JSONBodyError, error_response)
    app.register_blueprint(openapi.bp)
    openapi.describe(app, openapi.paths())


def describe(app: Flask, module) -> None:
    """Add a feature API module's `openapi_paths()` / `openapi_schemas()` to the document."""
    openapi.describe(app, module.openapi_paths(), module.openapi_schemas())
