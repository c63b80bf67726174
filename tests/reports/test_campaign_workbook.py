"""The consolidated campaign workbook, read back with openpyxl and pandas."""
from __future__ import annotations

from urllib.parse import unquote

import pytest

from inspections.extensions import db
from inspections.models import Recommendation, Shortcoming, Visit

from .conftest import (
    HEADER_ROW,
    add_unit,
    base_answers,
    campaign_url,
    column_index,
    demo_campaign,
    download,
    finalize,
    frame,
    header,
    read,
    rows_after_header,
    submit,
    team_visits,
)

SHEETS = ["1 Thông tin chung", "2 Danh sách đơn vị", "3 Tổng hợp theo đơn vị",
          "4 Số liệu tách biệt giới", "5 Chỉ tiêu", "5b Biểu đồ chỉ tiêu", "6 Tồn tại, kiến nghị", "7 Truyền thông",
          "8 Minh chứng", "9 Dữ liệu chi tiết", "Đối chiếu số liệu"]


def finalize_team1(app, answers_by_index: dict[int, dict]) -> list[int]:
    with app.app_context():
        visits = team_visits("lead1")
        for index, answers in answers_by_index.items():
            finalize(visits[index], answers)
        db.session.commit()
        return [visit.id for visit in visits]


def test_sheets_frame_and_headers(app, coordinator):
    finalize_team1(app, {0: base_answers()})
    with app.app_context():
        campaign_id = demo_campaign().id
    response = download(coordinator, campaign_url(campaign_id))
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    book = read(response.data)
    assert book.sheetnames == SHEETS

    general = book["1 Thông tin chung"]
    # the two-line issuing body of Decree 30/2020: the parent above, the department in bold below
    assert general["A1"].value == "UBND TỈNH HÒA AN" and not general["A1"].font.bold
    assert general["A2"].value == "SỞ NỘI VỤ" and general["A2"].font.bold
    assert general["A3"].value == "Biểu số: KTBĐG-01"
    texts = [cell.value for row in general.iter_rows() for cell in row if isinstance(cell.value, str)]
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in texts
    assert "Độc lập - Tự do - Hạnh phúc" in texts
    assert not any("LAO ĐỘNG" in text.upper() for text in texts)
    assert "NGƯỜI LẬP BIỂU" in texts and "THỦ TRƯỞNG ĐƠN VỊ" in texts
    assert "Nguyễn Thị Hương" in texts  # the coordinator who downloaded it prepared it

    units = book["2 Danh sách đơn vị"]
    assert header(units)[:4] == ["STT", "Đơn vị được kiểm tra", "Mã đơn vị", "Loại đơn vị"]
    assert units.freeze_panes == f"C{HEADER_ROW + 1}"
    assert units.auto_filter.ref.startswith(f"A{HEADER_ROW}:")
    assert units.page_setup.orientation == "landscape" and str(units.page_setup.paperSize) == "9"
    assert units.column_dimensions["B"].width > 20
    assert units["B8"].font.name == "Times New Roman"

    gender = book["4 Số liệu tách biệt giới"]
    c1 = column_index(gender, "C1. Tổng số cán bộ, công chức, viên chức và người lao động (CBCCVC-NLĐ)")
    assert [gender.cell(HEADER_ROW + 1, c1 + i).value for i in range(3)] == [
        "Tổng số", "Trong đó: Nữ", "Tỷ lệ nữ (%)"]
    assert gender.cell(HEADER_ROW + 2, c1 + 2).number_format == "0.0%"

    indicators = book["5 Chỉ tiêu"]
    assert header(indicators)[:7] == ["STT", "Mã", "Chỉ tiêu", "Đơn vị tính", "Mục tiêu",
                                     "Căn cứ pháp lý", "Kỳ này"]
    data = book["9 Dữ liệu chi tiết"]
    assert header(data, 1)[:9] == ["Mã lượt kiểm tra", "Đợt kiểm tra", "Đoàn kiểm tra",
                                   "Mã đơn vị", "Đơn vị được kiểm tra", "Loại đơn vị", "Số liệu",
                                   "Phần", "Mã mục"]
    assert data.freeze_panes == "A2"

    # pandas reads the same tables
    units_frame = frame(response.data, "2 Danh sách đơn vị")
    assert len(units_frame[units_frame["STT"].notna() & units_frame["Mã đơn vị"].notna()]) == 12
    long = frame(response.data, "9 Dữ liệu chi tiết", header=0)
    assert set(long["Mã mục"]) >= {"A1", "C1", "H2"}
    assert set(long["Số liệu"]) == {"Chính thức"}


def test_totals_are_sums_and_shares_come_from_sums(app, coordinator):
    finalize_team1(app, {
        0: base_answers(C1={"male": 90, "female": 10}),   # 10 %
        1: base_answers(C1={"male": 1, "female": 9}),     # 90 %
        2: base_answers(C1={"male": 0, "female": 0}),     # no share
    })
    with app.app_context():
        campaign_id = demo_campaign().id
    data = download(coordinator, campaign_url(campaign_id)).data
    book = read(data)
    gender = book["4 Số liệu tách biệt giới"]
    c1 = column_index(gender, "C1. Tổng số cán bộ, công chức, viên chức và người lao động (CBCCVC-NLĐ)")
    first = HEADER_ROW + 2
    rows = list(gender.iter_rows(min_row=first, max_row=first + 2, values_only=True))
    assert sorted((r[c1 - 1], r[c1]) for r in rows) == [(0, 0), (10, 9), (100, 10)]
    total_row = first + 3
    assert gender.cell(total_row, 2).value == "Toàn tỉnh"
    assert gender.cell(total_row, c1).value == 110
    assert gender.cell(total_row, c1 + 1).value == 19
    assert gender.cell(total_row, c1 + 2).value == pytest.approx(19 / 110)  # not (10% + 90%) / 2

    # the same through pandas: the total equals the sum of the unit rows
    table = frame(data, "4 Số liệu tách biệt giới", header=[HEADER_ROW - 1, HEADER_ROW])
    label = "C1. Tổng số cán bộ, công chức, viên chức và người lao động (CBCCVC-NLĐ)"
    total_col = table[(label, "Tổng số")]
    women_col = table[(label, "Trong đó: Nữ")]
    unit_rows = table[table.iloc[:, 0].notna()]
    assert unit_rows[(label, "Tổng số")].sum() == 110 == total_col[3]
    assert unit_rows[(label, "Trong đó: Nữ")].sum() == 19 == women_col[3]

    indicators = read(data)["5 Chỉ tiêu"]
    i1 = next(row for row in indicators.iter_rows(min_row=HEADER_ROW + 1) if row[1].value == "I1")
    assert i1[6].value == pytest.approx(19 / 110)
    assert i1[6].number_format == "0.0%"
    assert (i1[7].value, i1[8].value) == (19, 110)

    communication = book["7 Truyền thông"]
    total_col = column_index(communication, "Tổng số hoạt động")
    unit_totals = [communication.cell(r, total_col).value for r in range(first, first + 3)]
    assert unit_totals == [11, 11, 11]
    assert communication.cell(total_row, total_col).value == 33


def test_met_and_not_met_are_coloured(app, coordinator):
    finalize_team1(app, {0: base_answers(C4={"male": 8, "female": 2}),      # 20 %: met
                         1: base_answers(C4={"male": 9, "female": 1})})     # 10 %: not met
    with app.app_context():
        campaign_id = demo_campaign().id
    book = read(download(coordinator, campaign_url(campaign_id)).data)
    indicators = book["5 Chỉ tiêu"]
    rows = {row[1].value: row for row in indicators.iter_rows(min_row=HEADER_ROW + 1)
            if row[1].value}
    i5 = rows["I5"]
    assert i5[6].value == pytest.approx(3 / 20)
    assert i5[10].value == "Không đạt"
    assert i5[10].fill.fgColor.rgb.endswith("FFC7CE")
    assert (i5[11].value, i5[12].value) == (1, 2)  # one unit of two meets 20 %
    assert rows["I6"][10].value == "Đạt" and rows["I6"][10].fill.fgColor.rgb.endswith("C6EFCE")
    assert rows["I1"][9].value == "—"  # no previous period

    ynp = book["3 Tổng hợp theo đơn vị"]
    a1 = column_index(ynp, "A1. Ban hành kế hoạch hằng năm về bình đẳng giới và vì sự tiến bộ của phụ nữ")
    assert ynp.cell(HEADER_ROW + 1, a1).value == "Có"
    assert ynp.cell(HEADER_ROW + 1, a1).fill.fgColor.rgb.endswith("C6EFCE")
    d1 = [c.value for c in ynp[HEADER_ROW]].index(
        "D1. Nội quy, quy chế của đơn vị có điều khoản phân biệt đối xử về giới") + 1
    assert ynp.cell(HEADER_ROW + 1, d1).value == "Không"  # expected answer: compliant, green
    assert ynp.cell(HEADER_ROW + 1, d1).fill.fgColor.rgb.endswith("C6EFCE")
    yes_row = next(r for r in ynp.iter_rows(min_row=HEADER_ROW + 1)
                   if r[1].value == "Số đơn vị trả lời Có")
    assert yes_row[a1 - 1].value == 2


INJECTIONS = ["=1+1", "=HYPERLINK(\"http://example.com\",\"bấm vào\")", "+41 22 555", "-3",
              "@SUM(A1:A2)", "#N/A", "=cmd|' /C calc'!A0", "  =indented"]


def test_user_text_stays_text(app, coordinator):
    with app.app_context():
        visits = team_visits("lead1")
        visits[0].unit.name = INJECTIONS[6]
        finalize(visits[0], base_answers(H2=INJECTIONS[0], H3=INJECTIONS[1], H4=INJECTIONS[2],
                                         H5=INJECTIONS[3], C11_text=INJECTIONS[4],
                                         D6_penalties=INJECTIONS[5],
                                         B1_decision=INJECTIONS[7]))
        db.session.add(Shortcoming(visit_id=visits[0].id, section="A", text="@chưa làm",
                                   cause="-thiếu kinh phí"))
        db.session.add(Recommendation(visit_id=visits[0].id, section="A", text="=ban hành ngay",
                                      responsible="+Giám đốc sở"))
        db.session.commit()
        campaign_id = demo_campaign().id
    data = download(coordinator, campaign_url(campaign_id)).data
    book = read(data)
    long = book["9 Dữ liệu chi tiết"]
    text_col = column_index(long, "Giá trị chữ", 1)
    found = {}
    for row in long.iter_rows(min_row=2):
        cell = row[text_col - 1]
        if cell.value in INJECTIONS:
            found[cell.value] = cell.data_type
    assert set(found) == set(INJECTIONS) - {INJECTIONS[6]}
    assert set(found.values()) == {"s"}
    formula_like = [row[text_col - 1] for row in long.iter_rows(min_row=2)
                    if str(row[text_col - 1].value).startswith("=")]
    assert formula_like and all(cell.quotePrefix for cell in formula_like)  # stays text on edit
    unit_col = column_index(long, "Đơn vị được kiểm tra", 1)
    names = {row[unit_col - 1].value for row in long.iter_rows(min_row=2)}
    assert names == {INJECTIONS[6]}  # the same safe cell on every row of the visit
    units = book["2 Danh sách đơn vị"]
    name_cell = next(row[1] for row in units.iter_rows(min_row=HEADER_ROW + 1)
                     if row[1].value == INJECTIONS[6])
    assert name_cell.data_type == "s"
    findings = book["6 Tồn tại, kiến nghị"]
    row = [c for c in findings[HEADER_ROW + 1]]
    assert [row[5].value, row[7].value, row[8].value, row[9].value] == [
        "@chưa làm", "-thiếu kinh phí", "=ban hành ngay", "+Giám đốc sở"]
    assert {row[5].data_type, row[7].data_type, row[8].data_type, row[9].data_type} == {"s"}
    # pandas (a second reader) sees the same strings, not computed values ("#N/A" is text
    # too: only pandas' own default would read it as missing)
    long_frame = frame(data, "9 Dữ liệu chi tiết", header=0, keep_default_na=False)
    assert set(INJECTIONS) - {INJECTIONS[6]} <= set(long_frame["Giá trị chữ"])


def test_vietnamese_text_and_long_text(app, coordinator):
    vietnamese = "Đẩy mạnh bình đẳng giới — ưu tiên cán bộ nữ, tỷ lệ ≥ 35%; ổn định, vững chắc ỹ"
    long_text = "Tồn tại " + "x" * 40_000
    with app.app_context():
        visits = team_visits("lead1")
        finalize(visits[0], base_answers(H2=vietnamese, H3=long_text, H4="a\x01b\x1fc\x0bd"))
        db.session.commit()
        campaign_id = demo_campaign().id
    data = download(coordinator, campaign_url(campaign_id)).data
    long = read(data)["9 Dữ liệu chi tiết"]
    code_col = column_index(long, "Mã mục", 1)
    text_col = column_index(long, "Giá trị chữ", 1)
    by_code = {row[code_col - 1].value: row[text_col - 1].value for row in long.iter_rows(min_row=2)}
    assert by_code["H2"] == vietnamese
    cut = by_code["H3"]
    assert len(cut) <= 32_767
    assert cut.startswith("Tồn tại xxxx")
    assert cut.endswith("xem toàn văn trên hệ thống]")
    assert "ĐÃ CẮT BỚT" in cut
    assert by_code["H4"] == "abcd"  # characters Excel cannot hold are dropped, not fatal
    pandas_long = frame(data, "9 Dữ liệu chi tiết", header=0)
    assert vietnamese in set(pandas_long["Giá trị chữ"].dropna())


def test_a_table_past_the_row_limit_continues_on_a_new_sheet(app, runner, demo, tmp_path):
    finalize_team1(app, {i: base_answers() for i in range(6)})
    with app.app_context():
        campaign_id = demo_campaign().id
    out = tmp_path / "small.xlsx"
    result = runner.invoke(args=["export-report", "--campaign", str(campaign_id), "--out", str(out),
                                 "--max-rows", "60"])
    assert result.exit_code == 0, result.output
    book = read(out.read_bytes())
    names = book.sheetnames
    assert names.index("9 Dữ liệu chi tiết (2)") == names.index("9 Dữ liệu chi tiết") + 1
    pieces = [name for name in names if name.startswith("9 Dữ liệu chi tiết")]
    assert len(pieces) > 3
    headers = {tuple(c.value for c in book[name][1]) for name in pieces}
    assert len(headers) == 1  # every continuation repeats the header
    rows = sum(book[name].max_row - 1 for name in pieces)
    assert f"{rows} data rows" in result.output
    assert all(book[name].max_row <= 60 for name in names)
    # the rows run on across the pieces: no row lost, none repeated
    keys = [(row[0], row[8], row[9]) for name in pieces
            for row in book[name].iter_rows(min_row=2, values_only=True)]
    assert len(keys) == len(set(keys)) == rows
    with app.app_context():
        finals = len([v for v in team_visits("lead1") if v.status == "final"])
    assert len({key[0] for key in keys}) == finals == 6


def test_framed_table_spills_with_frame_header_and_signatures_on_the_last_piece(app, demo):
    from inspections.reports import services
    from inspections.reports.consolidated import write_consolidated_workbook

    with app.app_context():
        extra = [add_unit(f"XA-{i}", f"UBND xã Số {i}", "commune") for i in range(40)]
        team = team_visits("lead1")[0].team
        for unit in extra:
            db.session.add(Visit(team_id=team.id, unit_id=unit.id, status="planned"))
        db.session.commit()
        scope = services.campaign_scope(demo_campaign(), None)
        path = app.instance_path + "/spill.xlsx"
        with app.test_request_context():
            write_consolidated_workbook(scope, path, max_rows=40)
    book = read(open(path, "rb").read())
    pieces = [name for name in book.sheetnames if name.startswith("2 Danh sách đơn vị")]
    assert pieces[:2] == ["2 Danh sách đơn vị", "2 Danh sách đơn vị (2)"]
    listed = []
    for index, name in enumerate(pieces):
        ws = book[name]
        assert header(ws)[1] == "Đơn vị được kiểm tra"
        assert ws["A4"].value.endswith("(tiếp theo)") == (index > 0)
        listed += [row[1] for row in rows_after_header(ws)]
        texts = [c.value for row in ws.iter_rows() for c in row]
        assert ("NGƯỜI LẬP BIỂU" in texts) == (index == len(pieces) - 1)
    assert len(listed) == 52 and len(set(listed)) == 52


def test_empty_campaign_says_why(app, coordinator):
    from inspections.models import Campaign

    with app.app_context():
        demo = demo_campaign()
        empty = Campaign(name="Đợt trống", year=2026, period="mid_year", deadline=demo.deadline,
                         template_id=demo.template_id, target_set_id=demo.target_set_id,
                         issuing_body="")
        db.session.add(empty)
        db.session.commit()
        empty_id, demo_id = empty.id, demo.id
    data = download(coordinator, campaign_url(empty_id)).data
    book = read(data)
    assert book.sheetnames == SHEETS
    general = [c.value for row in book["1 Thông tin chung"].iter_rows() for c in row if c.value]
    assert any("chưa có lượt kiểm tra nào được lên lịch" in str(v) for v in general)
    # no issuing body of its own: the organisation's
    assert [book["1 Thông tin chung"][c].value for c in ("A1", "A2")] == ["UBND TỈNH HÒA AN", "SỞ NỘI VỤ"]
    assert "Không có số liệu" in str(book["3 Tổng hợp theo đơn vị"].cell(HEADER_ROW + 1, 2).value)

    # visits exist but none is final yet: also valid, also says why
    book = read(download(coordinator, campaign_url(demo_id)).data)
    general = [c.value for row in book["1 Thông tin chung"].iter_rows() for c in row if c.value]
    assert any("Chưa có biên bản kiểm tra nào hoàn thành" in str(v) for v in general)
    assert len(rows_after_header(book["2 Danh sách đơn vị"])) == 12
    assert all(row[10] == "Chưa tính" for row in rows_after_header(book["2 Danh sách đơn vị"]))


def test_provisional_data_is_opt_in_and_marked(app, coordinator):
    with app.app_context():
        visits = team_visits("lead1")
        finalize(visits[0], base_answers(C1={"male": 50, "female": 50}))
        submit(visits[1], "inspector1", {"A1": "yes", "C1": {"male": 10, "female": 30}})
        submit(visits[1], "inspector2", {"A1": "yes", "C1": {"male": 10, "female": 30}})
        db.session.commit()
        campaign_id = demo_campaign().id
        open_unit = visits[1].unit.name

    final_only = read(download(coordinator, campaign_url(campaign_id)).data)
    units = {row[1]: row for row in rows_after_header(final_only["2 Danh sách đơn vị"])}
    assert units[open_unit][10] == "Chưa tính"
    assert len(rows_after_header(final_only["3 Tổng hợp theo đơn vị"])) == 1
    general = [c.value for row in final_only["1 Thông tin chung"].iter_rows() for c in row if c.value]
    assert any(str(v).startswith("Chỉ tính 1 biên bản đã hoàn thành") for v in general)
    assert open_unit in general  # listed among the visits still open

    response = download(coordinator, campaign_url(campaign_id, provisional=True))
    assert "t%E1%BA%A1m%20th%E1%BB%9Di" in response.headers["Content-Disposition"]  # "tạm thời"
    book = read(response.data)
    general_sheet = book["1 Thông tin chung"]
    assert general_sheet["A6"].value.startswith("CÓ SỐ LIỆU TẠM THỜI")
    general = [c.value for row in general_sheet.iter_rows() for c in row if c.value]
    assert any(str(v).startswith("SỐ LIỆU TẠM THỜI") for v in general)
    units = {row[1]: row for row in rows_after_header(book["2 Danh sách đơn vị"])}
    assert units[open_unit][10] == "Tạm thời"
    gender = book["4 Số liệu tách biệt giới"]
    marks = {row[1]: row[4] for row in rows_after_header(gender, HEADER_ROW + 1)}
    assert marks[open_unit] == "Tạm thời" and set(marks.values()) == {"Tạm thời", "Chính thức"}
    c1 = column_index(gender, "C1. Tổng số cán bộ, công chức, viên chức và người lao động (CBCCVC-NLĐ)")
    total_row = HEADER_ROW + 2 + 2  # one final and one provisional unit; planned ones have no data
    assert gender.cell(total_row, c1).value == 140 and gender.cell(total_row, c1 + 1).value == 80
    long = frame(response.data, "9 Dữ liệu chi tiết", header=0)
    open_rows = long[long["Đơn vị được kiểm tra"] == open_unit]
    assert set(open_rows["Số liệu"]) == {"Tạm thời"}
    assert set(open_rows["Nguồn"]) == {"Thống nhất"}
    assert set(open_rows["Người quyết định"]) == {"Phạm Thị Lan, Hoàng Văn Đức"}


def test_previous_period_is_shown_beside_this_one(app, coordinator):
    from datetime import date

    from inspections.models import Campaign, Team

    with app.app_context():
        demo = demo_campaign()
        before = Campaign(name="Đợt năm 2025", year=2025, period="annual", deadline=date(2025, 12, 10),
                          template_id=demo.template_id, target_set_id=demo.target_set_id)
        db.session.add(before)
        db.session.flush()
        team = Team(campaign_id=before.id, name="Đoàn 2025", lead_id=demo.teams[0].lead_id)
        db.session.add(team)
        db.session.flush()
        old = Visit(team_id=team.id, unit_id=team_visits("lead1")[0].unit_id, status="planned")
        db.session.add(old)
        db.session.flush()
        finalize(old, {"C1": {"male": 3, "female": 1}})
        finalize(team_visits("lead1")[0], base_answers())
        db.session.commit()
        campaign_id = demo.id
    book = read(download(coordinator, campaign_url(campaign_id)).data)
    indicators = book["5 Chỉ tiêu"]
    assert header(indicators)[9] == "Kỳ trước (Năm 2025)"
    i1 = next(r for r in indicators.iter_rows(min_row=HEADER_ROW + 1, values_only=True) if r[1] == "I1")
    assert i1[9] == pytest.approx(0.25)
    general = [c.value for row in book["1 Thông tin chung"].iter_rows() for c in row if c.value]
    assert "Năm 2025" in general


def test_content_disposition_has_ascii_and_utf8_names(app, coordinator):
    with app.app_context():
        campaign_id = demo_campaign().id
    response = download(coordinator, campaign_url(campaign_id))
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith('attachment; filename="Tong hop kiem tra binh dang gioi - nam 2026')
    assert "filename*=UTF-8''" in disposition
    utf8 = unquote(disposition.split("filename*=UTF-8''")[1])
    assert utf8 == f"Tổng hợp kiểm tra bình đẳng giới - năm 2026 - đợt {campaign_id}.xlsx"
    assert disposition.split('filename="')[1].split('"')[0].isascii()
    assert response.headers["Cache-Control"] == "private, no-store"
