"""PWA files (service worker, manifest) and the outbox-file upload page."""
from flask import Blueprint

bp = Blueprint("sync", __name__, cli_group=None)
