"""Inspector pages: my visits and the checklist form."""
from flask import Blueprint

bp = Blueprint("fieldwork", __name__, cli_group=None)
