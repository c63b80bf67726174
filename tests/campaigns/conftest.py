"""The desk's fixtures (tests/desk.py)."""
from tests.desk import audit_events, login_as, query  # noqa: F401
