"""The words of the workbooks, looked up once per workbook (never inside a row loop).

Message ids are English; the Vietnamese catalog beside this module gives what the Labour
department reads. Workbooks are written in Vietnamese whatever the user's interface language
(they are official forms), so builders call :func:`workbook_texts` inside
``force_locale("vi")``.
"""
from __future__ import annotations

from datetime import date
from types import SimpleNamespace
from typing import Any, Optional

from flask_babel import pgettext

from ..checklist.messages import MF_PART_LABELS, STATUS_LABELS, UNIT_KIND_LABELS, YNP_LABELS, label
from ..core.remedies import status_for


def workbook_texts(lang: str = "vi") -> SimpleNamespace:
    """Every fixed text of the workbooks, in the current (forced) locale."""
    t = SimpleNamespace()
    # frame and signatures
    t.motto = pgettext("workbook", "SOCIALIST REPUBLIC OF VIET NAM")
    t.motto_line2 = pgettext("workbook", "Independence - Freedom - Happiness")
    t.form_number = pgettext("workbook", "Form no. %(number)s")
    t.continued = pgettext("workbook", " (continued)")
    t.blank_issuing_body = "……………………………"
    t.date_line = pgettext("workbook", "…………, day …… month …… year ……")
    t.prepared_by = pgettext("workbook", "PREPARED BY")
    t.prepared_by_note = pgettext("workbook", "(Signature and full name)")
    t.head_of_agency = pgettext("workbook", "HEAD OF THE AGENCY")
    t.head_of_agency_note = pgettext("workbook", "(Signature, full name and seal)")
    t.cut_marker = pgettext("workbook", " … [CUT: the text is longer than Excel's 32,767 characters; the full "
                     "text is in the system]")
    # sheet names (at most 31 characters)
    t.sheet_general = pgettext("workbook", "1 General information")
    t.sheet_units = pgettext("workbook", "2 Inspected units")
    t.sheet_ynp = pgettext("workbook", "3 Summary by unit")
    t.sheet_gender = pgettext("workbook", "4 Sex-disaggregated data")
    t.sheet_indicators = pgettext("workbook", "5 Indicators")
    t.sheet_indicator_chart = pgettext("workbook", "5b Indicators chart")
    t.title_indicator_chart = pgettext("workbook", "INDICATORS AGAINST THEIR TARGETS")
    t.chart_note = pgettext("workbook", "Figures over the final visits; the chart is drawn from the cells below.")
    t.chart_note_provisional = pgettext("workbook", "Figures include visits not yet final (provisional); the chart "
                                        "is drawn from the cells below.")
    t.col_target_value = pgettext("workbook", "Target figure")
    t.sheet_findings = pgettext("workbook", "6 Shortcomings, recommendations")
    t.sheet_communication = pgettext("workbook", "7 Communication")
    t.sheet_evidence = pgettext("workbook", "8 Evidence")
    t.sheet_data = pgettext("workbook", "9 Detailed data")
    t.sheet_reconcile = pgettext("workbook", "Reconciliation of figures")
    # sheet titles
    t.title_general = pgettext("workbook", "GENERAL INFORMATION ON THE INTER-AGENCY INSPECTION OF GENDER-EQUALITY WORK")
    t.title_units = pgettext("workbook", "LIST OF INSPECTED UNITS")
    t.title_ynp = pgettext("workbook", "SUMMARY OF CHECKLIST ANSWERS BY UNIT")
    t.title_gender = pgettext("workbook", "SEX-DISAGGREGATED DATA")
    t.title_indicators = pgettext("workbook", "GENDER-EQUALITY INDICATORS AND TARGETS")
    t.title_findings = pgettext("workbook", "SHORTCOMINGS AND RECOMMENDATIONS")
    t.title_communication = pgettext("workbook", "COMMUNICATION ON GENDER EQUALITY AND GENDER-BASED VIOLENCE")
    t.title_evidence = pgettext("workbook", "EVIDENCE")
    t.title_reconcile = pgettext("workbook", "FIGURES REPORTED BY THE UNITS AGAINST THE TEAMS' CHECK")
    t.col_declared = pgettext("workbook", "Reported by the unit")
    t.col_verified = pgettext("workbook", "Verified by the team")
    t.col_note = pgettext("workbook", "Note")
    # periods, scope, states
    t.periods = {"mid_year": pgettext("workbook", "First six months"), "annual": pgettext("workbook", "Year")}
    t.period_line = pgettext("workbook", "Reporting period: %(period)s %(year)s")
    t.scope_teams = pgettext("workbook", "Scope: %(teams)s")
    t.visit_states = {"planned": pgettext("workbook", "Planned"), "in_progress": pgettext("workbook", "In progress"),
                      "merging": pgettext("workbook", "Merging"), "final": pgettext("workbook", "Final")}
    t.data_final = pgettext("workbook", "Final data")
    t.data_provisional = pgettext("workbook", "Provisional data")
    t.data_not_counted = pgettext("workbook", "Not counted")
    t.data_labels = {"final": t.data_final, "provisional": t.data_provisional, "not_counted": t.data_not_counted}
    t.provisional_notice = pgettext("workbook", "INCLUDES PROVISIONAL DATA of %(count)d visit(s) whose record is "
                             "not final (see the \"Data\" column)")
    t.sources = {"agreed": pgettext("workbook", "Agreed"), "picked": pgettext("workbook", "Picked by the lead"),
                 "entered": pgettext("workbook", "Entered by the lead"),
                 "single": pgettext("workbook", "One inspector")}
    t.cause_kinds = {"internal": pgettext("workbook", "Internal"), "external": pgettext("workbook", "External")}
    # The remedy flow's statuses (inspections/remedies); "overdue" is derived on the day of the export.
    t.remedy_states = {"open": pgettext("workbook", "Not yet remedied"),
                       "reported": pgettext("workbook", "Reported"),
                       "remedied": pgettext("workbook", "Remedied"),
                       "overdue": pgettext("workbook", "Overdue")}
    t.province_total = pgettext("workbook", "Province-wide total")
    t.scope_total = pgettext("workbook", "Total")
    # columns
    t.col_no = pgettext("workbook", "No.")
    t.col_unit = pgettext("workbook", "Inspected unit")
    t.col_unit_code = pgettext("workbook", "Unit code")
    t.col_unit_kind = pgettext("workbook", "Kind of unit")
    t.col_campaign = pgettext("workbook", "Campaign")
    t.col_team = pgettext("workbook", "Inspection team")
    t.col_date = pgettext("workbook", "Inspection date")
    t.col_lead = pgettext("workbook", "Team lead")
    t.col_members = pgettext("workbook", "Team members")
    t.col_record = pgettext("workbook", "Record no.")
    t.col_status = pgettext("workbook", "Status")
    t.col_data = pgettext("workbook", "Data")
    t.col_compliance = pgettext("workbook", "Compliance score (%)")
    t.col_total = pgettext("workbook", "Total")
    t.col_women = pgettext("workbook", "Of which: women")
    t.col_share = pgettext("workbook", "Share of women (%)")
    t.col_code = pgettext("workbook", "Code")
    t.col_indicator = pgettext("workbook", "Indicator")
    t.col_measure = pgettext("workbook", "Unit of measure")
    t.col_target = pgettext("workbook", "Target")
    t.col_legal = pgettext("workbook", "Legal basis")
    t.col_this_period = pgettext("workbook", "This period")
    t.col_numerator = pgettext("workbook", "Numerator")
    t.col_denominator = pgettext("workbook", "Denominator")
    t.col_previous = pgettext("workbook", "Previous period (%(period)s)")
    t.col_previous_none = pgettext("workbook", "Previous period")
    t.col_assessment = pgettext("workbook", "Met / not met")
    t.col_units_met = pgettext("workbook", "Units meeting the target")
    t.col_units_judged = pgettext("workbook", "Units assessed")
    t.col_section = pgettext("workbook", "Section")
    t.col_shortcoming = pgettext("workbook", "Shortcoming")
    t.col_cause_kind = pgettext("workbook", "Kind of cause")
    t.col_cause = pgettext("workbook", "Cause")
    t.col_recommendation = pgettext("workbook", "Recommendation")
    t.col_responsible = pgettext("workbook", "Responsible")
    t.col_deadline = pgettext("workbook", "Remedy deadline")
    t.col_remedy = pgettext("workbook", "Remedy status")
    t.col_item_code = pgettext("workbook", "Item code")
    t.col_item = pgettext("workbook", "Item")
    t.col_file = pgettext("workbook", "File name")
    t.col_mime = pgettext("workbook", "File type")
    t.col_size = pgettext("workbook", "Size (KB)")
    t.col_uploaded_by = pgettext("workbook", "Uploaded by")
    t.col_uploaded_at = pgettext("workbook", "Uploaded on")
    t.col_visit_id = pgettext("workbook", "Visit id")
    t.col_part = pgettext("workbook", "Part")
    t.col_number = pgettext("workbook", "Number value")
    t.col_text = pgettext("workbook", "Text value")
    t.col_source = pgettext("workbook", "Source")
    t.col_resolved_by = pgettext("workbook", "Decided by")
    t.col_resolved_at = pgettext("workbook", "Decided at")
    t.col_activities = pgettext("workbook", "Communication activities (E1)")
    t.col_activities_total = pgettext("workbook", "Total activities")
    t.col_participants = pgettext("workbook", "Participants (E2)")
    t.ynp_counts = {"yes": pgettext("workbook", "Units answering Yes"),
                    "partial": pgettext("workbook", "Units answering Partly"),
                    "no": pgettext("workbook", "Units answering No"), "na": pgettext("workbook", "Units answering N/A")}
    t.ynp_short = {value: label(YNP_LABELS, value, lang) for value in YNP_LABELS}
    t.ynp_short["na"] = pgettext("workbook", "N/A")
    t.mf_parts = {part: label(MF_PART_LABELS, part, lang) for part in MF_PART_LABELS}
    t.unit_kinds = {kind: label(UNIT_KIND_LABELS, kind, lang) for kind in UNIT_KIND_LABELS}
    t.statuses = {status: label(STATUS_LABELS, status, lang) for status in STATUS_LABELS}
    t.measures = {"%": "%", "ratio": pgettext("workbook", "index"), "yes/no": pgettext("workbook", "% of units")}
    t.dash = "—"
    # general sheet
    t.gen_period = pgettext("workbook", "Reporting period")
    t.gen_year = pgettext("workbook", "Year")
    t.gen_dates = pgettext("workbook", "Inspection dates")
    t.gen_deadline = pgettext("workbook", "Report deadline")
    t.gen_campaigns = pgettext("workbook", "Campaign(s)")
    t.gen_template = pgettext("workbook", "Checklist")
    t.gen_template_value = pgettext("workbook", "%(title)s (version %(version)s)")
    t.gen_targets = pgettext("workbook", "Target set")
    t.gen_scope = pgettext("workbook", "Scope")
    t.gen_scope_all = pgettext("workbook", "Every inspection team")
    t.gen_team = pgettext("workbook", "Inspection team")
    t.gen_team_value = pgettext("workbook", "%(team)s — decision %(decision)s%(date)s — lead: %(lead)s")
    t.gen_decision_date = pgettext("workbook", " of %(date)s")
    t.gen_generated_at = pgettext("workbook", "Generated at")
    t.gen_generated_by = pgettext("workbook", "Generated by")
    t.gen_visits = pgettext("workbook", "Visits planned")
    t.gen_final = pgettext("workbook", "Visits with a final record")
    t.gen_open = pgettext("workbook", "Visits still open")
    t.gen_open_value = pgettext("workbook", "%(count)d (planned %(planned)d, in progress %(in_progress)d, "
                         "merging findings %(merging)d)")
    t.gen_data = pgettext("workbook", "Data in this workbook")
    t.gen_data_final = pgettext("workbook", "Only the %(count)d final record(s) feed the figures; open visits "
                         "are listed below and left out.")
    t.gen_data_provisional = pgettext("workbook", "PROVISIONAL: the figures include %(open)d open visit(s) next "
                               "to the %(final)d final record(s); their rows are marked "
                               "\"Provisional\" in the \"Data\" column and may still change.")
    t.gen_previous = pgettext("workbook", "Previous period compared")
    t.gen_previous_none = pgettext("workbook", "None (no earlier campaign of this period kind)")
    t.gen_templates_differ = pgettext("workbook", "Note")
    t.gen_templates_differ_value = pgettext("workbook", "The campaigns use different checklist versions; the "
                                     "figures follow the newest one (item codes keep their "
                                     "meaning across versions).")
    t.gen_empty = pgettext("workbook", "No data")
    t.empty_no_visits = pgettext("workbook", "There is no visit to consolidate: no inspection visit is planned "
                          "in this scope yet.")
    t.empty_no_campaign = pgettext("workbook", "There is no campaign for this reporting period.")
    t.empty_none_final = pgettext("workbook", "No inspection record is final yet. Only final records feed the "
                           "figures; download again with provisional data to see the open "
                           "visits.")
    t.empty_no_data = pgettext("workbook", "No visit has data yet: no record is final and no "
                               "inspector has submitted a checklist.")
    t.empty_reasons = {"no_campaign": t.empty_no_campaign, "no_visits": t.empty_no_visits,
                       "none_final": t.empty_none_final, "no_data": t.empty_no_data}
    t.missing_title = pgettext("workbook", "Visits whose record is not final yet")
    t.missing_none = pgettext("workbook", "Every visit has a final record.")
    t.no_rows = pgettext("workbook", "No data: %(reason)s")
    t.no_findings = pgettext("workbook", "No shortcoming or recommendation was recorded.")
    t.no_evidence = pgettext("workbook", "No evidence file was uploaded.")
    t.no_discrepancies = pgettext("workbook", "No figure reported by a unit differs from the team's check.")
    t.no_communication_items = pgettext("workbook", "The checklist has no communication items (E1, E2).")
    return t


def remedy_word(t: Any, stored: Optional[str], deadline: Optional[date], today: date) -> str:
    """A recommendation's remedy status as the workbook writes it (chưa khắc phục, đã báo cáo,
    đã khắc phục, quá hạn), from the remedy flow (inspections/remedies)."""
    status = status_for(stored, deadline, today)
    return t.remedy_states.get(status, status)
