"""Helpers for the sync tests: demo visits by unit code, a valid submission, posting batches."""
from __future__ import annotations

import struct
import uuid as uuid_module
import zlib

import pytest
from sqlalchemy import select

from inspections.extensions import db
from inspections.models import Unit, Visit


def _png() -> bytes:
    """A real 1x1 PNG."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(b"\x00\x8a\x15\x38")) + chunk(b"IEND", b""))


# The smallest files of each kind the server accepts (the content decides, not the name).
PNG = _png()
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def visits(app, demo):
    """Demo visit ids by unit code (team 1: SYT, SGDDT, STC, ...; team 2: SXD, SKHCN, HUYEN-MS, ...)."""
    with app.app_context():
        rows = db.session.execute(select(Unit.code, Visit.id).join(Visit, Visit.unit_id == Unit.id)).all()
        return {code: visit_id for code, visit_id in rows}


def new_uuid() -> str:
    return str(uuid_module.uuid4())


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
        "uuid": uuid or new_uuid(), "visit_id": visit_id, "template": "gender_equality@1",
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
