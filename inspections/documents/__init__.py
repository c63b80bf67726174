"""Word documents in the Decree 30/2020/NĐ-CP format: the record, the notice of
conclusions and the report of results, built from plain data.

``model`` (plain data), ``layout`` and ``word`` (python-docx) know nothing of Flask or the
database. The reports feature fills the data from the database and writes the files
(``inspections.reports.documents``).
"""
from __future__ import annotations

from .layout import DOCX_MIME

__all__ = ["DOCX_MIME"]
