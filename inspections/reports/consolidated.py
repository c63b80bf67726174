"""The consolidated workbook of a campaign or of a whole reporting period.

Sheets (see ../shared DOMAIN.md, "The consolidated workbook"): 1 general information,
2 inspected units, 3 checklist answers by unit, 4 sex-disaggregated data with a total row,
5 indicators against targets beside the previous period, 6 shortcomings and
recommendations, 7 communication, 8 evidence, and 9 a long data sheet (one row per unit ×
item × value, with where the value came from).

Memory does not grow with the number of visits: visits and their resolutions arrive in one
streamed, ordered query; one visit's answers are held at a time; totals and indicator
roll-ups are accumulated as the rows go by; every sheet streams to its own temporary file.

Only final visits feed the figures unless ``include_provisional`` is set; open visits are
then counted in, and every row they produce says "Provisional".
"""
from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone
from itertools import groupby
from typing import Any, Callable, Iterator, Optional

from flask_babel import force_locale
from openpyxl.chart import BarChart, Reference

from ..checklist import IndicatorRollup, unit_indicators
from ..checklist.validation import is_answered, usable_value
from ..core.clock import local_today
from ..core.lifecycle import OPEN_STATES, PROVISIONAL_STATES, VisitState, is_final
from ..core.templates import core_target_set, core_template
from ..core.values import visit_merge
from ..extensions import db
from ..models import Campaign, Visit
from ..organisation import issuing_body_for
from ..self_reports import compare, declared_by_visit_ids
from . import queries
from .queries import VisitFilter
from .texts import remedy_word, workbook_texts
from .xlsx import EXCEL_MAX_ROWS, Book, Column, Frame, Signatures, TableSheet, sheet_title

COMPLIANCE_FORMULA = "compliance()"
COMMUNICATION_KINDS = "E1"   # E1_meetings, E1_talks ... : activities by kind (int)
PARTICIPANTS = "E2"          # participants (mf)
# The sheet's own number; the organisation's form prefix goes before it (KTBĐG-01).
FORM_NUMBERS = {"general": "01", "units": "02", "ynp": "03", "gender": "04", "indicators": "05",
                "findings": "06", "communication": "07", "evidence": "08", "reconcile": "10"}


@dataclass
class ReportScope:
    """What a consolidated workbook covers and for whom."""

    kind: str  # "campaign" | "period"
    year: int
    period: str  # mid_year | annual
    campaigns: list[Campaign]
    team_ids: Optional[tuple[int, ...]] = None  # None: every team
    include_provisional: bool = False
    prepared_by: str = ""
    previous_team_ids: Optional[tuple[int, ...]] = None  # teams of the previous period to use
    previous_campaigns: list[Campaign] = field(default_factory=list)

    @property
    def visit_filter(self) -> VisitFilter:
        return VisitFilter(tuple(c.id for c in self.campaigns), self.team_ids)


@dataclass
class WorkbookSummary:
    """What was written (for the command line and tests)."""

    visits: int = 0
    final: int = 0
    included: int = 0
    provisional: int = 0
    data_rows: int = 0
    empty_reason: str = ""
    sheets: list[str] = field(default_factory=list)


def write_consolidated_workbook(scope: ReportScope, out, *, max_rows: int = EXCEL_MAX_ROWS,
                                timezone_name: str = "Asia/Ho_Chi_Minh",
                                lang: str = "vi",
                                progress: Optional[Callable[[int, int], None]] = None
                                ) -> WorkbookSummary:
    """Write the workbook of ``scope`` to ``out`` (a path or a binary file).

    ``progress(done, total)`` is called after each visit (an export job shows it).
    """
    with force_locale(lang):
        return _Consolidation(scope, max_rows=max_rows, timezone_name=timezone_name,
                              lang=lang, progress=progress).write(out)


class _Consolidation:
    def __init__(self, scope: ReportScope, *, max_rows: int, timezone_name: str, lang: str,
                 progress: Optional[Callable[[int, int], None]] = None):
        self.scope = scope
        self.lang = lang
        self.t = workbook_texts(lang)
        self.book = Book(cut_marker=self.t.cut_marker, max_rows=max_rows,
                         timezone_name=timezone_name)
        self.summary = WorkbookSummary()
        self.progress = progress
        primary = max(scope.campaigns, key=lambda c: (c.year, c.id)) if scope.campaigns else None
        self.primary = primary
        self.issuing = issuing_body_for(primary)
        self.template = core_template(primary.template) if primary else None
        self.targets = core_target_set(primary.target_set) if primary else None
        template = self.template
        items = template.items if template else ()
        self.ynp_items = [item for item in items if item.type == "ynp"]
        self.mf_items = [item for item in items if item.type == "mf"]
        self.activity_items = [item for item in items if item.type == "int"
                               and item.base_code == COMMUNICATION_KINDS]
        self.participants = (template.item(PARTICIPANTS) if template and template.has_item(
            PARTICIPANTS) and template.item(PARTICIPANTS).type == "mf" else None)
        self.compliance_code = next(
            (ind.code for ind in (template.indicators if template else ())
             if ind.formula.replace(" ", "") == COMPLIANCE_FORMULA), None)
        self.teams = (queries.teams([c.id for c in scope.campaigns], scope.team_ids)
                      if scope.campaigns else {})
        self.campaign_names = {c.id: c.name for c in scope.campaigns}
        # item code -> (section code, type), and the template's item order, for sheet 9
        self.item_meta = {item.code: (template.section_of(item.code).code, item.type)
                          for item in items} if template else {}
        self.item_order = [item.code for item in items]
        self._names: dict[str, object] = {}
        self.counts = queries.status_counts(scope.visit_filter) if scope.campaigns else {}
        total = sum(self.counts.values())
        final = self.counts.get("final", 0)
        self.summary.visits, self.summary.final = total, final
        self.open_count = total - final
        self.provisional_count = sum(self.counts.get(state, 0) for state in PROVISIONAL_STATES)
        self.provisional = scope.include_provisional and self.provisional_count > 0
        if not scope.campaigns:
            self.empty_reason = self.t.empty_no_campaign
        elif total == 0:
            self.empty_reason = self.t.empty_no_visits
        elif final == 0 and not scope.include_provisional:
            self.empty_reason = self.t.empty_none_final
        elif final == 0 and self.provisional_count == 0:
            self.empty_reason = self.t.empty_no_data
        else:
            self.empty_reason = ""
        self.summary.empty_reason = self.empty_reason

    # -- frame ------------------------------------------------------------------------------
    def frame(self, key: str, title: str) -> Frame:
        t, scope = self.t, self.scope
        subtitle = t.period_line % {"period": t.periods.get(scope.period, scope.period),
                                    "year": scope.year}
        if scope.kind == "campaign" and scope.campaigns:
            subtitle += " — " + scope.campaigns[0].name
        if scope.team_ids is not None:
            subtitle += " — " + t.scope_teams % {
                "teams": ", ".join(team.name for team in self.teams.values())}
        notice = (t.provisional_notice % {"count": self.provisional_count}) if self.provisional else ""
        body = self.issuing
        return Frame(issuing_parent=body.parent, issuing_body=body.department, motto=t.motto,
                     motto_line2=t.motto_line2,
                     form_number=t.form_number % {"number": body.form_number(FORM_NUMBERS[key])},
                     title=title, subtitle=subtitle, notice=notice, continued=t.continued)

    def signatures(self) -> Signatures:
        t = self.t
        return Signatures(date_line=t.date_line, left_title=t.prepared_by,
                          left_note=t.prepared_by_note, right_title=t.head_of_agency,
                          right_note=t.head_of_agency_note, left_name=self.scope.prepared_by)

    def sheet(self, key: str, name: str, title: str, columns: list[Column], **options) -> TableSheet:
        return TableSheet(self.book, name, columns, frame=self.frame(key, title),
                          signatures=self.signatures(), **options)

    # -- the whole workbook -----------------------------------------------------------------
    def write(self, out) -> WorkbookSummary:
        t = self.t
        period_scope = self.scope.kind == "period"
        unit_columns = [Column(t.col_no, 6, "int"), Column(t.col_unit, 34),
                        Column(t.col_unit_kind, 16), Column(t.col_team, 26),
                        Column(t.col_data, 12)]
        self.general = self.sheet("general", t.sheet_general, t.title_general,
                                  [Column(t.col_unit, 40), Column(t.col_team, 40),
                                   Column(t.col_status, 22), Column(t.col_date, 16),
                                   Column(t.col_visit_id, 12, "int")], freeze=False)
        self.units = self.sheet(
            "units", t.sheet_units, t.title_units,
            [Column(t.col_no, 6, "int"), Column(t.col_unit, 34), Column(t.col_unit_code, 12),
             Column(t.col_unit_kind, 16)]
            + ([Column(t.col_campaign, 30)] if period_scope else [])
            + [Column(t.col_team, 26), Column(t.col_date, 13, "date"), Column(t.col_lead, 22),
               Column(t.col_members, 36, "wrap"), Column(t.col_record, 14),
               Column(t.col_status, 16), Column(t.col_data, 12),
               Column(t.col_compliance, 13, "percent")],
            freeze_columns=2)
        self.ynp = self.sheet(
            "ynp", t.sheet_ynp, t.title_ynp,
            unit_columns + [Column(f"{item.code}. {item.label(self.lang)}", 14)
                            for item in self.ynp_items]
            + [Column(t.col_compliance, 13, "percent")],
            freeze_columns=2, reserve=4, header_height=150)
        gender_columns = list(unit_columns)
        for item in self.mf_items:
            group = f"{item.code}. {item.label(self.lang)}"
            gender_columns += [Column(t.col_total, 10, "int", group),
                               Column(t.col_women, 10, "int", group),
                               Column(t.col_share, 10, "percent", group)]
        self.gender = self.sheet("gender", t.sheet_gender, t.title_gender, gender_columns,
                                 freeze_columns=2, reserve=1, header_height=40)
        self.indicators_sheet = self.sheet(
            "indicators", t.sheet_indicators, t.title_indicators,
            [Column(t.col_no, 6, "int"), Column(t.col_code, 12), Column(t.col_indicator, 44, "wrap"),
             Column(t.col_measure, 11), Column(t.col_target, 30, "wrap"),
             Column(t.col_legal, 26, "wrap"), Column(t.col_this_period, 12),
             Column(t.col_numerator, 11, "count"), Column(t.col_denominator, 11, "count"),
             Column(self.previous_header(), 14), Column(t.col_assessment, 16),
             Column(t.col_units_met, 12, "int"), Column(t.col_units_judged, 12, "int")],
            freeze_columns=3, header_height=45)
        # Right after sheet 5: its indicators against their targets as a native Excel chart.
        self.chart_ws = self.book.create_sheet(sheet_title(t.sheet_indicator_chart))
        self.findings_sheet = self.sheet(
            "findings", t.sheet_findings, t.title_findings,
            [Column(t.col_no, 6, "int"), Column(t.col_unit, 30), Column(t.col_team, 24),
             Column(t.col_data, 12), Column(t.col_section, 8), Column(t.col_shortcoming, 40, "wrap"),
             Column(t.col_cause_kind, 12), Column(t.col_cause, 30, "wrap"),
             Column(t.col_recommendation, 40, "wrap"), Column(t.col_responsible, 22, "wrap"),
             Column(t.col_deadline, 13, "date"), Column(t.col_remedy, 16)],
            freeze_columns=2)
        communication_columns = list(unit_columns)
        for item in self.activity_items:
            communication_columns.append(Column(item.label(self.lang), 14, "int",
                                                t.col_activities))
        if self.activity_items:
            communication_columns.append(Column(t.col_activities_total, 12, "int"))
        if self.participants is not None:
            communication_columns += [Column(t.col_total, 11, "int", t.col_participants),
                                      Column(t.col_women, 11, "int", t.col_participants),
                                      Column(t.col_share, 11, "percent", t.col_participants)]
        self.communication = self.sheet("communication", t.sheet_communication,
                                        t.title_communication, communication_columns,
                                        freeze_columns=2, reserve=1, header_height=75)
        self.evidence = self.sheet(
            "evidence", t.sheet_evidence, t.title_evidence,
            [Column(t.col_no, 6, "int"), Column(t.col_unit, 30), Column(t.col_team, 24),
             Column(t.col_data, 12), Column(t.col_item_code, 10), Column(t.col_item, 40, "wrap"),
             Column(t.col_file, 34), Column(t.col_mime, 18), Column(t.col_size, 10, "ratio"),
             Column(t.col_uploaded_by, 22), Column(t.col_uploaded_at, 17, "datetime")],
            freeze_columns=2)
        self.data = TableSheet(
            self.book, t.sheet_data,
            [Column(t.col_visit_id, 10, "int"), Column(t.col_campaign, 30),
             Column(t.col_team, 26), Column(t.col_unit_code, 12), Column(t.col_unit, 30),
             Column(t.col_unit_kind, 16), Column(t.col_data, 12), Column(t.col_section, 8),
             Column(t.col_item_code, 12), Column(t.col_part, 8), Column(t.col_number, 14),
             Column(t.col_text, 40), Column(t.col_source, 18), Column(t.col_resolved_by, 22),
             Column(t.col_resolved_at, 17, "datetime")])
        self.reconcile = self.sheet(
            "reconcile", t.sheet_reconcile, t.title_reconcile,
            [Column(t.col_no, 6, "int"), Column(t.col_unit, 30), Column(t.col_unit_code, 12),
             Column(t.col_data, 12), Column(t.col_item_code, 10), Column(t.col_item, 40, "wrap"),
             Column(t.col_declared, 24, "wrap"), Column(t.col_verified, 24, "wrap"),
             Column(t.col_note, 36, "wrap")],
            freeze_columns=2)
        self.checked: list[tuple] = []  # (visit id, unit name, code, kind, data label, answers): sheet 10

        for sheet in (self.units, self.ynp, self.gender, self.findings_sheet,
                      self.communication, self.evidence, self.reconcile, self.data):
            sheet.start_table()
        self.main_pass()
        self.write_findings()
        self.write_evidence()
        self.write_reconcile()
        self.write_indicators()
        self.write_general()
        for sheet in (self.general, self.units, self.ynp, self.gender, self.indicators_sheet,
                      self.findings_sheet, self.communication, self.evidence, self.reconcile, self.data):
            sheet.close()
        self.summary.sheets = [ws.title for ws in self.book.workbook.worksheets]
        self.book.save(out)
        return self.summary

    # -- the pass over visits ----------------------------------------------------------------
    def main_pass(self) -> None:
        t, scope = self.t, self.scope
        template = self.template
        self.on_time_rule = self.primary.on_time_rule if self.primary else "on_or_before"
        self.tally = (Tally(template, self.targets, scope.year, on_time_rule=self.on_time_rule)
                      if template else None)
        self.rollup = self.tally.rollup if self.tally else None
        self.units_met = self.tally.units_met if self.tally else Counter()
        self.units_judged = self.tally.units_judged if self.tally else Counter()
        activity_sums = {item.code: [0, 0] for item in self.activity_items}
        activity_total = [0, 0]
        participant_sums = [0, 0, 0]
        period_scope = scope.kind == "period"
        included_count = 0
        number = 0
        ynp_number = 0

        for entry in visit_answers(scope):
            visit, final, included = entry.visit, entry.final, entry.included
            answers, provenance = entry.answers, entry.provenance
            team = self.teams.get(visit.team_id)
            team_name = team.name if team else ""
            data_label = (t.data_final if final else t.data_provisional) if included \
                else t.data_not_counted
            kind_label = t.unit_kinds.get(visit.unit_kind, visit.unit_kind)
            compliance = None
            if included and self.tally is not None:
                compliance = self.tally.add(visit.unit_kind, answers, visit.team_id)
            number += 1
            if self.progress is not None:
                self.progress(number, self.summary.visits)
            self.units.row(
                [number, visit.unit_name, visit.unit_code, kind_label]
                + ([self.campaign_names.get(visit.campaign_id, "")] if period_scope else [])
                + [team_name, visit.planned_date, team.lead_name if team else "",
                   team.members if team else "", visit.record_number,
                   t.visit_states.get(visit.status, visit.status), data_label, compliance])
            if not included or template is None:
                continue
            included_count += 1
            if not final:
                self.summary.provisional += 1
            ynp_number += 1
            lead = [ynp_number, visit.unit_name, kind_label, team_name, data_label]
            self.write_ynp_row(lead, visit.unit_kind, answers, compliance)
            self.write_gender_row(lead, visit.unit_kind, answers)
            self.write_communication_row(lead, visit.unit_kind, answers, activity_sums,
                                         activity_total, participant_sums)
            self.write_data_rows(visit, team_name, kind_label, data_label, answers, provenance)
            self.checked.append((visit.visit_id, visit.unit_name, visit.unit_code, visit.unit_kind, data_label,
                                 {code: answers[code] for code in self.self_report_codes if code in answers}))

        self.summary.included = included_count
        if number == 0:
            self.units.free_row([None, self.t.no_rows % {"reason": self.empty_reason}],
                                style="warning")
        if included_count == 0:
            reason = self.t.no_rows % {"reason": self.empty_reason or self.t.empty_none_final}
            for sheet in (self.ynp, self.gender, self.communication):
                sheet.free_row([None, reason], style="warning")
            self.data.free_row([None, reason])
            return
        assert self.tally is not None  # a row was included, so there is a template
        self.write_ynp_totals(self.tally.ynp_counts)
        self.write_gender_total(self.tally.mf_sums)
        self.write_communication_total(activity_sums, activity_total, participant_sums)

    def write_ynp_row(self, lead: list, unit_kind: str, answers: dict,
                      compliance: Optional[float]) -> None:
        ws = self.ynp._piece.ws
        book, short = self.book, self.t.ynp_short
        cells = list(lead)
        for item in self.ynp_items:
            value = usable_value(item, answers.get(item.code)) if item.applies(unit_kind) else None
            if value is None:
                cells.append(None)
                continue
            if value == "na":
                cells.append(short["na"])
            elif value == item.compliant_value:
                cells.append(book.styled(ws, short[value], "good"))
            elif value == "partial":
                cells.append(book.styled(ws, short[value], "neutral"))
            else:
                cells.append(book.styled(ws, short[value], "bad"))
        cells.append(compliance)
        self.ynp.row(cells)

    def write_ynp_totals(self, counts: dict) -> None:
        width = len(self.ynp.columns)
        for answer in ("yes", "partial", "no", "na"):
            values: list[Any] = [None, self.t.ynp_counts[answer]] + [None] * 3
            values += [counts[item.code][answer] for item in self.ynp_items]
            values += [None] * (width - len(values))
            self.ynp.total_row(values, ["text"] * 5 + ["count"] * len(self.ynp_items) + ["text"])

    def write_gender_row(self, lead: list, unit_kind: str, answers: dict) -> None:
        cells = list(lead)
        for item in self.mf_items:
            value = usable_value(item, answers.get(item.code)) if item.applies(unit_kind) else None
            if value is None:
                cells += [None, None, None]
                continue
            women = value["female"]
            total = value["male"] + women
            cells += [total, women, (women / total) if total else None]
        self.gender.row(cells)

    def total_label(self) -> str:
        return self.t.province_total if self.scope.team_ids is None else self.t.scope_total

    def write_gender_total(self, sums: dict) -> None:
        values: list[Any] = [None, self.total_label(), None, None, None]
        for item in self.mf_items:
            total, women, units = sums[item.code]
            if units == 0:
                values += [None, None, None]
            else:  # the share of the sums, never an average of the units' shares
                values += [total, women, (women / total) if total else None]
        self.gender.total_row(values)

    def write_communication_row(self, lead: list, unit_kind: str, answers: dict,
                                activity_sums: dict, activity_total: list,
                                participant_sums: list) -> None:
        if not self.activity_items and self.participants is None:
            return
        cells = list(lead)
        unit_total, answered = 0, False
        for item in self.activity_items:
            value = usable_value(item, answers.get(item.code)) if item.applies(unit_kind) else None
            cells.append(value)
            if value is not None:
                unit_total += value
                answered = True
                activity_sums[item.code][0] += value
                activity_sums[item.code][1] += 1
        if self.activity_items:
            cells.append(unit_total if answered else None)
            if answered:
                activity_total[0] += unit_total
                activity_total[1] += 1
        if self.participants is not None:
            item = self.participants
            value = usable_value(item, answers.get(item.code)) if item.applies(unit_kind) else None
            if value is None:
                cells += [None, None, None]
            else:
                women = value["female"]
                total = value["male"] + women
                cells += [total, women, (women / total) if total else None]
                participant_sums[0] += total
                participant_sums[1] += women
                participant_sums[2] += 1
        self.communication.row(cells)

    def write_communication_total(self, activity_sums: dict, activity_total: list,
                                  participant_sums: list) -> None:
        if not self.activity_items and self.participants is None:
            self.communication.free_row([None, self.t.no_communication_items], style="note")
            return
        values: list[Any] = [None, self.total_label(), None, None, None]
        for item in self.activity_items:
            total, units = activity_sums[item.code]
            values.append(total if units else None)
        if self.activity_items:
            values.append(activity_total[0] if activity_total[1] else None)
        if self.participants is not None:
            total, women, units = participant_sums
            values += ([total, women, (women / total) if total else None] if units
                       else [None, None, None])
        self.communication.total_row(values)

    def write_data_rows(self, visit, team_name: str, kind_label: str, data_label: str,
                        answers: dict, provenance: dict) -> None:
        """Sheet 9: one row per unit × item × value (two for a men/women count).

        The hot loop of a big export: values constant for the visit are made safe once, and
        rows go through :meth:`TableSheet.safe_row` without per-column conversion. A styled
        cell (a time, a quote-prefixed text) may stand in several rows: a write-only sheet
        serialises each appended row at once, so the cell is never held between rows.
        """
        t, book, items = self.t, self.book, self.item_meta
        ws = None
        text = book.text
        prefix = [visit.visit_id] + [text(None, value) for value in (
            self.campaign_names.get(visit.campaign_id, ""), team_name, visit.unit_code,
            visit.unit_name, kind_label, data_label)]
        moments: dict[datetime, Any] = {}
        sources, names = t.sources, self._names
        male, female = t.mf_parts["male"], t.mf_parts["female"]
        sheet = self.data
        codes = [code for code in self.item_order if code in answers]
        if len(codes) < len(answers):
            codes += sorted(code for code in answers if code not in items)
        rows = 0
        for code in codes:
            value = answers[code]
            source, by, at = provenance.get(code, ("", "", None))
            if by not in names:
                names[by] = text(None, by) if by else None
            if at is not None:
                stamp = moments.get(at)
                if stamp is None:
                    ws = sheet._piece.ws
                    stamp = moments[at] = book.styled(ws, at, "datetime")
            else:
                stamp = None
            tail = [sources.get(source, source) or None, names[by], stamp]
            section, kind = items.get(code, ("", ""))
            head = prefix + [section, code]
            if kind == "mf" and isinstance(value, dict):
                sheet.safe_row(head + [male, _number(value.get("male")), None] + tail)
                sheet.safe_row(head + [female, _number(value.get("female")), None] + tail)
                rows += 2
                continue
            number = shown = None
            if kind == "ynp" and isinstance(value, str):
                shown = text(None, t.ynp_short.get(value, value))
            elif kind in ("int", "money") and _number(value) is not None:
                number = value
            elif kind == "file" and isinstance(value, list):
                number = len(value)
            else:
                shown = text(None, _as_text(value))
            sheet.safe_row(head + [None, number, shown] + tail)
            rows += 1
        self.summary.data_rows += rows

    # -- sheet 6 and 8: their own streams ---------------------------------------------------
    def write_findings(self) -> None:
        t = self.t
        sheet = self.findings_sheet
        if self.summary.included == 0:
            sheet.free_row([None, t.no_rows % {"reason": self.empty_reason or t.empty_none_final}],
                           style="warning")
            return
        flt = self.included_filter()
        number = 0
        today = local_today()
        rows = queries.findings(flt)
        for (_visit_id, section), group in groupby(rows, key=lambda r: (r.visit_id, r.section)):
            shortcomings: list[Any] = []
            recommendations: list[Any] = []
            for row in group:
                (shortcomings if row.kind == 0 else recommendations).append(row)
            first = (shortcomings or recommendations)[0]
            team = self.teams.get(first.team_id)
            data_label = t.data_final if is_final(first.status) else t.data_provisional
            for index in range(max(len(shortcomings), len(recommendations))):
                shortcoming = shortcomings[index] if index < len(shortcomings) else None
                recommendation = recommendations[index] if index < len(recommendations) else None
                number += 1
                sheet.row([
                    number, first.unit_name, team.name if team else "", data_label, section,
                    shortcoming.text if shortcoming else None,
                    t.cause_kinds.get(shortcoming.cause_kind, shortcoming.cause_kind or None)
                    if shortcoming else None,
                    shortcoming.cause or None if shortcoming else None,
                    recommendation.text if recommendation else None,
                    recommendation.responsible or None if recommendation else None,
                    recommendation.remedy_deadline if recommendation else None,
                    remedy_word(t, recommendation.remedy_status, recommendation.remedy_deadline, today)
                    if recommendation else None,
                ])
        if number == 0:
            sheet.free_row([None, t.no_findings], style="note")

    def write_evidence(self) -> None:
        t = self.t
        sheet = self.evidence
        if self.summary.included == 0:
            sheet.free_row([None, t.no_rows % {"reason": self.empty_reason or t.empty_none_final}],
                           style="warning")
            return
        template = self.template
        number = 0
        for row in queries.attachments(self.included_filter()):
            number += 1
            team = self.teams.get(row.team_id)
            item_label = (template.item(row.item_code).label(self.lang)
                          if row.item_code and template is not None and template.has_item(row.item_code) else None)
            sheet.row([number, row.unit_name, team.name if team else "",
                       t.data_final if is_final(row.status) else t.data_provisional,
                       row.item_code or None, item_label, row.filename or None, row.mime,
                       round((row.size or 0) / 1024, 1),
                       queries.person(row.by_name, row.by_username), row.created_at])
        if number == 0:
            sheet.free_row([None, t.no_evidence], style="note")

    # -- sheet 10: the unit's declared figures against the verified ones ----------------------
    @property
    def self_report_codes(self) -> set[str]:
        if not hasattr(self, "_self_report_codes"):
            template = self.template
            self._self_report_codes = ({item.code for item in template.items if item.self_report}
                                       if template is not None else set())
        return self._self_report_codes

    def write_reconcile(self) -> None:
        t = self.t
        sheet = self.reconcile
        if self.summary.included == 0:
            sheet.free_row([None, t.no_rows % {"reason": self.empty_reason or t.empty_none_final}],
                           style="warning")
            return
        declared = declared_by_visit_ids(row[0] for row in self.checked)
        number = 0
        for visit_id, unit_name, unit_code, unit_kind, data_label, values in self.checked:
            if visit_id not in declared:
                continue
            answers, notes = declared[visit_id]
            for found in compare(self.template, unit_kind, answers, notes, values, self.lang):
                number += 1
                sheet.row([number, unit_name, unit_code, data_label, found.code, found.label,
                           found.declared_text, found.verified_text, found.note or None])
        if number == 0:
            sheet.free_row([None, t.no_discrepancies], style="note")

    def included_filter(self) -> VisitFilter:
        flt = self.scope.visit_filter
        if self.scope.include_provisional:
            return flt.only(VisitState.FINAL, *PROVISIONAL_STATES)
        return flt.only(VisitState.FINAL)

    # -- sheet 5 ----------------------------------------------------------------------------
    def previous_header(self) -> str:
        previous = self.scope.previous_campaigns
        if not previous:
            return self.t.col_previous_none
        first = previous[0]
        return self.t.col_previous % {
            "period": f"{self.t.periods.get(first.period, first.period)} {first.year}"}

    def previous_results(self) -> dict[str, Any]:
        """This template's indicators over the previous period's final visits, by code."""
        return previous_indicator_results(self.scope, self.template, self.targets)

    def write_indicators(self) -> None:
        t = self.t
        sheet = self.indicators_sheet
        sheet.start_table()
        if self.template is None:
            sheet.free_row([None, t.no_rows % {"reason": self.empty_reason}], style="warning")
            self.write_indicator_chart([])
            return
        assert self.rollup is not None  # there is a template
        results = self.rollup.results()
        self.write_indicator_chart(results)
        previous = self.previous_results()
        ws = sheet._piece.ws
        book = self.book
        for number, result in enumerate(results, 1):
            indicator = self.template.indicator(result.code)
            measure = t.measures.get(indicator.unit, indicator.unit)
            before = previous.get(result.code)
            style = {"met": "good", "not_met": "bad"}.get(result.status)
            status = t.statuses.get(result.status, result.status)
            value = self.indicator_value(result)
            if isinstance(value, float) and result.unit == "%" and style:
                value = book.styled(ws, value, f"{style}_percent")
            sheet.row([
                number, result.code, result.label(self.lang), measure,
                result.target(self.lang) or t.dash, result.legal_basis or None,
                value if value is not None else t.dash,
                result.numerator, result.denominator,
                (self.indicator_value(before) if before is not None and before.value is not None
                 else t.dash),
                book.styled(ws, status, style) if style else status,
                self.units_met.get(result.code, 0) if self.units_judged.get(result.code) else None,
                self.units_judged.get(result.code) or None,
            ])

    def write_indicator_chart(self, results) -> None:
        """Sheet 5b: the percentage indicators beside their targets, and a bar chart of them.

        openpyxl's write-only worksheets keep ``add_chart`` (the chart is written with the
        sheet when it is closed), so the chart is native Excel, drawn from the cells above it:
        code, indicator, this period (a fraction shown as %), the target's figure.
        """
        t, ws, book = self.t, self.chart_ws, self.book
        for column, width in (("A", 12), ("B", 52), ("C", 12), ("D", 12)):
            ws.column_dimensions[column].width = width
        ws.append([book.styled(ws, t.title_indicator_chart, "title")])
        ws.append([book.styled(ws, t.chart_note_provisional if self.provisional else t.chart_note, "note")])
        ws.append([])
        ws.append([book.styled(ws, text, "header") for text in
                   (t.col_code, t.col_indicator, t.col_this_period, t.col_target_value)])
        rows = []
        for result in results:
            if result.unit != "%":
                continue
            target = (self.targets.target_for(result.code, "rollup", self.scope.year)
                      if self.targets is not None else None)
            bound = None
            if target is not None and target.eq is None:
                bound = next((b for b in (target.ge, target.gt, target.le, target.lt) if b is not None), None)
            value = (result.value if isinstance(result.value, (int, float)) and not isinstance(result.value, bool)
                     else None)
            rows.append([result.code, book.text(ws, result.label(self.lang)),
                         book.styled(ws, value / 100, "percent") if value is not None else None,
                         book.styled(ws, bound / 100, "percent") if bound is not None else None])
        for row in rows:
            ws.append(row)
        if all(row[2] is None for row in rows):  # nothing to draw: say why instead of an empty chart
            ws.append([])
            ws.append([None, book.styled(ws, t.no_rows % {"reason": self.empty_reason or t.empty_none_final},
                                         "warning")])
            return
        first, last = 5, 4 + len(rows)
        chart = BarChart()
        chart.type = "bar"  # horizontal bars: long indicator names stay readable
        chart.grouping = "clustered"
        chart.title = t.title_indicator_chart
        chart.y_axis.title = t.col_this_period
        chart.y_axis.numFmt = "0%"
        chart.y_axis.scaling.min = 0
        chart.y_axis.scaling.max = 1
        chart.x_axis.scaling.orientation = "maxMin"  # the first indicator on top, as in the table
        chart.add_data(Reference(ws, min_col=3, max_col=4, min_row=4, max_row=last), titles_from_data=True)
        chart.set_categories(Reference(ws, min_col=1, min_row=first, max_row=last))
        chart.height = max(7.5, 0.9 * len(rows) + 3)
        chart.width = 18
        ws.add_chart(chart, "F4")

    def indicator_value(self, result) -> Any:
        """A cell for an indicator value: a percentage as a fraction with % format."""
        ws = self.indicators_sheet._piece.ws
        if result.value is None:
            return None
        if isinstance(result.value, bool):
            return self.t.ynp_short["yes" if result.value else "no"]
        if result.unit == "%":
            return self.book.styled(ws, result.value / 100, "percent")
        return self.book.styled(ws, round(result.value, 4), "ratio")

    # -- sheet 1 ----------------------------------------------------------------------------
    def write_general(self) -> None:
        t, scope, sheet = self.t, self.scope, self.general
        counts = self.counts
        sheet.key_value(t.gen_period, t.periods.get(scope.period, scope.period))
        sheet.key_value(t.gen_year, scope.year)
        for campaign in scope.campaigns:
            dates = " - ".join(d.strftime("%d/%m/%Y") for d in (campaign.start_date,
                                                                 campaign.end_date) if d)
            sheet.key_value(t.gen_campaigns, campaign.name)
            if dates:
                sheet.key_value(t.gen_dates, dates)
            sheet.key_value(t.gen_deadline, campaign.deadline)
        if self.template is not None and self.targets is not None:  # both come from the primary campaign
            sheet.key_value(t.gen_template, t.gen_template_value % {
                "title": self.template.title(self.lang), "version": self.template.version})
            sheet.key_value(t.gen_targets, t.gen_template_value % {
                "title": self.targets.title(self.lang), "version": self.targets.version})
            if len({c.template_id for c in scope.campaigns}) > 1:
                sheet.key_value(t.gen_templates_differ, t.gen_templates_differ_value)
        sheet.key_value(t.gen_scope, t.gen_scope_all if scope.team_ids is None else
                        ", ".join(team.name for team in self.teams.values()))
        for team in self.teams.values():
            decision_date = (t.gen_decision_date % {"date": team.decision_date.strftime("%d/%m/%Y")}
                             if team.decision_date else "")
            sheet.key_value(t.gen_team, t.gen_team_value % {
                "team": team.name, "decision": team.decision_number or t.dash,
                "date": decision_date, "lead": team.lead_name or t.dash})
        sheet.key_value(t.gen_generated_at, datetime.now(timezone.utc))
        if scope.prepared_by:
            sheet.key_value(t.gen_generated_by, scope.prepared_by)
        sheet.key_value(t.gen_visits, self.summary.visits)
        sheet.key_value(t.gen_final, self.summary.final)
        sheet.key_value(t.gen_open, t.gen_open_value % {
            "count": self.open_count, "planned": counts.get("planned", 0),
            "in_progress": counts.get("in_progress", 0), "merging": counts.get("merging", 0)})
        if self.empty_reason:
            sheet.key_value(t.gen_empty, self.empty_reason, style="warning")
        elif self.provisional:
            sheet.key_value(t.gen_data, t.gen_data_provisional % {
                "open": self.summary.provisional, "final": self.summary.final}, style="warning")
        else:
            sheet.key_value(t.gen_data, t.gen_data_final % {"count": self.summary.final})
        previous = scope.previous_campaigns
        sheet.key_value(t.gen_previous, (f"{t.periods.get(previous[0].period)} {previous[0].year}"
                                         if previous else t.gen_previous_none))
        sheet.free_row([None])
        sheet.free_row([t.missing_title], style="bold")
        sheet.start_table()
        missing = 0
        if scope.campaigns:
            flt = scope.visit_filter.only(*OPEN_STATES)
            for row in queries.visits(flt):
                missing += 1
                visit_team = self.teams.get(row.team_id)
                sheet.row([row.unit_name, visit_team.name if visit_team else "",
                           t.visit_states.get(row.status, row.status),
                           row.planned_date.strftime("%d/%m/%Y") if row.planned_date else None,
                           row.visit_id])
        if missing == 0:
            sheet.free_row([t.missing_none], style="note")


def provisional_values(visit_id: int, t) -> tuple[dict[str, Any], dict[str, tuple]]:
    """An open visit's merged answers (what ``visit_values`` gives) and where each came from."""
    visit = db.session.get(Visit, visit_id)
    assert visit is not None  # the id of a visit in the report's scope
    answers: dict[str, Any] = {}
    provenance: dict[str, tuple] = {}
    for code, merged in visit_merge(visit).items():
        if not (merged.has_value and is_answered(merged.value)):
            continue
        answers[code] = merged.value
        if merged.resolution is not None:
            provenance[code] = (merged.resolution.source, merged.resolution.resolved_by,
                                merged.resolution.resolved_at)
        else:
            times = [s.saved_at for s in merged.sources if s.saved_at is not None]
            provenance[code] = (merged.state, ", ".join(s.inspector_name for s in merged.sources),
                                max(times) if times else None)
    return answers, provenance


def _number(value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return value


def _as_text(value: Any) -> Optional[str]:
    if value is None:
        return None
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


# -- the pass over visits and the tallies, shared by the workbook and the Word report ---------

@dataclass
class VisitAnswers:
    """One covered visit as the streams give it: its row, whether it counts, its answers."""

    visit: Any  # the first row of the visit in ``queries.visits_with_resolutions``
    final: bool
    included: bool
    answers: dict[str, Any]
    provenance: dict[str, tuple]


def visit_answers(scope: ReportScope) -> Iterator[VisitAnswers]:
    """Every covered visit in the one visit order, one at a time (memory stays flat).

    A final visit's answers are its Resolution rows; an open visit counted in as provisional
    gets its current merge; a visit that is not counted has no answers.
    """
    if not scope.campaigns:
        return
    rows = queries.visits_with_resolutions(scope.visit_filter)
    for visit_id, group in groupby(rows, key=lambda row: row.visit_id):
        first: Any = None  # the group's first row (a query row)
        answers: dict[str, Any] = {}
        provenance: dict[str, tuple] = {}
        for row in group:
            if first is None:
                first = row
            if row.item_code is not None and row.value is not None:
                answers[row.item_code] = row.value
                provenance[row.item_code] = (row.source, queries.person(row.by_name, row.by_username),
                                             row.resolved_at)
        final = is_final(first.status)
        included = final or (scope.include_provisional and first.status in PROVISIONAL_STATES)
        if not final and included:
            answers, provenance = provisional_values(visit_id, None)
        yield VisitAnswers(first, final, included, answers, provenance)


class Tally:
    """What the counted units add up to: the indicator roll-up, units meeting each target,
    the checklist answers by item, the men/women sums, the units by kind and the teams.

    Both the workbook (sheets 3, 4, 5) and the Word report read these, so a figure in the
    report is the figure in the workbook.
    """

    def __init__(self, template, targets, year: int, on_time_rule: str = "on_or_before"):
        self.template = template
        self.targets = targets
        self.year = year
        self.on_time_rule = on_time_rule
        self.rollup = IndicatorRollup(template, targets, year=year, on_time_rule=on_time_rule)
        self.units_met: Counter = Counter()
        self.units_judged: Counter = Counter()
        items = template.items
        self.ynp_items = [item for item in items if item.type == "ynp"]
        self.mf_items = [item for item in items if item.type == "mf"]
        self.ynp_counts: dict[str, Counter] = {item.code: Counter() for item in self.ynp_items}
        self.mf_sums: dict[str, list[int]] = {item.code: [0, 0, 0] for item in self.mf_items}
        self.unit_kinds: Counter = Counter()
        self.team_ids: set[int] = set()
        self.compliance_code = next(
            (ind.code for ind in template.indicators
             if ind.formula.replace(" ", "") == COMPLIANCE_FORMULA), None)

    @property
    def units(self) -> int:
        return self.rollup.units

    def add(self, unit_kind: str, answers: dict[str, Any], team_id: Optional[int] = None
            ) -> Optional[float]:
        """Count one unit in; its compliance score (a fraction) or None."""
        results = unit_indicators(self.template, self.targets, unit_kind, answers, year=self.year,
                                  on_time_rule=self.on_time_rule)
        self.rollup.add(unit_kind, answers)
        self.unit_kinds[unit_kind] += 1
        if team_id is not None:
            self.team_ids.add(team_id)
        compliance = None
        for result in results:
            if result.status == "met":
                self.units_met[result.code] += 1
                self.units_judged[result.code] += 1
            elif result.status == "not_met":
                self.units_judged[result.code] += 1
            if result.code == self.compliance_code and result.value is not None:
                compliance = result.value / 100
        for item in self.ynp_items:
            if item.applies(unit_kind):
                value = usable_value(item, answers.get(item.code))
                if value is not None:
                    self.ynp_counts[item.code][value] += 1
        for item in self.mf_items:
            if item.applies(unit_kind):
                value = usable_value(item, answers.get(item.code))
                if value is not None:
                    entry = self.mf_sums[item.code]
                    entry[0] += value["male"] + value["female"]
                    entry[1] += value["female"]
                    entry[2] += 1
        return compliance


def previous_indicator_results(scope: ReportScope, template, targets) -> dict[str, Any]:
    """The template's indicators over the previous period's final visits, by code."""
    previous = scope.previous_campaigns
    if not previous or template is None:
        return {}
    flt = VisitFilter(tuple(c.id for c in previous), scope.previous_team_ids)
    rollup = IndicatorRollup(template, targets, year=previous[0].year,
                             on_time_rule=previous[0].on_time_rule)
    units = 0
    for _, group in groupby(queries.resolution_values(flt), key=lambda r: r.visit_id):
        answers: dict[str, Any] = {}
        kind = ""
        for row in group:
            kind = row.unit_kind
            if row.value is not None:
                answers[row.item_code] = row.value
        rollup.add(kind, answers)
        units += 1
    if units == 0:
        return {}
    return {result.code: result for result in rollup.results()}
