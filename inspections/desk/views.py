"""The desk's views share one blueprint kind, one form page and one pair of archive / restore routes.

- :class:`DeskBlueprint`: every view of it answers a lost race (two people saved the same code,
  or a visit changed under us: IntegrityError, StaleDataError) as a ``DomainError`` 409
  "conflict", which the one handler of create_app rolls back and answers with the error page;
  nothing is half-written.
- :func:`render_form` / :func:`done`: the one form page (400 when a submitted form had errors,
  values kept) and the one commit per request followed by a message and a redirect.
- :func:`archive_routes`: ``POST <rule>/archive`` and ``<rule>/restore`` of a kind of row,
  written once (the access check, the optional setter and the audit entry of the feature).
"""
from __future__ import annotations

from functools import wraps
from typing import Any, Callable, Optional

from flask import Blueprint, flash, redirect, render_template, request
from flask_babel import gettext as _, to_user_timezone
from flask_login import login_required
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from ..access import role_required
from ..core.errors import DomainError
from ..extensions import db
from .forms import KIND_LABELS
from .records import FormProblems, set_archived


def answer_conflicts(view: Callable[..., Any]) -> Callable[..., Any]:
    """A lost race in `view` becomes the shared error contract's 409 "conflict"."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        try:
            return view(*args, **kwargs)
        except (IntegrityError, StaleDataError) as error:
            raise DomainError(_("Someone else changed this in the meantime."), code="conflict",
                              status=409) from error

    return wrapped


class DeskBlueprint(Blueprint):
    """A blueprint of the desk: each of its views answers a lost race as a 409 DomainError."""

    def add_url_rule(self, rule: str, endpoint: Optional[str] = None,
                     view_func: Optional[Callable[..., Any]] = None,
                     provide_automatic_options: Optional[bool] = None, **options: Any) -> None:
        if view_func is not None:
            view_func = answer_conflicts(view_func)
        super().add_url_rule(rule, endpoint, view_func, provide_automatic_options, **options)


def desk_context(**labels: Any) -> dict[str, Any]:
    """What desk templates read: the labels of stored values, and local time for timestamps."""

    def local_datetime(value):
        return to_user_timezone(value).strftime("%d/%m/%Y %H:%M") if value else ""

    return {"kind_labels": KIND_LABELS, "local_datetime": local_datetime, **labels}


def show_archived() -> bool:
    return request.args.get("archived") == "1"


def form_values(form) -> dict[str, Any]:
    return {name: field.data for name, field in form._fields.items() if name != "csrf_token"}


def show_problems(form, problems: FormProblems) -> None:
    """Put each problem next to its field (or at the top when it concerns no single field)."""
    for name, message in problems.errors.items():
        if name and name in form:
            form[name].errors = list(form[name].errors) + [message]
        else:
            flash(message, "error")


def flash_problems(problems: FormProblems) -> None:
    """A refused write of a page without its own form: roll back, every problem at the top."""
    db.session.rollback()
    for message in problems.errors.values():
        flash(message, "error")


def render_form(form, *, title: str, back: str, fields: Optional[list[str]] = None, **extra):
    """The one form page of the desk; 400 when a submitted form had errors (values kept)."""
    status = 400 if request.method == "POST" else 200
    fields = fields or [name for name in form._fields if name not in ("csrf_token", "version")]
    return render_template("desk/form.html", form=form, title=title, back=back, fields=fields, **extra), status


def done(message: str, target: str):
    """The request's one commit, then the message and the redirect."""
    db.session.commit()
    flash(message, "success")
    return redirect(target)


def switch_archived(obj: Any, kind: str, archived: bool, target: str, setter: Optional[Callable] = None):
    """Archive / restore a row (POST only; CSRF is checked by CSRFProtect)."""
    try:
        if setter is not None:
            setter(obj, archived)
        else:
            set_archived(obj, kind, archived)
    except FormProblems as problems:
        flash_problems(problems)
        return redirect(target)
    return done(_("Archived.") if archived else _("Restored."), target)


def archive_routes(bp: Blueprint, name: str, model: Any, *, rule: str, action: str,
                   after: Callable[[Any, bool], str], setter: Optional[Callable[[Any, bool], None]] = None,
                   check: Optional[Callable[[Any], None]] = None) -> None:
    """Register ``POST <rule>/archive`` and ``POST <rule>/restore`` (endpoints ``<name>_archive``
    and ``<name>_restore``) for the rows of `model`, whose id is the URL argument ``<name>_id``.

    Both need a login and `action`; `check(row)` may refuse the row (e.g. abort(403)); the row is
    archived by `setter(row, archived)`, else by ``records.set_archived`` (audited
    ``<name>.archive`` / ``<name>.restore``); then the answer redirects to `after(row, archived)`.
    """
    id_arg = f"{name}_id"

    def view_for(archived: bool) -> Callable[..., Any]:
        def view(**values: Any):
            row = db.get_or_404(model, values[id_arg])
            if check is not None:
                check(row)
            return switch_archived(row, name, archived, after(row, archived), setter)

        verb = "archive" if archived else "restore"
        view.__name__ = view.__qualname__ = f"{name}_{verb}"
        view.__doc__ = f"{verb.capitalize()} a {name} (POST)."
        return login_required(role_required(action)(view))

    bp.add_url_rule(f"{rule}/archive", view_func=view_for(True), methods=["POST"])
    bp.add_url_rule(f"{rule}/restore", view_func=view_for(False), methods=["POST"])
