"""With CSRF protection on (as in production), the desk's forms and buttons carry their token."""
from __future__ import annotations

import re

from sqlalchemy import select

from inspections.extensions import db
from inspections.models import Agency
from tests.conftest import AuthActions


def csrf_value(page: str) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    return match.group(1)


def test_forms_and_archive_buttons_work_with_csrf_on(make_app, demo):
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    AuthActions(client).login("coordinator")
    # without the token: refused, nothing saved
    assert client.post("/campaigns/agencies/new", data={"code": "X1", "name": "X"}).status_code == 400
    page = client.get("/campaigns/agencies/new").get_data(as_text=True)
    response = client.post("/campaigns/agencies/new",
                           data={"code": "X1", "name": "Cơ quan X", "csrf_token": csrf_value(page)})
    assert response.status_code == 302
    with app.app_context():
        agency_id = db.session.scalar(select(Agency.id).where(Agency.code == "X1"))
    edit = client.get(f"/campaigns/agencies/{agency_id}/edit").get_data(as_text=True)
    archive_form = edit.split(f'action="/campaigns/agencies/{agency_id}/archive"')[1]
    response = client.post(f"/campaigns/agencies/{agency_id}/archive", data={"csrf_token": csrf_value(archive_form)})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Agency, agency_id).archived_at is not None
