"""Evidence files (minh chứng): checking, storing and reading attachments.

Used by the checklist form (fieldwork) and the sync API (PUT /api/v1/attachments/<uuid>).
The rules:

- the type is read from the content (JPEG, PNG or PDF magic bytes), never from the file name
  or the type the client declares;
- a file larger than MAX_UPLOAD_BYTES (default 10 MB) or an empty one is refused with a message
  that names the limit;
- files are stored under UPLOAD_DIR by the attachment's uuid; the client's file name is kept
  only for display and download, never used as a path;
- idempotent by uuid + sha256: the same uuid with the same bytes returns the stored attachment
  (created False); the same uuid with other bytes is refused (kind "conflict");
- only someone who may fill in the visit's checklist may attach evidence to it; everyone who
  may see the visit may read its evidence. Evidence of a remedy report (inspections.remedies,
  through `store_file`) has no visit: it is read by whoever may see the report's recommendation.

Functions here only add and flush; the caller commits once per request.
"""
from __future__ import annotations

import hashlib
import os
import re
import tempfile
import unicodedata
import uuid as uuid_module
from pathlib import Path
from typing import Any, Callable, Iterable, Optional

from flask import current_app, has_request_context
from flask_babel import gettext
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from . import access
from .core.errors import DomainError, FieldError
from .core.templates import core_template
from .extensions import db
from .models import Attachment, User, Visit, new_uuid

DEFAULT_MAX_UPLOAD_BYTES = 10 * 1024 * 1024
ALLOWED_MIME = ("image/jpeg", "image/png", "application/pdf")
EXTENSIONS = {"image/jpeg": ".jpg", "image/png": ".png", "application/pdf": ".pdf"}
MAX_FILENAME_LENGTH = 200


def _(message: str, **values: Any) -> str:
    """The message in the user's language inside a request; English elsewhere (CLI, workers)."""
    if has_request_context():
        return gettext(message, **values)
    return message % values if values else message


class AttachmentError(DomainError, ValueError):
    """An attachment that cannot be stored: `field` it concerns (and the checklist `item`),
    `message` for the user; answered in the one error shape (inspections.core.errors).

    `kind` (the body's `error`) is a stable key for API clients: empty, too_large, type,
    conflict, uuid, uuid_taken, item, forbidden. `status` is the HTTP status an API answers with.
    """

    STATUS = {"too_large": 413, "type": 415, "conflict": 409, "uuid_taken": 409, "forbidden": 403}

    def __init__(self, field: str, message: str, kind: str = "invalid", item: str = ""):
        super().__init__(message, code=kind, status=self.STATUS.get(kind, 400),
                         fields=[FieldError(field, message, item=item)])
        self.field = field
        self.kind = kind

    def as_json(self) -> dict[str, Any]:
        return self.body()


def sniff_mime(data: bytes) -> Optional[str]:
    """The type of `data` from its first bytes: image/jpeg, image/png, application/pdf, or None."""
    if data[:3] == b"\xff\xd8\xff":
        return "image/jpeg"
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return "image/png"
    # PDF readers accept the header anywhere in the first kilobyte (after a BOM or junk).
    if data[:5] == b"%PDF-" or b"%PDF-" in data[:1024]:
        return "application/pdf"
    return None


def max_upload_bytes() -> int:
    return int(current_app.config.get("MAX_UPLOAD_BYTES") or DEFAULT_MAX_UPLOAD_BYTES)


def size_label(size: int) -> str:
    """A byte count as people say it: 10 MB, 512 KB, 300 bytes."""
    if size >= 1024 * 1024:
        value = size / (1024 * 1024)
        return f"{value:.0f} MB" if value.is_integer() else f"{value:.1f} MB"
    if size >= 1024:
        return f"{size // 1024} KB"
    return f"{size} B"


def normalize_uuid(value: Any) -> Optional[str]:
    """The canonical lower-case form of a uuid string, or None if it is not one."""
    if not isinstance(value, str) or len(value) > 64:
        return None
    try:
        return str(uuid_module.UUID(value.strip()))
    except ValueError:
        return None


def clean_filename(filename: Optional[str], mime: str) -> str:
    """A display name: the last path part, no control characters, bounded length, a fitting suffix."""
    name = (filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in unicodedata.normalize("NFC", name)
                   if unicodedata.category(ch)[0] != "C").strip().strip(".")
    name = re.sub(r"\s+", " ", name)
    if not name:
        name = "evidence"
    stem, dot, suffix = name.rpartition(".")
    wanted = EXTENSIONS.get(mime, "")
    if not dot or ("." + suffix.lower()) not in (wanted, ".jpeg" if wanted == ".jpg" else wanted):
        name = name + wanted  # photo.txt that is really a PNG becomes photo.txt.png
    if len(name) > MAX_FILENAME_LENGTH:
        keep = MAX_FILENAME_LENGTH - len(wanted)
        name = name[:keep] + wanted
    return name


def storage_path(storage_key: str) -> Path:
    """Where a stored file lives; refuses any key that would leave UPLOAD_DIR."""
    root = Path(current_app.config["UPLOAD_DIR"]).resolve()
    if not re.fullmatch(r"[0-9a-f]{2}/[0-9a-f-]{36}", storage_key or ""):
        raise ValueError(f"bad storage key {storage_key!r}")
    path = (root / storage_key).resolve()
    if root not in path.parents:
        raise ValueError(f"bad storage key {storage_key!r}")
    return path


def _write_file(storage_key: str, data: bytes) -> None:
    """Write atomically (a temporary file renamed into place): readers never see half a file."""
    path = storage_path(storage_key)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
    try:
        with os.fdopen(handle, "wb") as tmp:
            tmp.write(data)
        os.replace(tmp_name, path)
    except BaseException:
        if os.path.exists(tmp_name):
            os.unlink(tmp_name)
        raise


def find_attachment(attachment_uuid: str) -> Optional[Attachment]:
    canonical = normalize_uuid(attachment_uuid)
    if canonical is None:
        return None
    return db.session.scalar(select(Attachment).where(Attachment.uuid == canonical))


def attachments_by_uuid(uuids: Iterable[str]) -> dict[str, Attachment]:
    """The stored attachments among `uuids`, keyed by canonical uuid (unknown ones left out)."""
    wanted = {u for u in (normalize_uuid(x) for x in uuids) if u}
    if not wanted:
        return {}
    rows = db.session.scalars(select(Attachment).where(Attachment.uuid.in_(wanted)))
    return {row.uuid: row for row in rows}


def _file_item_codes(visit: Visit) -> set[str]:
    template = core_template(visit.team.campaign.template)
    return {item.code for item in template.items_for(visit.unit.kind) if item.type == "file"}


def store_upload(user: User, visit: Visit, files: Any, form: Any, *, item_codes: Optional[set[str]] = None,
                 self_report: Optional[Callable[[], Any]] = None) -> tuple[dict[str, Any], int]:
    """One file sent by a page's script (multipart: `file`, `item_code`, `uuid`): checked and
    stored, answered as the JSON body and status the scripts read (201 stored, 200 the same file
    again). `item_codes` narrows the items that take it and `self_report` gives the unit's report
    the file is evidence of (called only once the file and item are accepted); errors are raised
    in the one error shape. The caller has checked the visit and commits."""
    from flask import url_for

    storage = files.get("file")
    item_code = str(form.get("item_code", ""))[:40]
    if storage is None or not storage.filename:
        message = _("Choose a file to attach.")
        raise DomainError(message, code="empty", status=400,
                          fields=[FieldError(item_code or "file", message, item=item_code)])
    if item_codes is not None and item_code not in item_codes:
        message = _("Item %(code)s is not in the unit's report.", code=item_code)
        raise DomainError(message, code="item", status=400, fields=[FieldError("item_code", message, item=item_code)])
    data = storage.read()  # bounded by MAX_CONTENT_LENGTH; the exact size goes in the message
    row, created = store_attachment(user, attachment_uuid=form.get("uuid") or new_uuid(), data=data,
                                    filename=storage.filename, visit=visit, item_code=item_code,
                                    self_report=self_report() if self_report is not None else None)
    return {"uuid": row.uuid, "item_code": row.item_code, "filename": row.filename, "mime": row.mime,
            "size": row.size, "created": created,
            "url": url_for("fieldwork.attachment", attachment_uuid=row.uuid)}, 201 if created else 200


def store_attachment(user: User, *, attachment_uuid: str, data: bytes, filename: str,
                     visit: Optional[Visit], item_code: str, self_report: Any = None) -> tuple[Attachment, bool]:
    """Check and store one evidence file; returns (attachment, created).

    Raises AttachmentError for anything the user must fix (see the module docstring).
    An empty `item_code` leaves the file unattached to an item (the sync API may not know it yet).
    With `self_report` (the unit's own report of `visit`) the file is evidence of that report,
    stored by the unit's representative.
    """
    canonical = normalize_uuid(attachment_uuid)
    if canonical is None:
        raise AttachmentError("uuid", _("The file id is not valid."), "uuid")
    if self_report is not None:
        if visit is None or self_report.visit_id != visit.id or not access.can(user, "self_report.edit", visit):
            raise AttachmentError("visit_id", _("The unit's report of this visit is closed."), "forbidden")
    elif visit is None or not access.can(user, "visit.fill", visit):
        raise AttachmentError("visit_id", _("You are not assigned to this visit."), "forbidden")
    item_code = (item_code or "").strip()
    if item_code and item_code not in _file_item_codes(visit):
        raise AttachmentError("item_code", _("Item %(code)s does not take evidence files.", code=item_code[:40]),
                              "item", item=item_code[:40])

    return store_file(user, attachment_uuid=canonical, data=data, filename=filename, visit=visit,
                      item_code=item_code, self_report=self_report)


def store_file(user: User, *, attachment_uuid: str, data: bytes, filename: str,
               visit: Optional[Visit], item_code: str = "", self_report: Any = None,
               remedy_report_id: Optional[int] = None) -> tuple[Attachment, bool]:
    """The storage rules without the checklist's permission check: size, type from the content,
    storage by uuid, idempotency by uuid + sha256. The caller has decided the user may attach
    the file (store_attachment for a visit's checklist; inspections.remedies for a remedy report,
    whose files belong to the report, with no visit).
    """
    canonical = normalize_uuid(attachment_uuid)
    if canonical is None:
        raise AttachmentError("uuid", _("The file id is not valid."), "uuid")
    field = item_code or "file"
    limit = max_upload_bytes()
    if not data:
        raise AttachmentError(field, _("The file is empty."), "empty", item=item_code)
    if len(data) > limit:
        raise AttachmentError(field, _(
            "The file is %(size)s; the limit is %(limit)s per file. "
            "Take the photo at a lower resolution or split the scan.",
            size=size_label(len(data)), limit=size_label(limit)), "too_large", item=item_code)
    mime = sniff_mime(data)
    if mime is None:
        raise AttachmentError(field, _(
            "Only JPEG or PNG photos and PDF documents can be attached; this file is none of these."), "type",
            item=item_code)
    digest = hashlib.sha256(data).hexdigest()
    visit_id = visit.id if visit is not None else None

    existing = find_attachment(canonical)
    if existing is not None:
        return _resend(user, existing, visit_id, digest, item_code, data, remedy_report_id), False

    attachment = Attachment(
        uuid=canonical, visit_id=visit_id, item_code=item_code, uploaded_by_id=user.id,
        self_report_id=self_report.id if self_report is not None else None,
        filename=clean_filename(filename, mime), mime=mime, size=len(data), sha256=digest,
        storage_key=f"{canonical[:2]}/{canonical}", remedy_report_id=remedy_report_id,
    )
    try:
        with db.session.begin_nested():
            db.session.add(attachment)
            db.session.flush()
    except IntegrityError:
        # The same uuid arrived at the same moment through another request.
        raced = find_attachment(canonical)
        if raced is None:
            raise
        return _resend(user, raced, visit_id, digest, item_code, data, remedy_report_id), False
    _write_file(attachment.storage_key, data)
    return attachment, True


def _resend(user: User, existing: Attachment, visit_id: Optional[int], digest: str, item_code: str,
            data: bytes, remedy_report_id: Optional[int] = None) -> Attachment:
    """A uuid already stored: the same file again returns it; anything else is refused."""
    if (existing.uploaded_by_id != user.id or existing.visit_id != visit_id
            or existing.remedy_report_id != remedy_report_id):
        raise AttachmentError("uuid", _("This file id belongs to another file."), "uuid_taken")
    if existing.sha256 != digest:
        raise AttachmentError(item_code or "file", _(
            "A different file was already stored under this id; nothing was overwritten."), "conflict", item=item_code)
    if item_code and not existing.item_code:
        existing.item_code = item_code
    if not storage_path(existing.storage_key).exists():  # lost on disk: the resend repairs it
        _write_file(existing.storage_key, data)
    return existing


def can_read_attachment(user: Any, attachment: Attachment) -> bool:
    """The uploader, and everyone who may see the attachment's visit."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if attachment.uploaded_by_id == user.id:
        return True
    if attachment.remedy_report_id is not None:  # evidence of a remedy report: who may see it
        from .models import RemedyReport

        report = db.session.get(RemedyReport, attachment.remedy_report_id)
        return report is not None and access.can(user, "recommendation.view", report.recommendation)
    if attachment.visit_id is None:
        return access.can(user, "visits.view_all")
    visit = db.session.get(Visit, attachment.visit_id)
    if visit is None:
        return False
    if attachment.self_report_id is not None:  # evidence of the unit's own report
        return access.can(user, "self_report.view", visit)
    return access.can(user, "visit.view_work", visit)  # an inspector's evidence


def link_to_submission(submission, uuids: Iterable[str]) -> None:
    """Mark the submitter's own attachments named in a submission's answers as belonging to it."""
    wanted = {u for u in (normalize_uuid(x) for x in uuids) if u}
    if not wanted:
        return
    rows = db.session.scalars(select(Attachment).where(
        Attachment.uuid.in_(wanted), Attachment.uploaded_by_id == submission.inspector_id,
        Attachment.visit_id == submission.visit_id, Attachment.submission_id.is_(None)))
    for row in rows:
        row.submission_id = submission.id
