"""`canned.RequestsMock`, method by method, as responses users call it (API.md §1.2, §1.4)."""

from __future__ import annotations

import re
from typing import Any, Callable

import pytest
import requests
from requests.adapters import HTTPAdapter
from tests.servers import SpySend

import canned
from canned.registries import FirstMatchRegistry, OrderedRegistry

ORIGINAL_SEND = HTTPAdapter.send
URL = "http://e.test/a"
OTHER_URL = "http://e.test/b"

SHORTCUTS = [
    ("get", "GET"),
    ("post", "POST"),
    ("put", "PUT"),
    ("patch", "PATCH"),
    ("delete", "DELETE"),
    ("head", "HEAD"),
    ("options", "OPTIONS"),
]


class Tagged(requests.Response):
    """What the `response_callback` below returns: a copy the client can tell apart."""


def tag(response: requests.Response) -> Tagged:
    tagged = Tagged()
    tagged.__dict__.update(response.__dict__)
    return tagged


def reset_by_calling_reset(mock: canned.RequestsMock) -> None:
    mock.reset()


def reset_by_a_with_block(mock: canned.RequestsMock) -> None:
    with mock:
        pass


RESETS = [
    pytest.param(reset_by_calling_reset, id="reset()"),
    pytest.param(reset_by_a_with_block, id="with-block"),
]


# -- add and its shortcuts ----------------------------------------------------------------------


def test_add_returns_the_route_it_registered() -> None:
    rsps = canned.RequestsMock()
    route = rsps.add(canned.GET, URL, body="x")
    assert rsps.registered()[0] is route


def test_add_adding_headers_sets_the_response_headers() -> None:
    with canned.RequestsMock() as rsps:
        rsps.add(canned.GET, URL, "body", {"X-Legacy": "1"})
        response = requests.get(URL)
    assert response.headers["X-Legacy"] == "1"


def test_add_headers_win_over_adding_headers() -> None:
    with canned.RequestsMock() as rsps:
        rsps.add(canned.GET, URL, adding_headers={"X-A": "old"}, headers={"X-A": "new"})
        response = requests.get(URL)
    assert response.headers["X-A"] == "new"


@pytest.mark.parametrize(("name", "method"), SHORTCUTS)
def test_a_method_shortcut_registers_a_route_for_that_method(name: str, method: str) -> None:
    with canned.RequestsMock() as rsps:
        route = getattr(rsps, name)(URL, status=202)
        response = requests.request(method, URL)
    assert (route.method, response.status_code) == (method, 202)


@pytest.mark.parametrize(("name", "method"), SHORTCUTS)
def test_a_method_shortcut_does_not_answer_another_method(name: str, method: str) -> None:
    other = "GET" if method != "GET" else "POST"
    with canned.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        getattr(rsps, name)(URL)
        with pytest.raises(requests.ConnectionError):
            requests.request(other, URL)


# -- add_callback ---------------------------------------------------------------------------------


def test_add_callback_returns_a_route_that_records_its_calls() -> None:
    with canned.RequestsMock() as rsps:
        route = rsps.add_callback(canned.GET, URL, callback=lambda request: (201, {}, "made"))
        response = requests.get(URL)
        assert route.call_count == 1
        assert route.calls[0].response is response


def test_add_callback_answers_with_what_the_callback_returns() -> None:
    with canned.RequestsMock() as rsps:
        rsps.add_callback(canned.GET, URL, callback=lambda request: (201, {"X-A": "1"}, "made"))
        response = requests.get(URL)
    assert (response.status_code, response.headers["X-A"], response.text) == (201, "1", "made")


# -- add_passthru ---------------------------------------------------------------------------------


def test_add_passthru_punycodes_a_unicode_host_and_percent_encodes_the_path() -> None:
    rsps = canned.RequestsMock()
    rsps.add_passthru("http://пример.рф/путь")
    assert rsps.passthru_prefixes == ("http://xn--e1afmkfd.xn--p1ai/%D0%BF%D1%83%D1%82%D1%8C",)


def test_a_unicode_passthru_prefix_lets_its_requests_through() -> None:
    spy = SpySend()
    with canned.RequestsMock(real_adapter_send=spy) as rsps:
        rsps.add_passthru("http://пример.рф/")
        requests.get("http://пример.рф/страница")
    assert spy.sent == [
        "http://xn--e1afmkfd.xn--p1ai/%D1%81%D1%82%D1%80%D0%B0%D0%BD%D0%B8%D1%86%D0%B0"
    ]


@pytest.mark.parametrize(
    "prefix", ["http://pass.test/", re.compile(r"http://pass\.test/\d+")], ids=["str", "regex"]
)
def test_add_passthru_sends_an_unmatched_request_to_the_network(prefix: Any) -> None:
    spy = SpySend(status=203)
    with canned.RequestsMock(real_adapter_send=spy) as rsps:
        rsps.add_passthru(prefix)
        response = requests.get("http://pass.test/42")
    assert (spy.sent, response.status_code) == (["http://pass.test/42"], 203)


def test_a_request_let_through_by_a_passthru_prefix_is_not_recorded() -> None:
    with canned.RequestsMock(real_adapter_send=SpySend()) as rsps:
        rsps.add_passthru("http://pass.test/")
        requests.get("http://pass.test/42")
        assert len(rsps.calls) == 0


def test_a_route_still_answers_a_url_under_a_passthru_prefix() -> None:
    spy = SpySend()
    with canned.RequestsMock(real_adapter_send=spy) as rsps:
        rsps.add_passthru("http://pass.test/")
        rsps.get("http://pass.test/mocked", body="mocked")
        response = requests.get("http://pass.test/mocked")
    assert (response.text, spy.sent) == ("mocked", [])


# -- remove, replace, upsert, registered ------------------------------------------------------------


def test_remove_unregisters_every_route_with_that_method_and_url() -> None:
    rsps = canned.RequestsMock()
    rsps.add(canned.GET, URL, body="1")
    rsps.add(canned.GET, URL, body="2")
    kept = rsps.add(canned.POST, URL)
    rsps.remove(canned.GET, URL)
    assert rsps.registered() == [kept]


def test_remove_returns_the_routes_it_removed() -> None:
    rsps = canned.RequestsMock()
    first = rsps.add(canned.GET, URL, body="1")
    second = rsps.add(canned.GET, URL, body="2")
    removed = rsps.remove(canned.GET, URL)
    assert [route is expected for route, expected in zip(removed, [first, second])] == [True, True]
    assert len(removed) == 2


def test_remove_accepts_a_response_as_the_probe() -> None:
    rsps = canned.RequestsMock()
    rsps.add(canned.GET, URL)
    rsps.remove(canned.Response(canned.GET, URL))
    assert rsps.registered() == []


def test_replace_swaps_the_body_of_the_registered_route() -> None:
    with canned.RequestsMock() as rsps:
        rsps.add(canned.GET, URL, body="old")
        rsps.replace(canned.GET, URL, body="new")
        response = requests.get(URL)
    assert response.text == "new"


def test_replace_keeps_the_routes_place_in_the_registry() -> None:
    rsps = canned.RequestsMock()
    rsps.add(canned.GET, URL, body="old")
    rsps.add(canned.GET, OTHER_URL)
    rsps.replace(canned.GET, URL, body="new")
    assert [route.url for route in rsps.registered()] == [URL, OTHER_URL]


def test_replace_of_an_unregistered_route_raises_value_error_naming_the_url() -> None:
    rsps = canned.RequestsMock()
    with pytest.raises(ValueError, match=f"^Response is not registered for URL {re.escape(URL)}$"):
        rsps.replace(canned.GET, URL, body="new")


def test_upsert_adds_a_route_when_none_is_registered() -> None:
    with canned.RequestsMock() as rsps:
        rsps.upsert(canned.GET, URL, body="added")
        response = requests.get(URL)
    assert response.text == "added"


def test_upsert_replaces_a_registered_route() -> None:
    with canned.RequestsMock() as rsps:
        rsps.add(canned.GET, URL, body="old")
        rsps.upsert(canned.GET, URL, body="new")
        assert len(rsps.registered()) == 1
        response = requests.get(URL)
    assert response.text == "new"


def test_registered_is_the_live_list_of_routes() -> None:
    rsps = canned.RequestsMock()
    live = rsps.registered()
    route = rsps.add(canned.GET, URL)
    assert live == [route]


# -- calls ----------------------------------------------------------------------------------------


def test_calls_records_a_matched_request_and_its_response() -> None:
    with canned.RequestsMock() as rsps:
        rsps.get(URL)
        response = requests.get(URL)
        assert [(call.request.url, call.response) for call in rsps.calls] == [(URL, response)]


def test_calls_records_an_unmatched_request_with_its_connection_error() -> None:
    with canned.RequestsMock() as rsps:
        with pytest.raises(requests.ConnectionError) as raised:
            requests.get(URL)
        assert [(call.request.url, call.response) for call in rsps.calls] == [(URL, raised.value)]


def test_a_call_can_be_indexed_as_a_tuple() -> None:
    with canned.RequestsMock() as rsps:
        rsps.get(URL)
        response = requests.get(URL)
        assert (rsps.calls[0][0].url, rsps.calls[0][1]) == (URL, response)


def test_slicing_calls_gives_a_list_of_calls() -> None:
    with canned.RequestsMock() as rsps:
        rsps.get(URL)
        requests.get(URL)
        requests.get(URL)
        sliced = rsps.calls[0:2]
        assert type(sliced) is list
        assert sliced == [rsps.calls[0], rsps.calls[1]]


def test_the_same_call_object_is_in_the_mocks_calls_and_the_routes_calls() -> None:
    with canned.RequestsMock() as rsps:
        route = rsps.get(URL)
        requests.get(URL)
        assert route.calls[0] is rsps.calls[0]


def test_a_recorded_request_carries_its_parsed_query_params() -> None:
    with canned.RequestsMock() as rsps:
        rsps.get(URL)
        requests.get(URL, params={"q": "x", "n": "1"})
        assert rsps.calls[0].request.params == {"q": "x", "n": "1"}


# -- assert_call_count ----------------------------------------------------------------------------


def test_assert_call_count_counts_the_exact_url_including_its_query() -> None:
    with canned.RequestsMock() as rsps:
        rsps.get(URL)
        requests.get(f"{URL}?x=1")
        requests.get(f"{URL}?x=1")
        requests.get(URL)
        assert rsps.assert_call_count(f"{URL}?x=1", 2) is True


def test_assert_call_count_adds_the_default_path() -> None:
    with canned.RequestsMock() as rsps:
        rsps.get("http://e.test")
        requests.get("http://e.test")
        assert rsps.assert_call_count("http://e.test", 1) is True


def test_assert_call_count_raises_an_assertion_error_with_responses_message() -> None:
    with canned.RequestsMock() as rsps:
        rsps.get(URL)
        requests.get(URL)
        with pytest.raises(AssertionError) as raised:
            rsps.assert_call_count(URL, 3)
    assert str(raised.value) == f"Expected URL '{URL}' to be called 3 times. Called 1 times."


# -- registries -----------------------------------------------------------------------------------


def test_get_registry_is_a_first_match_registry_by_default() -> None:
    assert type(canned.RequestsMock().get_registry()) is FirstMatchRegistry


def test_get_registry_is_an_instance_of_the_constructors_registry() -> None:
    assert type(canned.RequestsMock(registry=OrderedRegistry).get_registry()) is OrderedRegistry


def test_set_registry_installs_a_new_registry_of_that_class() -> None:
    rsps = canned.RequestsMock()
    rsps._set_registry(OrderedRegistry)
    assert type(rsps.get_registry()) is OrderedRegistry


def test_set_registry_while_routes_are_registered_raises_attribute_error() -> None:
    rsps = canned.RequestsMock()
    rsps.add(canned.GET, URL)
    with pytest.raises(AttributeError) as raised:
        rsps._set_registry(OrderedRegistry)
    assert str(raised.value) == (
        "Cannot replace Registry, current registry has responses.\n"
        "Run 'responses.registry.reset()' first"
    )


# -- reset ----------------------------------------------------------------------------------------


def test_reset_empties_calls_in_place() -> None:
    with canned.RequestsMock() as rsps:
        rsps.get(URL)
        requests.get(URL)
        saved = rsps.calls
        rsps.reset()
        assert (saved is rsps.calls, len(saved)) == (True, 0)


def test_reset_drops_every_route() -> None:
    rsps = canned.RequestsMock()
    rsps.add(canned.GET, URL)
    rsps.reset()
    assert rsps.registered() == []


def test_reset_drops_prefixes_added_with_add_passthru() -> None:
    rsps = canned.RequestsMock()
    rsps.add_passthru("http://pass.test/")
    rsps.reset()
    assert rsps.passthru_prefixes == ()


@pytest.mark.parametrize("leave", RESETS)
def test_the_constructors_registry_survives_a_reset(
    leave: Callable[[canned.RequestsMock], None],
) -> None:
    rsps = canned.RequestsMock(registry=OrderedRegistry)
    leave(rsps)
    assert type(rsps.get_registry()) is OrderedRegistry


@pytest.mark.parametrize("leave", RESETS)
def test_the_constructors_passthru_prefixes_survive_a_reset(
    leave: Callable[[canned.RequestsMock], None],
) -> None:
    rsps = canned.RequestsMock(passthru_prefixes=("http://pass.test/",))
    rsps.add_passthru("http://other.test/")
    leave(rsps)
    assert rsps.passthru_prefixes == ("http://pass.test/",)


def test_a_reused_mock_keeps_ordered_answers_in_its_second_with_block() -> None:
    rsps = canned.RequestsMock(registry=OrderedRegistry, assert_all_requests_are_fired=False)
    with rsps:
        pass
    with rsps:
        rsps.get(URL)
        rsps.get(OTHER_URL)
        with pytest.raises(requests.ConnectionError):
            requests.get(OTHER_URL)


def test_a_reused_mock_lets_its_constructor_prefix_through_in_its_second_with_block() -> None:
    spy = SpySend()
    rsps = canned.RequestsMock(passthru_prefixes=("http://pass.test/",), real_adapter_send=spy)
    with rsps:
        pass
    with rsps:
        requests.get("http://pass.test/x")
    assert spy.sent == ["http://pass.test/x"]


# -- start and stop -------------------------------------------------------------------------------


def test_starting_twice_is_undone_by_one_stop() -> None:
    rsps = canned.RequestsMock()
    rsps.start()
    rsps.start()
    rsps.stop()
    assert HTTPAdapter.send is ORIGINAL_SEND


def test_start_makes_the_mock_answer() -> None:
    rsps = canned.RequestsMock()
    rsps.get(URL, body="started")
    rsps.start()
    try:
        response = requests.get(URL)
    finally:
        rsps.stop()
    assert response.text == "started"


def test_stop_keeps_the_routes() -> None:
    rsps = canned.RequestsMock()
    route = rsps.add(canned.GET, URL)
    rsps.start()
    requests.get(URL)
    rsps.stop()
    assert rsps.registered() == [route]


def test_stop_without_allow_assert_does_not_check_unfired_routes() -> None:
    rsps = canned.RequestsMock()
    rsps.add(canned.GET, URL)
    rsps.start()
    rsps.stop(allow_assert=False)
    assert HTTPAdapter.send is ORIGINAL_SEND


# -- response_callback ----------------------------------------------------------------------------


def test_response_callback_runs_on_each_response() -> None:
    seen: list[int] = []

    def note(response: requests.Response) -> requests.Response:
        seen.append(response.status_code)
        return response

    with canned.RequestsMock(response_callback=note) as rsps:
        rsps.get(URL, status=201)
        rsps.get(OTHER_URL, status=202)
        requests.get(URL)
        requests.get(OTHER_URL)
    assert seen == [201, 202]


def test_the_client_gets_what_response_callback_returns() -> None:
    with canned.RequestsMock(response_callback=tag) as rsps:
        rsps.get(URL, body="x")
        response = requests.get(URL)
    assert (type(response), response.text) == (Tagged, "x")


def test_calls_records_what_response_callback_returns() -> None:
    with canned.RequestsMock(response_callback=tag) as rsps:
        rsps.get(URL)
        response = requests.get(URL)
        assert rsps.calls[0].response is response


def test_response_callback_runs_for_a_passthrough_route() -> None:
    with canned.RequestsMock(response_callback=tag, real_adapter_send=SpySend()) as rsps:
        rsps.get(URL, passthrough=True)
        response = requests.get(URL)
    assert type(response) is Tagged


def test_response_callback_set_on_the_instance_is_used() -> None:
    with canned.RequestsMock() as rsps:
        rsps.response_callback = tag
        rsps.get(URL)
        response = requests.get(URL)
    assert type(response) is Tagged


# -- target ---------------------------------------------------------------------------------------


class OfflineAdapter(HTTPAdapter):
    """An adapter with its own `send` that never calls `HTTPAdapter.send`."""

    def send(self, request: Any, *args: Any, **kwargs: Any) -> requests.Response:  # type: ignore[override]  # matches any send
        raise requests.ConnectionError("offline adapter reached")


OFFLINE_SEND = OfflineAdapter.__dict__["send"]
OFFLINE_TARGET = "requests.adapters.OfflineAdapter.send"


@pytest.fixture
def offline_session(monkeypatch: pytest.MonkeyPatch) -> requests.Session:
    """A session whose http:// adapter is `OfflineAdapter`, reachable as `OFFLINE_TARGET`."""
    monkeypatch.setattr(requests.adapters, "OfflineAdapter", OfflineAdapter, raising=False)
    session = requests.Session()
    session.mount("http://", OfflineAdapter())
    return session


def test_the_default_target_is_http_adapter_send() -> None:
    assert canned.RequestsMock().target == "requests.adapters.HTTPAdapter.send"


def test_a_custom_target_intercepts_an_adapter_with_its_own_send(
    offline_session: requests.Session,
) -> None:
    with canned.RequestsMock(target=OFFLINE_TARGET) as rsps:
        rsps.get(URL, body="mocked")
        response = offline_session.get(URL)
    assert response.text == "mocked"


def test_a_custom_target_is_restored_on_exit(offline_session: requests.Session) -> None:
    with canned.RequestsMock(target=OFFLINE_TARGET):
        pass
    assert OfflineAdapter.__dict__["send"] is OFFLINE_SEND


# -- _parse_request_params ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "params"),
    [
        ("http://e.test/p?a=1&b=2", {"a": "1", "b": "2"}),
        ("http://e.test/p?a=1&a=2", {"a": ["1", "2"]}),
        ("http://e.test/p?a=1&b=2&a=3", {"a": ["1", "3"], "b": "2"}),
        ("http://e.test/p?a=", {"a": ""}),
        ("http://e.test/p", {}),
        ("/p?a=1&b=2", {"a": "1", "b": "2"}),
    ],
    ids=["single", "repeated", "repeated-apart", "blank", "none", "path-only"],
)
def test_parse_request_params_turns_a_query_into_a_dict(url: str, params: dict[str, Any]) -> None:
    assert canned.RequestsMock()._parse_request_params(url) == params
