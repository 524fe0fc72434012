"""Recorded answers: building, redacting, writing and replaying files of them.

Owns the file format (responses' `_recorder` format: `{"responses": [{"response": {...}}]}`),
secret redaction, atomic writes and replay. YAML and TOML libraries are imported only inside the
functions that read or write a file. Imports no HTTP client.
"""
