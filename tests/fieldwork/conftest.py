"""Helpers for the inspector's pages: demo visits by unit code, logging in, filled-in forms."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from inspections.extensions import db
from inspections.models import Unit, Visit
from tests.conftest import AuthActions


def _png() -> bytes:
    """A real 1x1 PNG (a valid image, so thumbnails render in the browser test)."""
    import struct
    import zlib

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
    """Demo visit ids by unit code (team 1: SYT, SGDDT, ... departments; team 2: SXD, HUYEN-MS, XA-HP ...)."""
    with app.app_context():
        rows = db.session.execute(select(Unit.code, Visit.id).join(Visit, Visit.unit_id == Unit.id)).all()
        return {code: visit_id for code, visit_id in rows}


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
        "G1": "yes", "G2": "yes", "G5": "yes",
    }
    form.update(overrides)
    return form
