"""An inspector never sees nor changes another team's visit; staff do not fill checklists."""
from sqlalchemy import func, select

from inspections.extensions import db
from inspections.models import Submission


def test_another_teams_visit_is_not_found_and_cannot_be_posted_to(app, login, visits):
    client = login("inspector3")  # team 2
    url = f"/visits/{visits['SYT']}/checklist"  # team 1
    assert client.get(url).status_code == 404
    assert client.post(url, data={"A1": "yes", "action": "submit"}).status_code == 404
    assert client.get(url + "/revisions/1").status_code == 404
    assert "Sở Y tế" not in client.get("/my-visits").get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count(Submission.id))) == 0


def test_a_missing_visit_is_not_found(login, demo):
    assert login("inspector1").get("/visits/999999/checklist").status_code == 404


def test_coordinator_and_admin_have_no_checklist_to_fill(app, login, visits):
    for username in ("coordinator", "admin"):
        client = login(username)
        assert client.get(f"/visits/{visits['SYT']}/checklist").status_code == 403
        assert client.post(f"/visits/{visits['SYT']}/checklist", data={"A1": "yes"}).status_code == 403
        assert client.get("/my-visits").status_code == 403
    with app.app_context():
        assert db.session.scalar(select(func.count(Submission.id))) == 0


def test_pages_need_a_login(client, visits):
    for url in ("/my-visits", f"/visits/{visits['SYT']}/checklist"):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"]
