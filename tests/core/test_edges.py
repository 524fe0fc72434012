"""Edges of the core that the scenario tests do not reach on their way."""

from __future__ import annotations

from typing import Any

import pytest
import requests
from requests.adapters import HTTPAdapter

import canned
from canned._core import activation, urls
from canned._core.calls import CallList
from canned._core.diagnosis import Diagnosis
from canned._core.mismatch import json_differences
from canned._core.request import Request
from canned.registries import FirstMatchRegistry

URL = "https://edge.example.test/a"


def test_a_failing_interceptor_leaves_nothing_installed() -> None:
    class Broken:
        def install(self) -> None:
            raise OSError("cannot patch")

        def uninstall(self) -> None:
            raise AssertionError("never installed, never uninstalled")

    original = HTTPAdapter.send
    broken = Broken()
    activation._interceptors.append(broken)
    try:
        with pytest.raises(OSError, match="cannot patch"):
            canned.RequestsMock().start()
        assert HTTPAdapter.send is original
    finally:
        activation._interceptors.remove(broken)


def test_stopping_a_mock_that_never_started_only_checks_its_routes() -> None:
    mock = canned.RequestsMock()
    mock.add(canned.GET, URL)
    with pytest.raises(canned.UnfiredRoutesError):
        mock.stop()


def test_activate_refuses_what_it_cannot_decorate() -> None:
    with pytest.raises(TypeError, match=r"^activate\(\): the decorated object must be a function"):
        canned.activate(42)  # type: ignore[arg-type]


def test_call_list_add_records_a_call() -> None:
    calls = CallList()
    calls.add("request", "response")
    assert (calls[0].request, calls[0].response, repr(calls)) == (
        "request",
        "response",
        "CallList([Call(request='request', response='response')])",
    )


def test_json_differences_name_extra_fields_and_list_items() -> None:
    assert json_differences({"a": [1, 2]}, {"a": [1, 3], "b": 0}) == [
        "field 'a[1]': expected 2, got 3",
        "field 'b': not expected, got 0",
    ]
    assert json_differences([1], [1, 2]) == ["body: expected 1 items, got 2"]
    assert json_differences(1, 1.0) == ["body: expected 1, got 1.0"]


def test_a_used_up_route_that_does_not_match_is_not_named() -> None:
    used = canned.Response("GET", URL + "/other")
    view = Request("GET", URL)
    diagnosis = Diagnosis.of(view, view, [], [], [], used=[used])
    assert (diagnosis.closest, diagnosis.used_up) == (None, False)


def test_a_request_with_an_unusable_url_finds_nothing() -> None:
    registry = FirstMatchRegistry()
    registry.add(canned.Response("GET", URL))
    assert registry.find(Request("GET", "not a url")) == (None, ["URL does not match"])


def test_removing_a_route_that_is_gone_is_harmless() -> None:
    registry = FirstMatchRegistry()
    route = registry.add(canned.Response("GET", URL))
    registry.registered.clear()
    registry._ensure_index()
    registry._pop(route)
    assert registry.registered == []


def test_the_view_reports_itself_and_refuses_non_json() -> None:
    view = Request("post", URL, {}, b"not json")
    assert repr(view) == f"<Request POST {URL}>"
    with pytest.raises(ValueError, match="not JSON"):
        _ = view.json


def test_a_callback_content_type_must_be_text() -> None:
    with pytest.raises(TypeError, match=r"content_type must be a str or None, got 5 \(int\)"):
        canned.CallbackResponse("GET", URL, lambda r: (200, {}, ""), content_type=5)  # type: ignore[arg-type]


def test_a_callback_may_answer_with_an_exception_as_body() -> None:
    error = requests.Timeout("late")
    with canned.RequestsMock() as mock:
        mock.add_callback(canned.GET, URL, lambda r: (200, {}, error))
        with pytest.raises(requests.Timeout) as raised:
            requests.get(URL)
    assert raised.value is error


def test_a_numeric_header_value_is_sent_as_text() -> None:
    assert canned.Response("GET", URL, headers={"X-Count": 5}).get_headers()[-1] == ("X-Count", "5")


def test_a_host_that_cannot_be_punycoded_is_percent_encoded() -> None:
    assert urls.normalise_host("a\u0080" + "x" * 70) == "a%C2%80" + "x" * 70


def test_a_multipart_body_with_another_boundary_is_named() -> None:
    prepared = requests.Request("POST", URL, files={"f": ("a.txt", b"x")}).prepare()
    headers = {"Content-Type": "multipart/form-data; boundary=other"}
    view = Request("POST", URL, headers, prepared.body)  # type: ignore[arg-type]
    matched, reason = canned.matchers.multipart_matcher({"f": ("a.txt", b"x")})(view)
    assert not matched
    assert reason.differences == ("body: not multipart with boundary 'other'",)


def test_urls_without_a_path_get_one_before_the_query() -> None:
    assert urls.with_default_path("http://e.com?next=/home") == "http://e.com/?next=/home"


def test_a_custom_registry_sees_the_request_the_client_sent(monkeypatch: Any) -> None:
    seen: list[str] = []

    class Spy(FirstMatchRegistry):
        def find(self, request: Any) -> Any:
            seen.append(request.url)
            return super().find(request)

    with canned.RequestsMock(registry=Spy) as mock:
        mock.add(canned.GET, URL)
        requests.get(URL)
    assert seen == [URL]
