"""The review tests' helpers (submissions stored the real way, logged-in clients, findings)."""
from tests.review.conftest import REQUIRED_ANSWERS, answers, login, submit, version, write_findings  # noqa: F401
