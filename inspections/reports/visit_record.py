"""One visit's inspection record (biên bản kiểm tra) as a workbook.

Sheets: the record (who, when, every item's answer with where it came from, achievements
and conclusion), shortcomings, recommendations, evidence, and the unit's indicators. A visit
that is not final shows its provisional merge, marked as such on every sheet.
"""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from flask_babel import force_locale, pgettext
from sqlalchemy import select

from ..checklist import unit_indicators
from ..core.clock import local_today
from ..core.lifecycle import is_final
from ..core.templates import core_target_set, core_template
from ..extensions import db
from ..models import Attachment, Recommendation, Shortcoming, User, Visit, VisitReport
from ..organisation import issuing_body_for
from . import queries, rules
from .consolidated import provisional_values
from .texts import remedy_word, workbook_texts
from .xlsx import EXCEL_MAX_ROWS, Book, Column, Frame, Signatures, TableSheet

FORM_NUMBER = "BB"  # after the organisation's form prefix: KTBĐG-BB


def write_visit_workbook(visit: Visit, out, *, prepared_by: str = "",
                         max_rows: int = EXCEL_MAX_ROWS, timezone_name: str = "Asia/Ho_Chi_Minh",
                         lang: str = "vi") -> None:
    """Write the inspection record of ``visit`` to ``out`` (a path or a binary file)."""
    with force_locale(lang):
        _VisitRecord(visit, prepared_by, max_rows, timezone_name, lang).write(out)


class _VisitRecord:
    def __init__(self, visit: Visit, prepared_by: str, max_rows: int, timezone_name: str,
                 lang: str):
        self.visit = visit
        self.lang = lang
        self.t = workbook_texts(lang)
        self.book = Book(cut_marker=self.t.cut_marker, max_rows=max_rows,
                         timezone_name=timezone_name)
        self.campaign = visit.team.campaign
        self.template = core_template(self.campaign.template)
        self.targets = core_target_set(self.campaign.target_set)
        self.final = is_final(visit)
        self.prepared_by = prepared_by
        if self.final:
            self.answers, self.provenance = final_values(visit.id)
        else:
            self.answers, self.provenance = provisional_values(visit.id, self.t)
        self.team = queries.teams([self.campaign.id], [visit.team_id]).get(visit.team_id)

    def frame(self, title: str) -> Frame:
        t, campaign, visit = self.t, self.campaign, self.visit
        subtitle = visit.unit.name + " — " + t.period_line % {
            "period": t.periods.get(campaign.period, campaign.period), "year": campaign.year}
        notice = "" if self.final else pgettext("workbook",
            "PROVISIONAL: this record is not final yet (status: %(status)s); the answers may "
            "still change", status=t.visit_states.get(visit.status, visit.status))
        body = issuing_body_for(campaign)
        return Frame(issuing_parent=body.parent, issuing_body=body.department,
                     motto=t.motto, motto_line2=t.motto_line2,
                     form_number=t.form_number % {"number": body.form_number(FORM_NUMBER)}, title=title,
                     subtitle=subtitle, notice=notice, continued=t.continued)

    def signatures(self) -> Signatures:
        return Signatures(
            date_line=self.t.date_line,
            left_title=pgettext("workbook", "FOR THE INSPECTED UNIT"), left_note=self.t.head_of_agency_note,
            right_title=pgettext("workbook", "HEAD OF THE INSPECTION TEAM"), right_note=self.t.prepared_by_note,
            left_name="")

    def write(self, out) -> None:
        t = self.t
        record = TableSheet(
            self.book, pgettext("workbook", "Inspection record"),
            [Column(t.col_section, 8), Column(t.col_item_code, 12), Column(t.col_item, 50, "wrap"),
             Column(pgettext("workbook", "Answer"), 30, "wrap"), Column(t.col_total, 10, "count"),
             Column(t.col_women, 10, "count"), Column(t.col_share, 10, "percent"),
             Column(t.col_source, 18), Column(t.col_resolved_by, 22),
             Column(t.col_resolved_at, 17, "datetime")],
            frame=self.frame(pgettext("workbook", "INSPECTION RECORD")), signatures=self.signatures(),
            freeze=False, reserve=4)
        shortcomings = TableSheet(
            self.book, pgettext("workbook", "Shortcomings"),
            [Column(t.col_no, 6, "int"), Column(t.col_section, 8),
             Column(t.col_shortcoming, 60, "wrap"), Column(t.col_cause_kind, 14),
             Column(t.col_cause, 50, "wrap")],
            frame=self.frame(pgettext("workbook", "SHORTCOMINGS")), signatures=self.signatures())
        recommendations = TableSheet(
            self.book, pgettext("workbook", "Recommendations"),
            [Column(t.col_no, 6, "int"), Column(t.col_section, 8),
             Column(t.col_recommendation, 60, "wrap"), Column(t.col_responsible, 30, "wrap"),
             Column(t.col_deadline, 14, "date"), Column(t.col_remedy, 18)],
            frame=self.frame(pgettext("workbook", "RECOMMENDATIONS")), signatures=self.signatures())
        evidence = TableSheet(
            self.book, pgettext("workbook", "Evidence"),
            [Column(t.col_no, 6, "int"), Column(t.col_item_code, 10), Column(t.col_item, 40, "wrap"),
             Column(t.col_file, 34), Column(t.col_mime, 18), Column(t.col_size, 10, "ratio"),
             Column(t.col_uploaded_by, 22), Column(t.col_uploaded_at, 17, "datetime")],
            frame=self.frame(t.title_evidence), signatures=self.signatures())
        indicators = TableSheet(
            self.book, pgettext("workbook", "Indicators of the unit"),
            [Column(t.col_no, 6, "int"), Column(t.col_code, 12), Column(t.col_indicator, 50, "wrap"),
             Column(t.col_target, 30, "wrap"), Column(t.col_this_period, 12),
             Column(t.col_numerator, 11, "count"), Column(t.col_denominator, 11, "count"),
             Column(t.col_assessment, 16)],
            frame=self.frame(t.title_indicators), signatures=self.signatures())
        self.write_record(record)
        self.write_shortcomings(shortcomings)
        self.write_recommendations(recommendations)
        self.write_evidence(evidence)
        self.write_indicators(indicators)
        for sheet in (record, shortcomings, recommendations, evidence, indicators):
            sheet.close()
        self.book.save(out)

    def write_record(self, sheet: TableSheet) -> None:
        t, visit = self.t, self.visit
        team = self.team
        sheet.key_value(t.col_unit, visit.unit.name)
        sheet.key_value(t.col_unit_kind, t.unit_kinds.get(visit.unit.kind, visit.unit.kind))
        if visit.unit.address:
            sheet.key_value(pgettext("workbook", "Address"), visit.unit.address)
        sheet.key_value(t.col_campaign, self.campaign.name)
        if team is not None:
            sheet.key_value(t.col_team, team.name)
            if team.decision_number:
                sheet.key_value(pgettext("workbook", "Decision setting up the team"), team.decision_number + (
                    t.gen_decision_date % {"date": team.decision_date.strftime("%d/%m/%Y")}
                    if team.decision_date else ""))
            sheet.key_value(t.col_lead, team.lead_name or t.dash)
            sheet.key_value(t.col_members, team.members or t.dash)
        sheet.key_value(t.col_date, visit.planned_date)
        sheet.key_value(t.col_record, visit.record_number or t.dash)
        sheet.key_value(t.col_status, t.visit_states.get(visit.status, visit.status),
                        style=None if self.final else "warning")
        if visit.finalized_at:
            sheet.key_value(pgettext("workbook", "Finalized at"), visit.finalized_at)
        sheet.key_value(t.gen_generated_at, datetime.now(timezone.utc))
        if self.prepared_by:
            sheet.key_value(t.gen_generated_by, self.prepared_by)
        sheet.free_row([None])
        sheet.start_table()
        files = self.file_names()
        ws = sheet._piece.ws
        for section, items in self.template.sections_for(visit.unit.kind):
            sheet.row([self.book.styled(ws, section.code, "bold"), None,
                       self.book.styled(ws, section.title(self.lang), "bold")] + [None] * 7)
            for item in items:
                sheet.row(self.item_row(item, files))
        report = db.session.scalar(select(VisitReport).where(VisitReport.visit_id == visit.id))
        sheet.free_row([None])
        sheet.key_value(pgettext("workbook", "Achievements"), (report.achievements if report else "") or t.dash)
        sheet.key_value(pgettext("workbook", "Conclusion"), (report.conclusion if report else "") or t.dash)

    def item_row(self, item, files: dict[str, str]) -> list:
        t = self.t
        source, by, at = self.provenance.get(item.code, ("", "", None))
        answer, total, women, share = rules.record_answer(item, self.answers.get(item.code), files, t.ynp_short)
        return [None, item.code, item.label(self.lang), answer, total, women, share,
                t.sources.get(source, source) or None, by or None, at]

    def file_names(self) -> dict[str, str]:
        rows = db.session.execute(select(Attachment.uuid, Attachment.filename)
                                  .where(Attachment.visit_id == self.visit.id))
        return {uuid: filename or uuid for uuid, filename in rows}

    def write_shortcomings(self, sheet: TableSheet) -> None:
        t = self.t
        sheet.start_table()
        rows = db.session.scalars(select(Shortcoming).where(Shortcoming.visit_id == self.visit.id)
                                  .order_by(Shortcoming.section, Shortcoming.position,
                                            Shortcoming.id)).all()
        for number, row in enumerate(rows, 1):
            sheet.row([number, row.section or None, row.text,
                       t.cause_kinds.get(row.cause_kind, row.cause_kind or None), row.cause or None])
        if not rows:
            sheet.free_row([None, None, t.no_findings], style="note")

    def write_recommendations(self, sheet: TableSheet) -> None:
        t = self.t
        sheet.start_table()
        rows = db.session.scalars(
            select(Recommendation).where(Recommendation.visit_id == self.visit.id)
            .order_by(Recommendation.section, Recommendation.position, Recommendation.id)).all()
        today = local_today()
        for number, row in enumerate(rows, 1):
            sheet.row([number, row.section or None, row.text, row.responsible or None,
                       row.remedy_deadline, remedy_word(t, row.remedy_status, row.remedy_deadline, today)])
        if not rows:
            sheet.free_row([None, None, t.no_findings], style="note")

    def write_evidence(self, sheet: TableSheet) -> None:
        t = self.t
        sheet.start_table()
        rows = db.session.execute(
            select(Attachment, User).outerjoin(User, Attachment.uploaded_by_id == User.id)
            .where(Attachment.visit_id == self.visit.id)
            .order_by(Attachment.item_code, Attachment.created_at, Attachment.id)).all()
        for number, (attachment, user) in enumerate(rows, 1):
            code = attachment.item_code or None
            label = (self.template.item(code).label(self.lang)
                     if code and self.template.has_item(code) else None)
            sheet.row([number, code, label, attachment.filename or None, attachment.mime,
                       rules.evidence_size_kb(attachment.size),
                       user.display_name if user else None, attachment.created_at])
        if not rows:
            sheet.free_row([None, None, t.no_evidence], style="note")

    def write_indicators(self, sheet: TableSheet) -> None:
        t = self.t
        sheet.start_table()
        ws = sheet._piece.ws
        results = unit_indicators(self.template, self.targets, self.visit.unit.kind,
                                  self.answers, year=self.campaign.year,
                                  on_time_rule=self.campaign.on_time_rule)
        for number, result in enumerate(results, 1):
            style = rules.assessment_style(result.status)
            status = t.statuses.get(result.status, result.status)
            sheet.row([number, result.code, result.label(self.lang),
                       result.target(self.lang) or t.dash, self.value_cell(ws, result),
                       result.numerator, result.denominator,
                       self.book.styled(ws, status, style) if style else status])

    def value_cell(self, ws, result) -> Any:
        kind, value = rules.indicator_cell(result.value, result.unit)
        if kind == "none":
            return self.t.dash
        if kind == "yes_no":
            return self.t.ynp_short[value]
        return self.book.styled(ws, value, kind)


def final_values(visit_id: int) -> tuple[dict[str, Any], dict[str, tuple]]:
    """A final visit's Resolution values (as ``visit_values`` gives them) and their provenance."""
    return rules.resolved_answers(queries.visit_resolutions(visit_id))
