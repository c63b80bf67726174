"""JSON session API for the app and scripts: /api/v1/session and /api/v1/csrf."""
from flask import Blueprint, jsonify, request
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf.csrf import generate_csrf

from ..api import read_json_object
from ..core import sessions
from ..core.errors import FieldError, json_error
from ..extensions import csrf, db
from .routes import busy_message, lockout_message
from .services import authenticate

bp = Blueprint("auth_api", __name__, url_prefix="/api/v1")


def user_json(user) -> dict:
    return {
        "id": user.id,
        "username": user.username,
        "full_name": user.full_name,
        "role": user.role,
        "agency": user.agency.name if user.agency else None,
    }


@bp.post("/session")
@csrf.exempt  # logging in needs no token: there is no session to ride on yet
def create_session():
    data = read_json_object(_("Send a JSON object with username and password."))
    username, password = data.get("username"), data.get("password")
    missing = [f for f in ("username", "password") if not isinstance(data.get(f), str) or not data.get(f)]
    if missing:
        message = _("Missing field: %(fields)s.", fields=", ".join(missing))
        return json_error(400, "bad_request", message, [FieldError(name, message) for name in missing])
    result = authenticate(username, password, request.remote_addr)
    db.session.commit()
    if result.busy:  # this worker is checking as many passwords as it may: come back shortly
        response = json_error(503, "busy", busy_message(), retry_after=result.retry_after)
        response.headers["Retry-After"] = str(result.retry_after)
        return response
    if result.retry_after:
        response = json_error(429, "locked", lockout_message(result.retry_after), retry_after=result.retry_after)
        response.headers["Retry-After"] = str(result.retry_after)
        return response
    if not result.ok:
        return json_error(401, "bad_credentials", _("Wrong username or password."))
    sessions.start(result.user, remember=bool(data.get("remember", True)))
    return jsonify({"user": user_json(result.user), "csrf_token": generate_csrf()})


@bp.get("/session")
@login_required
def show_session():
    return jsonify({"user": user_json(current_user), "csrf_token": generate_csrf()})


@bp.delete("/session")
@login_required
def delete_session():
    """Log out: every session of the user ends, on every device."""
    sessions.end_everywhere(current_user)
    db.session.commit()
    sessions.end_here()
    return jsonify({"ok": True})


@bp.get("/csrf")
@login_required
def fresh_csrf():
    """A fresh CSRF token: the offline outbox asks for one before it drains."""
    return jsonify({"csrf_token": generate_csrf()})
