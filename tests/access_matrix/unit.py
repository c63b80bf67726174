"""Routes of the inspected unit's pages (inspections/unit), evaluated with team 1's first visit
(SYT, whose representative is rep-SYT; its report is submitted in the demo, the visit is planned).

The representative works on its report; the team's lead and coordinators follow it (due date,
lock, invitation links); inspectors of the team read it only through the merge and the phone.
The invitation link carries its own token and needs no log-in ("public_link").
"""

REP_ONLY = {"admin": "forbidden", "coordinator": "forbidden", "lead": "forbidden", "inspector": "forbidden",
            "unit": "ok"}
FOLLOWERS = {"admin": "ok", "coordinator": "ok", "lead": "ok", "inspector": "forbidden", "unit": "forbidden"}
# Staff and the lead are sent on from the rep's page to theirs (a redirect, so "ok").
READERS = {"admin": "ok", "coordinator": "ok", "lead": "ok", "inspector": "forbidden", "unit": "ok"}
# Everyone who may see the visit reads the report; inspectors too (the phone shows it).
API_READERS = {"admin": "ok", "coordinator": "ok", "lead": "ok", "inspector": "ok", "unit": "ok"}

ROUTES = {
    "unit.home": REP_ONLY,
    "unit.report": READERS,
    "unit.manage": FOLLOWERS,
    "unit.accept_invite": "public_link",
    "unit_api.self_report": API_READERS,  # GET; its PUT is in POST_ROUTES
}

PARAMS = {"unit.accept_invite": {"token": "x" * 43}}

PUBLIC_WRITES = {"unit.accept_invite"}
POST_ROUTES = {
    "unit.report": REP_ONLY,
    "unit.upload": REP_ONLY,
    "unit_api.self_report": REP_ONLY,
    "unit.schedule": FOLLOWERS,
    "unit.invite": FOLLOWERS,
}
