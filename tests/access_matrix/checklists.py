"""Checklist template pages: coordinators and admins only."""
MANAGERS_ONLY = {"admin": "ok", "coordinator": "ok", "lead": "forbidden", "inspector": "forbidden"}

ROUTES = {
    "checklists.index": MANAGERS_ONLY,
    "checklists.download": MANAGERS_ONLY,
}
PARAMS = {"checklists.download": {"key": "gender_equality", "version": 2}}

POST_ROUTES = {"checklists.upload": MANAGERS_ONLY}
