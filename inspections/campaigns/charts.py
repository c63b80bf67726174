"""Pictures for the coordinator's dashboard, drawn on the server as SVG geometry.

No chart library and no script: the app's Content Security Policy allows neither inline
scripts nor style attributes, so the template draws plain <rect>/<line>/<text> elements from
the numbers computed here (positions and widths as attributes, colours by CSS class), and the
same numbers are given as a table for screen readers and for anyone who would rather read.

- progress by team: for each team, how many of its visits are planned, in progress, being
  merged and final, as one stacked bar (the bar is the team's visits, 100 %);
- indicators against targets: each percentage indicator over the campaign's *final* visits
  (what the workbook counts), a bar from 0 to 100 % with the target as a marker.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional

from babel.numbers import format_decimal
from sqlalchemy import select

from ..checklist import IndicatorRollup
from ..core.lifecycle import STATES, VisitState, is_final
from ..core.templates import core_target_set, core_template
from ..extensions import db
from ..models import Campaign, Resolution, Team, Visit

STATE_ORDER = tuple(reversed(STATES))  # final first

# Geometry shared with the template (user units of the viewBox).
WIDTH = 720
LABEL_WIDTH = 250  # names on the left
BAR_WIDTH = 330
ROW_HEIGHT = 34
BAR_HEIGHT = 18
TOP = 8


@dataclass
class Segment:
    state: str
    count: int
    x: float
    width: float


@dataclass
class TeamBar:
    team: Team
    total: int
    final: int
    segments: list[Segment]
    y: float
    counts: dict[str, int] = field(default_factory=dict)


@dataclass
class IndicatorBar:
    code: str
    label: str
    value: Optional[float]  # percent, None: no data
    target: Optional[float]  # percent the target names (≥ / > / ≤ / <), None: no target
    target_text: str
    status: str  # met | not_met | no_data | no_target
    width: float  # bar length
    target_x: Optional[float]
    y: float
    numerator: Optional[float] = None
    denominator: Optional[float] = None
    value_text: str = "—"
    target_value_text: str = ""


@dataclass
class Charts:
    teams: list[TeamBar]
    team_height: float
    indicators: list[IndicatorBar]
    indicator_height: float
    final_visits: int
    geometry: dict[str, float] = field(default_factory=lambda: {
        "width": WIDTH, "label_width": LABEL_WIDTH, "bar_width": BAR_WIDTH,
        "row_height": ROW_HEIGHT, "bar_height": BAR_HEIGHT, "top": TOP})


def team_bars(teams: list[Team], visits: list[Visit]) -> tuple[list[TeamBar], float]:
    """One stacked bar per team, final first (on the left), planned last."""
    bars = []
    for index, team in enumerate(teams):
        own = [v for v in visits if v.team_id == team.id]
        counts = {state: sum(1 for v in own if v.status == state) for state in STATE_ORDER}
        total = len(own)
        x = float(LABEL_WIDTH)
        segments = []
        for state in STATE_ORDER:
            width = BAR_WIDTH * counts[state] / total if total else 0.0
            if counts[state]:
                segments.append(Segment(state, counts[state], round(x, 2), round(width, 2)))
            x += width
        bars.append(TeamBar(team, total, counts[VisitState.FINAL], segments, TOP + index * ROW_HEIGHT, counts))
    return bars, TOP * 2 + max(len(bars), 1) * ROW_HEIGHT


def target_percent(target) -> Optional[float]:
    """The number a target names, when it is a bound on a percentage."""
    if target is None or target.eq is not None:
        return None
    for bound in (target.ge, target.gt, target.le, target.lt):
        if bound is not None:
            return float(bound)
    return None


def percent_text(value: Optional[float], lang: str) -> str:
    if value is None:
        return "—"
    return format_decimal(round(value, 1), format="#,##0.0", locale="en" if lang == "en" else "vi") + " %"


def final_answers(visit_ids: list[int]) -> dict[int, dict[str, Any]]:
    """The final values (Resolution rows) of the given final visits, in one query."""
    answers: dict[int, dict[str, Any]] = {visit_id: {} for visit_id in visit_ids}
    if not visit_ids:
        return answers
    for visit_id, code, value in db.session.execute(
            select(Resolution.visit_id, Resolution.item_code, Resolution.value)
            .where(Resolution.visit_id.in_(visit_ids))):
        if value is not None:
            answers[visit_id][code] = value
    return answers


def indicator_bars(campaign: Campaign, visits: list[Visit], lang: str) -> tuple[list[IndicatorBar], float, int]:
    """Percentage indicators over the final visits, with their rolled-up targets."""
    template = core_template(campaign.template)
    targets = core_target_set(campaign.target_set) if campaign.target_set is not None else None
    finals = [v for v in visits if is_final(v)]
    rollup = IndicatorRollup(template, targets, year=campaign.year)
    kind_of = {v.id: v.unit.kind for v in finals}
    for visit_id, answers in final_answers(list(kind_of)).items():
        rollup.add(kind_of[visit_id], answers)
    bars: list[IndicatorBar] = []
    for result in rollup.results():
        if result.unit != "%":
            continue
        target = targets.target_for(result.code, "rollup", campaign.year) if targets else None
        bound = target_percent(target)
        value = result.value if isinstance(result.value, (int, float)) and not isinstance(result.value, bool) else None
        y = TOP + len(bars) * ROW_HEIGHT
        bars.append(IndicatorBar(
            code=result.code, label=result.label(lang), value=value, target=bound,
            target_text=result.target(lang) or "", status=result.status,
            width=round(BAR_WIDTH * min(max(value, 0.0), 100.0) / 100, 2) if value is not None else 0.0,
            target_x=(round(LABEL_WIDTH + BAR_WIDTH * min(max(bound, 0.0), 100.0) / 100, 2)
                      if bound is not None else None),
            y=y, numerator=result.numerator, denominator=result.denominator,
            value_text=percent_text(value, lang),
            target_value_text=percent_text(bound, lang) if bound is not None else ""))
    return bars, TOP * 2 + max(len(bars), 1) * ROW_HEIGHT, len(finals)


def build(campaign: Campaign, teams: list[Team], visits: list[Visit], lang: str) -> Charts:
    teams_drawn, team_height = team_bars(teams, visits)
    indicators, indicator_height, finals = indicator_bars(campaign, visits, lang)
    return Charts(teams_drawn, team_height, indicators, indicator_height, finals)
