"""Backup and restore of a SQLite installation: the database (online backup) and evidence files.

A backup is one zip file holding `database.sqlite3` (taken with SQLite's online backup API, so
the app may keep running) and `uploads/<files>`, plus `manifest.json` with row counts per table
and file checksums, which restore checks before it replaces anything.
PostgreSQL installations use pg_dump / pg_restore instead (see the README).
"""
from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
import tempfile
import zipfile
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy.engine import make_url


class BackupError(Exception):
    pass


def sqlite_path(database_uri: str) -> Path:
    url = make_url(database_uri)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        raise BackupError(
            "flask backup handles SQLite files; for PostgreSQL use pg_dump (see the README)."
        )
    return Path(url.database)


def _table_counts(connection: sqlite3.Connection) -> dict[str, int]:
    names = [r[0] for r in connection.execute(
        "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
    return {name: connection.execute(f'SELECT COUNT(*) FROM "{name}"').fetchone()[0] for name in names}


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def create_backup(database_uri: str, upload_dir: str, out: Path) -> dict:
    """Write a backup zip to `out`; returns its manifest."""
    source_path = sqlite_path(database_uri)
    if not source_path.exists():
        raise BackupError(f"the database file {source_path} does not exist")
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        copy_path = Path(tmp) / "database.sqlite3"
        source = sqlite3.connect(str(source_path))
        target = sqlite3.connect(str(copy_path))
        try:
            source.backup(target)  # consistent even while others write
            integrity = target.execute("PRAGMA integrity_check").fetchone()[0]
            if integrity != "ok":
                raise BackupError(f"the copied database failed its integrity check: {integrity}")
            counts = _table_counts(target)
        finally:
            target.close()
            source.close()
        files = {}
        uploads = Path(upload_dir)
        if uploads.exists():
            for path in sorted(p for p in uploads.rglob("*") if p.is_file()):
                files[path.relative_to(uploads).as_posix()] = _sha256(path)
        manifest = {
            "created_at": datetime.now(timezone.utc).isoformat(),
            "tables": counts,
            "files": files,
        }
        partial = out.with_suffix(out.suffix + ".partial")
        with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            archive.write(copy_path, "database.sqlite3")
            for name in files:
                archive.write(uploads / name, f"uploads/{name}")
            archive.writestr("manifest.json", json.dumps(manifest, indent=2, sort_keys=True))
        partial.replace(out)
    return manifest


def restore_backup(backup: Path, database_uri: str, upload_dir: str) -> dict:
    """Check a backup zip completely, then put its database and files in place.

    Run with the app stopped. Nothing is replaced unless every table count and file checksum
    in the manifest matches what the zip holds.
    """
    target_path = sqlite_path(database_uri)
    try:
        archive = zipfile.ZipFile(backup)
    except (zipfile.BadZipFile, OSError) as exc:
        raise BackupError(f"{backup} is not a backup file: {exc}") from exc
    with archive, tempfile.TemporaryDirectory() as tmp:
        try:
            manifest = json.loads(archive.read("manifest.json"))
        except (KeyError, ValueError) as exc:
            raise BackupError("the backup has no readable manifest.json") from exc
        archive.extractall(tmp)  # zip member names are checked below before use
        tmp_dir = Path(tmp)
        db_copy = tmp_dir / "database.sqlite3"
        connection = sqlite3.connect(str(db_copy))
        try:
            if connection.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                raise BackupError("the database in the backup is damaged")
            counts = _table_counts(connection)
        finally:
            connection.close()
        if counts != manifest["tables"]:
            raise BackupError("the database in the backup does not match its manifest")
        for name, digest in manifest["files"].items():
            path = (tmp_dir / "uploads" / name).resolve()
            if tmp_dir.resolve() not in path.parents or not path.is_file() or _sha256(path) != digest:
                raise BackupError(f"the file {name} in the backup is missing or damaged")
        # Everything checked: replace the database (and its WAL files) and the uploads.
        target_path.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("-wal", "-shm"):
            Path(str(target_path) + suffix).unlink(missing_ok=True)
        shutil.copyfile(db_copy, target_path)
        uploads = Path(upload_dir)
        uploads.mkdir(parents=True, exist_ok=True)
        for name in manifest["files"]:
            destination = uploads / name
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(tmp_dir / "uploads" / name, destination)
    return manifest
