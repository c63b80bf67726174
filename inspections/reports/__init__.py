"""Consolidated Excel workbooks."""
