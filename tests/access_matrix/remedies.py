"""Routes of the remedies feature (inspections/remedies), with the demo of the test fixture.

Every logged-in role opens the remedies list (each sees only what it may). Team 1's first visit
is not final, so its conclusions page is refused to every role; the demo of the fixture has no
recommendation, so a recommendation's pages and writes answer 404 (the id below is none).
The real decisions (a unit's own recommendations, the lead of the team and coordinators
review, another unit's is 404) are tested in tests/remedies/test_remedy_access.py.
"""

_ALL = ("admin", "coordinator", "lead", "inspector", "unit")
EVERYONE = {role: "ok" for role in _ALL}
NOBODY = {role: "forbidden" for role in _ALL}

ROUTES = {
    "remedies.index": EVERYONE,
    "remedies_api.list_recommendations": EVERYONE,
    "remedies.visit": NOBODY,
    "remedies.recommendation": NOBODY,
    "remedies.evidence": NOBODY,
}

PARAMS = {
    "remedies.recommendation": {"rec_id": 987654},
    "remedies.evidence": {"attachment_uuid": "0f8b8a3c-5d1e-4c56-9a7e-2b3c4d5e6f70"},
    "remedies.report": {"rec_id": 987654},
    "remedies.accept": {"rec_id": 987654},
    "remedies.return_report": {"rec_id": 987654},
    "remedies_api.post_remedy_report": {"rec_id": 987654},
    "remedies_api.accept": {"rec_id": 987654},
    "remedies_api.return_report": {"rec_id": 987654},
}

POST_ROUTES = {endpoint: NOBODY for endpoint in (
    "remedies.report", "remedies.accept", "remedies.return_report",
    "remedies_api.post_remedy_report", "remedies_api.accept", "remedies_api.return_report",
)}
