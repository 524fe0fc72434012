"""`import canned as responses`: the module namespace a responses user reaches for (API.md §1.1)."""

from __future__ import annotations

import importlib
import re
import subprocess
import sys
import types
from typing import Any

import pytest
import requests

import canned

# responses 0.26's `__all__`, verbatim and in its source order.
RESPONSES_ALL = [
    "CallbackResponse", "Response", "RequestsMock", "activate", "add", "_add_from_file",
    "add_callback", "add_passthru", "_deprecated_assert_all_requests_are_fired",
    "assert_call_count", "calls", "delete", "DELETE", "get", "GET", "head", "HEAD", "options",
    "OPTIONS", "_deprecated_passthru_prefixes", "patch", "PATCH", "post", "POST", "put", "PUT",
    "registered", "remove", "replace", "reset", "response_callback", "start", "stop",
    "_deprecated_target", "upsert",
]  # fmt: skip

MODULE_FUNCTIONS = [
    "add", "_add_from_file", "add_callback", "add_passthru", "assert_call_count", "delete",
    "get", "head", "options", "patch", "post", "put", "registered", "remove", "replace",
    "reset", "start", "stop", "upsert",
]  # fmt: skip

METHOD_CONSTANTS = ["DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT"]

PUBLIC_MODULES = ["canned", "canned.matchers", "canned.registries", "canned.errors"]


def run_python(code: str) -> str:
    """Run `code` in a fresh interpreter (nothing imported yet) and return what it printed."""
    finished = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    return finished.stdout.strip()


# -- responses' __all__ ----------------------------------------------------------------------------


def test_every_name_of_responses_all_is_in_canneds_all() -> None:
    assert [name for name in RESPONSES_ALL if name not in canned.__all__] == []


@pytest.mark.parametrize("name", RESPONSES_ALL)
def test_each_name_of_responses_all_resolves_on_the_module(name: str) -> None:
    assert hasattr(canned, name)


@pytest.mark.parametrize("module_name", PUBLIC_MODULES)
def test_every_name_in_a_public_modules_all_resolves(module_name: str) -> None:
    module = importlib.import_module(module_name)
    assert [name for name in module.__all__ if not hasattr(module, name)] == []


# -- the default mock and its bound methods ---------------------------------------------------------


@pytest.mark.parametrize("name", MODULE_FUNCTIONS)
def test_each_module_function_is_bound_to_the_default_mock(name: str) -> None:
    assert getattr(canned, name).__self__ is canned.mock


@pytest.mark.parametrize("name", MODULE_FUNCTIONS)
def test_each_module_function_equals_the_default_mocks_method(name: str) -> None:
    assert getattr(canned, name) == getattr(canned.mock, name)


def test_mock_and_default_mock_are_the_same_object() -> None:
    assert canned.mock is canned._default_mock


def test_the_default_mock_is_a_requests_mock() -> None:
    assert isinstance(canned.mock, canned.RequestsMock)


def test_the_default_mock_does_not_insist_that_every_route_fires() -> None:
    assert canned.mock.assert_all_requests_are_fired is False


def test_module_calls_is_the_default_mocks_call_list() -> None:
    assert canned.calls is canned.mock.calls


@canned.activate
def test_module_calls_stays_the_same_object_after_reset() -> None:
    saved = canned.calls
    canned.get("http://e.test/a")
    requests.get("http://e.test/a")
    canned.reset()
    assert saved is canned.calls
    assert len(saved) == 0


def test_module_response_callback_is_the_default_snapshot_none() -> None:
    assert canned.response_callback is None


# -- constants, classes, submodules ----------------------------------------------------------------


@pytest.mark.parametrize("name", METHOD_CONSTANTS)
def test_each_method_constant_is_its_upper_case_name(name: str) -> None:
    assert getattr(canned, name) == name


@pytest.mark.parametrize("name", METHOD_CONSTANTS)
def test_each_method_constant_is_also_on_requests_mock(name: str) -> None:
    assert getattr(canned.RequestsMock, name) == name


@pytest.mark.parametrize("name", ["matchers", "registries"])
def test_submodules_are_module_attributes(name: str) -> None:
    attribute = getattr(canned, name)
    assert isinstance(attribute, types.ModuleType)
    assert attribute is sys.modules[f"canned.{name}"]


def test_requests_mock_response_is_the_response_class() -> None:
    assert canned.RequestsMock.Response is canned.Response


def test_an_instances_matchers_build_a_matcher_that_routes_requests() -> None:
    with canned.RequestsMock() as rsps:
        rsps.post("http://e.test/a", match=[rsps.matchers.json_params_matcher({"a": 1})])
        response = requests.post("http://e.test/a", json={"a": 1})
    assert response.status_code == 200


def test_an_instances_matchers_is_the_matchers_module() -> None:
    assert canned.RequestsMock().matchers is canned.matchers


def test_unfired_routes_error_is_an_assertion_error() -> None:
    assert issubclass(canned.UnfiredRoutesError, AssertionError)


# -- names that are not there, and deprecated ones --------------------------------------------------


@pytest.mark.parametrize("name", ["get_registry", "passthru"])
def test_names_that_responses_lacks_at_module_level_are_absent(name: str) -> None:
    assert not hasattr(canned, name)


@pytest.mark.parametrize(
    ("name", "snapshot"),
    [
        ("assert_all_requests_are_fired", False),
        ("passthru_prefixes", ()),
        ("target", "requests.adapters.HTTPAdapter.send"),
    ],
)
def test_a_deprecated_module_attribute_warns_and_gives_the_snapshot(
    name: str, snapshot: Any
) -> None:
    text = f"{name} is deprecated. Please use 'responses.mock.{name}"
    with pytest.warns(DeprecationWarning, match=re.escape(text)) as warned:
        value = getattr(canned, name)
    assert [str(warning.message) for warning in warned] == [text]
    assert value == snapshot


def test_an_unknown_module_attribute_raises_attribute_error() -> None:
    with pytest.raises(AttributeError, match=r"has no attribute '?nonexistent'?$"):
        canned.nonexistent  # noqa: B018  # the attribute access is the action under test


# -- importing canned has no side effects ------------------------------------------------------------


def test_importing_canned_leaves_http_adapter_send_untouched() -> None:
    printed = run_python(
        "from requests.adapters import HTTPAdapter\n"
        "before = HTTPAdapter.send\n"
        "import canned\n"
        "print(HTTPAdapter.send is before)\n"
    )
    assert printed == "True"


def test_importing_canned_imports_no_optional_library() -> None:
    printed = run_python(
        "import sys\n"
        "import canned\n"
        "print(sorted(name for name in ('yaml', 'tomli_w', 'httpx') if name in sys.modules))\n"
    )
    assert printed == "[]"
