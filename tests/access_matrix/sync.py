"""Who may open the offline feature's pages (blueprints `sync` and `sync_api`).

ROUTES: GET endpoint -> role -> "ok" | "forbidden" (403/404), or "public" (answers without login:
the service worker, the manifest, the offline fallback page and the scripts' strings must load
before anyone logs in (the API document is the api package's, see api.py), and the installability check fetches them).
Ids are team 1's (lead1 leads it, inspector1 is in it).
"""

OK, NO = "ok", "forbidden"
EVERYONE = {"admin": OK, "coordinator": OK, "lead": OK, "inspector": OK}

ROUTES = {
    "sync.service_worker": "public",
    "sync.manifest": "public",
    "sync.offline_page": "public",
    "sync.strings": "public",
    # a unit's representative gets the page and an empty bootstrap (no visit to fill in)
    "sync.status": dict(EVERYONE, unit=OK),
    "sync.outbox_upload": {"admin": OK, "coordinator": OK, "lead": OK, "inspector": NO},
    "sync_api.bootstrap": dict(EVERYONE, unit=OK),
    # staff read any template; lead1 and inspector1 read the one their campaign uses
    "sync_api.template_version": EVERYONE,
}

PARAMS = {
    "sync_api.template_version": {"key": "gender_equality", "version": 2},
}

# Writes. Submissions and attachments are checked per item against the visit they name
# (tests/sync covers that); the outbox-file upload page is for leads and managers.
_PER_ITEM = "skip: access is decided per submission/visit in the body (tests/sync, tests/security)"
POST_ROUTES = {
    "sync.outbox_upload": {"admin": "ok", "coordinator": "ok", "lead": "ok", "inspector": "forbidden"},
    "sync_api.submissions": {role: _PER_ITEM for role in ("admin", "coordinator", "lead", "inspector", "unit")},
    "sync_api.put_attachment": {role: _PER_ITEM for role in ("admin", "coordinator", "lead", "inspector", "unit")},
}
