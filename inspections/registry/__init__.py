"""The registry: agencies, inspected units, users and the organisation, and their Excel imports."""
