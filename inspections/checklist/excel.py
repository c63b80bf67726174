"""Authoring templates in Excel, the way XLSForm does: one row per item.

Sheets (header row first; columns may come in any order):

* ``settings`` — one row: ``key``, ``version``, ``title_vi``, ``title_en``, ``unit_kinds``,
  and for the target set ``targets_key``, ``targets_version``, ``targets_title_vi``,
  ``targets_title_en``, ``targets_legal_basis``;
* ``items`` — ``section``, ``section_title_vi``, ``section_title_en`` (titles once per section:
  on its first item, or on a row of their own), ``code``, ``type``, ``label_vi``, ``label_en``, ``hint_vi``,
  ``hint_en``, ``required`` (yes/no), ``applies_to`` and ``choices`` (comma-separated),
  ``legal_basis``, ``min``, ``max``, ``max_length``, ``expected``, ``subset_of``,
  ``self_report`` (yes/no: the inspected unit reports the answer);
* ``indicators`` — ``code``, ``unit``, ``formula``, ``label_vi``, ``label_en``,
  ``applies_to``, ``note_vi``, ``note_en``, ``legal_basis``;
* ``targets`` — ``indicator``, ``scope``, ``ge``, ``gt``, ``le``, ``lt``, ``eq``,
  ``by_year``, ``description_vi``, ``description_en``, ``legal_basis``.

Importing checks everything and raises one :class:`.TemplateError` naming sheet, row and
column (letter and header) of every problem; a broken workbook yields no template.
"""
from __future__ import annotations

import io
import zipfile
from typing import Any, BinaryIO, Callable, Optional, Union

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from .fields import bool_value
from .problems import Path, Problem, TemplateError
from .schema import INDICATOR_UNITS, ITEM_TYPES, Template, build_template
from .targets import SCOPES, TargetSet, build_target_set, check_targets

SETTINGS_COLUMNS = ("key", "version", "title_vi", "title_en", "unit_kinds", "targets_key",
                    "targets_version", "targets_title_vi", "targets_title_en",
                    "targets_legal_basis")
ITEM_COLUMNS = ("section", "section_title_vi", "section_title_en", "code", "type", "label_vi",
                "label_en", "hint_vi", "hint_en", "required", "applies_to", "legal_basis",
                "min", "max", "max_length", "choices", "expected", "subset_of", "self_report")
INDICATOR_COLUMNS = ("code", "unit", "formula", "label_vi", "label_en", "applies_to",
                     "note_vi", "note_en", "legal_basis")
TARGET_COLUMNS = ("indicator", "scope", "ge", "gt", "le", "lt", "eq", "by_year",
                  "description_vi", "description_en", "legal_basis")

_SHEETS = {  # name: (columns, required columns, most data rows allowed)
    "settings": (SETTINGS_COLUMNS, ("key", "version", "title_vi", "title_en"), 1),
    "items": (ITEM_COLUMNS, ("section", "section_title_vi", "section_title_en", "code", "type",
                             "label_vi", "label_en"), 5000),
    "indicators": (INDICATOR_COLUMNS, ("code", "unit", "formula", "label_vi", "label_en"), 500),
    "targets": (TARGET_COLUMNS, ("indicator",), 1000),
}
_SECTION_FIELDS = {"code": "section", "title_vi": "section_title_vi",
                   "title_en": "section_title_en"}
_TARGET_SET_FIELDS = {"key": "targets_key", "version": "targets_version",
                      "title_vi": "targets_title_vi", "title_en": "targets_title_en",
                      "legal_basis": "targets_legal_basis"}

MAX_FILE_BYTES = 20 * 1024 * 1024
# openpyxl parses a whole sheet to learn its size and loads all shared strings at once, so a
# small zip that unpacks to hundreds of MB costs minutes and gigabytes: refuse it unopened.
MAX_MEMBER_BYTES = 8 * 1024 * 1024      # any one part of the workbook, unpacked
MAX_UNZIPPED_BYTES = 24 * 1024 * 1024   # all parts together, unpacked
MAX_RATIO = 100                         # unpacked : packed, for parts over 1 MB unpacked
MAX_ZIP_ENTRIES = 2000
MAX_SCANNED_ROWS = 50_000
MAX_COLUMNS = 60


def xlsx_archive_problem(data: bytes) -> Optional[str]:
    """Why these bytes must not be opened as a workbook (not a zip, a zip bomb), or None.

    Shared by every Excel import: checking the zip directory costs microseconds, opening a
    bomb costs minutes and gigabytes.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return "not a readable Excel workbook (.xlsx)"
    if len(entries) > MAX_ZIP_ENTRIES:
        return "the workbook has too many parts"
    if sum(entry.file_size for entry in entries) > MAX_UNZIPPED_BYTES:
        return f"the workbook unpacks to more than {MAX_UNZIPPED_BYTES // 2**20} MB"
    for entry in entries:
        if entry.file_size > MAX_MEMBER_BYTES:
            return f"a part of the workbook unpacks to more than {MAX_MEMBER_BYTES // 2**20} MB"
        if entry.file_size > 2**20 and entry.file_size > MAX_RATIO * max(entry.compress_size, 1):
            return "the workbook is compressed suspiciously well (a zip bomb?)"
    return None


# --- export ---------------------------------------------------------------------------------

def template_to_xlsx(template: Template, target_set: Optional[TargetSet],
                     fileobj: BinaryIO) -> None:
    """Write ``template`` (and ``target_set``, if given) as an authoring workbook."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    settings = {"key": template.key, "version": template.version,
                "title_vi": template.title_vi, "title_en": template.title_en,
                "unit_kinds": ", ".join(template.unit_kinds)}
    if target_set is not None:
        settings.update(targets_key=target_set.key, targets_version=target_set.version,
                        targets_title_vi=target_set.title_vi,
                        targets_title_en=target_set.title_en,
                        targets_legal_basis=target_set.legal_basis)
    _write_sheet(workbook, "settings", SETTINGS_COLUMNS, [settings])

    rows = []
    for section in template.sections:
        for position, item in enumerate(section.items):
            row = {"section": section.code, **item.to_dict()}
            if position == 0:
                row.update(section_title_vi=section.title_vi, section_title_en=section.title_en)
            row["required"] = "yes" if item.required else None
            row["self_report"] = "yes" if item.self_report else None
            rows.append(row)
    items_sheet = _write_sheet(workbook, "items", ITEM_COLUMNS, rows)
    _add_choice_list(items_sheet, ITEM_COLUMNS.index("type"), ITEM_TYPES, len(rows))
    _add_choice_list(items_sheet, ITEM_COLUMNS.index("required"), ("yes", "no"), len(rows))
    _add_choice_list(items_sheet, ITEM_COLUMNS.index("self_report"), ("yes", "no"), len(rows))

    indicators_sheet = _write_sheet(workbook, "indicators", INDICATOR_COLUMNS,
                                    [indicator.to_dict() for indicator in template.indicators])
    _add_choice_list(indicators_sheet, INDICATOR_COLUMNS.index("unit"), INDICATOR_UNITS,
                     len(template.indicators))

    targets = []
    for target in (target_set.targets if target_set else ()):
        row = target.to_dict()
        if target.eq is not None:
            row["eq"] = "yes" if target.eq else "no"
        targets.append(row)
    targets_sheet = _write_sheet(workbook, "targets", TARGET_COLUMNS, targets)
    _add_choice_list(targets_sheet, TARGET_COLUMNS.index("scope"), SCOPES, len(targets))
    workbook.save(fileobj)


def _write_sheet(workbook: Workbook, name: str, columns: tuple[str, ...], rows: list[dict]):
    sheet = workbook.create_sheet(name)
    sheet.append(list(columns))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
    for row_number, row in enumerate(rows, start=2):
        for column, header in enumerate(columns, start=1):
            value = row.get(header)
            if isinstance(value, (list, tuple)):
                value = ", ".join(value)
            if value is None:
                continue
            cell = sheet.cell(row=row_number, column=column, value=value)
            if isinstance(value, str):
                cell.data_type = "s"  # text starting with "=" stays text, never a formula
                if "\n" in value:
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
    for column, header in enumerate(columns, start=1):
        wide = header.startswith(("label", "hint", "note", "description", "title",
                                  "section_title", "formula", "legal"))
        sheet.column_dimensions[get_column_letter(column)].width = 45 if wide else 14
    sheet.freeze_panes = "A2"
    return sheet


def _add_choice_list(sheet, column_index: int, choices: tuple[str, ...], rows: int) -> None:
    letter = get_column_letter(column_index + 1)
    validation = DataValidation(type="list", formula1='"' + ",".join(choices) + '"',
                                allow_blank=True)
    sheet.add_data_validation(validation)
    validation.add(f"{letter}2:{letter}{max(rows, 1) + 200}")


# --- import ---------------------------------------------------------------------------------

class _Sheet:
    """The data rows of one sheet, with where each header sits."""

    def __init__(self, name: str):
        self.name = name
        self.letters: dict[str, str] = {}
        self.rows: list[tuple[int, dict[str, Any]]] = []

    def where(self, row: Optional[int] = None, header: Optional[str] = None) -> str:
        text = f"sheet {self.name}"
        if row is not None:
            text += f", row {row}"
        if header is not None:
            letter = self.letters.get(header)
            text += f", column {letter} ({header})" if letter else f", column {header}"
        return text


def template_from_xlsx(fileobj: Union[BinaryIO, bytes]) -> tuple[Template, Optional[TargetSet]]:
    """Read an authoring workbook: the template, and the target set if the workbook has one.

    Raises :class:`.TemplateError` listing every problem (each naming sheet, row, column)
    — including for a file that is not an Excel workbook at all.
    """
    problems: list[Problem] = []
    fatal: list[Problem] = []  # no usable rows: reporting row by row would only add noise
    sheets = _read_workbook(fileobj, problems, fatal)
    if fatal:
        raise TemplateError(problems + fatal)

    settings_row, settings = _settings(sheets["settings"], problems)
    template_data, locate_template = _template_data(sheets, settings_row, settings, problems)
    targets_data, locate_targets = _target_set_data(sheets, settings_row, settings)

    template, template_problems = build_template(template_data, locate_template)
    problems += [Problem(locate_template(path), message) for path, message in template_problems]
    target_set = None
    if targets_data is not None:
        target_set, target_problems = build_target_set(targets_data, locate_targets)
        problems += [Problem(locate_targets(path), message) for path, message in target_problems]
    if template is not None and target_set is not None and not problems:
        problems += check_targets(template, target_set, locate=locate_targets)
    if problems:
        raise TemplateError(problems)
    assert template is not None  # no problems: a template
    return template, target_set


def _read_workbook(fileobj: Union[BinaryIO, bytes], problems: list[Problem],
                   fatal: list[Problem]) -> dict[str, _Sheet]:
    """The rows of every known sheet.

    Problems that leave no usable rows (not a workbook, a sheet or a needed column missing,
    too many rows) go to ``fatal``; the rest (an unknown column) to ``problems``.
    """
    data = fileobj if isinstance(fileobj, (bytes, bytearray)) else fileobj.read(MAX_FILE_BYTES + 1)
    if not isinstance(data, (bytes, bytearray)):
        fatal.append(Problem("file", "expected the bytes of an .xlsx file"))
        return {}
    if len(data) > MAX_FILE_BYTES:
        fatal.append(Problem("file", f"the file is larger than {MAX_FILE_BYTES // 2**20} MB"))
        return {}
    refused = xlsx_archive_problem(bytes(data))
    if refused:
        fatal.append(Problem("file", refused))
        return {}
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - any failure to open means "not a usable workbook"
        fatal.append(Problem("file", "not a readable Excel workbook (.xlsx): "
                                     f"{type(exc).__name__}"))
        return {}
    try:
        names = {name.strip().lower(): name for name in workbook.sheetnames}
        sheets = {}
        for name, (columns, required, limit) in _SHEETS.items():
            if name in names:
                sheets[name] = _read_sheet(workbook[names[name]], name, columns, required,
                                           limit, problems, fatal)
                continue
            if name in ("settings", "items"):
                fatal.append(Problem(f"sheet {name}", f"the workbook has no sheet named {name!r}"))
            sheets[name] = _Sheet(name)
        return sheets
    except Exception as exc:  # noqa: BLE001 - a corrupt sheet fails while streaming its rows
        fatal.append(Problem("file", f"the workbook could not be read: {type(exc).__name__}"))
        return {}
    finally:
        workbook.close()


def _read_sheet(worksheet, name: str, columns: tuple[str, ...], required: tuple[str, ...],
                limit: int, problems: list[Problem], fatal: list[Problem]) -> _Sheet:
    sheet = _Sheet(name)
    if hasattr(worksheet, "reset_dimensions"):
        worksheet.reset_dimensions()  # read-only mode trusts <dimension>; a short one would drop rows
    rows = worksheet.iter_rows(values_only=True, max_col=MAX_COLUMNS)
    header = next(rows, None) or ()
    positions: dict[int, str] = {}
    for index, value in enumerate(header):
        title = str(value).strip().lower() if value is not None else ""
        if not title:
            continue
        letter = get_column_letter(index + 1)
        if title not in columns:
            problems.append(Problem(f"sheet {name}, row 1, column {letter}",
                                    f"unknown column {value!r}; known: " + ", ".join(columns)))
        elif title in sheet.letters:
            problems.append(Problem(f"sheet {name}, row 1, column {letter}",
                                    f"column {title!r} appears twice "
                                    f"(also column {sheet.letters[title]})"))
        else:
            sheet.letters[title] = letter
            positions[index] = title
    for title in required:
        if title not in sheet.letters:
            fatal.append(Problem(f"sheet {name}, row 1", f"column {title!r} is missing"))
    for row_number, values in enumerate(rows, start=2):
        if row_number > MAX_SCANNED_ROWS:
            fatal.append(Problem(f"sheet {name}", f"the sheet goes beyond row "
                                                  f"{MAX_SCANNED_ROWS}"))
            break
        record = {}
        for index, title in positions.items():
            value = _cell_value(values[index]) if index < len(values) else None
            if value is not None:
                record[title] = value
        if not record:
            continue
        if len(sheet.rows) == limit:
            fatal.append(Problem(f"sheet {name}", f"more than {limit} data "
                                                  f"row{'s' if limit != 1 else ''}"))
            break
        sheet.rows.append((row_number, record))
    return sheet


def _cell_value(value: Any) -> Any:
    if isinstance(value, str):
        value = value.strip()
        return value or None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def _settings(sheet: _Sheet, problems: list[Problem]) -> tuple[Optional[int], dict]:
    if not sheet.rows:
        if sheet.letters:
            problems.append(Problem(sheet.where(2), "the settings row is empty"))
        return None, {}
    return sheet.rows[0]


def _locator(mapping: dict[Path, tuple[_Sheet, Optional[int], dict[str, str]]]
             ) -> Callable[[Path], str]:
    """A function giving the sheet/row/column of a problem path, by its longest known prefix."""
    def locate(path: Path) -> str:
        for length in range(len(path), -1, -1):
            if path[:length] in mapping:
                sheet, row, rename = mapping[path[:length]]
                field = path[length] if length < len(path) else None
                header = rename.get(field, field) if isinstance(field, str) else None
                return sheet.where(row, header)
        return "workbook"
    return locate


def _template_data(sheets: dict[str, _Sheet], settings_row: Optional[int], settings: dict,
                   problems: list[Problem]) -> tuple[dict, Callable[[Path], str]]:
    items_sheet, indicators_sheet = sheets["items"], sheets["indicators"]
    data: dict[str, Any] = {name: settings[name] for name in
                            ("key", "version", "title_vi", "title_en", "unit_kinds")
                            if name in settings}
    mapping: dict[Path, tuple[_Sheet, Optional[int], dict[str, str]]] = {
        (): (sheets["settings"], settings_row, {}),
        ("sections",): (items_sheet, None, {}),
        ("indicators",): (indicators_sheet, None, {}),
    }
    sections: dict[str, dict] = {}
    for row_number, record in items_sheet.rows:
        code = record.pop("section", None)
        titles = {name: record.pop(name) for name in ("section_title_vi", "section_title_en")
                  if name in record}
        if code is None:
            problems.append(Problem(items_sheet.where(row_number, "section"),
                                    "the section code is missing"))
            continue
        code = str(code)
        if code not in sections:
            sections[code] = {"code": code, "items": []}
            mapping[("sections", len(sections) - 1)] = (items_sheet, row_number, _SECTION_FIELDS)
        section = sections[code]
        for name, title in titles.items():
            field = name.replace("section_", "")
            if field not in section:
                section[field] = title
            elif str(title) != str(section[field]):
                problems.append(Problem(items_sheet.where(row_number, name), f"section {code} "
                                        f"already has the title {section[field]!r}"))
        if not record:
            continue  # a row giving only the section and its titles: a section header row
        for flag in ("required", "self_report"):
            if flag in record:
                parsed = bool_value(record[flag])
                record[flag] = record[flag] if parsed is None else parsed
        index = list(sections).index(code)
        mapping[("sections", index, "items", len(section["items"]))] = (items_sheet, row_number, {})
        section["items"].append(record)
    data["sections"] = list(sections.values())

    if indicators_sheet.rows:
        data["indicators"] = []
        for index, (row_number, record) in enumerate(indicators_sheet.rows):
            mapping[("indicators", index)] = (indicators_sheet, row_number, {})
            data["indicators"].append(record)
    return data, _locator(mapping)


def _target_set_data(sheets: dict[str, _Sheet], settings_row: Optional[int],
                     settings: dict) -> tuple[Optional[dict], Callable[[Path], str]]:
    targets_sheet = sheets["targets"]
    mapping: dict[Path, tuple[_Sheet, Optional[int], dict[str, str]]] = {
        (): (sheets["settings"], settings_row, _TARGET_SET_FIELDS),
        ("targets",): (targets_sheet, None, {}),
    }
    has_settings = any(name in settings for name in _TARGET_SET_FIELDS.values())
    if not has_settings and not targets_sheet.rows:
        return None, _locator(mapping)
    data: dict[str, Any] = {field: settings[column] for field, column in _TARGET_SET_FIELDS.items()
                            if column in settings}
    data["targets"] = []
    for index, (row_number, record) in enumerate(targets_sheet.rows):
        mapping[("targets", index)] = (targets_sheet, row_number, {})
        data["targets"].append(record)
    return data, _locator(mapping)
