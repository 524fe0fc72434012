"""The client-agnostic model: requests, routes, matching, registries, the mock. No HTTP client."""
