"""Excel authoring: export then import gives the same template; errors name sheet/row/column."""
import io
import zipfile

import openpyxl
import pytest

from inspections.checklist import Template, TemplateError, template_from_xlsx, template_to_xlsx


def exported(template, target_set=None):
    buffer = io.BytesIO()
    template_to_xlsx(template, target_set, buffer)
    return buffer.getvalue()


def edited(content, changes):
    """The workbook with cells changed: ``{"items": {"E3": "integer"}}``."""
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    for sheet, cells in changes.items():
        for ref, value in cells.items():
            workbook[sheet][ref] = value
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def import_problems(content):
    with pytest.raises(TemplateError) as caught:
        template_from_xlsx(io.BytesIO(content))
    return [str(problem) for problem in caught.value.problems]


def test_round_trip_gives_back_an_equal_template_and_target_set(template, target_set):
    again, targets = template_from_xlsx(io.BytesIO(exported(template, target_set)))
    assert again == template and targets == target_set
    assert again.content_hash() == template.content_hash()


def test_round_trip_without_targets_and_with_odd_text(data):
    data["sections"][0]["items"][0]["hint_vi"] = "=SUM(A1:A3) không phải công thức\ndòng hai"
    data["sections"][0]["items"][0]["choices"] = ["yes", "no", "na"]
    data["sections"][0]["items"][0]["expected"] = "no"
    data["sections"][0]["items"][1].update(min=1, max=500, required=True)
    data["unit_kinds"] = ["department", "district", "commune", "ward"]
    template = Template.from_dict(data)
    content = exported(template)
    again, targets = template_from_xlsx(io.BytesIO(content))
    assert again == template and targets is None
    cell = openpyxl.load_workbook(io.BytesIO(content))["items"]["H2"]
    assert cell.data_type == "s"  # written as text, never as a formula


def test_sheet_layout_is_readable(template, target_set):
    workbook = openpyxl.load_workbook(io.BytesIO(exported(template, target_set)))
    assert workbook.sheetnames == ["settings", "items", "indicators", "targets"]
    items = workbook["items"]
    assert [c.value for c in items[1]][:5] == ["section", "section_title_vi",
                                               "section_title_en", "code", "type"]
    assert items["D2"].value == "A1" and items["B2"].value == "Lãnh đạo, chỉ đạo"
    assert items.freeze_panes == "A2"
    assert workbook["settings"]["A2"].value == "gender_equality"


def test_every_error_names_sheet_row_and_column(template, target_set):
    content = edited(exported(template, target_set), {
        "items": {"E3": "integer", "D5": "A1", "M6": "abc", "F7": None},
        "indicators": {"C2": "share(Z9)", "B5": "yes/no"},  # I4 is a %
        "settings": {"B2": "one"},
    })
    problems = import_problems(content)
    assert "sheet items, row 3, column E (type): unknown type 'integer'; use one of: ynp, mf, " \
           "int, money, date, text, file" in problems
    assert "sheet items, row 5, column D (code): duplicate item code A1 (also at sheet items, " \
           "row 2)" in problems
    assert "sheet items, row 6, column M (min): min must be a whole number, got 'abc'" in problems
    assert "sheet items, row 7, column F (label_vi): label_vi is missing" in problems
    assert "sheet indicators, row 2, column C (formula): share(): unknown item Z9" in problems
    assert any(p.startswith("sheet indicators, row 5, column B (unit): unit 'yes/no' does not fit")
               for p in problems)
    assert "sheet settings, row 2, column B (version): version must be a whole number, got " \
           "'one'" in problems


def test_section_and_header_problems(data):
    content = exported(Template.from_dict(data))
    problems = import_problems(edited(content, {
        "items": {"A3": None, "B4": "Một phần khác", "S1": "lable_vi"}}))
    assert any(p.startswith("sheet items, row 1, column S: unknown column 'lable_vi'")
               for p in problems)
    assert "sheet items, row 3, column A (section): the section code is missing" in problems
    assert any(p.startswith("sheet items, row 4, column B (section_title_vi): section A already "
                            "has the title") for p in problems)


def test_missing_column_or_sheet_stops_early(data):
    content = exported(Template.from_dict(data))
    assert import_problems(edited(content, {"items": {"E1": None}})) == [
        "sheet items, row 1: column 'type' is missing"]
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    del workbook["items"]
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert import_problems(buffer.getvalue()) == [
        "sheet items: the workbook has no sheet named 'items'"]


def test_target_problems_name_the_targets_sheet(template, target_set):
    content = edited(exported(template, target_set), {"targets": {"A2": "I99", "C3": "lots"}})
    problems = import_problems(content)
    assert any(p.startswith("sheet targets, row 3, column C (ge): ge must be a number")
               for p in problems)
    content = edited(exported(template, target_set), {"targets": {"A2": "I99"}})
    assert import_problems(content) == [
        "sheet targets, row 2, column A (indicator): template gender_equality v2 has no "
        "indicator I99"]


@pytest.mark.parametrize("content", [
    b"",
    b"garbage bytes, not a workbook",
    b"PK\x03\x04 truncated zip",
    "key: yaml\n".encode(),
])
def test_garbage_is_refused_with_a_template_error(content):
    problems = import_problems(content)
    assert len(problems) == 1 and problems[0].startswith("file: not a readable Excel workbook")


def test_a_zip_that_is_not_a_workbook():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "hi")
    assert import_problems(buffer.getvalue())[0].startswith("file: not a readable Excel")


def test_huge_items_sheet_is_refused(data):
    workbook = openpyxl.load_workbook(io.BytesIO(exported(Template.from_dict(data))))
    sheet = workbook["items"]
    for number in range(5001):
        sheet.append(["Z", "z", "z", f"Z{number}", "int", "x", "x"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert import_problems(buffer.getvalue()) == ["sheet items: more than 5000 data rows"]


def test_accepts_bytes_and_sheet_names_in_any_case(data):
    content = exported(Template.from_dict(data))
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    workbook["items"].title = "renamed"
    workbook["renamed"].title = "Items"
    buffer = io.BytesIO()
    workbook.save(buffer)
    template, _ = template_from_xlsx(buffer.getvalue())
    assert template == Template.from_dict(data)


def test_a_section_may_have_a_header_row_of_its_own(data):
    template = Template.from_dict(data)
    workbook = openpyxl.load_workbook(io.BytesIO(exported(template)))
    items = workbook["items"]
    items.insert_rows(2)
    items["A2"], items["B2"], items["C2"] = "A", "Phần A", "Part A"
    items["B3"] = items["C3"] = None  # the first item no longer repeats the titles
    buffer = io.BytesIO()
    workbook.save(buffer)
    again, _ = template_from_xlsx(buffer.getvalue())
    assert again == template


def test_every_row_is_read_even_when_the_sheets_claim_a_shorter_dimension(template, target_set):
    """Some generators write a <dimension> smaller than the data; read-only openpyxl trusts it."""
    import re

    source = zipfile.ZipFile(io.BytesIO(exported(template, target_set)))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename.startswith("xl/worksheets/sheet"):
                data = re.sub(rb'<dimension ref="[^"]*"\s*/>', b'<dimension ref="A1:B2"/>', data)
            target.writestr(item, data)
    again, targets = template_from_xlsx(io.BytesIO(out.getvalue()))
    assert again == template and targets == target_set
