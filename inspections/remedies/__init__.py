"""Remedies after the visit (issue #15, part 4): the inspected unit's remedy reports on the
recommendations of a final visit, accepted or returned by the team's lead or a coordinator.

services.py holds the flow and the statuses (chưa khắc phục, đã báo cáo, đã khắc phục, quá
hạn); routes.py the pages under /remedies; api.py /api/v1/recommendations. Access decisions
are access.py's actions recommendation.view, remedy.report, remedy.review, remedies.use.
"""
