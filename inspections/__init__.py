"""The inspections app: create_app() builds it in named steps."""
from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any, Optional

from flask import Flask, current_app, render_template, request, url_for
from flask.json.provider import DefaultJSONProvider
from sqlalchemy import event
from sqlalchemy.engine import Engine

from . import api, i18n, web
from .config import Config
from .core.errors import DomainError, json_error
from .extensions import babel, compress, csrf, db, login_manager, migrate

ROOT_DIR = Path(__file__).resolve().parent.parent


def create_app(test_config: Optional[dict[str, Any]] = None) -> Flask:
    """Build the Flask app; `test_config` overrides settings (tests only)."""
    app = Flask(
        __name__,
        instance_path=instance_path(test_config),
        template_folder=str(ROOT_DIR / "templates"),
        static_folder=str(ROOT_DIR / "static"),
    )
    app.json = SafeJSONProvider(app)
    app.config.from_object(Config)
    if test_config:
        app.config.update(test_config)
    configure_paths(app)
    configure_secret_key(app)
    # The remember-me cookie is as sensitive as the session cookie.
    app.config["REMEMBER_COOKIE_SECURE"] = app.config["SESSION_COOKIE_SECURE"]
    register_extensions(app)
    web.init_app(app)  # the bounded <int:> converter, before any rule is added
    register_blueprints(app)
    register_errorhandlers(app)
    api.init_app(app)  # refused JSON bodies answer with their JSON error
    register_security_headers(app)
    register_commands(app)
    register_template_helpers(app)
    from .bodylimit import ChunkedBodyLimit

    limited = ChunkedBodyLimit(app.wsgi_app, lambda: app.config.get("MAX_CONTENT_LENGTH"))
    app.wsgi_app = limited  # type: ignore[method-assign]  # Flask's documented way to add WSGI middleware
    if app.config.get("PROXY_FIX"):
        from werkzeug.middleware.proxy_fix import ProxyFix

        n = int(app.config["PROXY_FIX"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)  # type: ignore[method-assign]
    return app


def instance_path(test_config: Optional[dict[str, Any]] = None) -> str:
    """INSTANCE_PATH (the default SQLite file, the dev secret key, uploads, backups), else <repo>/instance.

    Read before Flask is built, because Flask fixes its instance folder at construction.
    """
    chosen = (test_config or {}).get("INSTANCE_PATH") or os.environ.get("INSTANCE_PATH", "")
    return str(Path(chosen).expanduser().resolve()) if chosen else str(ROOT_DIR / "instance")


class SafeJSONProvider(DefaultJSONProvider):
    """JSON that is nested too deeply is a bad request (400), not a server error."""

    def loads(self, s, **kwargs):
        try:
            return super().loads(s, **kwargs)
        except RecursionError as exc:
            raise ValueError("JSON nested too deeply") from exc


def configure_paths(app: Flask) -> None:
    """Instance folder, default SQLite database and upload folder."""
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite:///" + str(
            Path(app.instance_path) / "inspections.sqlite3"
        )
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    if uri.startswith("postgres://"):  # the form some hosts hand out
        uri = "postgresql://" + uri[len("postgres://"):]
    if uri.startswith("postgresql://"):
        uri = "postgresql+psycopg://" + uri[len("postgresql://"):]
    app.config["SQLALCHEMY_DATABASE_URI"] = uri
    if uri.startswith("sqlite"):
        options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
        options.setdefault("connect_args", {})
        options["connect_args"].setdefault("timeout", app.config["SQLITE_BUSY_TIMEOUT_MS"] / 1000)
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options
    upload_dir = app.config.get("UPLOAD_DIR") or str(Path(app.instance_path) / "uploads")
    app.config["UPLOAD_DIR"] = upload_dir
    Path(upload_dir).mkdir(parents=True, exist_ok=True)


def configure_secret_key(app: Flask) -> None:
    """Production refuses to start without SECRET_KEY; development keeps one under instance/."""
    if app.config.get("SECRET_KEY"):
        return
    if app.config.get("ENV_NAME") == "production":
        raise RuntimeError(
            "SECRET_KEY is not set. In production set the SECRET_KEY environment variable "
            "to a long random value (e.g. python -c 'import secrets; print(secrets.token_hex(32))')."
        )
    key_file = Path(app.instance_path) / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_hex(32))
        os.chmod(key_file, 0o600)
    app.config["SECRET_KEY"] = key_file.read_text().strip()


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record) -> None:  # pragma: no cover - trivial
    """WAL, a busy timeout and foreign keys for every SQLite connection."""
    module = type(dbapi_connection).__module__
    if "sqlite" not in module:
        return
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=15000")
    try:
        cursor.execute("PRAGMA journal_mode=WAL")
    except Exception:  # in-memory databases cannot use WAL
        pass
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def register_extensions(app: Flask) -> None:
    from . import models  # noqa: F401  (register the tables on the metadata)

    db.init_app(app)
    # SQLite: write requests are one real transaction that takes the write lock up front.
    from . import sqlite_locking

    sqlite_locking.init_app(app)
    from .extensions import tune_postgres

    tune_postgres(app)  # PostgreSQL: lz4 for large values (see extensions.py)
    migrate.init_app(app, db, directory=str(ROOT_DIR / "migrations"), render_as_batch=True, compare_type=True)
    register_early_checks(app)  # before CSRFProtect's check: these run first
    csrf.init_app(app)
    if app.config["COMPRESS_RESPONSES"]:
        compress.init_app(app)
    login_manager.init_app(app)
    login_manager.session_protection = app.config["SESSION_PROTECTION"]
    login_manager.login_view = "auth.login"
    login_manager.login_message_category = "info"
    directories = i18n.translation_directories()
    i18n.compile_catalogs(directories)
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = ";".join(directories)
    babel.init_app(app, locale_selector=i18n.select_locale)

    from .core.sessions import load_user

    login_manager.user_loader(load_user)

    @login_manager.unauthorized_handler
    def unauthorized():
        from flask import flash, redirect
        from flask_babel import gettext as _

        if request.path.startswith("/api/"):
            return json_error(401, "not_authenticated", _("Please log in."))
        flash(_("Please log in to open this page."), "info")
        return redirect(url_for("auth.login", next=request.full_path if request.query_string else request.path))


def register_early_checks(app: Flask) -> None:
    """Checks that run before the CSRF check reads a form.

    A chunked body over the limit is a 413. A write under /api/ without a valid session is a
    401 "log in again", not a CSRF 400.

    A script or a phone's outbox whose session ended must learn that logging in again is the
    fix; a CSRF error would tell it the request itself was wrong. Log-in itself needs no session.
    """
    from flask_babel import gettext as _
    from flask_login import current_user
    from werkzeug.exceptions import RequestEntityTooLarge

    from .bodylimit import TOO_LARGE

    open_endpoints = {"auth_api.create_session"}

    @app.before_request
    def chunked_body_too_large():
        if request.environ.get(TOO_LARGE):  # a chunked body over MAX_CONTENT_LENGTH (see bodylimit.py)
            raise RequestEntityTooLarge()

    @app.before_request
    def api_write_needs_session():
        if (request.method in ("GET", "HEAD", "OPTIONS", "TRACE") or not request.path.startswith("/api/")
                or request.endpoint is None or request.endpoint in open_endpoints):
            return None
        if current_user.is_authenticated:
            return None
        return json_error(401, "not_authenticated",
                          _("Your session has ended. Log in again; nothing kept on this device is lost."))


def register_blueprints(app: Flask) -> None:
    """One blueprint per feature (and a JSON one where the feature has an API)."""
    from .auth import api as auth_api, routes as auth
    from .campaigns import routes as campaigns
    from .checklists import routes as checklists
    from .fieldwork import routes as fieldwork
    from .main import routes as main
    from .registry import routes as registry
    from .remedies import api as remedies_api, routes as remedies
    from .reports import routes as reports
    from .review import api as review_api, routes as review
    from .sync import api as sync_api, routes as sync
    from .unit import api as unit_api, routes as unit

    for module in (main, auth, auth_api, checklists, registry, campaigns, fieldwork, sync, sync_api,
                   review, review_api, reports, unit, unit_api, remedies, remedies_api):
        app.register_blueprint(module.bp)
        if hasattr(module, "openapi_paths"):  # a JSON API: its part of the /api/v1 document
            api.describe(app, module)


def wants_json_errors() -> bool:
    """Errors of /api/ and of views that answer a script (e.g. the checklist page's file upload)."""
    view = current_app.view_functions.get(request.endpoint or "")
    return request.path.startswith("/api/") or bool(getattr(view, "json_errors", False))


def domain_error_response(error: DomainError):
    """The one answer to a refused request: rolled back, then JSON or the error page."""
    db.session.rollback()
    error.after_rollback()
    if wants_json_errors():
        return json_error(error.status, error.code, error.message, error.fields, **error.extra)
    return render_template("errors/error.html", status=error.status, message=error.message), error.status


def register_errorhandlers(app: Flask) -> None:
    """JSON errors under /api/, friendly pages elsewhere."""
    from flask_babel import gettext as _
    from flask_wtf.csrf import CSRFError
    from werkzeug.exceptions import HTTPException

    messages = {
        400: lambda: _("The request could not be understood."),
        401: lambda: _("Please log in."),
        403: lambda: _("You do not have permission to do this."),
        404: lambda: _("Not found, or not yours to see."),
        405: lambda: _("This method is not allowed here."),
        409: lambda: _("Someone else changed this in the meantime."),
        413: lambda: _("The upload is too large."),
        429: lambda: _("Too many attempts. Please wait and try again."),
    }

    def render(status: int, message: str):
        if request.path.startswith("/api/"):
            codes = {400: "bad_request", 401: "not_authenticated", 403: "forbidden",
                     404: "not_found", 405: "method_not_allowed", 409: "conflict",
                     413: "too_large", 429: "too_many_requests", 500: "server_error"}
            return json_error(status, codes.get(status, "error"), message)
        return render_template("errors/error.html", status=status, message=message), status

    app.register_error_handler(DomainError, domain_error_response)

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return render(400,
                      _("The form expired or lacks its security token (%(reason)s). "
                        "Reload the page and try again; nothing was saved.", reason=error.description))

    @app.errorhandler(HTTPException)
    def http_error(error):
        status = error.code or 500
        description = error.description if isinstance(error.description, str) else None
        default = messages.get(status)
        generic = type(error).description
        message = description if description and description != generic else (default() if default else str(error.name))
        if status == 413:
            limit_mb = (app.config.get("MAX_CONTENT_LENGTH") or 0) // (1024 * 1024)
            message = _("The request is larger than the %(mb)d MB limit.", mb=limit_mb)
        return render(status, message)

    @app.errorhandler(500)
    def server_error(error):
        db.session.rollback()
        return render(500, _("Something went wrong on the server. Nothing was lost; please try again."))


def register_security_headers(app: Flask) -> None:
    """A strict CSP without inline script, nosniff, no framing, HSTS behind TLS."""

    csp = (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
        "connect-src 'self'; worker-src 'self'; manifest-src 'self'; object-src 'none'; "
        "base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
    )

    @app.after_request
    def set_headers(response):
        response.headers.setdefault("Content-Security-Policy", csp)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        if request.is_secure:
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        if request.path.startswith("/api/"):
            response.headers.setdefault("Cache-Control", "no-store")
        return response


def register_commands(app: Flask) -> None:
    from .cli import register

    register(app)


def register_template_helpers(app: Flask) -> None:
    from flask_babel import get_locale
    from flask_login import current_user

    from . import access
    from .core.lifecycle import VisitState

    app.jinja_env.globals["VisitState"] = VisitState  # compare visit.status with VisitState.FINAL

    @app.context_processor
    def inject_helpers():
        return {
            "can": lambda action, obj=None: access.can(current_user, action, obj),
            "current_locale": str(get_locale()),
        }
