"""canned: fake HTTP for tests, a drop-in for `responses` (`import canned as responses`).

The module-level functions are bound methods of the default mock, `canned.mock`, captured at
import, as in responses. Importing canned patches nothing.
"""

from __future__ import annotations

from canned import matchers, registries
from canned._adapters.requests import real_send as _real_send
from canned._compat.default import (
    __getattr__,  # noqa: F401  # responses' deprecated module attributes
    activate,
    json_params_matcher,
    mock,
    urlencoded_params_matcher,
)
from canned._compat.default import (
    deprecated_assert_all_requests_are_fired as _deprecated_assert_all_requests_are_fired,
)
from canned._compat.default import deprecated_passthru_prefixes as _deprecated_passthru_prefixes
from canned._compat.default import deprecated_target as _deprecated_target
from canned._compat.default import mock as _default_mock
from canned._compat.requests_mock import RequestsMock
from canned._core.activation import get_wrapped
from canned._core.answers import CallbackResponse, PassthroughResponse, Response
from canned._core.calls import Call, CallList
from canned._core.mock import DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT, logger
from canned._core.routes import BaseResponse, FalseBool
from canned.cassettes.cassette import cassette
from canned.errors import (
    CallbackReplyError,
    CallCountError,
    CannedDeprecationWarning,
    CannedError,
    UnfiredRoutesError,
    UnmatchedRequestWarning,
)

add = _default_mock.add
_add_from_file = _default_mock._add_from_file
add_callback = _default_mock.add_callback
add_passthru = _default_mock.add_passthru
assert_call_count = _default_mock.assert_call_count
calls = _default_mock.calls
delete = _default_mock.delete
get = _default_mock.get
head = _default_mock.head
options = _default_mock.options
patch = _default_mock.patch
post = _default_mock.post
put = _default_mock.put
registered = _default_mock.registered
remove = _default_mock.remove
replace = _default_mock.replace
reset = _default_mock.reset
response_callback = _default_mock.response_callback
start = _default_mock.start
stop = _default_mock.stop
upsert = _default_mock.upsert

__all__ = [
    "CallbackResponse",
    "Response",
    "RequestsMock",
    "activate",
    "add",
    "_add_from_file",
    "add_callback",
    "add_passthru",
    "_deprecated_assert_all_requests_are_fired",
    "assert_call_count",
    "calls",
    "delete",
    "DELETE",
    "get",
    "GET",
    "head",
    "HEAD",
    "options",
    "OPTIONS",
    "_deprecated_passthru_prefixes",
    "patch",
    "PATCH",
    "post",
    "POST",
    "put",
    "PUT",
    "registered",
    "remove",
    "replace",
    "reset",
    "response_callback",
    "start",
    "stop",
    "_deprecated_target",
    "upsert",
    # canned's own public names
    "BaseResponse",
    "PassthroughResponse",
    "Call",
    "CallList",
    "FalseBool",
    "CannedError",
    "UnfiredRoutesError",
    "UnmatchedRequestWarning",
    "CallCountError",
    "CallbackReplyError",
    "CannedDeprecationWarning",
    "get_wrapped",
    "cassette",
    "matchers",
    "registries",
    "mock",
    "_default_mock",
    "json_params_matcher",
    "urlencoded_params_matcher",
    "logger",
    "std_mock",
    "_real_send",
]
