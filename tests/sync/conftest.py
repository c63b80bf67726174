"""Helpers for the sync tests: demo visits by unit code, a valid submission, posting batches."""
from __future__ import annotations

from tests.samples import JPEG, PDF, PNG, new_uuid  # noqa: F401 (re-exported)


def answers(**overrides) -> dict:
    """A valid (partial) checklist of a department in the JSON encoding."""
    data = {
        "A1": "yes", "A1_date": "2026-03-02", "B4_meetings": 3, "C1": {"male": 60, "female": 40},
        "C2": {"male": 2, "female": 1}, "H1": 15_000_000, "H2": "Đã ban hành kế hoạch năm.",
    }
    data.update(overrides)
    return data


def item(visit_id: int, *, uuid: str | None = None, revision: int = 1, **overrides) -> dict:
    body = {
        "uuid": uuid or new_uuid(), "visit_id": visit_id, "template": "gender_equality@2",
        "revision": revision, "answers": answers(), "notes": {"A1": "Bản giấy, có dấu."},
        "state": "submitted", "client_saved_at": "2026-11-20T09:30:00Z",
    }
    body.update(overrides)
    return body


def post(client, *items, **kwargs):
    return client.post("/api/v1/submissions", json={"submissions": list(items)}, **kwargs)


def results(response) -> list[dict]:
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()["results"]
