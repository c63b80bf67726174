"""The core layer: rules every feature shares, importing no feature (see issue #13).

- `core.text`: the one text check; `core.ids`: ids as they arrive from outside;
- `core.states`: the visit states as plain values; `core.lifecycle`: the only functions that
  change a visit's state;
- `core.errors`: the one error contract (`DomainError`, the JSON error body and its schema);
- `core.templates`, `core.merge`, `core.values`, `core.answers`, `core.remedies`,
  `core.clock`, `core.sessions`: see docs/architecture.md.

The access policy is a shared module beside the core (`inspections.access`), checked by the
same contracts.
"""
