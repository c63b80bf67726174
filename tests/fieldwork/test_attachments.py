"""Evidence files: type from the content, size limit, idempotent by uuid, readable by the team only."""
import io
import uuid

import pytest
from sqlalchemy import select

from inspections.attachments import AttachmentError, can_read_attachment, sniff_mime, store_attachment
from inspections.extensions import db
from inspections.models import Attachment, Submission, User, Visit
from tests.fieldwork.conftest import JPEG, PDF, PNG
from tests.fieldwork.test_checklist_form import Elements


def upload(client, visit_id, data, filename, item_code="A1_file", attachment_uuid=None):
    form = {"file": (io.BytesIO(data), filename), "item_code": item_code}
    if attachment_uuid:
        form["uuid"] = attachment_uuid
    return client.post(f"/visits/{visit_id}/attachments", data=form, content_type="multipart/form-data")


def test_sniffing_reads_the_content_not_the_name():
    assert sniff_mime(JPEG) == "image/jpeg"
    assert sniff_mime(PNG) == "image/png"
    assert sniff_mime(PDF) == "application/pdf"
    assert sniff_mime(b"hello, this is text") is None
    assert sniff_mime(b"<svg xmlns='http://www.w3.org/2000/svg'/>") is None
    assert sniff_mime(b"") is None


def test_a_pdf_is_accepted_and_served_to_the_team(app, login, visits, demo):
    client = login("inspector1")
    response = upload(client, visits["SYT"], PDF, "ke-hoach.pdf")
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["mime"] == "application/pdf" and body["created"] is True and body["filename"] == "ke-hoach.pdf"
    served = client.get(body["url"])
    assert served.status_code == 200 and served.data == PDF
    assert served.headers["Content-Type"] == "application/pdf"
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    assert served.headers["Content-Disposition"].startswith("inline")
    assert "ke-hoach.pdf" in served.headers["Content-Disposition"]
    assert "script-src" not in served.headers["Content-Security-Policy"]
    assert "default-src 'none'" in served.headers["Content-Security-Policy"]
    download = client.get(body["url"] + "?download=1")
    assert download.headers["Content-Disposition"].startswith("attachment")
    download.close()
    served.close()
    # a Vietnamese file name survives for the download, encoded as RFC 6266 says
    named = upload(client, visits["SYT"], JPEG, "Biên bản họp.jpg").get_json()
    assert named["filename"] == "Biên bản họp.jpg"
    header = client.get(named["url"]).headers["Content-Disposition"]
    assert "filename*=UTF-8''Bi%C3%AAn%20b%E1%BA%A3n%20h%E1%BB%8Dp.jpg" in header
    # the lead and a teammate may read it; another team and the coordinator's rights follow the visit
    for username, status in (("lead1", 200), ("inspector2", 200), ("coordinator", 200),
                             ("inspector3", 404), ("lead2", 404)):
        assert login(username).get(body["url"]).status_code == status, username
    # stored under its uuid, never under the client's name
    with app.app_context():
        row = db.session.scalar(select(Attachment))
        assert row.storage_key.endswith(row.uuid) and "ke-hoach" not in row.storage_key


def test_a_jpg_that_is_really_text_is_refused(app, login, visits):
    client = login("inspector1")
    response = upload(client, visits["SYT"], b"just some text pretending", "anh.jpg")
    assert response.status_code == 415
    assert "JPEG" in response.get_json()["message"] and response.get_json()["fields"] == [
        {"item": "A1_file", "field": "A1_file", "message": response.get_json()["message"]}]
    with app.app_context():
        assert db.session.scalar(select(Attachment)) is None


def test_the_size_limit_is_named_in_the_message(demo_limit_app):
    app, client, visit_id = demo_limit_app
    response = upload(client, visit_id, JPEG + b"\x00" * 2048, "big.jpg")
    assert response.status_code == 413
    assert "1 KB" in response.get_json()["message"]


@pytest.fixture
def demo_limit_app(make_app):
    """A server with a 1 KB upload limit, the demo loaded and inspector1 logged in."""
    from inspections.demo import seed_demo
    from tests.conftest import TEST_PASSWORD, AuthActions

    app = make_app(MAX_UPLOAD_BYTES=1024)
    with app.app_context():
        seed_demo(TEST_PASSWORD, year=2026)
        db.session.commit()
        visit_id = db.session.scalar(select(Visit.id).order_by(Visit.id))
    client = app.test_client()
    AuthActions(client).login("inspector1")
    return app, client, visit_id


def test_same_uuid_same_bytes_is_idempotent_and_other_bytes_are_refused(app, login, visits):
    client = login("inspector1")
    attachment_uuid = str(uuid.uuid4())
    first = upload(client, visits["SYT"], PNG, "a.png", attachment_uuid=attachment_uuid)
    again = upload(client, visits["SYT"], PNG, "a.png", attachment_uuid=attachment_uuid)
    assert first.status_code == 201 and again.status_code == 200 and again.get_json()["created"] is False
    other = upload(client, visits["SYT"], JPEG, "b.jpg", attachment_uuid=attachment_uuid)
    assert other.status_code == 409
    with app.app_context():
        assert len(db.session.scalars(select(Attachment)).all()) == 1
    assert client.get(first.get_json()["url"]).data == PNG


def test_store_attachment_rules(app_ctx, demo, visits):
    inspector = db.session.scalar(select(User).where(User.username == "inspector1"))
    outsider = db.session.scalar(select(User).where(User.username == "inspector3"))
    visit = db.session.get(Visit, visits["SYT"])
    attachment_uuid = str(uuid.uuid4()).upper()
    row, created = store_attachment(inspector, attachment_uuid=attachment_uuid, data=JPEG,
                                    filename="../../etc/passwd", visit=visit, item_code="A1_file")
    assert created and row.uuid == attachment_uuid.lower() and row.filename == "passwd.jpg"
    same, created = store_attachment(inspector, attachment_uuid=attachment_uuid.lower(), data=JPEG,
                                     filename="x.jpg", visit=visit, item_code="A1_file")
    assert same.id == row.id and not created
    with pytest.raises(AttachmentError) as refused:
        store_attachment(inspector, attachment_uuid=attachment_uuid, data=PNG, filename="x.png",
                         visit=visit, item_code="A1_file")
    assert refused.value.kind == "conflict"
    for kwargs, kind in (
        ({"attachment_uuid": "../../x"}, "uuid"),
        ({"item_code": "A1"}, "item"),  # a yes/no item takes no files
        ({"data": b""}, "empty"),
        ({"data": b"GIF89a..."}, "type"),
    ):
        args = {"attachment_uuid": str(uuid.uuid4()), "data": JPEG, "filename": "x.jpg",
                "visit": visit, "item_code": "A1_file"} | kwargs
        with pytest.raises(AttachmentError) as error:
            store_attachment(inspector, **args)
        assert error.value.kind == kind
    with pytest.raises(AttachmentError) as error:
        store_attachment(outsider, attachment_uuid=str(uuid.uuid4()), data=JPEG, filename="x.jpg",
                         visit=visit, item_code="A1_file")
    assert error.value.kind == "forbidden"
    assert can_read_attachment(inspector, row) and not can_read_attachment(outsider, row)


def test_upload_with_the_form_without_javascript(app, login, visits):
    client = login("inspector1")
    visit_id = visits["SYT"]
    response = client.post(f"/visits/{visit_id}/checklist", data={
        "A1": "yes", "action": "draft",
        "upload.A1_file": [(io.BytesIO(PNG), "anh-chup.png"), (io.BytesIO(PDF), "ke-hoach.pdf")],
    }, content_type="multipart/form-data")
    assert response.status_code == 303
    with app.app_context():
        submission = db.session.scalar(select(Submission))
        files = submission.answers["A1_file"]
        rows = db.session.scalars(select(Attachment).order_by(Attachment.id)).all()
        assert files == [rows[0].uuid, rows[1].uuid]
        assert all(row.submission_id == submission.id for row in rows)
    html = client.get(f"/visits/{visit_id}/checklist").get_data(as_text=True)
    doc = Elements(html)
    assert [a["value"] for a in doc.find("input", type="hidden", name="A1_file")] == files
    assert doc.find("img", class_="thumb") and "ke-hoach.pdf" in html

    # removing one keeps the other
    response = client.post(f"/visits/{visit_id}/checklist", data={
        "A1": "yes", "A1_file": files, "remove.A1_file": files[0], "action": "draft", "base_revision": "1",
    })
    assert response.status_code == 303
    with app.app_context():
        assert db.session.scalar(select(Submission)).answers["A1_file"] == [files[1]]


def test_a_refused_upload_with_the_form_keeps_everything_else(app, login, visits):
    client = login("inspector1")
    response = client.post(f"/visits/{visits['SYT']}/checklist", data={
        "A1": "yes", "H2": "Kết quả tốt", "action": "submit",
        "upload.A1_file": (io.BytesIO(b"not an image"), "gia-mao.jpg"),
    }, content_type="multipart/form-data")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="e-f-A1_file"' in html and "gia-mao.jpg" in html and "Kết quả tốt" in html


def test_another_teams_visit_takes_no_files(app, login, visits):
    client = login("inspector3")
    response = upload(client, visits["SYT"], PDF, "x.pdf")
    assert response.status_code == 404
    coordinator = login("coordinator")
    assert upload(coordinator, visits["SYT"], PDF, "x.pdf").status_code == 403
    with app.app_context():
        assert db.session.scalar(select(Attachment)) is None


def test_an_attachment_of_another_visit_cannot_be_slipped_into_an_answer(app, login, visits):
    client = login("inspector1")
    body = upload(client, visits["SGDDT"], PDF, "x.pdf").get_json()
    response = client.post(f"/visits/{visits['SYT']}/checklist",
                           data={"A1": "yes", "A1_file": body["uuid"], "action": "draft"})
    assert response.status_code == 200  # draft saved without it, with a message
    with app.app_context():
        assert "A1_file" not in db.session.scalar(select(Submission)).answers


def test_unknown_attachment_is_not_found(login, demo):
    client = login("inspector1")
    assert client.get(f"/attachments/{uuid.uuid4()}").status_code == 404
    assert client.get("/attachments/..%2F..%2Fetc%2Fpasswd").status_code == 404
