"""The dashboard's pictures: progress by team and the indicators against their targets, drawn
on the server as SVG with a text alternative; visit rows link to their visit."""
from __future__ import annotations

import re

from inspections.extensions import db
from tests.desk import page_text
from tests.reports.conftest import base_answers, finalize, team_visits


def chart(page: str, name: str) -> str:
    return page.split(f'id="chart-{name}"')[1].split("</figure>")[0]


def test_progress_by_team_is_drawn_with_a_text_alternative(app, client, login_as, demo):
    with app.app_context():
        first, second, third = team_visits("lead1")[:3]
        finalize(first, base_answers())
        second.status = "merging"
        third.status = "in_progress"
        db.session.commit()
    login_as("coordinator")
    page = page_text(client.get("/campaigns/1"))
    teams = chart(page, "teams")
    svg = teams.split("<svg")[1].split("</svg>")[0]
    assert 'role="img"' in svg and 'aria-labelledby="chart-teams-title chart-teams-desc"' in svg
    assert "<script" not in page.split('id="charts"')[1] and "style=" not in page.split('id="charts"')[1]
    desc = svg.split("<desc")[1].split("</desc>")[0]
    assert "Đoàn kiểm tra liên ngành số 1: 1/6 cuộc kiểm tra đã kết luận, 1 đang tổng hợp" in desc
    assert "Đoàn kiểm tra liên ngành số 2: 0/6 cuộc kiểm tra đã kết luận, 6 đã lên lịch." in desc
    # team 1's bar: one final, one merging, one in progress, the rest planned; the widths add up
    segments = re.findall(r'<rect x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="18" class="seg seg-(\w+)" '
                          r'data-state="\w+" data-count="(\d+)"', svg)
    first_row = [s for s in segments if float(s[1]) == float(segments[0][1])]
    assert [(s[3], s[4]) for s in first_row][:3] == [("final", "1"), ("merging", "1"), ("in_progress", "1")]
    assert abs(sum(float(s[2]) for s in first_row) - 330) < 0.1
    table = teams.split("<table")[1].split("</table>")[0]
    assert "Đoàn kiểm tra liên ngành số 1</th><td>1</td><td>1</td><td>1</td><td>3</td><td>6</td>" in table
    # every visit row links to its visit
    for visit_id in re.findall(r'<tr data-visit-id="(\d+)"', page):
        assert f'href="/review/visits/{visit_id}"' in page


def test_indicators_are_drawn_against_their_targets(app, client, login_as, demo):
    with app.app_context():
        visits = team_visits("lead1")
        # C2 (unit leaders): 1 woman of 3 in one unit, none of 4 in the other -> I2 = 1 of 7 = 14.3 %,
        # and only one unit of two has a woman among its key leaders -> I3 = 50 % (target ≥ 75 %)
        finalize(visits[0], base_answers(C2={"male": 2, "female": 1}))
        finalize(visits[1], base_answers(C2={"male": 4, "female": 0}))
        visits[2].status = "merging"  # not final: not counted
        db.session.commit()
    login_as("coordinator")
    page = page_text(client.get("/campaigns/1"))
    indicators = chart(page, "indicators")
    assert "Tính trên 2 cuộc kiểm tra đã kết luận" in indicators
    svg = indicators.split("<svg")[1].split("</svg>")[0]
    assert 'role="img"' in svg and 'aria-labelledby="chart-indicators-title chart-indicators-desc"' in svg
    bars = {code: (float(width), status) for width, status, code in re.findall(
        r'<rect x="250" y="[\d.]+" width="([\d.]+)" height="18" class="ind ind-(\w+)" data-indicator="(\w+)"', svg)}
    assert bars["I2"] == (round(330 * 100 / 7 / 100, 2), "no_target")
    assert bars["I3"] == (165.0, "not_met")
    targets = dict(re.findall(r'<line x1="([\d.]+)"[^>]*class="chart-target" data-target="(\w+)"', svg))
    assert {code: x for x, code in targets.items()}["I3"] == "497.5"  # the 75 % mark
    desc = svg.split("<desc")[1].split("</desc>")[0]
    assert "I2 Tỷ lệ nữ trong lãnh đạo đơn vị: 14,3 %" in desc and "I3" in desc and "mục tiêu" in desc
    table = indicators.split("<table")[1].split("</table>")[0]
    i3 = table.split('data-indicator="I3"')[1].split("</tr>")[0]
    assert "50,0 %" in i3 and "≥ 75%" in i3
    assert "<script" not in page.split('id="charts"')[1] and "style=" not in page.split('id="charts"')[1]


def test_an_empty_campaign_draws_no_bars_and_claims_nothing(app, client, login_as, demo):
    login_as("coordinator")
    client.post("/campaigns/new", data={"name": "Đợt trống", "year": "2026", "period": "annual",
                                        "template_id": "1", "target_set_id": "1"})
    from sqlalchemy import select

    from inspections.models import Campaign
    with app.app_context():
        campaign_id = db.session.scalar(select(Campaign.id).where(Campaign.name == "Đợt trống"))
    assert campaign_id, "campaign not created"
    page = page_text(client.get(f"/campaigns/{campaign_id}"))
    assert "Mọi đơn vị đã lên kế hoạch đều đã được kiểm tra" not in page
    assert 'id="no-visits-planned"' in page
    assert '<rect x="250"' not in chart(page, "teams")
