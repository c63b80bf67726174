"""GET routes of the review feature (evaluated with team 1's first visit, which is not final).

The team's lead merges; coordinators and admins read the merge, the audit trail and the record;
inspectors of the team see the record only once the visit is final (so "forbidden" here);
only the lead may open the send-back form. Other teams get 404 (test_other_teams_visits_are_not_found).
"""

STAFF_AND_LEAD = {"admin": "ok", "coordinator": "ok", "lead": "ok", "inspector": "forbidden"}

ROUTES = {
    "review.merge": STAFF_AND_LEAD,
    "review.audit": STAFF_AND_LEAD,
    "review.record": STAFF_AND_LEAD,
    "review.send_back": {"admin": "forbidden", "coordinator": "forbidden", "lead": "ok", "inspector": "forbidden"},
    "review_api.merge": STAFF_AND_LEAD,
}

# Every review route takes only visit_id, which the matrix fills in.
PARAMS: dict = {}

# Writes: only the team's lead (lead1 for team 1) merges, sends back, finalizes and reopens.
_LEAD_ONLY = {"admin": "forbidden", "coordinator": "forbidden", "lead": "ok", "inspector": "forbidden"}
POST_ROUTES = {
    endpoint: _LEAD_ONLY
    for endpoint in (
        "review.approve", "review.finalize", "review.reopen", "review.resolve", "review.save_recommendation",
        "review.save_report", "review.save_shortcoming", "review.send_back",
        "review_api.approve", "review_api.finalize", "review_api.reopen", "review_api.resolve",
        "review_api.send_back",
    )
}
