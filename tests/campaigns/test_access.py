"""Who may do what at the coordinator's desk: the declared matrix, POSTs included, and leads read-only."""
from __future__ import annotations

import pytest
from flask import url_for
from sqlalchemy import func, select

from inspections.extensions import db
from inspections.models import Agency, AuditEvent, Team, User, Visit
from tests.access_matrix import campaigns as campaign_matrix, registry as registry_matrix
from tests.conftest import AuthActions
from tests.desk import page_text

# The desk is two blueprints at /campaigns/: the campaigns and the registry.
ROUTES = {**campaign_matrix.ROUTES, **registry_matrix.ROUTES}
POST_ROUTES = {**campaign_matrix.POST_ROUTES, **registry_matrix.POST_ROUTES}
PARAMS = {**campaign_matrix.PARAMS, **getattr(registry_matrix, "PARAMS", {})}
DESK = ("campaigns.", "registry.")
ROLES_AS = {"admin": "admin", "coordinator": "coordinator", "lead": "lead1", "inspector": "inspector1"}


def demo_ids(app) -> dict:
    with app.app_context():
        team = db.session.scalar(select(Team).join(User, Team.lead_id == User.id).where(User.username == "lead1"))
        visit = db.session.scalar(select(Visit).where(Visit.team_id == team.id).order_by(Visit.id))
        return {"campaign_id": team.campaign_id, "team_id": team.id, "visit_id": visit.id, "unit_id": visit.unit_id,
                "user_id": db.session.scalar(select(User.id).where(User.username == "inspector1")),
                "agency_id": db.session.scalar(select(Agency.id).order_by(Agency.id))}


def url(app, endpoint: str, ids: dict) -> str:
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
    values = {**ids, **PARAMS.get(endpoint, {})}
    with app.test_request_context():
        return url_for(endpoint, **{arg: values[arg] for arg in rule.arguments})


def test_every_desk_route_is_in_the_matrix(app):
    gets = {r.endpoint for r in app.url_map.iter_rules() if r.endpoint.startswith(DESK) and "GET" in r.methods}
    posts = {r.endpoint for r in app.url_map.iter_rules() if r.endpoint.startswith(DESK)
             and "POST" in r.methods}
    assert gets == set(ROUTES)
    assert posts == set(POST_ROUTES)


@pytest.mark.parametrize("role", sorted(ROLES_AS))
def test_get_routes_answer_each_role_as_declared(app, demo, role):
    ids = demo_ids(app)
    client = app.test_client()
    AuthActions(client).login(ROLES_AS[role])
    for endpoint, expected in ROUTES.items():
        status = client.get(url(app, endpoint, ids)).status_code
        if expected[role] == "ok":
            assert status == 200, (role, endpoint, status)
        else:
            assert status in (403, 404), (role, endpoint, status)


@pytest.mark.parametrize("role", ["coordinator", "lead", "inspector"])
def test_refused_posts_change_nothing(app, demo, role):
    ids = demo_ids(app)
    client = app.test_client()
    AuthActions(client).login(ROLES_AS[role])
    with app.app_context():
        events_before = db.session.scalar(select(func.count()).select_from(AuditEvent))
    for endpoint, expected in POST_ROUTES.items():
        if expected[role] != "forbidden":
            continue
        response = client.post(url(app, endpoint, ids), data={"name": "X", "code": "X", "token": "x" * 30})
        assert response.status_code in (403, 404), (role, endpoint, response.status_code)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == events_before


def test_anonymous_visitors_are_sent_to_log_in(client, demo, app):
    ids = demo_ids(app)
    for endpoint in ROUTES:
        response = client.get(url(app, endpoint, ids))
        assert response.status_code == 302 and "/login" in response.headers["Location"], endpoint


def test_lead_sees_own_campaign_and_team_read_only(client, login_as, app):
    login_as("lead1")
    index = page_text(client.get("/campaigns/"))
    assert "Kiểm tra liên ngành công tác bình đẳng giới" in index
    assert "/campaigns/new" not in index and "/edit" not in index

    board = page_text(client.get("/campaigns/1"))
    assert "Đoàn kiểm tra liên ngành số 1" in board
    assert "Đoàn kiểm tra liên ngành số 2" not in board  # the other team stays hidden
    assert "Sở Y tế" in board and "UBND xã Hòa Phú" not in board
    assert "Chỉ xem" in board  # the read-only notice
    assert "/teams/new" not in board and "/edit" not in board

    team = page_text(client.get("/campaigns/teams/1"))
    assert "Phạm Thị Lan" in team  # inspector1, a member
    assert "<form method=\"post\" action=\"/campaigns/teams/1/members\"" not in team
    assert "/remove" not in team and "/visits/new" not in team


def test_lead_cannot_open_the_other_team(client, login_as):
    login_as("lead1")
    assert client.get("/campaigns/teams/2").status_code in (403, 404)


def test_lead_without_a_team_in_the_campaign_gets_not_found(client, login_as, app, demo):
    with app.app_context():
        lead = User(username="lead9", full_name="Lead Nine", role="lead")
        lead.set_password("test-pass-123")
        db.session.add(lead)
        db.session.commit()
    login_as("lead9")
    assert client.get("/campaigns/1").status_code == 404
    assert "Kiểm tra liên ngành" not in page_text(client.get("/campaigns/"))


def test_coordinator_opens_the_users_page_but_not_the_users_import(client, login_as):
    login_as("coordinator")
    page = page_text(client.get("/campaigns/users"))
    assert "/campaigns/users/new" in page and "/campaigns/users/import" not in page
    assert "/campaigns/users" in page_text(client.get("/campaigns/"))  # the desk menu links it
    assert client.get("/campaigns/users/import").status_code == 403
    login_as("lead1")
    assert client.get("/campaigns/users").status_code == 403
