"""Who may open what in the campaigns of the coordinator's desk (blueprint `campaigns`; agencies,
units and users are the registry's, tests/access_matrix/registry.py).

ROUTES: every GET endpoint -> role -> "ok" (200) or "forbidden" (403 or 404), requested with
the demo ids of team 1's objects (campaign 1, team 1, visit 1). "lead" means lead1, the lead of
team 1: leads open the campaign list, the dashboard and their own team's page read-only;
everything else is the coordinator's.

POST_ROUTES: every POST endpoint, same shape: "forbidden" roles must get 403/404 and change
nothing; "ok" roles are allowed through (the answer may still be 400/302 for an empty form).

PARAMS: URL arguments other than the demo ids.
"""

OK, NO = "ok", "forbidden"


def _roles(admin, coordinator, lead, inspector):
    return {"admin": admin, "coordinator": coordinator, "lead": lead, "inspector": inspector}


MANAGERS = _roles(OK, OK, NO, NO)
READERS = _roles(OK, OK, OK, NO)  # leads: only campaigns / teams they lead

ROUTES = {
    "campaigns.index": READERS,
    "campaigns.dashboard": READERS,
    "campaigns.campaign_new": MANAGERS,
    "campaigns.campaign_edit": MANAGERS,
    "campaigns.team": READERS,
    "campaigns.team_new": MANAGERS,
    "campaigns.team_edit": MANAGERS,
    "campaigns.visit_new": MANAGERS,
    "campaigns.visit_edit": MANAGERS,
}

POST_ROUTES = {
    "campaigns.campaign_new": MANAGERS,
    "campaigns.campaign_edit": MANAGERS,
    "campaigns.campaign_archive": MANAGERS,
    "campaigns.campaign_restore": MANAGERS,
    "campaigns.team_new": MANAGERS,
    "campaigns.team_edit": MANAGERS,
    "campaigns.team_archive": MANAGERS,
    "campaigns.team_restore": MANAGERS,
    "campaigns.team_member_add": MANAGERS,
    "campaigns.team_member_remove": MANAGERS,
    "campaigns.visit_new": MANAGERS,
    "campaigns.visit_edit": MANAGERS,
    "campaigns.visit_archive": MANAGERS,
    "campaigns.visit_restore": MANAGERS,
}

# team 1's second member row (inspector1) in the demo province
PARAMS = {"campaigns.team_member_remove": {"member_id": 2}}
