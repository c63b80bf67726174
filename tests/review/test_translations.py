"""Every label the review pages show has a Vietnamese translation (lazy labels included)."""
from flask_babel import force_locale

from inspections import record
from inspections.core import remedies
from inspections.review import view


def test_every_review_label_is_translated(app):
    tables = [view.STATE_LABELS, view.REVIEW_STATE_LABELS, view.VISIT_STATUS_LABELS,
              view.RESOLUTION_SOURCE_LABELS, view.CAUSE_KIND_LABELS, view.REMEDY_STATUS_LABELS,
              record.TEAM_ROLE_LABELS, remedies.STATUS_LABELS, remedies.REPORT_STATE_LABELS]
    with app.test_request_context(), force_locale("vi"):
        untranslated = [label._args[0] for table in tables for label in table.values()
                        if str(label) == label._args[0]]
    assert not untranslated
