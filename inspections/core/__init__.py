"""The core layer: rules every feature shares, importing no feature (see issue #13).

- `core.text`: the one text check; `core.ids`: ids as they arrive from outside;
- `core.lifecycle`: the visit states (`VisitState`) and the only functions that change them;
- `core.errors`: the one error contract (`DomainError`, the JSON error body and its schema).

The merge rules and the access policy are meant to move here too (access.py is still
`inspections.access`).
"""
