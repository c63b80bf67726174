"""Entry point: what `flask --app app` and `gunicorn app:app` load."""
from inspections import create_app

app = create_app()
