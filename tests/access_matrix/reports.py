"""Expected access to the reports feature's GET routes (evaluated with the demo's team-1 ids).

Coordinators and admins download everything; lead1 leads team 1, so the demo campaign, the
2026 annual period (their team only) and a team-1 visit are theirs; inspectors get nothing.
"""

MANAGERS_AND_LEAD = {"admin": "ok", "coordinator": "ok", "lead": "ok", "inspector": "forbidden"}

NOBODY_ELSE = {"admin": "forbidden", "coordinator": "forbidden", "lead": "forbidden",
               "inspector": "forbidden"}

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
    # An export job is its requester's own: nobody else finds it (a job id no one asked for here;
    # the requester's side is in tests/reports/test_export_jobs.py).
    "reports.export_job": NOBODY_ELSE,
    "reports.export_job_file": NOBODY_ELSE,
}

PARAMS = {
    "reports.period_workbook": {"year": 2026, "period": "annual"},
    "reports.period_document": {"year": 2026, "period": "annual"},
    "reports.export_job": {"job_id": 1},
    "reports.export_job_file": {"job_id": 1},
}
