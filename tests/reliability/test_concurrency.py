"""Two people writing to the same visit at the same moment, through a real threaded server.

The first checklist of a visit moves it from planned to in progress, a change guarded by the
visit's version (optimistic locking). When two inspectors of a team save their checklists for the
same planned visit at the same moment, through the page or through the sync API, both must be
stored (neither gets a 500 or a "could not store" answer), and the visit moves on once.
"""
from __future__ import annotations

import http.client
import json
import threading
from urllib.parse import urlencode

import pytest
from sqlalchemy import select

from inspections.extensions import db
from inspections.models import Submission, Team, User, Visit
from tests.conftest import TEST_PASSWORD, LiveServer


@pytest.fixture
def server(make_app, demo):
    live = LiveServer(make_app(TESTING=False))
    live.port = live.server.server_port
    yield live
    live.stop()


def login(port: int, username: str) -> str:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("POST", "/api/v1/session", body=json.dumps({"username": username, "password": TEST_PASSWORD}),
                       headers={"Content-Type": "application/json"})
    response = connection.getresponse()
    response.read()
    assert response.status == 200
    cookies = [c.split(";", 1)[0] for c in response.headers.get_all("Set-Cookie")]
    return "; ".join(cookies)


def planned_visits(app) -> list[int]:
    with app.app_context():
        team = db.session.scalar(select(Team).join(User, Team.lead_id == User.id).where(User.username == "lead1"))
        ids = list(db.session.scalars(select(Visit.id).where(Visit.team_id == team.id, Visit.status == "planned")))
        db.session.remove()
        return ids


def at_once(requests: list) -> list[tuple[int, bytes]]:
    """Send every (port, method, path, body, headers) from its own thread, released together."""
    barrier = threading.Barrier(len(requests))
    results: list = [None] * len(requests)

    def send(index, port, method, path, body, headers):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        barrier.wait()
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        results[index] = (response.status, response.read())

    threads = [threading.Thread(target=send, args=(i, *r)) for i, r in enumerate(requests)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(90)
    return results


def stored(app, visit_ids) -> dict[int, int]:
    with app.app_context():
        rows = db.session.scalars(select(Submission).where(Submission.visit_id.in_(visit_ids))).all()
        result = {v: 0 for v in visit_ids}
        for row in rows:
            result[row.visit_id] += 1
        db.session.remove()
        return result


def test_two_inspectors_submit_the_form_for_the_same_visit_at_once(server):
    app = server.app
    visits = planned_visits(app)
    cookies = {name: login(server.port, name) for name in ("inspector1", "inspector2", "lead1")}
    requests = []
    for visit_id in visits:
        for cookie in cookies.values():
            body = urlencode({"action": "draft", "A1": "yes", "A2": "partial"})
            requests.append((server.port, "POST", f"/visits/{visit_id}/checklist", body,
                             {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie}))
    results = at_once(requests)
    statuses = [status for status, _ in results]
    print("DEBUG", statuses, stored(app, visits))
    assert all(status in (200, 303) for status in statuses), statuses
    assert stored(app, visits) == {v: len(cookies) for v in visits}


def test_two_inspectors_sync_the_same_visit_at_once(server):
    import uuid

    app = server.app
    visits = planned_visits(app)
    cookies = {name: login(server.port, name) for name in ("inspector1", "inspector2", "lead1")}
    requests = []
    for visit_id in visits:
        for cookie in cookies.values():
            item = {"uuid": str(uuid.uuid4()), "visit_id": visit_id, "revision": 1, "answers": {"A1": "yes"}}
            requests.append((server.port, "POST", "/api/v1/submissions", json.dumps({"submissions": [item]}),
                             {"Content-Type": "application/json", "Cookie": cookie}))
    results = at_once(requests)
    assert [status for status, _ in results] == [200] * len(requests)
    outcomes = [json.loads(body)["results"][0] for _, body in results]
    assert [o["status"] for o in outcomes] == ["created"] * len(requests), outcomes
    assert stored(app, visits) == {v: len(cookies) for v in visits}
