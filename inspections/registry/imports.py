"""Importing inspected units and users from Excel (.xlsx).

Three steps: upload -> preview -> confirm. The upload is read with openpyxl in read-only mode
and checked row by row; every bad row is reported with its Excel row number and the reason.
Only a clean file gets a confirmation token: its parsed rows wait in a small JSON file under
UPLOAD_DIR/desk-imports/<token>.json (shared storage, so any worker can take the confirmation;
nothing big goes into the cookie session). Confirming checks the rows again against the
database (someone may have added a unit meanwhile) and writes them all, or nothing.

Imported users get a random initial password that is shown once on the confirmation page
and stored only as a hash.
"""
from __future__ import annotations

import io
import json
import os
import re
import secrets
import time
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any, Optional

from flask import current_app
from flask_babel import gettext as _, lazy_gettext as _l
from sqlalchemy import select

from .. import audit
from ..desk.forms import CODE_PATTERN
from ..desk.records import snapshot
from ..extensions import db
from ..models import Agency, Unit, User
from .forms import EMAIL_PATTERN, USERNAME_PATTERN

# Rows per file. Users are fewer and each needs a deliberately slow password hash, so a
# confirmation of 500 users still answers within a request's time.
MAX_ROWS = {"units": 5000, "users": 500}
MAX_COLUMNS = 30
MAX_BLANK_RUN = 1000  # this many empty rows in a row end the data
PENDING_SECONDS = 2 * 3600  # a preview can be confirmed for two hours
TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")


@dataclass(frozen=True)
class Column:
    key: str
    label: Any  # lazy string: the header users read
    required: bool
    max_length: int
    help: Any = ""


UNIT_COLUMNS = [
    Column("code", _l("Code"), True, 40, _l("Unique code of the unit, e.g. SYT")),
    Column("name", _l("Name"), True, 200, _l("Full name, e.g. Sở Y tế")),
    Column("kind", _l("Kind"), True, 40,
           _l("department level (sở, ban, ngành) or commune level (xã, phường, đặc khu)")),
    Column("parent_code", _l("Parent unit code"), False, 40,
           _l("Code of the unit this one belongs to, if any (a unit already stored or in this file)")),
    Column("address", _l("Address"), False, 300, ""),
]
USER_COLUMNS = [
    Column("username", _l("Username"), True, 80, _l("Letters, digits, dot, dash, underscore")),
    Column("full_name", _l("Full name"), True, 200, ""),
    Column("email", _l("E-mail"), False, 200, ""),
    Column("role", _l("Role"), True, 40,
           _l("admin, coordinator, lead, inspector or unit (an inspected unit's representative)")),
    Column("agency_code", _l("Agency code"), False, 40,
           _l("Code of the home agency (see the agencies page); not for a unit's representative")),
    Column("unit_code", _l("Unit code"), False, 40,
           _l("Only for a unit's representative: the code of the unit (see the units page)")),
]
COLUMNS = {"units": UNIT_COLUMNS, "users": USER_COLUMNS}

# Vietnamese words people type in the kind / role columns, besides the English values. Since
# 2025 local government has two tiers: a xã, phường or đặc khu is of the commune level.
KIND_ALIASES = {
    "department": "department", "sở": "department", "sở, ban, ngành": "department", "ban": "department",
    "ngành": "department", "cơ quan": "department", "cấp tỉnh": "department", "cấp sở": "department",
    "commune": "commune", "xã": "commune", "cấp xã": "commune", "phường": "commune", "đặc khu": "commune",
    "thị trấn": "commune", "ubnd xã": "commune", "ubnd phường": "commune", "ubnd đặc khu": "commune",
}
# The district level no longer exists: refused with a message that says so.
DISTRICT_WORDS = {"district", "huyện", "cấp huyện", "quận", "thị xã", "thành phố thuộc tỉnh", "ubnd huyện"}
ROLE_ALIASES = {
    "admin": "admin", "quản trị": "admin", "coordinator": "coordinator", "điều phối": "coordinator",
    "lead": "lead", "trưởng đoàn": "lead", "inspector": "inspector", "thành viên": "inspector",
    "thành viên đoàn": "inspector", "unit": "unit", "đơn vị": "unit", "đại diện đơn vị": "unit",
    "đại diện đơn vị được kiểm tra": "unit",
}


class ImportRefused(Exception):
    """The whole file (or the confirmation) is refused; the message says why."""


@dataclass
class RowProblem:
    row: int  # Excel row number (the header is row 1)
    column: str  # the column's header label ("" for the whole row)
    message: str


@dataclass
class Preview:
    kind: str
    rows: list[dict[str, Any]]
    problems: list[RowProblem] = field(default_factory=list)
    token: Optional[str] = None

    @property
    def clean(self) -> bool:
        return not self.problems

    @property
    def bad_rows(self) -> int:
        return len({p.row for p in self.problems})


@dataclass
class ImportResult:
    created: list[Any]
    passwords: list[tuple[str, str]] = field(default_factory=list)  # (username, initial password)


def _norm(value: Any) -> str:
    return " ".join(str(value or "").split()).lower()


def _column_for_header(kind: str, header: Any) -> Optional[Column]:
    """A header cell matches a column by its key, its label, or "Label (key)" as in the blank."""
    text = _norm(header)
    if not text:
        return None
    for column in COLUMNS[kind]:
        if text in (column.key, _norm(column.label), _norm(str(column.label) + f" ({column.key})")):
            return column
        if text.endswith(f"({column.key})"):
            return column
    return None


# --- the blank ------------------------------------------------------------------------------

def blank_workbook(kind: str) -> bytes:
    """An empty .xlsx with the header row, drop-down lists and a sheet explaining the columns."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    columns = COLUMNS[kind]
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = str(_("Units")) if kind == "units" else str(_("Users"))
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="F3E5EA")
    for index, column in enumerate(columns, start=1):
        cell = sheet.cell(row=1, column=index, value=f"{column.label} ({column.key})")
        cell.font = bold
        cell.fill = fill
        sheet.column_dimensions[cell.column_letter].width = max(16, len(cell.value) + 4)
    sheet.freeze_panes = "A2"
    lists = {"kind": ["sở", "ban", "ngành", "xã", "phường", "đặc khu"],
             "role": ["admin", "coordinator", "lead", "inspector"]}
    for index, column in enumerate(columns, start=1):
        if column.key in lists:
            letter = sheet.cell(row=1, column=index).column_letter
            validation = DataValidation(type="list", formula1='"' + ",".join(lists[column.key]) + '"', allow_blank=True)
            validation.add(f"{letter}2:{letter}{MAX_ROWS[kind] + 1}")
            sheet.add_data_validation(validation)
    help_sheet = workbook.create_sheet(str(_("Instructions")))
    help_sheet.append([str(_("Column")), str(_("Required")), str(_("What to enter"))])
    for cell in help_sheet[1]:
        cell.font = bold
    for column in columns:
        help_sheet.append([f"{column.label} ({column.key})", str(_("yes")) if column.required else str(_("no")),
                           str(column.help)])
    help_sheet.append([])
    help_sheet.append([str(_("At most %(rows)d rows per file. Nothing is saved until you confirm the preview.",
                             rows=MAX_ROWS[kind]))])
    help_sheet.column_dimensions["A"].width = 32
    help_sheet.column_dimensions["C"].width = 80
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- reading --------------------------------------------------------------------------------

def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return " ".join(str(value).split())


def read_rows(kind: str, stream: IO[bytes]) -> list[dict[str, Any]]:
    """The data rows of the first sheet as {"row": n, column key: text}; raises ImportRefused."""
    from openpyxl import load_workbook

    from ..checklist.excel import xlsx_archive_problem

    data = stream.read(current_app.config.get("MAX_UPLOAD_BYTES", 10 * 1024 * 1024) + 1)
    if len(data) > current_app.config.get("MAX_UPLOAD_BYTES", 10 * 1024 * 1024):
        raise ImportRefused(_("The file is too large."))
    not_xlsx = _("This is not an Excel workbook (.xlsx). Download the blank, fill it in and upload it again.")
    if not data.startswith(b"PK\x03\x04") or not zipfile.is_zipfile(io.BytesIO(data)):
        raise ImportRefused(not_xlsx) from None
    if xlsx_archive_problem(data):  # damaged, or a zip bomb: refused before openpyxl opens it
        raise ImportRefused(_("The file is too large or damaged. Download the blank, fill it in and upload it again."))
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - any failure to open (compression, encryption, bad XML) is "not a workbook"
        raise ImportRefused(not_xlsx) from None
    try:
        sheet = workbook.worksheets[0] if workbook.worksheets else None
        if sheet is None:
            raise ImportRefused(_("The workbook has no sheet."))
        sheet.reset_dimensions()  # read every row, not just the range the file's <dimension> claims
        rows_iter = sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True)
        try:
            header = next(rows_iter)
        except StopIteration:
            raise ImportRefused(_("The file is empty: the first row must hold the column headers.")) from None
        except Exception:  # noqa: BLE001 - a damaged sheet inside a valid zip
            raise ImportRefused(not_xlsx) from None
        positions: dict[str, int] = {}
        for index, cell in enumerate(header or ()):
            column = _column_for_header(kind, cell)
            if column is not None and column.key not in positions:
                positions[column.key] = index
        missing = [str(c.label) for c in COLUMNS[kind] if c.required and c.key not in positions]
        if missing:
            raise ImportRefused(_("The first row must hold the column headers of the blank; missing: %(columns)s.",
                                  columns=", ".join(missing)))
        rows: list[dict[str, Any]] = []
        blank_run = 0
        try:
            for number, values in enumerate(rows_iter, start=2):
                texts: dict[str, Any] = {key: _cell_text(values[i]) if values and i < len(values) else ""
                                         for key, i in positions.items()}
                if not any(texts.values()):
                    blank_run += 1
                    if blank_run > MAX_BLANK_RUN:
                        break  # formatting down to row 1,048,576 is not data
                    continue  # blank lines are skipped, not reported
                blank_run = 0
                if len(rows) >= MAX_ROWS[kind]:
                    raise ImportRefused(_("The file has more than %(rows)d rows. Split it into smaller files.",
                                          rows=MAX_ROWS[kind]))
                texts["row"] = number
                rows.append(texts)
        except ImportRefused:
            raise
        except Exception:  # noqa: BLE001 - damaged sheet XML
            raise ImportRefused(not_xlsx) from None
    finally:
        workbook.close()
    if not rows:
        raise ImportRefused(_("The file has no data rows below the header."))
    return rows


# --- checking -------------------------------------------------------------------------------

def _label(kind: str, key: str) -> str:
    return next(str(c.label) for c in COLUMNS[kind] if c.key == key)


def _check_common(kind: str, rows: list[dict[str, Any]], problems: list[RowProblem]) -> set[int]:
    """Missing and too-long values; returns the row numbers already found bad."""
    bad: set[int] = set()
    for row in rows:
        for column in COLUMNS[kind]:
            value = row.get(column.key, "")
            if column.required and not value:
                problems.append(RowProblem(row["row"], str(column.label), _("Missing value.")))
                bad.add(row["row"])
            elif len(value) > column.max_length:
                problems.append(RowProblem(row["row"], str(column.label),
                                           _("Longer than %(max)d characters.", max=column.max_length)))
                bad.add(row["row"])
    return bad


def check_unit_rows(rows: list[dict[str, Any]]) -> list[RowProblem]:
    """Every problem of every row: missing values, bad codes, unknown kinds or parents, duplicates."""
    problems: list[RowProblem] = []
    _check_common("units", rows, problems)
    existing = {code.lower() for code in db.session.scalars(select(Unit.code))}
    active_parents = {u.code.lower(): u.kind
                      for u in db.session.scalars(select(Unit).where(Unit.archived_at.is_(None)))}
    in_file: dict[str, int] = {}
    file_kinds: dict[str, str] = {}
    for row in rows:
        code = row.get("code", "").upper()
        row["code"] = code
        if code and not re.match(CODE_PATTERN, code):
            problems.append(RowProblem(row["row"], _label("units", "code"),
                                       _("Use letters, digits, dot, dash or underscore only.")))
        if code:
            if code.lower() in in_file:
                problems.append(RowProblem(row["row"], _label("units", "code"),
                                           _("Duplicate: the code %(code)s is also on row %(other)d.",
                                             code=code, other=in_file[code.lower()])))
            elif code.lower() in existing:
                problems.append(RowProblem(row["row"], _label("units", "code"),
                                           _("Duplicate: a unit with the code %(code)s already exists.", code=code)))
            else:
                in_file[code.lower()] = row["row"]
        kind_text = _norm(row.get("kind"))
        if kind_text:
            kind = KIND_ALIASES.get(kind_text)
            if kind is None and kind_text in DISTRICT_WORDS:
                problems.append(RowProblem(row["row"], _label("units", "kind"), _(
                    "%(value)s: the district level was abolished in 2025; a unit is now of the department "
                    "level (sở, ban, ngành) or the commune level (xã, phường, đặc khu).", value=row["kind"])))
            elif kind is None:
                problems.append(RowProblem(row["row"], _label("units", "kind"), _(
                    "Unknown kind %(value)s; use sở, ban, ngành (department level) or xã, phường, đặc khu "
                    "(commune level).", value=row["kind"])))
            else:
                row["kind"] = kind
                file_kinds[code.lower()] = kind
    for row in rows:
        parent = row.get("parent_code", "").upper()
        row["parent_code"] = parent
        if not parent:
            continue
        if parent.lower() == row.get("code", "").lower():
            problems.append(RowProblem(row["row"], _label("units", "parent_code"),
                                       _("A unit cannot belong to itself.")))
            continue
        parent_key = parent.lower()
        parent_kind = file_kinds.get(parent_key) if parent_key in in_file else active_parents.get(parent_key)
        if parent_kind is None:
            problems.append(RowProblem(row["row"], _label("units", "parent_code"),
                                       _("Unknown parent unit %(code)s.", code=parent)))
        elif parent_kind == "commune":
            problems.append(RowProblem(row["row"], _label("units", "parent_code"),
                                       _("A commune cannot be the parent of another unit.")))
    problems.sort(key=lambda p: p.row)
    return problems


def check_user_rows(rows: list[dict[str, Any]]) -> list[RowProblem]:
    """Every problem of every row: missing values, duplicate usernames, unknown roles or agencies."""
    problems: list[RowProblem] = []
    _check_common("users", rows, problems)
    existing = {name.lower() for name in db.session.scalars(select(User.username))}
    agencies = {a.code.lower(): a.id for a in db.session.scalars(select(Agency).where(Agency.archived_at.is_(None)))}
    units = {u.code.lower(): u.id for u in db.session.scalars(select(Unit).where(Unit.archived_at.is_(None)))}
    in_file: dict[str, int] = {}
    for row in rows:
        username = row.get("username", "")
        if username:
            if not re.match(USERNAME_PATTERN, username) or len(username) < 2:
                problems.append(RowProblem(row["row"], _label("users", "username"),
                                           _("Use letters, digits, dot, dash or underscore only.")))
            elif username.lower() in in_file:
                problems.append(RowProblem(row["row"], _label("users", "username"),
                                           _("Duplicate: the username %(username)s is also on row %(other)d.",
                                             username=username, other=in_file[username.lower()])))
            elif username.lower() in existing:
                problems.append(RowProblem(row["row"], _label("users", "username"),
                                           _("Duplicate: the username %(username)s is already taken.",
                                             username=username)))
            else:
                in_file[username.lower()] = row["row"]
        role_text = _norm(row.get("role"))
        if role_text:
            role = ROLE_ALIASES.get(role_text)
            if role is None:
                problems.append(RowProblem(row["row"], _label("users", "role"), _(
                    "Unknown role %(value)s; use admin, coordinator, lead, inspector or unit.", value=row["role"])))
            else:
                row["role"] = role
        agency = row.get("agency_code", "")
        unit_code = row.get("unit_code", "")
        representative = row.get("role") == "unit"
        if agency:
            row["agency_code"] = agency.upper()
            if agency.lower() not in agencies:
                problems.append(RowProblem(row["row"], _label("users", "agency_code"),
                                           _("Unknown agency %(code)s.", code=agency)))
        elif not representative:
            problems.append(RowProblem(row["row"], _label("users", "agency_code"), _("Missing value.")))
        if representative and not unit_code:
            problems.append(RowProblem(row["row"], _label("users", "unit_code"), _("Missing value.")))
        elif unit_code and not representative:
            problems.append(RowProblem(row["row"], _label("users", "unit_code"),
                                       _("Only an inspected unit's representative takes a unit code.")))
        elif unit_code:
            row["unit_code"] = unit_code.upper()
            if unit_code.lower() not in units:
                problems.append(RowProblem(row["row"], _label("users", "unit_code"),
                                           _("There is no unit with the code %(code)s.", code=unit_code)))
        email = row.get("email", "")
        if email and not EMAIL_PATTERN.match(email):
            problems.append(RowProblem(row["row"], _label("users", "email"),
                                       _("Enter an e-mail address like name@example.org.")))
    problems.sort(key=lambda p: p.row)
    return problems


CHECKS = {"units": check_unit_rows, "users": check_user_rows}


# --- pending imports between preview and confirm --------------------------------------------

def _pending_dir() -> Path:
    path = Path(current_app.config["UPLOAD_DIR"]) / "desk-imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _pending_path(token: str) -> Path:
    if not TOKEN_PATTERN.match(token or ""):
        raise ImportRefused(_("This import has expired or was already confirmed. Upload the file again."))
    return _pending_dir() / f"{token}.json"


def _sweep(directory: Path) -> None:
    """Forget previews nobody confirmed within a day."""
    limit = time.time() - 24 * 3600
    for path in directory.glob("*.json"):
        try:
            if path.stat().st_mtime < limit:
                path.unlink()
        except OSError:
            pass


def preview(kind: str, stream: IO[bytes], user: User) -> Preview:
    """Read and check an upload; a clean file is kept for confirmation under a new token."""
    rows = read_rows(kind, stream)
    result = Preview(kind, rows, CHECKS[kind](rows))
    if result.clean:
        directory = _pending_dir()
        _sweep(directory)
        token = secrets.token_urlsafe(24)
        payload = {"kind": kind, "user_id": user.id, "created": time.time(), "rows": rows}
        tmp = directory / f"{token}.tmp"
        tmp.write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, directory / f"{token}.json")
        result.token = token
    return result


def load_pending(kind: str, token: str, user: User) -> list[dict[str, Any]]:
    """The rows kept for `token`, if it belongs to this user and this kind of import."""
    path = _pending_path(token)
    expired = _("This import has expired or was already confirmed. Upload the file again.")
    try:
        payload = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise ImportRefused(expired) from None
    if (payload.get("kind") != kind or payload.get("user_id") != user.id
            or time.time() - float(payload.get("created", 0)) > PENDING_SECONDS):
        raise ImportRefused(expired)
    return payload["rows"]


def discard_pending(token: str) -> None:
    try:
        _pending_path(token).unlink()
    except (OSError, ImportRefused):
        pass


def confirm(kind: str, token: str, user: User) -> tuple[Preview, Optional[ImportResult]]:
    """Write every row of a confirmed preview (checked again first); the caller commits.

    Returns the fresh check and, when it is still clean, what was created.
    """
    rows = load_pending(kind, token, user)
    check = Preview(kind, rows, CHECKS[kind](rows), token)
    if not check.clean:
        return check, None
    return check, (_write_units(rows) if kind == "units" else _write_users(rows))


def _write_units(rows: list[dict[str, Any]]) -> ImportResult:
    by_code: dict[str, Unit] = {u.code.lower(): u
                                for u in db.session.scalars(select(Unit).where(Unit.archived_at.is_(None)))}
    created: list[Unit] = []
    for row in rows:
        unit = Unit(code=row["code"], name=row["name"], kind=row["kind"], address=row.get("address", ""))
        db.session.add(unit)
        by_code[unit.code.lower()] = unit
        created.append(unit)
    db.session.flush()
    for row, unit in zip(rows, created, strict=True):
        if row.get("parent_code"):
            unit.parent_id = by_code[row["parent_code"].lower()].id
    db.session.flush()
    for unit in created:
        audit.record("unit.create", unit, after=snapshot(unit), reason="import")
    return ImportResult(created)


def _write_users(rows: list[dict[str, Any]]) -> ImportResult:
    agencies = {a.code.lower(): a.id for a in db.session.scalars(select(Agency).where(Agency.archived_at.is_(None)))}
    units = {u.code.lower(): u.id for u in db.session.scalars(select(Unit).where(Unit.archived_at.is_(None)))}
    created: list[User] = []
    passwords: list[tuple[str, str]] = []
    for row in rows:
        password = new_password()
        agency_code, unit_code = row.get("agency_code", "").lower(), row.get("unit_code", "").lower()
        user = User(username=row["username"], full_name=row["full_name"], email=row.get("email", ""),
                    role=row["role"], agency_id=agencies.get(agency_code) if agency_code else None,
                    unit_id=units.get(unit_code) if unit_code else None, is_active_account=True)
        user.set_password(password)
        db.session.add(user)
        created.append(user)
        passwords.append((user.username, password))
    db.session.flush()
    for user in created:
        audit.record("user.create", user, after=snapshot(user), reason="import")
    return ImportResult(created, passwords)


def new_password() -> str:
    """A random initial password that is easy to read aloud (no 0/O, 1/l confusion)."""
    alphabet = "abcdefghijkmnpqrstuvwxyzACDEFGHJKLMNPQRTUVWXY23456789"
    return "".join(secrets.choice(alphabet) for _position in range(12))
