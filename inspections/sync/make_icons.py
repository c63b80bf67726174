"""Draw the app icons (static/icons/*.png) with nothing but zlib and struct.

    python -m inspections.sync.make_icons

The icon is a white clipboard with a check mark on the brand colour (#8a1538). The "any"
icons have rounded corners; the maskable ones fill the whole square and keep the drawing
inside the central safe zone (a circle of 40 % of the size), so launchers may cut any shape.
The PNGs are committed; run this only to change the drawing.
"""
from __future__ import annotations

import math
import struct
import zlib
from pathlib import Path

BRAND = (0x8A, 0x15, 0x38)
WHITE = (0xFF, 0xFF, 0xFF)
ICON_DIR = Path(__file__).resolve().parents[2] / "static" / "icons"
SAMPLES = 3  # supersampling per axis, for smooth edges


def _png(width: int, height: int, rows: list[bytes]) -> bytes:
    """An RGBA PNG from raw rows (each 4 * width bytes)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    raw = b"".join(b"\x00" + row for row in rows)
    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


def _inside_rounded_rect(x: float, y: float, left: float, top: float, right: float,
                         bottom: float, radius: float) -> bool:
    if not (left <= x <= right and top <= y <= bottom):
        return False
    cx = min(max(x, left + radius), right - radius)
    cy = min(max(y, top + radius), bottom - radius)
    return (x - cx) ** 2 + (y - cy) ** 2 <= radius ** 2


def _near_segment(x: float, y: float, a: tuple[float, float], b: tuple[float, float],
                  width: float) -> bool:
    ax, ay = a
    bx, by = b
    dx, dy = bx - ax, by - ay
    t = max(0.0, min(1.0, ((x - ax) * dx + (y - ay) * dy) / (dx * dx + dy * dy)))
    px, py = ax + t * dx, ay + t * dy
    return math.hypot(x - px, y - py) <= width / 2


def _colour_at(u: float, v: float, maskable: bool) -> tuple[tuple[int, int, int], float]:
    """Colour and opacity at (u, v) in the unit square."""
    if not maskable and not _inside_rounded_rect(u, v, 0, 0, 1, 1, 0.18):
        return BRAND, 0.0
    # The drawing, scaled into the safe zone for maskable icons.
    scale = 0.62 if maskable else 0.8
    x = (u - 0.5) / scale + 0.5
    y = (v - 0.5) / scale + 0.5
    board = _inside_rounded_rect(x, y, 0.2, 0.16, 0.8, 0.88, 0.07)
    clip = _inside_rounded_rect(x, y, 0.36, 0.1, 0.64, 0.22, 0.04)
    if clip:
        return (0xE8, 0xC4, 0xCF), 1.0
    if board:
        tick = (_near_segment(x, y, (0.32, 0.55), (0.45, 0.68), 0.08)
                or _near_segment(x, y, (0.45, 0.68), (0.69, 0.38), 0.08))
        return (BRAND if tick else WHITE), 1.0
    return BRAND, 1.0


def draw(size: int, maskable: bool) -> bytes:
    rows = []
    step = 1.0 / (size * SAMPLES)
    for py in range(size):
        row = bytearray()
        for px in range(size):
            r = g = b = a = 0.0
            for sy in range(SAMPLES):
                for sx in range(SAMPLES):
                    u = (px * SAMPLES + sx + 0.5) * step
                    v = (py * SAMPLES + sy + 0.5) * step
                    colour, alpha = _colour_at(u, v, maskable)
                    r += colour[0] * alpha
                    g += colour[1] * alpha
                    b += colour[2] * alpha
                    a += alpha
            n = SAMPLES * SAMPLES
            if a:
                row += bytes((round(r / a), round(g / a), round(b / a), round(255 * a / n)))
            else:
                row += b"\x00\x00\x00\x00"
        rows.append(bytes(row))
    return _png(size, size, rows)


def main() -> None:
    ICON_DIR.mkdir(parents=True, exist_ok=True)
    for size in (192, 512):
        (ICON_DIR / f"icon-{size}.png").write_bytes(draw(size, maskable=False))
        (ICON_DIR / f"maskable-{size}.png").write_bytes(draw(size, maskable=True))
    print("wrote", ", ".join(sorted(p.name for p in ICON_DIR.glob("*.png"))))


if __name__ == "__main__":
    main()
