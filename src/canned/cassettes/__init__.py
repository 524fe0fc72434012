"""Recorded answers: building, redacting, writing and replaying files of them.

Owns `cassette()` and `Cassette` (record real traffic once, replay it from a file), the cassette
file format, secret redaction, atomic writes and replay, and responses' `_recorder` format
(`{"responses": [{"response": {...}}]}`). YAML is imported only inside the functions that read
or write a file. Imports no HTTP client.
"""

from __future__ import annotations

# `canned.cassette` (the function) is imported from `canned.cassettes.cassette` directly: here
# that name stays the module's.
