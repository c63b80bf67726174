"""The words of the workbooks, looked up once per workbook (never inside a row loop).

Message ids are English; the Vietnamese catalog beside this module gives what the Labour
department reads. Workbooks are written in Vietnamese whatever the user's interface language
(they are official forms), so builders call :func:`workbook_texts` inside
``force_locale("vi")``.
"""
from __future__ import annotations

from types import SimpleNamespace

from flask_babel import gettext as _

from ..checklist.messages import MF_PART_LABELS, STATUS_LABELS, UNIT_KIND_LABELS, YNP_LABELS, label


def workbook_texts(lang: str = "vi") -> SimpleNamespace:
    """Every fixed text of the workbooks, in the current (forced) locale."""
    t = SimpleNamespace()
    # frame and signatures
    t.motto = _("SOCIALIST REPUBLIC OF VIET NAM")
    t.motto_line2 = _("Independence - Freedom - Happiness")
    t.form_number = _("Form no. %(number)s")
    t.continued = _(" (continued)")
    t.blank_issuing_body = "……………………………"
    t.date_line = _("…………, day …… month …… year ……")
    t.prepared_by = _("PREPARED BY")
    t.prepared_by_note = _("(Signature and full name)")
    t.head_of_agency = _("HEAD OF THE AGENCY")
    t.head_of_agency_note = _("(Signature, full name and seal)")
    t.cut_marker = _(" … [CUT: the text is longer than Excel's 32,767 characters; the full "
                     "text is in the system]")
    # sheet names (at most 31 characters)
    t.sheet_general = _("1 General information")
    t.sheet_units = _("2 Inspected units")
    t.sheet_ynp = _("3 Summary by unit")
    t.sheet_gender = _("4 Sex-disaggregated data")
    t.sheet_indicators = _("5 Indicators")
    t.sheet_findings = _("6 Shortcomings, recommendations")
    t.sheet_communication = _("7 Communication")
    t.sheet_evidence = _("8 Evidence")
    t.sheet_data = _("9 Detailed data")
    # sheet titles
    t.title_general = _("GENERAL INFORMATION ON THE INTER-AGENCY INSPECTION OF GENDER-EQUALITY WORK")
    t.title_units = _("LIST OF INSPECTED UNITS")
    t.title_ynp = _("SUMMARY OF CHECKLIST ANSWERS BY UNIT")
    t.title_gender = _("SEX-DISAGGREGATED DATA")
    t.title_indicators = _("GENDER-EQUALITY INDICATORS AND TARGETS")
    t.title_findings = _("SHORTCOMINGS AND RECOMMENDATIONS")
    t.title_communication = _("COMMUNICATION ON GENDER EQUALITY AND GENDER-BASED VIOLENCE")
    t.title_evidence = _("EVIDENCE")
    # periods, scope, states
    t.periods = {"mid_year": _("First six months"), "annual": _("Year")}
    t.period_line = _("Reporting period: %(period)s %(year)s")
    t.scope_teams = _("Scope: %(teams)s")
    t.visit_states = {"planned": _("Planned"), "in_progress": _("In progress"),
                      "merging": _("Merging findings"), "final": _("Final")}
    t.data_final = _("Final")
    t.data_provisional = _("Provisional")
    t.data_not_counted = _("Not counted")
    t.provisional_notice = _("INCLUDES PROVISIONAL DATA of %(count)d visit(s) whose record is "
                             "not final (see the \"Data\" column)")
    t.sources = {"agreed": _("Agreed"), "picked": _("Picked by the lead"),
                 "entered": _("Entered by the lead"), "single": _("One inspector")}
    t.cause_kinds = {"internal": _("Internal"), "external": _("External")}
    t.remedy_states = {"open": _("Not yet remedied"), "done": _("Remedied")}
    t.province_total = _("Province-wide total")
    t.scope_total = _("Total")
    # columns
    t.col_no = _("No.")
    t.col_unit = _("Inspected unit")
    t.col_unit_code = _("Unit code")
    t.col_unit_kind = _("Kind of unit")
    t.col_campaign = _("Campaign")
    t.col_team = _("Inspection team")
    t.col_date = _("Inspection date")
    t.col_lead = _("Team lead")
    t.col_members = _("Team members")
    t.col_record = _("Record no.")
    t.col_status = _("Status")
    t.col_data = _("Data")
    t.col_compliance = _("Compliance score (%)")
    t.col_total = _("Total")
    t.col_women = _("Of which: women")
    t.col_share = _("Share of women (%)")
    t.col_code = _("Code")
    t.col_indicator = _("Indicator")
    t.col_measure = _("Unit of measure")
    t.col_target = _("Target")
    t.col_legal = _("Legal basis")
    t.col_this_period = _("This period")
    t.col_numerator = _("Numerator")
    t.col_denominator = _("Denominator")
    t.col_previous = _("Previous period (%(period)s)")
    t.col_previous_none = _("Previous period")
    t.col_assessment = _("Met / not met")
    t.col_units_met = _("Units meeting the target")
    t.col_units_judged = _("Units assessed")
    t.col_section = _("Section")
    t.col_shortcoming = _("Shortcoming")
    t.col_cause_kind = _("Kind of cause")
    t.col_cause = _("Cause")
    t.col_recommendation = _("Recommendation")
    t.col_responsible = _("Responsible")
    t.col_deadline = _("Remedy deadline")
    t.col_remedy = _("Remedy status")
    t.col_item_code = _("Item code")
    t.col_item = _("Item")
    t.col_file = _("File name")
    t.col_mime = _("File type")
    t.col_size = _("Size (KB)")
    t.col_uploaded_by = _("Uploaded by")
    t.col_uploaded_at = _("Uploaded on")
    t.col_visit_id = _("Visit id")
    t.col_part = _("Part")
    t.col_number = _("Number value")
    t.col_text = _("Text value")
    t.col_source = _("Source")
    t.col_resolved_by = _("Decided by")
    t.col_resolved_at = _("Decided at")
    t.col_activities = _("Communication activities (E1)")
    t.col_activities_total = _("Total activities")
    t.col_participants = _("Participants (E2)")
    t.ynp_counts = {"yes": _("Units answering Yes"), "partial": _("Units answering Partly"),
                    "no": _("Units answering No"), "na": _("Units answering N/A")}
    t.ynp_short = {value: label(YNP_LABELS, value, lang) for value in YNP_LABELS}
    t.ynp_short["na"] = _("N/A")
    t.mf_parts = {part: label(MF_PART_LABELS, part, lang) for part in MF_PART_LABELS}
    t.unit_kinds = {kind: label(UNIT_KIND_LABELS, kind, lang) for kind in UNIT_KIND_LABELS}
    t.statuses = {status: label(STATUS_LABELS, status, lang) for status in STATUS_LABELS}
    t.measures = {"%": "%", "ratio": _("index"), "yes/no": _("% of units")}
    t.dash = "—"
    # general sheet
    t.gen_period = _("Reporting period")
    t.gen_year = _("Year")
    t.gen_dates = _("Inspection dates")
    t.gen_deadline = _("Report deadline")
    t.gen_campaigns = _("Campaign(s)")
    t.gen_template = _("Checklist")
    t.gen_template_value = _("%(title)s (version %(version)s)")
    t.gen_targets = _("Target set")
    t.gen_scope = _("Scope")
    t.gen_scope_all = _("Every inspection team")
    t.gen_team = _("Inspection team")
    t.gen_team_value = _("%(team)s — decision %(decision)s%(date)s — lead: %(lead)s")
    t.gen_decision_date = _(" of %(date)s")
    t.gen_generated_at = _("Generated at")
    t.gen_generated_by = _("Generated by")
    t.gen_visits = _("Visits planned")
    t.gen_final = _("Visits with a final record")
    t.gen_open = _("Visits still open")
    t.gen_open_value = _("%(count)d (planned %(planned)d, in progress %(in_progress)d, "
                         "merging findings %(merging)d)")
    t.gen_data = _("Data in this workbook")
    t.gen_data_final = _("Only the %(count)d final record(s) feed the figures; open visits "
                         "are listed below and left out.")
    t.gen_data_provisional = _("PROVISIONAL: the figures include %(open)d open visit(s) next "
                               "to the %(final)d final record(s); their rows are marked "
                               "\"Provisional\" in the \"Data\" column and may still change.")
    t.gen_previous = _("Previous period compared")
    t.gen_previous_none = _("None (no earlier campaign of this period kind)")
    t.gen_templates_differ = _("Note")
    t.gen_templates_differ_value = _("The campaigns use different checklist versions; the "
                                     "figures follow the newest one (item codes keep their "
                                     "meaning across versions).")
    t.gen_empty = _("No data")
    t.empty_no_visits = _("There is no visit to consolidate: no inspection visit is planned "
                          "in this scope yet.")
    t.empty_no_campaign = _("There is no campaign for this reporting period.")
    t.empty_none_final = _("No inspection record is final yet. Only final records feed the "
                           "figures; download again with provisional data to see the open "
                           "visits.")
    t.missing_title = _("Visits whose record is not final yet")
    t.missing_none = _("Every visit has a final record.")
    t.no_rows = _("No data: %(reason)s")
    t.no_findings = _("No shortcoming or recommendation was recorded.")
    t.no_evidence = _("No evidence file was uploaded.")
    t.no_communication_items = _("The checklist has no communication items (E1, E2).")
    return t
