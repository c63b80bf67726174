"""The sync API under /api/v1: bootstrap, submissions, attachments, OpenAPI document."""
from flask import Blueprint

bp = Blueprint("sync_api", __name__, url_prefix="/api/v1")
