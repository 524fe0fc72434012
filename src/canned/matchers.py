"""Matchers, public: what a request must carry for a route to answer it (`responses.matchers`).

Pass them in `match=[...]`; any callable `(request) -> (bool, reason)` works as a custom
matcher. Imports no HTTP client.
"""

from __future__ import annotations

from canned._core.body_matching import (
    body_matcher,
    json_params_matcher,
    multipart_matcher,
    urlencoded_params_matcher,
)
from canned._core.matching import (
    Matcher,
    fragment_identifier_matcher,
    header_matcher,
    query_param_matcher,
    query_string_matcher,
    request_kwargs_matcher,
)

__all__ = [
    "Matcher",
    "body_matcher",
    "fragment_identifier_matcher",
    "header_matcher",
    "json_params_matcher",
    "multipart_matcher",
    "query_param_matcher",
    "query_string_matcher",
    "request_kwargs_matcher",
    "urlencoded_params_matcher",
]
