"""Expected access to the reports feature's GET routes (evaluated with the demo's team-1 ids).

Coordinators and admins download everything; lead1 leads team 1, so the demo campaign, the
2026 annual period (their team only) and a team-1 visit are theirs; inspectors get nothing.
"""

MANAGERS_AND_LEAD = {"admin": "ok", "coordinator": "ok", "lead": "ok", "inspector": "forbidden"}

ROUTES = {
    "reports.index": MANAGERS_AND_LEAD,
    "reports.campaign_workbook": MANAGERS_AND_LEAD,
    "reports.period_workbook": MANAGERS_AND_LEAD,
    "reports.visit_workbook": MANAGERS_AND_LEAD,
    # Word documents: the same people as the workbooks beside them
    "reports.visit_record_document": MANAGERS_AND_LEAD,
    "reports.visit_conclusions_document": MANAGERS_AND_LEAD,
    "reports.campaign_document": MANAGERS_AND_LEAD,
    "reports.period_document": MANAGERS_AND_LEAD,
}

PARAMS = {
    "reports.period_workbook": {"year": 2026, "period": "annual"},
    "reports.period_document": {"year": 2026, "period": "annual"},
}
