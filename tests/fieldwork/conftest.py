"""Helpers for the inspector's pages: demo visits by unit code, logging in, filled-in forms."""
from __future__ import annotations

import pytest

from tests.conftest import AuthActions
from tests.samples import JPEG, PDF, PNG  # noqa: F401 (re-exported)


@pytest.fixture
def login(client):
    def do(username: str = "inspector1"):
        AuthActions(client).logout()
        AuthActions(client).login(username)
        return client

    return do


def complete_form(**overrides) -> dict:
    """Every required item of the default checklist for a department, answered validly."""
    form = {
        "A1": "yes", "A2": "partial", "A3": "no", "A4": "yes", "B1": "yes", "B4": "yes", "B5": "na",
        "C1.male": "60", "C1.female": "40", "C2.male": "2", "C2.female": "1", "C11": "no",
        "D1": "no", "D3": "yes", "D4": "yes", "D5": "yes", "E3": "yes", "E4": "yes", "E5": "partial",
        "G1": "yes", "G2": "yes", "G5": "yes", "C12": "yes", "D7": "no", "D8": "yes",
    }
    form.update(overrides)
    return form
