"""`@canned.activate`, `with` blocks and nesting (API.md §1.8, §2.7; §5 rows 1 and 10 are fixes)."""

from __future__ import annotations

import asyncio
import inspect
from typing import Any

import pytest
import requests
from requests.adapters import HTTPAdapter

import canned
from canned.registries import OrderedRegistry

ORIGINAL_SEND = HTTPAdapter.send
URL = "http://e.test/a"
OTHER_URL = "http://e.test/b"
UNFIRED_MESSAGE = "Not all requests have been executed [('GET', 'http://e.com/b')]"


@pytest.fixture
def base_url() -> str:
    return "http://fixture.test/"


@pytest.fixture
def mock_insists_on_firing() -> Any:
    """`canned.mock.assert_all_requests_are_fired = True` for one test, then put back."""
    canned.mock.assert_all_requests_are_fired = True
    try:
        yield
    finally:
        canned.mock.assert_all_requests_are_fired = False


def leave_a_route_unfired() -> None:
    canned.get(OTHER_URL)


# -- the decorator --------------------------------------------------------------------------------


@canned.activate
def test_bare_activate_answers_with_the_default_mocks_routes() -> None:
    canned.get(URL, body="bare")
    assert requests.get(URL).text == "bare"


@canned.activate(registry=OrderedRegistry, assert_all_requests_are_fired=True)
def test_activate_with_arguments_uses_the_given_registry() -> None:
    assert type(canned.mock.get_registry()) is OrderedRegistry


@canned.activate(registry=OrderedRegistry)
def test_activate_with_an_ordered_registry_answers_in_registration_order() -> None:
    canned.get(URL)
    canned.get(OTHER_URL)
    with pytest.raises(requests.ConnectionError):
        requests.get(OTHER_URL)


def test_activate_with_assert_all_requests_are_fired_raises_on_an_unfired_route() -> None:
    decorated = canned.activate(assert_all_requests_are_fired=True)(leave_a_route_unfired)
    with pytest.raises(canned.UnfiredRoutesError):
        decorated()


def test_the_default_registry_is_back_after_activate_with_a_registry() -> None:
    canned.activate(registry=OrderedRegistry)(lambda: None)()
    assert type(canned.mock.get_registry()) is canned.registries.FirstMatchRegistry


def fetch(url: str, *, timeout: int = 3) -> int:
    """Fetch `url` and give its status."""
    return requests.get(url, timeout=timeout).status_code


def test_activate_keeps_the_signature() -> None:
    assert inspect.signature(canned.activate(fetch)) == inspect.signature(fetch)


def test_activate_keeps_the_wrapped_function_name_and_doc() -> None:
    decorated = canned.activate(fetch)
    assert (decorated.__wrapped__, decorated.__name__, decorated.__doc__) == (
        fetch,
        "fetch",
        fetch.__doc__,
    )


@canned.activate
def test_a_decorated_test_receives_pytest_fixtures(base_url: str) -> None:
    canned.get(base_url, body="injected")
    assert requests.get(base_url).text == "injected"


def test_activate_passes_arguments_and_return_value_through() -> None:
    @canned.activate
    def fetch_status(url: str, status: int) -> int:
        canned.get(url, status=status)
        return requests.get(url).status_code

    assert fetch_status(URL, status=204) == 204


def test_calls_are_emptied_when_a_decorated_function_returns() -> None:
    @canned.activate
    def call_once() -> None:
        canned.get(OTHER_URL)
        requests.get(OTHER_URL)

    call_once()
    assert len(canned.calls) == 0


# -- async ----------------------------------------------------------------------------------------


async def fetch_text_after_an_await(url: str) -> str:
    canned.get(url, body="async")
    await asyncio.sleep(0)
    return requests.get(url).text


def test_an_async_function_stays_a_coroutine_function() -> None:
    assert inspect.iscoroutinefunction(canned.activate(fetch_text_after_an_await))


def test_an_async_function_intercepts_requests_across_awaits() -> None:
    decorated = canned.activate(fetch_text_after_an_await)
    assert asyncio.run(decorated(URL)) == "async"


def test_an_async_function_leaves_http_adapter_send_unpatched_when_done() -> None:
    asyncio.run(canned.activate(fetch_text_after_an_await)(URL))
    assert HTTPAdapter.send is ORIGINAL_SEND


# -- a decorated class ----------------------------------------------------------------------------


@canned.activate
class TestADecoratedClass:
    def test_its_test_methods_run_with_the_mock_active(self) -> None:
        canned.get(URL, body="class")
        assert requests.get(URL).text == "class"

    def helper(self) -> None:
        """Not a test: left as it is."""


def test_a_decorated_classs_test_methods_are_wrapped() -> None:
    assert TestADecoratedClass.test_its_test_methods_run_with_the_mock_active.__wrapped__


def test_a_decorated_classs_other_methods_are_not_wrapped() -> None:
    assert not hasattr(TestADecoratedClass.helper, "__wrapped__")


# -- choosing a registry while routes exist ----------------------------------------------------------


def test_activate_with_a_registry_while_the_default_mock_has_routes_raises_attribute_error() -> (
    None
):
    decorated = canned.activate(registry=OrderedRegistry)(lambda: None)
    canned.add(canned.GET, URL)  # e.g. registered in setUp, outside any activation
    try:
        with pytest.raises(AttributeError) as raised:
            decorated()
    finally:
        canned.reset()
    assert str(raised.value) == (
        "Cannot replace Registry, current registry has responses.\n"
        "Run 'responses.registry.reset()' first"
    )


# -- nested activations of the default mock (canned's fix) -----------------------------------------


@canned.activate
def inner_activation() -> str:
    canned.get(OTHER_URL, body="inner")
    return requests.get(OTHER_URL).text


@canned.activate
def test_an_inner_activation_answers_with_its_own_routes() -> None:
    assert inner_activation() == "inner"


@canned.activate
def test_the_outer_routes_still_answer_after_an_inner_activation_returns() -> None:
    canned.get(URL, body="outer")
    inner_activation()
    assert requests.get(URL).text == "outer"


@canned.activate
def test_http_adapter_send_stays_patched_after_an_inner_activation_returns() -> None:
    inner_activation()
    assert HTTPAdapter.send is not ORIGINAL_SEND


@canned.activate
def test_the_outer_routes_are_exactly_restored_after_an_inner_activation() -> None:
    route = canned.get(URL)
    inner_activation()
    assert canned.registered() == [route]


@canned.activate
def test_the_outer_calls_are_exactly_restored_after_an_inner_activation() -> None:
    canned.get(URL)
    requests.get(URL)
    inner_activation()
    assert [call.request.url for call in canned.calls] == [URL]


def test_http_adapter_send_is_the_original_after_nested_activations() -> None:
    canned.activate(inner_activation)()
    assert HTTPAdapter.send is ORIGINAL_SEND


def test_http_adapter_send_is_the_original_after_an_inner_activation_raised() -> None:
    @canned.activate
    def inner() -> None:
        raise ValueError("inner failed")

    @canned.activate
    def outer() -> None:
        inner()

    with pytest.raises(ValueError, match="inner failed"):
        outer()
    assert HTTPAdapter.send is ORIGINAL_SEND


@pytest.mark.parametrize(
    "error", [ValueError("boom"), KeyboardInterrupt()], ids=["exception", "keyboard-interrupt"]
)
def test_http_adapter_send_is_the_original_after_a_with_block_raised(
    error: BaseException,
) -> None:
    with pytest.raises(type(error)), canned.RequestsMock(assert_all_requests_are_fired=False):
        raise error
    assert HTTPAdapter.send is ORIGINAL_SEND


def test_http_adapter_send_is_the_original_after_unfired_routes_raised() -> None:
    with pytest.raises(canned.UnfiredRoutesError), canned.RequestsMock() as rsps:
        rsps.get(URL)
    assert HTTPAdapter.send is ORIGINAL_SEND


# -- two separate mocks stacked ---------------------------------------------------------------------


def test_the_innermost_of_two_mocks_answers() -> None:
    with canned.RequestsMock(assert_all_requests_are_fired=False) as parent:
        parent.get(URL, body="parent")
        with canned.RequestsMock() as child:
            child.get(URL, body="child")
            response = requests.get(URL)
    assert response.text == "child"


def test_a_parents_routes_are_invisible_inside_a_child_mock() -> None:
    with canned.RequestsMock(assert_all_requests_are_fired=False) as parent:
        parent.get(URL, body="parent")
        with canned.RequestsMock(), pytest.raises(requests.ConnectionError):
            requests.get(URL)


def test_the_parent_answers_again_after_the_child_exits() -> None:
    with canned.RequestsMock() as parent:
        parent.get(URL, body="parent")
        with canned.RequestsMock(assert_all_requests_are_fired=False) as child:
            child.get(URL, body="child")
        response = requests.get(URL)
    assert response.text == "parent"


def test_the_child_records_only_its_own_calls() -> None:
    with canned.RequestsMock(assert_all_requests_are_fired=False) as parent:
        with canned.RequestsMock() as child:
            child.get(URL)
            requests.get(URL)
        assert len(parent.calls) == 0


def test_interleaved_exits_leave_http_adapter_send_unpatched() -> None:
    first = canned.RequestsMock(assert_all_requests_are_fired=False)
    second = canned.RequestsMock(assert_all_requests_are_fired=False)
    first.__enter__()
    second.__enter__()
    first.__exit__(None, None, None)
    second.__exit__(None, None, None)
    assert HTTPAdapter.send is ORIGINAL_SEND


def test_the_later_mock_still_answers_after_the_earlier_one_exits_first() -> None:
    first = canned.RequestsMock(assert_all_requests_are_fired=False)
    second = canned.RequestsMock(assert_all_requests_are_fired=False)
    first.__enter__()
    second.__enter__()
    try:
        second.get(URL, body="second")
        first.__exit__(None, None, None)
        response = requests.get(URL)
    finally:
        second.__exit__(None, None, None)
    assert response.text == "second"


# -- assert_all_requests_are_fired ------------------------------------------------------------------


def fire_a_and_leave_b_unfired() -> None:
    with canned.RequestsMock() as rsps:
        rsps.get("http://e.com/a")
        rsps.get("http://e.com/b")
        requests.get("http://e.com/a")


def fail_with_b_unfired() -> None:
    with canned.RequestsMock() as rsps:
        rsps.get("http://e.com/b")
        raise ValueError("the test failed")


def test_a_with_block_raises_responses_message_for_an_unfired_route() -> None:
    with pytest.raises(AssertionError) as raised:
        fire_a_and_leave_b_unfired()
    assert str(raised.value) == UNFIRED_MESSAGE


def test_the_unfired_routes_error_is_canneds_unfired_routes_error() -> None:
    with pytest.raises(AssertionError) as raised:
        fire_a_and_leave_b_unfired()
    assert type(raised.value) is canned.UnfiredRoutesError


def test_unfired_routes_are_reported_even_when_the_block_raised() -> None:
    with pytest.raises(canned.UnfiredRoutesError) as raised:
        fail_with_b_unfired()
    assert repr(raised.value.__context__) == "ValueError('the test failed')"


def test_routes_are_reset_even_when_unfired_routes_are_reported() -> None:
    rsps = canned.RequestsMock()
    with pytest.raises(canned.UnfiredRoutesError), rsps:
        rsps.get(URL)
    assert rsps.registered() == []


def test_the_default_mock_does_not_report_unfired_routes_by_default() -> None:
    canned.activate(leave_a_route_unfired)()
    assert canned.registered() == []


@pytest.mark.usefixtures("mock_insists_on_firing")
def test_bare_activate_follows_the_default_mocks_own_setting() -> None:
    with pytest.raises(canned.UnfiredRoutesError):
        canned.activate(leave_a_route_unfired)()


@pytest.mark.usefixtures("mock_insists_on_firing")
def test_an_explicit_false_wins_over_the_default_mocks_setting() -> None:
    canned.activate(assert_all_requests_are_fired=False)(leave_a_route_unfired)()
    assert canned.mock.assert_all_requests_are_fired is True


def test_an_explicit_true_wins_over_the_default_mocks_setting() -> None:
    decorated = canned.activate(assert_all_requests_are_fired=True)(leave_a_route_unfired)
    with pytest.raises(canned.UnfiredRoutesError):
        decorated()


def test_a_route_whose_body_is_an_exception_counts_as_fired() -> None:
    with canned.RequestsMock() as rsps:
        rsps.get(URL, body=requests.ConnectTimeout("slow"))
        with pytest.raises(requests.ConnectTimeout):
            requests.get(URL)
    assert rsps.registered() == []


def test_calls_are_emptied_when_a_with_block_exits() -> None:
    with canned.RequestsMock() as rsps:
        rsps.get(URL)
        requests.get(URL)
    assert len(rsps.calls) == 0
