"""One table of typed inputs, two readers: the server's (inspections/checklist/form_input.py:
parse_whole_number, parse_form_date, and Python's str.strip) and the phone's (static/js/util.js in
Chromium). They must agree on every row: what the phone shows, checks and queues is what the server
will read from the same keys."""
from __future__ import annotations

from pathlib import Path

import pytest

from inspections.checklist.form_input import parse_form_date, parse_whole_number

pytestmark = pytest.mark.browser

UTIL_JS = Path(__file__).resolve().parents[2] / "static" / "js" / "util.js"

NUMBERS = [
    "0", "7", " 42 ", "+5", "-5", "-0", "007", "123456789012345", "123456789012345678", "1234567890123456789",
    "1.500.000", "1,500,000", "1 500 000", "1\u00a0500\u00a0000", "1\u202f500", "1\u2009500", "1.500,000", "1.50.000",
    "12.345.678.901.234.567", "1.234.567.890.123.456.789", "1.5", "1,5", "15.000", "+1.500", "-1,500", "1..500",
    "", "   ", "abc", "12a", "1e5", "0x10", "１２", "١٢٣", "१२", "१.२३४", "1_000", "½", "²",
    "\u00851\u0085", "\x1c5\x1f", "\ufeff5", "5\n", "\t\r\n5\u3000", "1\n500", "1\t500\t000",
]
MONEY = NUMBERS + [
    "15.000.000 đ", "15.000.000đ", "15 000 000 VND", "15000000 vnđ", "15.000 đồng", "15.000 dong.", "15.000 Đ",
    "15.000 ĐỒNG", "15.000 ₫", "15.000₫.", "đ", "15 đ đ", "15đ.", "15 d", "15 VNĐ ", "1.500 usd", "15\u00a0đ",
]
DATES = [
    "2025-12-31", "2024-02-29", "2023-02-29", "2025-13-01", "2025-00-10", "0000-01-01", "9999-12-31",
    " 2025-01-05 ", "2025-1-5", "31/12/2025", "1/1/1999", "01.02.2024", "5-6-2024", "31/02/2025", "29/02/2024",
    "29/02/2100", "29/02/2000", "00/01/2025", "1/13/2025", "31/12/0000", "123/1/2025", "1/1/25", "2025/12/31",
    "31-12.2025", "３１/１２/２０２５", "２０２５-１２-３１", "١/١/٢٠٢٥", "", "  ", "hôm nay", "2025-12-31T00:00",
    "\u00852025-01-01", "2025-01-01\x1f",
]


def python_number(text: str, money: bool):
    try:
        return parse_whole_number(text, money=money)
    except ValueError:
        return None


def python_date(text: str):
    try:
        return parse_form_date(text)
    except ValueError:
        return None


def test_the_phone_reads_typed_numbers_and_dates_as_the_server_does(browser):
    page = browser.new_page()
    try:
        page.set_content("<!doctype html><title>util</title>")
        page.add_script_tag(path=str(UTIL_JS))
        phone = page.evaluate("""([numbers, money, dates, spaces]) => {
            const U = window.InspectionsUtil;
            return {numbers: numbers.map(t => U.parseWholeNumber(t, false)),
                    money: money.map(t => U.parseWholeNumber(t, true)),
                    dates: dates.map(t => U.parseFormDate(t)),
                    strip: spaces.map(t => U.strip(t))};
        }""", [NUMBERS, MONEY, DATES, NUMBERS + DATES])
    finally:
        page.close()

    def same(py, js):
        # JSON numbers are doubles: beyond 2^53 the phone has the nearest one (the server refuses
        # such counts as too large either way)
        if isinstance(py, int) and isinstance(js, (int, float)):
            return float(py) == float(js)
        return py == js

    disagreements = []
    for kind, inputs, read, got in (
            ("number", NUMBERS, lambda t: python_number(t, False), phone["numbers"]),
            ("money", MONEY, lambda t: python_number(t, True), phone["money"]),
            ("date", DATES, python_date, phone["dates"]),
            ("strip", NUMBERS + DATES, str.strip, phone["strip"])):
        for text, js in zip(inputs, got, strict=True):
            py = read(text)
            if not same(py, js):
                disagreements.append(f"{kind} {text!r}: server {py!r}, phone {js!r}")
    assert not disagreements, "\n".join(disagreements)
    # the table is not all refusals: every reader accepts some and refuses some
    assert {python_number(t, False) is None for t in NUMBERS} == {True, False}
    assert {python_number(t, True) is None for t in MONEY} == {True, False}
    assert {python_date(t) is None for t in DATES} == {True, False}


def test_new_ids_are_version_4_uuids(browser):
    page = browser.new_page()
    try:
        page.set_content("<!doctype html><title>util</title>")
        page.add_script_tag(path=str(UTIL_JS))
        ids = page.evaluate("""() => {
            const U = window.InspectionsUtil, out = [];
            for (let i = 0; i < 50; i++) out.push(U.uuid());
            const saved = crypto.randomUUID;  // the fallback, for browsers without randomUUID
            try { crypto.randomUUID = undefined; for (let i = 0; i < 50; i++) out.push(U.uuid()); }
            finally { crypto.randomUUID = saved; }
            return out;
        }""")
    finally:
        page.close()
    import uuid

    assert len(set(ids)) == 100
    for text in ids:
        parsed = uuid.UUID(text)
        assert str(parsed) == text and parsed.version == 4 and parsed.variant == uuid.RFC_4122
