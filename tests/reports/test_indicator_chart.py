"""Sheet 5b of the campaign workbook: the indicators beside their targets and a native Excel
bar chart drawn from those cells (openpyxl's write-only worksheets keep add_chart), read back
with openpyxl and from the .xlsx package itself."""
from __future__ import annotations

import io
import re
import zipfile

import pytest

from inspections.extensions import db

from .conftest import base_answers, campaign_url, demo_campaign, download, finalize, read, team_visits

SHEET = "5b Biểu đồ chỉ tiêu"


def test_the_workbook_has_a_native_chart_of_indicators_against_targets(app, coordinator):
    with app.app_context():
        visits = team_visits("lead1")
        finalize(visits[0], base_answers(C2={"male": 2, "female": 1}))
        finalize(visits[1], base_answers(C2={"male": 4, "female": 0}))
        db.session.commit()
        campaign_id = demo_campaign().id
    data = download(coordinator, campaign_url(campaign_id)).data
    book = read(data)
    names = book.sheetnames
    assert names.index(SHEET) == names.index("5 Chỉ tiêu") + 1
    ws = book[SHEET]
    assert ws["A1"].value == "CÁC CHỈ TIÊU SO VỚI MỤC TIÊU"
    assert [c.value for c in ws[4]][:4] == ["Mã", "Chỉ tiêu", "Kỳ này", "Mức mục tiêu"]
    rows = {row[0]: row for row in ws.iter_rows(min_row=5, max_col=4, values_only=True) if row[0]}
    assert rows["I2"][2] == pytest.approx(1 / 7, abs=1e-4) and rows["I2"][3] is None  # no target
    assert rows["I3"][2] == pytest.approx(0.5) and rows["I3"][3] == pytest.approx(0.75)  # ≥ 75 % by 2030
    assert ws.cell(row=5 + list(rows).index("I3"), column=3).number_format.endswith("%")
    # same figures as sheet 5
    indicators = {r[1]: r for r in book["5 Chỉ tiêu"].iter_rows(min_row=8, values_only=True) if r[1]}
    assert indicators["I3"][6] == pytest.approx(rows["I3"][2])

    [chart] = ws._charts  # openpyxl reads the chart back
    assert chart.tagname == "barChart" and chart.type == "bar"
    assert len(chart.series) == 2
    last = 4 + len(rows)
    refs = [s.val.numRef.f for s in chart.series]
    assert refs == [f"'{SHEET}'!$C$5:$C${last}", f"'{SHEET}'!$D$5:$D${last}"]
    assert chart.series[0].cat.numRef.f == f"'{SHEET}'!$A$5:$A${last}" or \
        chart.series[0].cat.strRef.f == f"'{SHEET}'!$A$5:$A${last}"

    with zipfile.ZipFile(io.BytesIO(data)) as package:
        charts = [n for n in package.namelist() if re.match(r"xl/charts/chart\d+\.xml$", n)]
        assert len(charts) == 1
        xml = package.read(charts[0]).decode("utf-8")
        assert "<barChart>" in xml and '<barDir val="bar"/>' in xml
        assert "CÁC CHỈ TIÊU SO VỚI MỤC TIÊU" in xml


def test_an_empty_campaign_gets_the_sheet_with_a_note_and_no_chart(app, coordinator):
    with app.app_context():
        campaign_id = demo_campaign().id
    book = read(download(coordinator, campaign_url(campaign_id)).data)
    ws = book[SHEET]
    assert not ws._charts
    texts = [c.value for row in ws.iter_rows(min_row=5) for c in row if isinstance(c.value, str)]
    assert any("Chưa có biên bản kiểm tra nào hoàn thành" in text for text in texts), texts
