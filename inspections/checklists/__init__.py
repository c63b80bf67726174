"""Checklist templates and target sets in the database (the pure core is inspections.checklist)."""
