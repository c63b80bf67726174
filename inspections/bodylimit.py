"""A request body sent without Content-Length (chunked) is held to MAX_CONTENT_LENGTH too.

Werkzeug enforces the limit for such bodies only by stopping to read at it: a form or JSON
body over the limit would be cut there and parsed as if complete (a log-in with a 2 MB chunked
body went through). This middleware reads such a body first, at most one byte past the limit:
over it, the request is marked and the app answers 413 (its usual page or JSON); within it,
the body is handed on with its real Content-Length. Bodies with a Content-Length are left to
Werkzeug, which refuses them before reading anything.
"""
from __future__ import annotations

import tempfile
from typing import Any, Callable, Iterable

TOO_LARGE = "inspections.body_too_large"
CHUNK = 64 * 1024


class ChunkedBodyLimit:
    def __init__(self, wsgi_app: Callable, max_bytes: Callable[[], int | None]):
        self.wsgi_app = wsgi_app
        self.max_bytes = max_bytes

    def __call__(self, environ: dict[str, Any], start_response: Callable) -> Iterable[bytes]:
        limit = self.max_bytes()
        chunked = "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower()
        if limit is None or environ.get("CONTENT_LENGTH") or not (chunked or environ.get("wsgi.input_terminated")):
            return self.wsgi_app(environ, start_response)
        stream = environ["wsgi.input"]
        body = tempfile.SpooledTemporaryFile(max_size=1024 * 1024)
        size = 0
        while size <= limit:
            data = stream.read(min(CHUNK, limit + 1 - size))
            if not data:
                break
            body.write(data)
            size += len(data)
        body.seek(0)
        if size > limit:
            environ[TOO_LARGE] = True
            body.close()
            body = tempfile.SpooledTemporaryFile(max_size=1)
            size = 0
        environ["wsgi.input"] = body
        environ["CONTENT_LENGTH"] = str(size)
        environ.pop("wsgi.input_terminated", None)
        environ.pop("HTTP_TRANSFER_ENCODING", None)  # no longer chunked (Werkzeug ignores the length if it were)
        try:
            return self.wsgi_app(environ, start_response)
        finally:
            body.close()
