"""Coordinator desk: campaigns, teams, units, users, visits, imports, dashboard."""
