"""Who may open what in the registry of the coordinator's desk (blueprint `registry`: agencies,
units, users, the organisation, the imports; their addresses stay under /campaigns/).

ROUTES: every GET endpoint -> role -> "ok" (200) or "forbidden" (403 or 404), requested with
the demo ids (agency 1, team 1's first unit, inspector1's user id). Agencies and units are the
coordinator's; coordinators add and edit lead and inspector accounts (the demo user id is
inspector1's), the users import, the organisation and every other account are the admin's.

POST_ROUTES: every POST endpoint, same shape: "forbidden" roles must get 403/404 and change
nothing; "ok" roles are allowed through (the answer may still be 400/302 for an empty form).
"""

OK, NO = "ok", "forbidden"


def _roles(admin, coordinator, lead, inspector):
    return {"admin": admin, "coordinator": coordinator, "lead": lead, "inspector": inspector}


MANAGERS = _roles(OK, OK, NO, NO)
ADMIN = _roles(OK, NO, NO, NO)

ROUTES = {
    "registry.agencies": MANAGERS,
    "registry.agency_new": MANAGERS,
    "registry.agency_edit": MANAGERS,
    "registry.units": MANAGERS,
    "registry.unit_new": MANAGERS,
    "registry.unit_edit": MANAGERS,
    "registry.units_import": MANAGERS,
    "registry.units_import_blank": MANAGERS,
    "registry.users": MANAGERS,  # coordinators: lead and inspector accounts
    "registry.user_new": MANAGERS,  # coordinators: lead and inspector accounts
    "registry.user_edit": MANAGERS,  # coordinators: lead and inspector accounts
    "registry.users_import": ADMIN,
    "registry.users_import_blank": ADMIN,
    "registry.organisation": ADMIN,
}

POST_ROUTES = {
    "registry.agency_new": MANAGERS,
    "registry.agency_edit": MANAGERS,
    "registry.agency_archive": MANAGERS,
    "registry.agency_restore": MANAGERS,
    "registry.unit_new": MANAGERS,
    "registry.unit_edit": MANAGERS,
    "registry.unit_archive": MANAGERS,
    "registry.unit_restore": MANAGERS,
    "registry.units_import": MANAGERS,
    "registry.units_import_confirm": MANAGERS,
    "registry.user_new": MANAGERS,
    "registry.user_edit": MANAGERS,  # the demo user id is inspector1's
    "registry.user_archive": MANAGERS,
    "registry.user_restore": MANAGERS,
    "registry.user_end_sessions": MANAGERS,
    "registry.users_import": ADMIN,
    "registry.users_import_confirm": ADMIN,
    "registry.organisation": ADMIN,
}
