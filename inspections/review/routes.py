"""Team lead pages: merge, findings, finalize, the printable record."""
from flask import Blueprint

bp = Blueprint("review", __name__, url_prefix="/review", cli_group=None)
