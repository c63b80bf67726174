"""Team lead review: merge, send back, findings, finalize, audit, the inspection record."""
