"""Adapters: one module per HTTP client; each converts and installs, and decides nothing."""
