"""Registries, public: how a request finds its route (responses' `responses.registries`).

`FirstMatchRegistry` (the default) answers same-URL routes in turn, the last one repeating;
`OrderedRegistry` answers strictly in registration order. Subclass either and override `find`.
Imports no HTTP client.
"""

from __future__ import annotations

from canned._core.registry import FirstMatchRegistry, OrderedRegistry

__all__ = ["FirstMatchRegistry", "OrderedRegistry"]
