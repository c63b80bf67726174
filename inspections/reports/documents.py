"""The Word documents of the reports feature: their data from the database, reusing what the
record page and the workbook compute, written by the pure builders of inspections.documents.

* the record and the notice start from :func:`inspections.record.build_record` — the same
  values, counts, members and findings the printed record shows;
* the report walks the visits with :func:`reports.consolidated.visit_answers` and adds them
  up with :class:`reports.consolidated.Tally` — the same pass, roll-up and sums as the
  consolidated workbook of the same scope, so the two never disagree — and takes the
  previous period from :func:`reports.consolidated.previous_indicator_results`.

Everything here runs in an app context and returns the plain dataclasses of documents.model;
the ``write_*`` functions at the end are what the routes and the command line call.
"""
from __future__ import annotations

import re
from collections import Counter
from datetime import date, datetime
from typing import Any, Optional
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import force_locale

from ..checklist.messages import UNIT_KIND_LABELS
from ..core.answers import number, share_text
from ..core.lifecycle import VisitState
from ..core.templates import core_target_set, core_template
from ..documents.layout import DOTS
from ..documents.model import (
    AnswerLine,
    Conclusions,
    CountLine,
    Decision,
    DiscrepancyLine,
    Frame,
    IndicatorLine,
    Person,
    Recommendation,
    ResultsReport,
    SectionResult,
    SectionTally,
    Shortcoming,
    TallyLine,
    TeamLine,
    VisitRecord,
)
from ..documents.word import write_conclusions, write_record, write_report
from ..models import Campaign, Visit
from ..organisation import issuing_body_for
from ..record import TEAM_ROLE_LABELS, build_record
from ..self_reports import discrepancies
from . import queries
from .consolidated import PROVISIONAL_STATES, ReportScope, Tally, previous_indicator_results, visit_answers
from .texts import workbook_texts

LANG = "vi"  # official documents are always Vietnamese
RECORD_SYMBOL = "BB-ĐKTLN"
NOTICE_SYMBOL = f"TB-{DOTS}"
REPORT_SYMBOL = f"BC-{DOTS}"
FINDINGS_PER_SECTION = 5  # the most frequent written shortcomings / recommendations shown
CAUSE_KINDS = {"internal": "chủ quan", "external": "khách quan"}
DRAFT_RECORD = "DỰ THẢO — cuộc kiểm tra chưa hoàn thành biên bản, nội dung có thể còn thay đổi"


def issuing_body(campaign: Campaign) -> tuple[str, str]:
    """(parent, department) of the documents a campaign issues.

    Both come from the organisation settings (``organisation.issuing_body_for``), which a
    campaign may override.
    """
    body = issuing_body_for(campaign)
    return body.parent, body.department


def _local(moment: Optional[datetime]) -> Optional[datetime]:
    """A stored UTC time as the province's wall-clock time (what the record prints)."""
    if moment is None:
        return None
    zone = ZoneInfo(current_app.config.get("BABEL_DEFAULT_TIMEZONE") or "Asia/Ho_Chi_Minh")
    return moment.astimezone(zone).replace(tzinfo=None)


# -- 1 and 2: one visit ---------------------------------------------------------------------------

def visit_record(visit: Visit) -> VisitRecord:
    """Biên bản kiểm tra of ``visit`` (its provisional merge, marked, when it is not final)."""
    with force_locale(LANG):
        record = build_record(visit, LANG)
        campaign = visit.team.campaign
        template = core_template(campaign.template)
        sections = {section.code: section.title(LANG) for section in template.sections}
        parent, department = issuing_body(campaign)
        roles = {key: str(value) for key, value in TEAM_ROLE_LABELS.items()}
        members = [Person(m.name, roles.get(m.role, m.role), m.agency) for m in record.members]
        secretary = next((m.name for m in record.members if m.role == "secretary"), None)
        report = record.report
        return VisitRecord(
            frame=Frame(parent=department, department=visit.team.name,
                        number=record.record_number, number_suffix=RECORD_SYMBOL,
                        place=issuing_body_for(campaign).province, day=record.day,
                        year=campaign.year,
                        draft="" if record.final else DRAFT_RECORD),
            campaign=campaign.name, unit_name=visit.unit.name, unit_address=visit.unit.address or "",
            team_name=visit.team.name,
            decision=Decision(visit.team.decision_number or "", visit.team.decision_date),
            members=members, lead_name=record.lead_name,
            sections=[SectionResult(
                section.title,
                [AnswerLine(row.label, _or_dots(row.text)) for row in section.rows],
                [CountLine(row.label, row.total, row.female, row.share) for row in section.counts])
                for section in record.sections],
            achievements=(report.achievements if report else "") or "",
            shortcomings=[_shortcoming(row, sections) for row in record.shortcomings],
            recommendations=[_recommendation(row, sections) for row in record.recommendations],
            conclusion=(report.conclusion if report else "") or "",
            visit_day=visit.planned_date,
            secretary=record.secretary or secretary,
            meeting_start=_local(report.meeting_at) if report else None,
            meeting_place=(report.meeting_place or None) if report else None,
            unit_representatives=[Person(p.get("name", ""), p.get("position", ""), "")
                                  for p in record.representatives] or None,
            copies=(report.copies or None) if report else None,
            discrepancies=[DiscrepancyLine(d.label, d.declared_text, d.verified_text, d.note or "")
                           for d in discrepancies(visit, LANG)],
        )


def conclusions(visit: Visit) -> Conclusions:
    """Thông báo kết luận kiểm tra of ``visit``: the department to the unit."""
    record = visit_record(visit)
    campaign = visit.team.campaign
    parent, department = issuing_body(campaign)
    template = core_template(campaign.template)
    deadlines = [row.deadline for row in record.recommendations if row.deadline]
    return Conclusions(
        frame=Frame(parent=parent, department=department, number="", number_suffix=NOTICE_SYMBOL,
                    place=issuing_body_for(campaign).province, day=None, year=date.today().year,
                    draft=record.frame.draft),
        campaign=campaign.name, unit_name=record.unit_name, team_name=record.team_name,
        decision=record.decision, record_number=visit.record_number or "",
        visit_day=visit.planned_date,
        checked=[section.title(LANG) for section, _items in template.sections_for(visit.unit.kind)],
        achievements=record.achievements, shortcomings=record.shortcomings,
        recommendations=record.recommendations,
        report_by=max(deadlines) if deadlines else None)


def _shortcoming(row, sections: dict[str, str]) -> Shortcoming:
    return Shortcoming(row.text or "", sections.get(row.section or "", ""),
                       CAUSE_KINDS.get(row.cause_kind or "", ""), row.cause or "")


def _recommendation(row, sections: dict[str, str]) -> Recommendation:
    return Recommendation(row.text or "", sections.get(row.section or "", ""),
                          row.responsible or "", row.remedy_deadline)


# -- 3: a campaign or a reporting period ----------------------------------------------------------

def results_report(scope: ReportScope) -> ResultsReport:
    """Báo cáo kết quả kiểm tra over ``scope`` (the scope of the workbook of the same download)."""
    with force_locale(LANG):
        return _Report(scope).build()


class _Report:
    def __init__(self, scope: ReportScope):
        self.scope = scope
        self.t = workbook_texts(LANG)
        self.primary = (max(scope.campaigns, key=lambda c: (c.year, c.id))
                        if scope.campaigns else None)
        self.template: Any = core_template(self.primary.template) if self.primary else None
        self.targets = core_target_set(self.primary.target_set) if self.primary else None

    def build(self) -> ResultsReport:
        t, scope, template = self.t, self.scope, self.template
        period_words = f"{_period_words(scope.period)} {scope.year}"
        if scope.kind == "campaign" and scope.campaigns:
            subject = scope.campaigns[0].name
        else:
            subject = period_words
        parent, department = issuing_body(self.primary) if self.primary else ("", "")
        counts = queries.status_counts(scope.visit_filter) if scope.campaigns else {}
        tally = (Tally(template, self.targets, scope.year,
                       on_time_rule=(self.primary.on_time_rule if self.primary else "on_or_before"))
                 if template else None)
        team_units: Counter = Counter()
        final = provisional = 0
        for entry in visit_answers(scope):
            if not entry.included or tally is None:
                continue
            tally.add(entry.visit.unit_kind, entry.answers, entry.visit.team_id)
            team_units[entry.visit.team_id] += 1
            final += entry.final
            provisional += not entry.final
        counted = final + provisional
        teams = queries.teams([c.id for c in scope.campaigns], scope.team_ids) \
            if scope.campaigns else {}
        previous_label = ""
        if scope.previous_campaigns:
            first = scope.previous_campaigns[0]
            previous_label = f"kỳ trước ({_period_words(first.period)} {first.year})"
        provisional_note = ""
        if provisional:
            provisional_note = (f"SỐ LIỆU TẠM THỜI: báo cáo gồm số liệu của {provisional} cuộc "
                                "kiểm tra chưa hoàn thành biên bản (bên cạnh "
                                f"{final} biên bản đã hoàn thành); các số liệu này có thể "
                                "còn thay đổi.")
        report = ResultsReport(
            frame=Frame(parent=parent, department=department, number="",
                        number_suffix=REPORT_SYMBOL, place=issuing_body_for(self.primary).province, day=None,
                        year=date.today().year,
                        draft="SỐ LIỆU TẠM THỜI" if provisional else ""),
            subject=subject, period_label=period_words,
            campaigns=[c.name for c in scope.campaigns],
            dates=_dates(scope.campaigns[0]) if len(scope.campaigns) == 1 else "",
            units_planned=sum(counts.values()), units_counted=counted, units_final=final,
            units_provisional=provisional,
            units_by_kind=[(t.unit_kinds.get(kind, kind), tally.unit_kinds[kind])
                           for kind in _kind_order(tally)] if tally else [],
            teams=[TeamLine(team.name, Decision(team.decision_number, team.decision_date),
                            team.lead_name, team_units.get(team.id, 0))
                   for team in teams.values() if team_units.get(team.id)],
            indicators=[], previous_label=previous_label, counts=[], sections=[],
            recommendations=[], provisional_note=provisional_note,
            empty_note=self.empty_note(counts, counted),
            scope_note=(t.scope_teams % {"teams": ", ".join(team.name for team in teams.values())}
                        if scope.team_ids is not None else ""))
        if tally is None or counted == 0:
            return report
        previous = previous_indicator_results(scope, template, self.targets)
        report.indicators = [self.indicator_line(result, previous.get(result.code))
                             for result in tally.rollup.results()]
        report.counts = [self.count_line(item, *tally.mf_sums[item.code])
                         for item in tally.mf_items if tally.mf_sums[item.code][2]]
        shortcomings, recommendations = self.written_findings()
        for section in template.sections:
            achieved, not_achieved = [], []
            for item in section.items:
                if item.type != "ynp" or item.code not in tally.ynp_counts:
                    continue
                answers = tally.ynp_counts[item.code]
                answered = sum(n for value, n in answers.items() if value != "na")
                if not answered:
                    continue
                good = answers.get(item.compliant_value, 0)
                partial = answers.get("partial", 0)
                label = item.label(LANG)
                if good:
                    achieved.append(TallyLine(label, good, answered))
                if answered - good:
                    note = f"trong đó {partial} đơn vị thực hiện một phần" if partial else ""
                    not_achieved.append(TallyLine(label, answered - good, answered, note))
            not_achieved.sort(key=lambda line: -line.units)
            title = section.title(LANG)
            report.sections.append(SectionTally(title, achieved, not_achieved,
                                                shortcomings.get(section.code, [])))
            if recommendations.get(section.code):
                report.recommendations.append(SectionTally(title,
                                                           recorded=recommendations[section.code]))
        if shortcomings.get(""):
            report.sections.append(SectionTally("Nội dung khác", recorded=shortcomings[""]))
        if recommendations.get(""):
            report.recommendations.append(SectionTally("Nội dung khác",
                                                       recorded=recommendations[""]))
        return report

    def empty_note(self, counts: dict[str, int], counted: int) -> str:
        t = self.t
        if not self.scope.campaigns:
            return t.empty_no_campaign
        if not counts:
            return t.empty_no_visits
        if counted == 0:
            return t.empty_none_final if not self.scope.include_provisional else t.empty_no_data
        return ""

    def indicator_line(self, result, before) -> IndicatorLine:
        indicator = self.template.indicator(result.code)
        return IndicatorLine(
            label=result.label(LANG), value=_indicator_value(result),
            numerator=_number(result.numerator), denominator=_number(result.denominator),
            of_units=indicator.unit == "yes/no", target=result.target(LANG) or "",
            status=self.t.statuses.get(result.status, result.status),
            previous=_indicator_value(before) if before is not None else "")

    def count_line(self, item, total: int, women: int, units: int) -> CountLine:
        return CountLine(item.label(LANG), number(total, LANG),
                         number(women, LANG),
                         share_text(women, total, LANG), str(units))

    def written_findings(self) -> tuple[dict[str, list[TallyLine]], dict[str, list[TallyLine]]]:
        """The shortcomings and recommendations the teams wrote, the same text counted once per
        unit, the most frequent first (at most ``FINDINGS_PER_SECTION`` per section)."""
        flt = self.scope.visit_filter
        flt = (flt.only(VisitState.FINAL, *PROVISIONAL_STATES) if self.scope.include_provisional
               else flt.only(VisitState.FINAL))
        known = {section.code for section in self.template.sections}
        tallies: tuple[Counter, Counter] = (Counter(), Counter())
        shown: dict[tuple[int, str, str], str] = {}
        seen: set[tuple[int, str, str]] = set()
        current = None
        for row in queries.findings(flt):
            if row.visit_id != current:
                current, seen = row.visit_id, set()
            section = row.section if row.section in known else ""
            key = (int(row.kind), section, _normal(row.text))
            if not key[2] or key in seen:
                continue
            seen.add(key)
            tallies[int(row.kind)][key] += 1
            shown.setdefault(key, " ".join((row.text or "").split()))
        out: tuple[dict, dict] = ({}, {})
        for kind in (0, 1):
            ranked = sorted(tallies[kind].items(), key=lambda kv: (-kv[1], shown[kv[0]]))
            for (row_kind, section, _text), units in ranked:
                lines = out[kind].setdefault(section, [])
                if len(lines) < FINDINGS_PER_SECTION:
                    lines.append(TallyLine(shown[(row_kind, section, _text)], units))
        return out[0], out[1]


def _or_dots(text: str) -> str:
    """An unanswered item ("—" on the record page) is left for a person to fill in."""
    return DOTS if not text or text == "—" else text


def _normal(text: Optional[str]) -> str:
    return re.sub(r"[\s.;,:!]+$", "", " ".join((text or "").split()).casefold())


def _number(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return number(value, LANG)


def _indicator_value(result) -> str:
    if result is None or result.value is None:
        return ""
    if isinstance(result.value, bool):
        return "Có" if result.value else "Không"
    if result.unit == "%":
        return f"{result.value:.1f}".replace(".", ",") + "%"
    return f"{result.value:.2f}".replace(".", ",")


def _period_words(period: str) -> str:
    return {"mid_year": "6 tháng đầu năm", "annual": "năm"}.get(period, period)


def _dates(campaign: Campaign) -> str:
    days = [d.strftime("%d/%m/%Y") for d in (campaign.start_date, campaign.end_date) if d]
    return " - ".join(days)


def _kind_order(tally: Tally) -> list[str]:
    known = [kind for kind in UNIT_KIND_LABELS if tally.unit_kinds.get(kind)]
    return known + sorted(kind for kind in tally.unit_kinds if kind not in UNIT_KIND_LABELS)


# -- the files -------------------------------------------------------------------------------------

def write_visit_record(visit: Visit, out) -> None:
    """Biên bản kiểm tra of ``visit`` to ``out`` (a path or a binary file)."""
    write_record(visit_record(visit), out)


def write_visit_conclusions(visit: Visit, out) -> None:
    """Thông báo kết luận kiểm tra of ``visit`` to ``out``."""
    write_conclusions(conclusions(visit), out)


def write_results_report(scope: ReportScope, out) -> ResultsReport:
    """Báo cáo kết quả kiểm tra of a campaign or period ``scope`` to ``out``; returns its data."""
    report = results_report(scope)
    write_report(report, out)
    return report
