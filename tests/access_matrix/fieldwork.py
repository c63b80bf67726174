"""Who may open the inspector's pages (blueprint `fieldwork`).

ROUTES: GET endpoint -> role -> "ok" (200), "forbidden" (403 or 404) or "skip: reason", requested
with team 1's first visit (lead = lead1, inspector = inspector1). Coordinators and admins read
checklists through the review and report pages; they have no checklist of their own to fill.
"""

OK, NO = "ok", "forbidden"

ROUTES = {
    "fieldwork.my_visits": {"admin": NO, "coordinator": NO, "lead": OK, "inspector": OK},
    "fieldwork.checklist": {"admin": NO, "coordinator": NO, "lead": OK, "inspector": OK},
    # A revision exists only after the user saved a checklist (404 before): covered in
    # tests/fieldwork/test_saving.py; admin/coordinator have none of their own (404).
    "fieldwork.revision": {
        "admin": NO, "coordinator": NO,
        "lead": "skip: needs a saved checklist revision (tests/fieldwork/test_saving.py)",
        "inspector": "skip: needs a saved checklist revision (tests/fieldwork/test_saving.py)",
    },
    # Needs a stored evidence file: covered in tests/fieldwork/test_attachments.py.
    "fieldwork.attachment": {
        role: "skip: needs a stored attachment (tests/fieldwork/test_attachments.py)"
        for role in ("admin", "coordinator", "lead", "inspector")
    },
}

PARAMS = {
    "fieldwork.revision": {"revision": 1},
    "fieldwork.attachment": {"attachment_uuid": "00000000-0000-4000-8000-000000000000"},
}

# Writes: only the team's own members fill checklists and upload evidence.
_FILLERS = {"admin": "forbidden", "coordinator": "forbidden", "lead": "ok", "inspector": "ok"}
POST_ROUTES = {
    "fieldwork.checklist": _FILLERS,
    "fieldwork.upload_attachment": _FILLERS,
}
