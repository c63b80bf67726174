"""Merge workflow as JSON under /api/v1/visits/<id>/..."""
from flask import Blueprint

bp = Blueprint("review_api", __name__, url_prefix="/api/v1")
