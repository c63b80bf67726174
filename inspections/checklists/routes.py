"""Pages for coordinators: checklist templates (upload / download as Excel)."""
from flask import Blueprint

bp = Blueprint("checklists", __name__, url_prefix="/checklists", cli_group=None)
