"""Coordinator desk pages."""
from flask import Blueprint

bp = Blueprint("campaigns", __name__, url_prefix="/campaigns", cli_group=None)
