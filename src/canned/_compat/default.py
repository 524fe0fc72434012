"""The default mock and responses' module-level names that are not plain re-exports.

Owns: `mock` (the default mock), the module-level `activate`, the deprecated module-level matcher
functions and the deprecated module attributes served by `__getattr__`.
"""

from __future__ import annotations

from typing import Any, Callable, Final

from canned._compat.requests_mock import DEFAULT_TARGET, RequestsMock
from canned._core.diagnosis import watch_for_diagnosis
from canned._core.registry import FirstMatchRegistry
from canned.errors import warn_deprecated

mock: Final = RequestsMock(assert_all_requests_are_fired=False)
watch_for_diagnosis(mock, "the module-level mock (canned.add, canned.get, ...)")

# responses keeps these snapshots of the default mock for its deprecated module attributes
# (`responses._deprecated_target`, ...), which the package re-exports under those names.
deprecated_assert_all_requests_are_fired: Final = False
deprecated_passthru_prefixes: Final = ()
deprecated_target: Final = DEFAULT_TARGET
_DEPRECATED_ATTRIBUTES: Final = {
    "assert_all_requests_are_fired": deprecated_assert_all_requests_are_fired,
    "passthru_prefixes": deprecated_passthru_prefixes,
    "target": deprecated_target,
}


def activate(
    func: Callable[..., Any] | None = None,
    *,
    registry: type[FirstMatchRegistry] | None = None,
    assert_all_requests_are_fired: bool | None = None,
) -> Any:
    """Same as `responses.activate`: run the decorated test with the default mock active.

    Differs: without `assert_all_requests_are_fired=`, `canned.mock`'s own setting applies
    (responses turns the check off for the block).
    """
    return mock.activate(
        func, registry=registry, assert_all_requests_are_fired=assert_all_requests_are_fired
    )


def json_params_matcher(params: Any) -> Any:
    """Deprecated as in responses: use `canned.matchers.json_params_matcher`."""
    warn_deprecated(
        "Function is deprecated. Use 'from responses.matchers import json_params_matcher'"
    )
    from canned import matchers

    return matchers.json_params_matcher(params)


def urlencoded_params_matcher(params: Any) -> Any:
    """Deprecated as in responses: use `canned.matchers.urlencoded_params_matcher`."""
    warn_deprecated(
        "Function is deprecated. Use 'from responses.matchers import urlencoded_params_matcher'"
    )
    from canned import matchers

    return matchers.urlencoded_params_matcher(params)


def __getattr__(name: str) -> Any:
    """responses' deprecated module attributes; any other missing name is an AttributeError."""
    if name == "std_mock":  # responses' alias of unittest.mock, imported only when asked for
        from unittest import mock as std_mock

        return std_mock
    if name in _DEPRECATED_ATTRIBUTES:
        warn_deprecated(f"{name} is deprecated. Please use 'responses.mock.{name}")
        return _DEPRECATED_ATTRIBUTES[name]
    raise AttributeError(f"module canned has no attribute {name}")
