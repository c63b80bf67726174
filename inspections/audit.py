"""Writing the audit log: who did what, when, before and after."""
from __future__ import annotations

from typing import Any, Optional

from flask_login import current_user

from .extensions import db
from .models import AuditEvent, User


def record(
    action: str,
    obj: Any,
    *,
    before: Any = None,
    after: Any = None,
    reason: str = "",
    visit_id: Optional[int] = None,
    actor: Optional[User] = None,
) -> AuditEvent:
    """Add an audit event for `obj` (a model instance) to the session; the caller commits."""
    if actor is None and current_user and getattr(current_user, "is_authenticated", False):
        actor = current_user._get_current_object()
    db.session.flush()  # make sure obj has an id
    event = AuditEvent(
        actor_id=actor.id if actor else None,
        action=action,
        object_type=type(obj).__tablename__ if hasattr(type(obj), "__tablename__") else type(obj).__name__,
        object_id=getattr(obj, "id", None),
        visit_id=visit_id,
        before=before,
        after=after,
        reason=reason,
    )
    db.session.add(event)
    return event
