"""The core layer: rules every feature shares, importing no feature (see issue #13).

For now it holds the one text check (`core.text`); the visit lifecycle, merge rules and access
policy are meant to move here too.
"""
