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

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Callable, Iterator, Optional

from flask_babel import force_locale
from openpyxl.chart import BarChart, Reference

from ..core.clock import local_today
from ..core.lifecycle import OPEN_STATES, PROVISIONAL_STATES, VisitState, is_final
from ..core.templates import core_target_set, core_template
from ..core.values import visit_merge
from ..extensions import db
from ..models import Campaign, Visit
from ..organisation import issuing_body_for
from ..self_reports import compare, declared_by_visit_ids
from . import queries, rules
from .queries import VisitFilter
from .rules import COMPLIANCE_FORMULA, CheckedVisit, Tally
from .texts import remedy_word, workbook_texts
from .xlsx import EXCEL_MAX_ROWS, Book, Column, Frame, Signatures, TableSheet, sheet_title

__all__ = ["COMPLIANCE_FORMULA", "PROVISIONAL_STATES", "ReportScope", "Tally", "VisitAnswers",
           "WorkbookSummary", "previous_indicator_results", "provisional_values", "visit_answers",
           "write_consolidated_workbook"]
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
        self.compliance_code = rules.compliance_code(template)
        self.teams = (queries.teams([c.id for c in scope.campaigns], scope.team_ids)
                      if scope.campaigns else {})
        self.campaign_names = {c.id: c.name for c in scope.campaigns}
        # item code -> (section code, type), and the template's item order, for sheet 9
        self.item_meta = {item.code: (template.section_of(item.code).code, item.type)
                          for item in items} if template else {}
        self.item_order = [item.code for item in items]
        self._names: dict[str, object] = {}
        counts = self.counts = rules.VisitCounts(
            queries.status_counts(scope.visit_filter) if scope.campaigns else {})
        self.summary.visits, self.summary.final = counts.total, counts.final
        self.open_count = counts.open
        self.provisional_count = counts.provisional
        self.provisional = rules.shows_provisional(counts, scope.include_provisional)
        reason = rules.empty_reason(bool(scope.campaigns), counts, scope.include_provisional)
        self.empty_reason = self.t.empty_reasons[reason] if reason else ""
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
        self.checked: list[CheckedVisit] = []  # the counted visits' self-report values: sheet 10

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
        self.communication_tally = rules.CommunicationTally(self.activity_items, self.participants)
        period_scope = scope.kind == "period"
        included_count = 0
        number = 0
        ynp_number = 0

        for entry in visit_answers(scope):
            visit, final, included = entry.visit, entry.final, entry.included
            answers, provenance = entry.answers, entry.provenance
            team = self.teams.get(visit.team_id)
            team_name = team.name if team else ""
            data_label = t.data_labels[entry.counting.data]
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
            self.write_communication_row(lead, visit.unit_kind, answers)
            self.write_data_rows(visit, team_name, kind_label, data_label, answers, provenance)
            self.checked.append(CheckedVisit(visit.visit_id, visit.unit_name, visit.unit_code, visit.unit_kind,
                                             data_label, rules.self_report_values(self.self_report_codes, answers)))

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
        self.write_communication_total()

    def write_ynp_row(self, lead: list, unit_kind: str, answers: dict,
                      compliance: Optional[float]) -> None:
        ws = self.ynp._piece.ws
        book, short = self.book, self.t.ynp_short
        cells = list(lead)
        for answer in rules.ynp_row_cells(self.ynp_items, unit_kind, answers):
            if answer is None:
                cells.append(None)
                continue
            value, style = answer
            cells.append(book.styled(ws, short[value], style) if style else short[value])
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
        self.gender.row(list(lead) + rules.gender_row_cells(self.mf_items, unit_kind, answers))

    def total_label(self) -> str:
        return self.t.province_total if self.scope.team_ids is None else self.t.scope_total

    def write_gender_total(self, sums: dict) -> None:
        values: list[Any] = [None, self.total_label(), None, None, None]
        self.gender.total_row(values + rules.gender_total_cells(self.mf_items, sums))

    def write_communication_row(self, lead: list, unit_kind: str, answers: dict) -> None:
        tally = self.communication_tally
        if not tally.has_items:
            return
        self.communication.row(list(lead) + tally.add(unit_kind, answers))

    def write_communication_total(self) -> None:
        tally = self.communication_tally
        if not tally.has_items:
            self.communication.free_row([None, self.t.no_communication_items], style="note")
            return
        self.communication.total_row([None, self.total_label(), None, None, None] + tally.totals())

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
        parts = {None: None, "male": t.mf_parts["male"], "female": t.mf_parts["female"]}
        ynp_words, data_parts = t.ynp_short, rules.data_parts
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
            for part, number, shown in data_parts(kind, value, ynp_words):
                sheet.safe_row(head + [parts[part], number, None if shown is None else text(None, shown)] + tail)
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
        for line in rules.finding_lines(queries.findings(flt)):
            first, shortcoming, recommendation = line.first, line.shortcoming, line.recommendation
            team = self.teams.get(first.team_id)
            data_label = t.data_final if is_final(first.status) else t.data_provisional
            number += 1
            sheet.row([
                number, first.unit_name, team.name if team else "", data_label, line.section,
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
                       rules.evidence_size_kb(row.size),
                       rules.person(row.by_name, row.by_username), row.created_at])
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
        declared = declared_by_visit_ids(visit.visit_id for visit in self.checked)
        template, lang = self.template, self.lang
        number = 0
        for row in rules.discrepancy_rows(
                self.checked, declared,
                lambda kind, answers, notes, verified: compare(template, kind, answers, notes, verified, lang)):
            number = row.number
            sheet.row([row.number, row.unit_name, row.unit_code, row.data_label, row.code, row.label,
                       row.declared, row.verified, row.note])
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
            style = rules.assessment_style(result.status)
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
                *rules.units_meeting(self.units_met.get(result.code, 0), self.units_judged.get(result.code, 0)),
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
            bound = rules.chart_bound(target)
            value = rules.chart_value(result.value)
            rows.append([result.code, book.text(ws, result.label(self.lang)),
                         book.styled(ws, value, "percent") if value is not None else None,
                         book.styled(ws, bound, "percent") if bound is not None else None])
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
        kind, value = rules.indicator_cell(result.value, result.unit)
        if kind == "none":
            return None
        if kind == "yes_no":
            return self.t.ynp_short[value]
        return self.book.styled(ws, value, kind)

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
            "count": self.open_count, "planned": counts.of("planned"),
            "in_progress": counts.of("in_progress"), "merging": counts.of("merging")})
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
    return rules.merged_answers(visit_merge(visit))


# -- the pass over visits and the tallies, shared by the workbook and the Word report ---------

@dataclass
class VisitAnswers:
    """One covered visit as the streams give it: its row, whether it counts, its answers."""

    visit: Any  # the first row of the visit in ``queries.visits_with_resolutions``
    final: bool
    included: bool
    answers: dict[str, Any]
    provenance: dict[str, tuple]

    @property
    def counting(self) -> rules.Counting:
        return rules.Counting(self.final, self.included)


def visit_answers(scope: ReportScope) -> Iterator[VisitAnswers]:
    """Every covered visit in the one visit order, one at a time (memory stays flat).

    A final visit's answers are its Resolution rows; an open visit counted in as provisional
    gets its current merge; a visit that is not counted has no answers.
    """
    if not scope.campaigns:
        return
    rows = queries.visits_with_resolutions(scope.visit_filter)
    for entry in rules.group_visits(rows, scope.include_provisional):
        counted = entry.counting
        answers, provenance = entry.answers, entry.provenance
        if not counted.final and counted.included:
            answers, provenance = provisional_values(entry.visit.visit_id, None)
        yield VisitAnswers(entry.visit, counted.final, counted.included, answers, provenance)


def previous_indicator_results(scope: ReportScope, template, targets) -> dict[str, Any]:
    """The template's indicators over the previous period's final visits, by code."""
    previous = scope.previous_campaigns
    if not previous or template is None:
        return {}
    flt = VisitFilter(tuple(c.id for c in previous), scope.previous_team_ids)
    return rules.previous_results(template, targets, previous[0].year, previous[0].on_time_rule,
                                  rules.answers_by_visit(queries.resolution_values(flt)))
