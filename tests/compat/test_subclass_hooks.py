"""responses' subclass hooks, overridden as real suites override them (issue 18).

Routes: `matches`, `_url_matches`, `_req_attr_matches`, `_should_match_querystring`,
`get_headers`, `get_response`. `RequestsMock`: `_on_request`, `_find_match`,
`_parse_request_params` and direct use of `_registry`.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from typing import Any, ClassVar

import pytest
import requests
from urllib3 import HTTPResponse

import canned as responses
from canned import matchers

BASE_HOST = "https://example.testrail.com/index.php?/api/v2/"
URL = "http://e.test/a"


# -- how testrail-api's suite extends responses --------------------------------------------------


class EndpointResponse(responses.CallbackResponse):
    """Registered with a bare endpoint ("get_case/1"); its `_url_matches` finds the endpoint in
    the request URL's query, as testrail-api's suite does."""

    def _url_matches(self, url: Any, other: str, match_querystring: Any = False) -> bool:
        base_url: str = url.replace(BASE_HOST, "")
        other = other.replace(BASE_HOST, "")
        return base_url == other.split("&", 1)[0]


class EndpointMock(responses.RequestsMock):
    """Registers its callbacks as `EndpointResponse`s, straight into `_registry`."""

    def add_callback(  # type: ignore[override]  # testrail-api's own signature and return
        self,
        method: str,
        url: str,
        callback: Any,
        match_querystring: Any = responses.FalseBool(),  # noqa: B008  # testrail-api's default
        content_type: str = "text/plain",
        match: Any = (),
    ) -> None:
        self._registry.add(
            EndpointResponse(
                url=url,
                method=method,
                callback=callback,
                content_type=content_type,
                match_querystring=match_querystring,
                match=match,
            )
        )


def case(number: int) -> Any:
    return lambda request: (200, {}, f'{{"id": {number}}}')


@pytest.fixture
def endpoints() -> Iterator[EndpointMock]:
    mock = EndpointMock(assert_all_requests_are_fired=False)
    with mock:
        mock.add_callback(responses.GET, "get_case/1", case(1))
        mock.add_callback(responses.GET, "get_case/2", case(2))
        yield mock


@pytest.mark.parametrize("number", [1, 2])
def test_each_endpoint_is_answered_by_the_route_its_url_matches_picks(
    endpoints: EndpointMock, number: int
) -> None:
    assert requests.get(f"{BASE_HOST}get_case/{number}&limit=5").json() == {"id": number}


@pytest.mark.parametrize(
    ("method", "endpoint", "reason"),
    [
        ("GET", "get_case/3", "URL does not match"),
        ("POST", "get_case/1", "Method does not match"),
    ],
)
def test_an_endpoint_no_route_answers_is_refused_with_each_routes_reason(
    endpoints: EndpointMock, method: str, endpoint: str, reason: str
) -> None:
    with pytest.raises(requests.ConnectionError) as refused:
        requests.request(method, f"{BASE_HOST}{endpoint}")
    assert f"- GET get_case/1 {reason}\n- GET get_case/2 {reason}\n" in str(refused.value)


def test_an_endpoint_refused_names_the_url_matches_that_said_no(endpoints: EndpointMock) -> None:
    with pytest.raises(requests.ConnectionError) as refused:
        requests.get(f"{BASE_HOST}get_case/3")
    assert str(refused.value).endswith(
        "Closest route: GET get_case/1\n"
        "- url: EndpointResponse._url_matches('get_case/1', "
        "'https://example.testrail.com/index.php?/api/v2/get_case/3') is False\n"
    )


def token_required(number: int) -> EndpointResponse:
    return EndpointResponse(
        responses.GET,
        f"get_case/{number}",
        callback=case(number),
        match=[matchers.header_matcher({"X-Token": "t"})],
    )


def test_a_route_with_its_own_url_matches_answers_when_its_matchers_pass() -> None:
    with responses.RequestsMock() as mock:
        mock.add(token_required(1))
        assert requests.get(f"{BASE_HOST}get_case/1", headers={"X-Token": "t"}).json() == {"id": 1}


def test_a_route_with_its_own_url_matches_refuses_when_a_matcher_fails() -> None:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.add(token_required(1))
        with pytest.raises(requests.ConnectionError, match="Headers do not match"):
            requests.get(f"{BASE_HOST}get_case/1")


def test_a_plain_route_added_to_the_registry_with_a_bare_url_is_refused_and_said_so() -> None:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock._registry.add(responses.Response(responses.GET, "get_case/1"))
        with pytest.raises(requests.ConnectionError) as refused:
            requests.get(f"{BASE_HOST}get_case/1")
    assert str(refused.value).endswith("- url: 'get_case/1' is not an absolute URL\n")


def test_a_route_with_its_own_url_matches_is_registered_by_add_with_a_bare_endpoint() -> None:
    with responses.RequestsMock() as mock:
        mock.add(EndpointResponse(responses.GET, "get_case/7", callback=case(7)))
        assert requests.get(f"{BASE_HOST}get_case/7").json() == {"id": 7}


def test_a_route_with_its_own_url_matches_is_asked_even_for_an_absolute_url() -> None:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.add(EndpointResponse(responses.GET, f"{BASE_HOST}get_case/1", callback=case(1)))
        with pytest.raises(requests.ConnectionError):
            requests.get(f"{BASE_HOST}get_case/2")


# -- the other matching hooks --------------------------------------------------------------------


class TokenRequired(responses.Response):
    """Answers what `Response` answers, and only with an X-Token header."""

    def matches(self, request: Any) -> tuple[bool, str]:
        ok, reason = super().matches(request)
        if ok and "X-Token" not in request.headers:
            return False, "X-Token is missing"
        return ok, reason


def test_a_route_with_its_own_matches_refuses_what_its_override_refuses() -> None:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.add(TokenRequired(responses.GET, URL))
        with pytest.raises(requests.ConnectionError, match="X-Token is missing"):
            requests.get(URL)


def test_a_route_whose_matches_defers_to_responses_refuses_another_url() -> None:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.add(TokenRequired(responses.GET, URL))
        with pytest.raises(
            requests.ConnectionError, match=re.escape("- GET http://e.test/a URL does not")
        ):
            requests.get("http://e.test/b", headers={"X-Token": "t"})


class CaseBlind(responses.Response):
    """Answers its URL in any case, through responses' own `_url_matches`."""

    def _url_matches(self, url: Any, other: str) -> bool:
        return super()._url_matches(url, other.lower())


@pytest.mark.parametrize(
    ("registered", "sent"),
    [
        ("http://e.test/a", "http://e.test/A"),
        (re.compile(r"http://e\.test/b"), "http://e.test/B"),
    ],
)
def test_a_url_matches_that_defers_to_responses_answers_what_it_picks(
    registered: Any, sent: str
) -> None:
    with responses.RequestsMock() as mock:
        mock.add(CaseBlind(responses.GET, registered, body="found"))
        assert requests.get(sent).text == "found"


def test_a_url_matches_that_defers_to_responses_answers_no_bare_url() -> None:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.add(CaseBlind(responses.GET, "get_case/1"))
        with pytest.raises(requests.ConnectionError, match="URL does not match"):
            requests.get(f"{BASE_HOST}get_case/1")


class AnyMatcher(responses.Response):
    """Answers when any one of its matchers passes, not all of them."""

    @staticmethod
    def _req_attr_matches(match: Any, request: Any) -> tuple[bool, str]:
        reasons = []
        for matcher in match:
            valid, reason = matcher(request)
            if valid:
                return True, ""
            reasons.append(reason)
        return False, " or ".join(reasons)


def test_a_route_with_its_own_req_attr_matches_answers_when_its_override_passes() -> None:
    with responses.RequestsMock() as mock:
        mock.add(
            AnyMatcher(
                responses.GET,
                URL,
                body="either",
                match=[
                    matchers.query_param_matcher({"page": "1"}),
                    matchers.query_param_matcher({"page": "2"}),
                ],
            )
        )
        assert requests.get(URL, params={"page": "2"}).text == "either"


class QueryIgnored(responses.Response):
    """Never matches the query string, even one written in its URL."""

    def _should_match_querystring(self, match_querystring_argument: Any) -> bool:
        return False


def test_a_route_with_its_own_should_match_querystring_decides_whether_the_query_counts() -> None:
    with responses.RequestsMock() as mock:
        mock.add(QueryIgnored(responses.GET, f"{URL}?page=1", body="any page"))
        assert requests.get(URL, params={"page": "2"}).text == "any page"


class QueryNoted(responses.Response):
    """Notes what it is asked, then decides as responses does."""

    asked: ClassVar[list[Any]] = []

    def _should_match_querystring(self, match_querystring_argument: Any) -> bool:
        self.asked.append(match_querystring_argument)
        return super()._should_match_querystring(match_querystring_argument)


def test_a_should_match_querystring_that_defers_to_responses_matches_the_urls_query() -> None:
    QueryNoted.asked.clear()  # the module may outlive one run (mutmut runs pytest twice in-process)
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.add(QueryNoted(responses.GET, f"{URL}?page=1"))
        with pytest.raises(requests.ConnectionError, match="Query string doesn't match"):
            requests.get(URL, params={"page": "2"})
    assert QueryNoted.asked == [None]


# -- answering hooks -----------------------------------------------------------------------------


class Traced(responses.Response):
    """Adds a header to every answer, through responses' `get_headers`."""

    def get_headers(self) -> Any:
        headers = super().get_headers()
        headers["X-Trace"] = "abc"
        return headers


def test_a_response_with_its_own_get_headers_answers_with_its_headers() -> None:
    with responses.RequestsMock() as mock:
        mock.add(Traced(responses.GET, URL, json={"ok": True}))
        answer = requests.get(URL)
    assert (answer.headers["X-Trace"], answer.headers["Content-Type"]) == (
        "abc",
        "application/json",
    )


def replace_one(headers: Any) -> None:
    headers["x-a"] = "2"


def replace_repeated(headers: Any) -> None:
    headers.add("X-A", "2")
    headers["X-A"] = "3"


def set_new(headers: Any) -> None:
    headers["X-B"] = "2"


def add_repeated(headers: Any) -> None:
    headers.add("X-A", "2")


def extend_with_a_dict(headers: Any) -> None:
    headers.extend({"X-B": "2"})


def extend_with_pairs(headers: Any) -> None:
    headers.extend([("X-B", "2")])


def update_by_name(headers: Any) -> None:
    headers.update({"X-A": "2"}, X_B="3")


def delete_by_name(headers: Any) -> None:
    del headers["x-a"]


def pop_by_name(headers: Any) -> None:
    headers.pop("X-A")
    headers.pop("X-Missing", None)


def copy_what_get_reads(headers: Any) -> None:
    headers["X-B"] = headers.get("x-a") + headers.get("X-Missing", "!")


def set_only_when_in(headers: Any) -> None:
    if "x-a" in headers and "X-Missing" not in headers:
        headers["X-B"] = headers["X-A"]


def edit_by_position(headers: Any) -> None:  # canned's headers are a list of pairs too
    headers[0] = ("Content-Type", "text/csv")
    del headers[1]
    if ("Content-Type", "text/csv") in headers:
        headers.add(*headers[0])
        headers.pop()


@pytest.mark.parametrize(
    ("edit", "sent"),
    [
        (replace_one, {"Content-Type": "application/json", "x-a": "2"}),
        (replace_repeated, {"Content-Type": "application/json", "X-A": "3"}),
        (set_new, {"Content-Type": "application/json", "X-A": "1", "X-B": "2"}),
        (add_repeated, {"Content-Type": "application/json", "X-A": "1, 2"}),
        (extend_with_a_dict, {"Content-Type": "application/json", "X-A": "1", "X-B": "2"}),
        (extend_with_pairs, {"Content-Type": "application/json", "X-A": "1", "X-B": "2"}),
        (update_by_name, {"Content-Type": "application/json", "X-A": "2", "X_B": "3"}),
        (delete_by_name, {"Content-Type": "application/json"}),
        (pop_by_name, {"Content-Type": "application/json"}),
        (copy_what_get_reads, {"Content-Type": "application/json", "X-A": "1", "X-B": "1!"}),
        (set_only_when_in, {"Content-Type": "application/json", "X-A": "1", "X-B": "1"}),
        (edit_by_position, {"Content-Type": "text/csv"}),
    ],
)
def test_get_headers_edited_as_responses_headers_are_is_what_the_answer_carries(
    edit: Any, sent: dict[str, str]
) -> None:
    class Edited(responses.Response):
        def get_headers(self) -> Any:
            headers = super().get_headers()
            edit(headers)
            return headers

    with responses.RequestsMock() as mock:
        mock.add(Edited(responses.GET, URL, json={}, headers={"X-A": "1"}))
        assert dict(requests.get(URL).headers) == sent


@pytest.mark.parametrize(
    "missing",
    [
        lambda headers: headers["X-Missing"],
        lambda headers: headers.pop("X-Missing"),
        lambda headers: headers.__delitem__("X-Missing"),
    ],
    ids=["read", "pop", "del"],
)
def test_get_headers_reading_a_missing_name_raises_key_error(missing: Any) -> None:
    with pytest.raises(KeyError, match="X-Missing"):
        missing(responses.Response(responses.GET, URL).get_headers())


class TracedCallback(responses.CallbackResponse):
    """Adds a header to every answer of its callback, through responses' `get_headers`."""

    def get_headers(self) -> Any:
        headers = super().get_headers()
        headers.add("X-Trace", "abc")
        return headers


def test_a_callback_response_with_its_own_get_headers_answers_with_its_headers() -> None:
    with responses.RequestsMock() as mock:
        mock.add(TracedCallback(responses.GET, URL, callback=lambda request: (200, {}, "hi")))
        answer = requests.get(URL)
    assert dict(answer.headers) == {"Content-Type": "text/plain", "X-Trace": "abc"}


def test_a_callback_response_with_its_own_get_headers_sends_the_callbacks_content_type() -> None:
    with responses.RequestsMock() as mock:
        mock.add(
            TracedCallback(
                responses.GET, URL, callback=lambda r: (200, {"Content-Type": "text/csv"}, "a")
            )
        )
        answer = requests.get(URL)
    assert dict(answer.headers) == {"X-Trace": "abc", "Content-Type": "text/csv"}


class RawAnswer(responses.CallbackResponse):
    """Answers with its own urllib3 response, as moto's `CallbackResponse` does."""

    def get_response(self, request: Any) -> HTTPResponse:  # type: ignore[override]  # a native answer, as in moto
        status, headers, body = self.callback(request)
        return HTTPResponse(
            body=io.BytesIO(body), status=status, headers=headers, preload_content=False
        )


def test_a_route_with_its_own_get_response_answers_with_the_urllib3_response_it_builds() -> None:
    with responses.RequestsMock() as mock:
        mock.add(RawAnswer(responses.GET, URL, callback=lambda r: (203, {"X-Raw": "1"}, b"raw")))
        answer = requests.get(URL)
    assert (answer.status_code, answer.headers["X-Raw"], answer.text) == (203, "1", "raw")


# -- RequestsMock hooks --------------------------------------------------------------------------


class Logged(responses.RequestsMock):
    """Notes every URL sent, then answers as usual."""

    sent: list[str]

    def _on_request(self, adapter: Any, request: Any, **kwargs: Any) -> Any:
        self.sent.append(request.url)
        return super()._on_request(adapter, request, **kwargs)


def test_a_mock_with_its_own_on_request_sees_every_request_sent() -> None:
    mock = Logged()
    with mock:
        mock.sent = []
        mock.add(responses.GET, URL)
        requests.get(URL)
    assert mock.sent == [URL]


class WithFallback(responses.RequestsMock):
    """Answers a request no route matches with its fallback route."""

    fallback = responses.Response(responses.GET, "http://fallback.test/", status=418)

    def _find_match(self, request: Any) -> tuple[Any, list[str]]:
        match, reasons = super()._find_match(request)
        return (match, reasons) if match is not None else (self.fallback, [])


def test_a_mock_with_its_own_find_match_answers_with_the_route_it_finds() -> None:
    with WithFallback():
        assert requests.get(URL).status_code == 418


class RawParams(responses.RequestsMock):
    """Gives each request the raw query as its `params`."""

    def _parse_request_params(self, url: str) -> dict[str, Any]:  # type: ignore[override]  # an instance method, as in responses
        return {"raw": url.partition("?")[2]}


def test_a_mock_with_its_own_parse_request_params_gives_requests_its_params() -> None:
    with RawParams() as mock:
        mock.add(responses.GET, URL)
        requests.get(URL, params={"page": "2"})
        assert mock.calls[0].request.params == {"raw": "page=2"}


def test_a_mock_with_its_own_parse_request_params_answers_httpx_as_usual() -> None:
    import httpx

    with RawParams() as mock:
        mock.add(responses.GET, URL, body="ok")
        assert httpx.get(URL, params={"page": "2"}).text == "ok"


def test_routes_added_to_the_registry_directly_are_registered_and_found() -> None:
    mock = responses.RequestsMock()
    route = responses.Response(responses.GET, URL)
    mock._registry.add(route)
    assert (mock.registered(), mock._registry.find(requests.Request("GET", URL).prepare())) == (
        [route],
        (route, []),
    )
