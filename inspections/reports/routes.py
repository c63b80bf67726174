"""Workbook downloads and the export-report command."""
from flask import Blueprint

bp = Blueprint("reports", __name__, url_prefix="/reports", cli_group=None)
