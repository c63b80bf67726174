"""Checklist templates for coordinators: list versions, import from Excel/YAML/JSON, export to Excel.

Also the `import-template` and `export-template` commands (cli_group=None puts them at the top
level: `flask --app app import-template FILE`).
"""
from __future__ import annotations

import io
from pathlib import Path

import click
from flask import Blueprint, render_template, request, send_file
from flask_babel import gettext as _
from sqlalchemy import func, select

from .. import checklist
from ..access import role_required
from ..audit import record
from ..extensions import db
from ..models import Campaign, TargetSet, Template
from . import services

bp = Blueprint("checklists", __name__, url_prefix="/checklists", cli_group=None)

MAX_TEMPLATE_UPLOAD = 20 * 1024 * 1024


def _listing():
    templates = db.session.scalars(select(Template).order_by(Template.key, Template.version.desc())).all()
    used = dict(db.session.execute(
        select(Campaign.template_id, func.count(Campaign.id)).group_by(Campaign.template_id)).all())
    target_sets = db.session.scalars(select(TargetSet).order_by(TargetSet.key, TargetSet.version.desc())).all()
    return templates, used, target_sets


@bp.get("/")
@role_required("templates.manage")
def index():
    templates, used, target_sets = _listing()
    return render_template("checklists/index.html", templates=templates, used=used, target_sets=target_sets,
                           problems=[], result=None)


@bp.post("/import")
@role_required("templates.manage")
def upload() -> tuple[str, int]:
    """Import a template file; every problem is listed and nothing is stored unless all is well."""
    upload_file = request.files.get("file")
    problems: list[str] = []
    result = None
    status = 200
    if upload_file is None or not upload_file.filename:
        problems = [_("Choose a file (.xlsx, .yaml or .json) to import.")]
        status = 400
    else:
        data = upload_file.read(MAX_TEMPLATE_UPLOAD + 1)
        if len(data) > MAX_TEMPLATE_UPLOAD:
            problems = [_("The file is larger than %(mb)d MB.", mb=MAX_TEMPLATE_UPLOAD // (1024 * 1024))]
            status = 413
        else:
            try:
                result = services.import_template_file(upload_file.filename, data, user=_current_user())
            except checklist.TemplateError as error:
                db.session.rollback()
                problems = [str(p) for p in error.problems]
                status = 400
            else:
                if result.template_created:
                    record("template.import", result.template,
                           after={"key": result.template.key, "version": result.template.version})
                db.session.commit()
    templates, used, target_sets = _listing()
    return render_template("checklists/index.html", templates=templates, used=used, target_sets=target_sets,
                           problems=problems, result=result), status


@bp.get("/<key>/<int:version>.xlsx")
@role_required("templates.manage")
def download(key: str, version: int):
    row = services.template_version(key, version)
    if row is None:
        from flask import abort

        abort(404)
    target_set = _target_set_for(row)
    buffer = io.BytesIO()
    services.export_template_xlsx(row, buffer, target_set)
    buffer.seek(0)
    return send_file(buffer, as_attachment=True, download_name=f"{key}-v{version}.xlsx",
                     mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def _target_set_for(row: Template):
    """The target set of the newest campaign using this version, else the newest target set."""
    used = db.session.scalar(select(Campaign.target_set_id).where(Campaign.template_id == row.id)
                             .order_by(Campaign.id.desc()).limit(1))
    if used is not None:
        return db.session.get(TargetSet, used)
    return db.session.scalar(select(TargetSet).order_by(TargetSet.id.desc()).limit(1))


def _current_user():
    from flask_login import current_user

    return current_user._get_current_object() if current_user.is_authenticated else None


@bp.cli.command("import-template")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
def import_template_command(path: str) -> None:
    """Import a checklist template (.xlsx, .yaml, .json) as a new version."""
    try:
        result = services.import_template_file(Path(path).name, Path(path).read_bytes())
    except checklist.TemplateError as error:
        db.session.rollback()
        raise click.ClickException("the template was not imported:\n"
                                   + "\n".join(f"  {p}" for p in error.problems)) from error
    db.session.commit()
    row = result.template
    if result.template_created:
        click.echo(f"Imported {row.key} version {row.version}.")
    else:
        click.echo(f"{row.key} version {row.version} already has this content; nothing changed.")
    if result.target_set is not None:
        click.echo(f"Target set {result.target_set.key} version {result.target_set.version}"
                   f"{' (new)' if result.target_set_created else ''}.")


@bp.cli.command("export-template")
@click.argument("key")
@click.option("--version", type=int, default=None, help="Version (default: the latest).")
@click.option("--out", "out_path", required=True, type=click.Path(dir_okay=False))
def export_template_command(key: str, version: int | None, out_path: str) -> None:
    """Export a stored template version as an Excel authoring workbook."""
    row = services.template_version(key, version)
    if row is None:
        raise click.ClickException(f"no template {key!r}" + (f" version {version}" if version else ""))
    with open(out_path, "wb") as handle:
        services.export_template_xlsx(row, handle, _target_set_for(row))
    click.echo(f"Wrote {row.key} version {row.version} to {out_path}.")
