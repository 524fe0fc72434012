"""responses' public API, row by row (API.md §1 and §2), through `import canned as responses`."""

from __future__ import annotations

import asyncio
import inspect
import re
import subprocess
import sys
from typing import Any

import pytest
import requests
from requests.adapters import HTTPAdapter
from tests.compat.test_namespace import RESPONSES_ALL
from tests.servers import SpySend

import canned
import canned as responses
from canned import matchers
from canned.registries import FirstMatchRegistry, OrderedRegistry

ORIGINAL_SEND = HTTPAdapter.send


# -- §1.1 the module namespace -------------------------------------------------------------------


def test_every_name_of_responses_all_is_exported_in_the_same_order() -> None:
    assert responses.__all__[: len(RESPONSES_ALL)] == RESPONSES_ALL


@pytest.mark.parametrize(
    "module", ["canned", "canned.matchers", "canned.registries", "canned.errors"]
)
def test_every_name_in_a_public_all_resolves(module: str) -> None:
    imported = __import__(module, fromlist=["__all__"])
    missing = [name for name in imported.__all__ if not hasattr(imported, name)]
    assert missing == []


def test_module_functions_are_bound_methods_of_the_default_mock() -> None:
    assert responses.add.__self__ is responses.mock
    assert responses.add == responses.mock.add
    assert responses.mock is responses._default_mock


def test_the_module_call_list_is_the_default_mocks_and_survives_reset() -> None:
    calls = responses.calls
    responses.reset()
    assert calls is responses.calls is responses.mock.calls


def test_method_constants_are_the_upper_case_strings() -> None:
    assert [responses.GET, responses.POST, responses.DELETE, responses.HEAD] == [
        "GET",
        "POST",
        "DELETE",
        "HEAD",
    ]


def test_the_default_mock_does_not_insist_on_every_route_firing() -> None:
    assert responses.mock.assert_all_requests_are_fired is False


def test_get_registry_exists_only_on_the_mock() -> None:
    assert not hasattr(responses, "get_registry")
    assert isinstance(responses.mock.get_registry(), FirstMatchRegistry)


@pytest.mark.mutation_unsafe  # names the caller's line: a trampoline frame under mutmut
@pytest.mark.parametrize(
    ("name", "value"),
    [("assert_all_requests_are_fired", False), ("passthru_prefixes", ()), ("target", "requests.adapters.HTTPAdapter.send")],
)  # fmt: skip
def test_deprecated_module_attributes_warn_and_give_the_snapshot(name: str, value: Any) -> None:
    with pytest.warns(DeprecationWarning, match="is deprecated") as warned:
        assert getattr(responses, name) == value
    assert str(warned[0].message) == f"{name} is deprecated. Please use 'responses.mock.{name}"
    assert warned[0].filename == __file__


def test_an_unknown_module_attribute_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="has no attribute nonexistent"):
        _ = responses.nonexistent  # type: ignore[attr-defined]


def test_std_mock_is_unittest_mock() -> None:
    import unittest.mock

    assert responses.std_mock is unittest.mock


def test_the_response_class_and_matchers_hang_off_the_mock() -> None:
    rsps = responses.RequestsMock()
    assert rsps.Response is responses.Response
    assert rsps.matchers.json_params_matcher is matchers.json_params_matcher


def test_importing_canned_patches_nothing_and_imports_no_optional_library() -> None:
    code = (
        "import sys, requests.adapters as a; before = a.HTTPAdapter.send; import canned; "
        "assert a.HTTPAdapter.send is before; "
        "assert not {'yaml', 'tomli_w', 'httpx', 'httpx2'} & set(sys.modules), sys.modules.keys()"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


# -- §1.2 RequestsMock methods -------------------------------------------------------------------


def test_add_returns_the_registered_route_with_its_calls() -> None:
    with responses.RequestsMock() as rsps:
        route = rsps.add(responses.GET, "http://e.test/a", body="x")
        requests.get("http://e.test/a")
        assert route.call_count == 1
        assert route.calls[0] is rsps.calls[0]


def test_adding_headers_is_an_alias_for_headers() -> None:
    with responses.RequestsMock() as rsps:
        rsps.add(responses.GET, "http://e.test/a", "body", {"X-Old": "1"})
        assert requests.get("http://e.test/a").headers["X-Old"] == "1"


@pytest.mark.parametrize("name", ["get", "post", "put", "patch", "delete", "head", "options"])
def test_method_shortcuts_register_that_method(name: str) -> None:
    with responses.RequestsMock() as rsps:
        route = getattr(rsps, name)("http://e.test/a", status=204)
        assert route.method == name.upper()
        assert requests.request(name.upper(), "http://e.test/a").status_code == 204


def test_add_callback_returns_a_route_that_counts_its_calls() -> None:
    with responses.RequestsMock() as rsps:
        route = rsps.add_callback(responses.GET, "http://e.test/a", lambda r: (200, {}, "ok"))
        requests.get("http://e.test/a")
        assert (route.call_count, len(route.calls)) == (1, 1)


def test_add_passthru_punycodes_a_unicode_prefix() -> None:
    rsps = responses.RequestsMock()
    rsps.add_passthru("http://bücher.example/ä")
    assert rsps.passthru_prefixes == ("http://xn--bcher-kva.example/%C3%A4",)


def test_remove_returns_the_routes_it_removed() -> None:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        first = rsps.add(responses.GET, "http://e.test/a", body="1")
        second = rsps.add(responses.GET, "http://e.test/a", body="2")
        kept = rsps.add(responses.POST, "http://e.test/a")
        removed = rsps.remove(responses.GET, "http://e.test/a")
        assert removed == [first, second]
        assert [r is x for r, x in zip(removed, (first, second))] == [True, True]
        assert rsps.registered() == [kept]


def test_replace_puts_the_new_route_in_the_same_place() -> None:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        rsps.add(responses.GET, "http://e.test/a", body="old")
        rsps.add(responses.GET, "http://e.test/b")
        rsps.replace(responses.GET, "http://e.test/a", body="new")
        assert requests.get("http://e.test/a").text == "new"
        assert [r.url for r in rsps.registered()] == ["http://e.test/a", "http://e.test/b"]


def test_replace_of_an_unknown_route_names_its_url() -> None:
    with pytest.raises(ValueError, match=r"^Response is not registered for URL http://e.test/x$"):
        responses.RequestsMock().replace(responses.GET, "http://e.test/x")


def test_upsert_adds_when_nothing_is_there_and_replaces_when_something_is() -> None:
    with responses.RequestsMock() as rsps:
        rsps.upsert(responses.GET, "http://e.test/a", body="1")
        rsps.upsert(responses.GET, "http://e.test/a", body="2")
        assert len(rsps.registered()) == 1
        assert requests.get("http://e.test/a").text == "2"


def test_registered_is_the_live_list() -> None:
    rsps = responses.RequestsMock()
    live = rsps.registered()
    rsps.add(responses.GET, "http://e.test/a")
    assert len(live) == 1


def test_assert_call_count_counts_the_exact_url_with_its_query() -> None:
    with responses.RequestsMock() as rsps:
        rsps.add(responses.GET, "http://e.test/a")
        requests.get("http://e.test/a?x=1")
        requests.get("http://e.test/a")
        assert rsps.assert_call_count("http://e.test/a?x=1", 1) is True
        with pytest.raises(AssertionError) as raised:
            rsps.assert_call_count("http://e.test/a", 3)
        assert str(raised.value) == (
            "Expected URL 'http://e.test/a' to be called 3 times. Called 1 times."
        )


def test_assert_call_count_adds_the_default_path() -> None:
    with responses.RequestsMock() as rsps:
        rsps.add(responses.GET, "http://e.test")
        requests.get("http://e.test")
        assert rsps.assert_call_count("http://e.test", 1)


def test_set_registry_refuses_when_routes_are_registered() -> None:
    rsps = responses.RequestsMock()
    rsps.add(responses.GET, "http://e.test/a")
    with pytest.raises(AttributeError) as raised:
        rsps._set_registry(OrderedRegistry)
    assert str(raised.value) == (
        "Cannot replace Registry, current registry has responses.\n"
        "Run 'responses.registry.reset()' first"
    )


def test_reset_keeps_the_constructors_registry_and_prefixes() -> None:
    rsps = responses.RequestsMock(registry=OrderedRegistry, passthru_prefixes=("http://x.test",))
    for _ in range(2):
        with rsps:
            assert type(rsps.get_registry()) is OrderedRegistry
            assert rsps.passthru_prefixes == ("http://x.test",)


def test_start_twice_is_harmless_and_stop_does_not_reset() -> None:
    rsps = responses.RequestsMock(assert_all_requests_are_fired=False)
    rsps.start()
    rsps.start()
    rsps.add(responses.GET, "http://e.test/a")
    rsps.stop()
    assert HTTPAdapter.send is ORIGINAL_SEND
    assert len(rsps.registered()) == 1


def test_response_callback_replaces_what_the_client_gets_and_what_is_recorded() -> None:
    def tag(response: requests.Response) -> requests.Response:
        response.headers["X-Tagged"] = "yes"
        return response

    with responses.RequestsMock(response_callback=tag) as rsps:
        rsps.add(responses.GET, "http://e.test/a")
        assert requests.get("http://e.test/a").headers["X-Tagged"] == "yes"
        assert rsps.calls[0].response.headers["X-Tagged"] == "yes"


def test_parse_request_params_keeps_every_value() -> None:
    assert responses.RequestsMock._parse_request_params("http://e.test/?a=1&b=2&a=3") == {
        "a": ["1", "3"],
        "b": "2",
    }


# -- §1.4 call recording ---------------------------------------------------------------------------


def test_a_call_is_a_tuple_and_slices_are_lists() -> None:
    with responses.RequestsMock() as rsps:
        rsps.add(responses.GET, "http://e.test/a")
        requests.get("http://e.test/a")
        requests.get("http://e.test/a")
        assert rsps.calls[0][1] is rsps.calls[0].response
        assert isinstance(rsps.calls[0:2], list)


def test_the_recorded_request_carries_params_and_send_arguments() -> None:
    with responses.RequestsMock() as rsps:
        rsps.add(responses.GET, "http://e.test/a")
        requests.get("http://e.test/a?x=1&x=2", timeout=3)
        request = rsps.calls[0].request
        assert request.params == {"x": ["1", "2"]}
        assert request.req_kwargs["timeout"] == 3


def test_a_file_body_is_recorded_as_the_bytes_read() -> None:
    import io

    with responses.RequestsMock() as rsps:
        rsps.add(responses.POST, "http://e.test/a")
        requests.post("http://e.test/a", data=io.BytesIO(b"payload"))
        assert rsps.calls[0].request.body == b"payload"


def test_calls_are_emptied_in_place_on_exit() -> None:
    rsps = responses.RequestsMock()
    calls = rsps.calls
    with rsps:
        rsps.add(responses.GET, "http://e.test/a")
        requests.get("http://e.test/a")
    assert len(calls) == 0


# -- §1.8 activate ----------------------------------------------------------------------------------


def test_activate_keeps_the_signature_so_fixtures_are_injected() -> None:
    def body(tmp_path: Any, capsys: Any) -> None: ...

    wrapped = responses.activate(body)
    assert list(inspect.signature(wrapped).parameters) == ["tmp_path", "capsys"]
    assert wrapped.__wrapped__ is body


def test_activate_with_arguments_uses_the_registry_given() -> None:
    @responses.activate(registry=OrderedRegistry)
    def body() -> str:
        return type(responses.mock.get_registry()).__name__

    assert body() == "OrderedRegistry"
    assert type(responses.mock.get_registry()) is FirstMatchRegistry


def test_activate_runs_async_functions_with_the_mock_active() -> None:
    @responses.activate
    async def body() -> int:
        responses.add(responses.GET, "http://e.test/a", status=201)
        return requests.get("http://e.test/a").status_code

    assert inspect.iscoroutinefunction(body)
    assert asyncio.run(body()) == 201


def test_activate_on_a_class_wraps_its_test_methods() -> None:
    @responses.activate
    class Suite:
        def test_one(self) -> int:
            responses.add(responses.GET, "http://e.test/a", status=202)
            return requests.get("http://e.test/a").status_code

        def helper(self) -> object:
            return HTTPAdapter.send

    assert Suite().test_one() == 202
    assert Suite().helper() is ORIGINAL_SEND


def test_activate_with_a_registry_refuses_when_the_mock_already_has_routes() -> None:
    responses.add(responses.GET, "http://e.test/a")
    try:

        @responses.activate(registry=OrderedRegistry)
        def body() -> None: ...

        with pytest.raises(AttributeError, match="Cannot replace Registry"):
            body()
    finally:
        responses.reset()


# -- §2.5 sequencing ---------------------------------------------------------------------------------


def test_same_url_routes_answer_in_turn_and_the_last_repeats() -> None:
    with responses.RequestsMock() as rsps:
        for status in (500, 502, 200):
            rsps.add(responses.GET, "http://e.test/a", status=status)
        statuses = [requests.get("http://e.test/a").status_code for _ in range(5)]
        assert statuses == [500, 502, 200, 200, 200]
        assert len(rsps.registered()) == 1


def test_a_route_added_after_the_first_was_called_answers_next() -> None:
    with responses.RequestsMock() as rsps:
        rsps.add(responses.GET, "http://e.test/a", body="first")
        assert requests.get("http://e.test/a").text == "first"
        rsps.add(responses.GET, "http://e.test/a", body="second")
        assert requests.get("http://e.test/a").text == "second"
        assert requests.get("http://e.test/a").text == "second"


def test_an_ordered_registry_drops_its_queue_after_a_miss() -> None:
    with responses.RequestsMock(registry=OrderedRegistry, assert_all_requests_are_fired=False) as r:
        r.add(responses.GET, "http://e.test/1")
        r.add(responses.GET, "http://e.test/2")
        r.add(responses.GET, "http://e.test/3")
        with pytest.raises(requests.ConnectionError) as raised:
            requests.get("http://e.test/2")
        assert (
            "- GET http://e.test/1 Next 'Response' in the order doesn't match due to the "
            "following reason: URL does not match.\n"
        ) in str(raised.value)
        assert [route.url for route in r.registered()] == ["http://e.test/1"]


def test_an_exhausted_ordered_route_is_named_as_used_up() -> None:
    with responses.RequestsMock(registry=OrderedRegistry) as rsps:
        rsps.add(responses.GET, "http://e.test/1")
        requests.get("http://e.test/1")
        with pytest.raises(requests.ConnectionError) as raised:
            requests.get("http://e.test/1")
        message = str(raised.value)
        assert message.endswith(
            "Available matches:\n\nClosest route: GET http://e.test/1\n"
            "- used up: it answered 1 time(s) and is no longer registered "
            "(an ordered or sequenced route)\n"
        )


# -- §2.7 assert_all_requests_are_fired ---------------------------------------------------------------


def test_unfired_routes_fail_the_with_block_with_responses_message() -> None:
    rsps = responses.RequestsMock()

    def block() -> None:
        with rsps:
            rsps.add(responses.GET, "http://e.test/a")
            rsps.add(responses.GET, "http://e.test/b")
            requests.get("http://e.test/a")

    with pytest.raises(AssertionError) as raised:
        block()
    assert str(raised.value) == "Not all requests have been executed [('GET', 'http://e.test/b')]"
    assert isinstance(raised.value, canned.UnfiredRoutesError)


def test_unfired_routes_are_reported_even_when_the_block_raised() -> None:
    rsps = responses.RequestsMock()

    def block() -> None:
        with rsps:
            rsps.add(responses.GET, "http://e.test/a")
            raise KeyError("inside")

    with pytest.raises(AssertionError) as raised:
        block()
    assert isinstance(raised.value.__context__, KeyError)
    assert rsps.registered() == []
    assert HTTPAdapter.send is ORIGINAL_SEND


def test_a_route_whose_body_is_an_exception_counts_as_fired() -> None:
    with responses.RequestsMock() as rsps:
        rsps.add(responses.GET, "http://e.test/a", body=requests.Timeout("slow"))
        with pytest.raises(requests.Timeout):
            requests.get("http://e.test/a")


def test_a_bare_activate_follows_the_mocks_own_setting() -> None:
    @responses.activate
    def body() -> None:
        responses.add(responses.GET, "http://e.test/never")

    responses.mock.assert_all_requests_are_fired = True
    try:
        with pytest.raises(AssertionError, match="Not all requests have been executed"):
            body()
    finally:
        responses.mock.assert_all_requests_are_fired = False


def test_an_explicit_activate_argument_wins_over_the_mocks_setting() -> None:
    @responses.activate(assert_all_requests_are_fired=False)
    def body() -> None:
        responses.add(responses.GET, "http://e.test/never")

    responses.mock.assert_all_requests_are_fired = True
    try:
        body()
    finally:
        responses.mock.assert_all_requests_are_fired = False


# -- §5 nesting -----------------------------------------------------------------------------------------


def test_leaving_a_nested_activate_restores_the_outer_routes_and_patch() -> None:
    @responses.activate
    def inner() -> int:
        responses.add(responses.GET, "http://e.test/inner", status=201)
        return requests.get("http://e.test/inner").status_code

    @responses.activate
    def outer() -> tuple[int, int, bool]:
        responses.add(responses.GET, "http://e.test/outer", status=200)
        inner_status = inner()
        return (
            inner_status,
            requests.get("http://e.test/outer").status_code,
            (HTTPAdapter.send is not ORIGINAL_SEND),
        )

    assert outer() == (201, 200, True)
    assert HTTPAdapter.send is ORIGINAL_SEND


def test_the_innermost_of_two_mocks_answers_and_the_outer_answers_again_after() -> None:
    with responses.RequestsMock() as parent:
        parent.add(responses.GET, "http://e.test/a", body="parent")
        with responses.RequestsMock(assert_all_requests_are_fired=False) as child:
            child.add(responses.GET, "http://e.test/b", body="child")
            assert requests.get("http://e.test/b").text == "child"
            with pytest.raises(requests.ConnectionError):
                requests.get("http://e.test/a")
        assert requests.get("http://e.test/a").text == "parent"


def test_interleaved_exits_leave_nothing_patched() -> None:
    first, second = responses.RequestsMock(), responses.RequestsMock()
    first.start()
    second.start()
    first.stop()
    assert HTTPAdapter.send is not ORIGINAL_SEND
    second.stop()
    assert HTTPAdapter.send is ORIGINAL_SEND


def test_keyboard_interrupt_inside_a_block_still_unpatches() -> None:
    with pytest.raises(KeyboardInterrupt), responses.RequestsMock():
        raise KeyboardInterrupt
    assert HTTPAdapter.send is ORIGINAL_SEND


# -- §5 other fixes ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "headers", [{"content-type": "x/y"}, [("Content-Type", "x/y")], [("CONTENT-TYPE", "x/y")]]
)
def test_a_content_type_in_headers_is_sent_once(headers: Any) -> None:
    with responses.RequestsMock() as rsps:
        rsps.add(responses.GET, "http://e.test/a", headers=headers)
        assert requests.get("http://e.test/a").headers["Content-Type"] == "x/y"


def test_a_head_answer_carries_headers_only() -> None:
    with responses.RequestsMock() as rsps:
        rsps.add(responses.HEAD, "http://e.test/a", body="ignored", headers={"X-A": "1"})
        answer = requests.head("http://e.test/a")
        assert (answer.status_code, answer.content, answer.headers["X-A"]) == (200, b"", "1")


def test_methods_are_upper_cased_at_registration() -> None:
    with responses.RequestsMock() as rsps:
        rsps.add("get", "http://e.test/a", status=203)
        assert requests.get("http://e.test/a").status_code == 203


@pytest.mark.parametrize(
    ("registered", "requested"),
    [("https://e.test:443/a", "https://e.test/a"), ("http://e.test/a", "http://e.test:80/a")],
)
def test_a_default_port_equals_no_port(registered: str, requested: str) -> None:
    with responses.RequestsMock() as rsps:
        rsps.add(responses.GET, registered)
        assert requests.get(requested).status_code == 200


def test_stray_positional_arguments_to_add_are_refused() -> None:
    with pytest.raises(TypeError, match=r"^add\(\): takes method, url, body and adding_headers"):
        responses.RequestsMock().add(responses.GET, "http://e.test/a", "", None, 404)


def test_a_callback_exception_carries_the_request() -> None:
    def fail(request: Any) -> Any:
        raise ValueError("boom")

    with responses.RequestsMock() as rsps:
        rsps.add_callback(responses.GET, "http://e.test/a", fail)
        with pytest.raises(ValueError, match="boom") as raised:
            requests.get("http://e.test/a")
        assert raised.value.request is rsps.calls[0].request  # type: ignore[attr-defined]
        assert rsps.calls[0].response is raised.value


def test_an_exception_returned_by_a_callback_is_raised_with_the_request() -> None:
    with responses.RequestsMock() as rsps:
        rsps.add_callback(responses.GET, "http://e.test/a", lambda r: requests.Timeout("t"))
        with pytest.raises(requests.Timeout) as raised:
            requests.get("http://e.test/a")
        assert raised.value.request is rsps.calls[0].request


def test_a_trailing_slash_route_answers_paths_beneath_it() -> None:
    with responses.RequestsMock() as rsps:
        rsps.add(responses.GET, "http://e.test/users/", body="any user")
        rsps.add(responses.GET, "http://e.test/users/7", body="seven")
        assert requests.get("http://e.test/users/7").text == "seven"
        assert requests.get("http://e.test/users/8/posts").text == "any user"


# -- deprecations ----------------------------------------------------------------------------------------


@pytest.mark.mutation_unsafe  # names the caller's line: a trampoline frame under mutmut
@pytest.mark.parametrize("value", [True, False])
def test_match_querystring_warns_responses_text(value: bool) -> None:
    with pytest.warns(DeprecationWarning, match="match_querystring") as warned:
        responses.Response(responses.GET, "http://e.test/a?x=1", match_querystring=value)
    assert str(warned[0].message) == (
        "Argument 'match_querystring' is deprecated. Use "
        "'responses.matchers.query_param_matcher' or 'responses.matchers.query_string_matcher'"
    )
    assert warned[0].filename == __file__


def test_stream_argument_warns_responses_text() -> None:
    with pytest.warns(
        canned.CannedDeprecationWarning,
        match=r"^stream argument is deprecated. Use stream parameter in request directly$",
    ):
        responses.Response(responses.GET, "http://e.test/a", stream=True)


@pytest.mark.parametrize("name", ["json_params_matcher", "urlencoded_params_matcher"])
def test_module_level_matchers_warn_and_still_work(name: str) -> None:
    with pytest.warns(
        DeprecationWarning, match=re.escape(f"Use 'from responses.matchers import {name}'")
    ):
        matcher = getattr(responses, name)({"a": "1"})
    assert callable(matcher)


def test_a_url_query_turns_on_query_matching_without_a_warning() -> None:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        rsps.add(responses.GET, "http://e.test/a?x=1", body="with x")
        assert requests.get("http://e.test/a?x=1").text == "with x"
        with pytest.raises(requests.ConnectionError):
            requests.get("http://e.test/a?x=2")


# -- the less visible names ----------------------------------------------------------------------------


def test_passthrough_logs_what_it_let_through(caplog: pytest.LogCaptureFixture) -> None:
    spy = SpySend()
    with (
        caplog.at_level("INFO", logger="canned"),
        responses.RequestsMock(
            real_adapter_send=spy, passthru_prefixes=("http://open.test",)
        ) as rsps,
    ):
        rsps.add(responses.PassthroughResponse(responses.GET, "http://e.test/a"))
        requests.get("http://open.test/x")
        requests.get("http://e.test/a")
    assert [(r.message, r.url) for r in caplog.records] == [  # type: ignore[attr-defined]
        ("request.allowed-passthru", "http://open.test/x"),
        ("request.passthrough-response", "http://e.test/a"),
    ]


def test_a_response_with_passthrough_true_goes_to_the_real_send() -> None:
    with responses.RequestsMock(real_adapter_send=SpySend(299)) as rsps:
        rsps.add(responses.GET, "http://e.test/a", passthrough=True)
        assert requests.get("http://e.test/a").status_code == 299
        assert len(rsps.calls) == 1


def test_a_regex_passthru_prefix_is_matched_from_the_start() -> None:
    spy = SpySend()
    with responses.RequestsMock(real_adapter_send=spy) as rsps:
        rsps.add_passthru(re.compile(r"http://\w+\.open\.test/"))
        requests.get("http://api.open.test/x")
        with pytest.raises(requests.ConnectionError):
            requests.get("http://closed.test/http://api.open.test/")
    assert spy.sent == ["http://api.open.test/x"]


def test_unbound_on_send_answers_from_this_mock() -> None:
    with responses.RequestsMock() as rsps:
        rsps.add(responses.GET, "http://e.test/a", status=208)
        send = rsps.unbound_on_send()
        answer = send(HTTPAdapter(), requests.Request("GET", "http://e.test/a").prepare(), False, 5)
    assert answer.status_code == 208


def test_a_custom_target_is_patched_while_active() -> None:
    class Transport:
        def send(self, request: Any, **kwargs: Any) -> str:
            return "real"

    module = type(sys)("canned_target_probe")
    module.Transport = Transport  # type: ignore[attr-defined]
    sys.modules["canned_target_probe"] = module
    try:
        with responses.RequestsMock(target="canned_target_probe.Transport.send") as rsps:
            rsps.add(responses.GET, "http://e.test/a", status=207)
            prepared = requests.Request("GET", "http://e.test/a").prepare()
            answer = Transport.send(HTTPAdapter(), prepared)  # type: ignore[arg-type]
            assert answer.status_code == 207  # type: ignore[attr-defined]
        assert Transport().send(prepared) == "real"
    finally:
        del sys.modules["canned_target_probe"]


def test_find_match_and_read_filelike_body_are_there() -> None:
    import io

    rsps = responses.RequestsMock()
    route = rsps.add(responses.GET, "http://e.test/a")
    assert rsps._find_match(requests.Request("GET", "http://e.test/a").prepare()) == (route, [])
    assert rsps._read_filelike_body(io.BytesIO(b"x")) == b"x"


def test_the_module_response_callback_is_a_snapshot_and_false_bool_is_falsy() -> None:
    assert responses.response_callback is None
    assert not responses.FalseBool()
    assert responses._real_send is ORIGINAL_SEND
    assert callable(responses.get_wrapped)
