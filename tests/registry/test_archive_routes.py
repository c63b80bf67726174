"""The archive / restore routes written once (inspections.desk.views.archive_routes): for each kind
of row the same addresses, redirects and audit entries as before, and a no-op stays a no-op."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from inspections.models import Agency, Campaign, Team, Unit, User


def first_id(query, model, *where):
    return query(lambda s: s.scalar(select(model.id).where(*where).order_by(model.id)))


@pytest.mark.parametrize("kind, model, path, after_archive, after_restore", [
    ("agency", Agency, "agencies", "/campaigns/agencies", "/campaigns/agencies"),
    ("unit", Unit, "units", "/campaigns/units", "/campaigns/units"),
    ("campaign", Campaign, "", "/campaigns/", "/campaigns/{id}"),
])
def test_archive_then_restore(client, login_as, query, audit_events, kind, model, path, after_archive, after_restore):
    login_as("coordinator")
    row_id = first_id(query, model)
    base = f"/campaigns/{path}/{row_id}" if path else f"/campaigns/{row_id}"
    archived = client.post(f"{base}/archive")
    assert archived.status_code == 302 and archived.headers["Location"] == after_archive.format(id=row_id)
    assert query(lambda s: s.get(model, row_id).archived_at) is not None
    restored = client.post(f"{base}/restore")
    assert restored.status_code == 302 and restored.headers["Location"] == after_restore.format(id=row_id)
    assert query(lambda s: s.get(model, row_id).archived_at) is None
    [archive] = audit_events(f"{kind}.archive")
    [restore] = audit_events(f"{kind}.restore")
    assert archive.before["archived_at"] is None and archive.after["archived_at"] is not None
    assert restore.after["archived_at"] is None
    assert client.post(f"{base}/restore").status_code == 302  # already restored: nothing more is written
    assert len(audit_events(f"{kind}.restore")) == 1


def test_team_archive_goes_back_to_the_dashboard(client, login_as, query):
    login_as("coordinator")
    team_id, campaign_id = query(lambda s: s.execute(select(Team.id, Team.campaign_id).order_by(Team.id)).first())
    response = client.post(f"/campaigns/teams/{team_id}/archive")
    assert response.headers["Location"] == f"/campaigns/{campaign_id}"
    response = client.post(f"/campaigns/teams/{team_id}/restore")
    assert response.headers["Location"] == f"/campaigns/teams/{team_id}"


def test_user_archive_checks_the_account_and_audits(client, login_as, query, audit_events):
    login_as("coordinator")
    admin_id = first_id(query, User, User.username == "admin")
    assert client.post(f"/campaigns/users/{admin_id}/archive").status_code == 403  # the admin's account
    inspector_id = first_id(query, User, User.username == "inspector1")
    assert client.post(f"/campaigns/users/{inspector_id}/archive").headers["Location"] == "/campaigns/users"
    assert client.post(f"/campaigns/users/{inspector_id}/restore").headers["Location"] == "/campaigns/users"
    assert [e.action for e in audit_events("user.archive") + audit_events("user.restore")] == [
        "user.archive", "user.restore"]
    assert client.post("/campaigns/users/999999/archive").status_code == 404
