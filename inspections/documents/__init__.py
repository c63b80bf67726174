"""Word documents in the Decree 30/2020/NĐ-CP format: the record, the notice of
conclusions and the report of results.

``model`` (plain data), ``layout`` and ``word`` (python-docx, pure) know nothing of Flask or
the database; ``assemble`` fills the data from the database. The three functions below are
what the routes and the command line call.
"""
from __future__ import annotations

from .layout import DOCX_MIME

__all__ = ["DOCX_MIME", "write_visit_record", "write_visit_conclusions", "write_results_report"]


def write_visit_record(visit, out) -> None:
    """Biên bản kiểm tra of ``visit`` to ``out`` (a path or a binary file)."""
    from .assemble import visit_record
    from .word import write_record

    write_record(visit_record(visit), out)


def write_visit_conclusions(visit, out) -> None:
    """Thông báo kết luận kiểm tra of ``visit`` to ``out``."""
    from .assemble import conclusions
    from .word import write_conclusions

    write_conclusions(conclusions(visit), out)


def write_results_report(scope, out):
    """Báo cáo kết quả kiểm tra of a campaign or period ``scope`` to ``out``; returns its data."""
    from .assemble import results_report
    from .word import write_report

    report = results_report(scope)
    write_report(report, out)
    return report
