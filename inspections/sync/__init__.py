"""Offline sync: the JSON sync API, the service worker and manifest, outbox uploads."""
