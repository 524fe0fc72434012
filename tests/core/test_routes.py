"""Routes: bad arguments fail at registration with a message naming them; answers' headers."""

from __future__ import annotations

import enum
import inspect
import io
import re
from collections.abc import Callable, Iterator, Mapping
from types import SimpleNamespace
from typing import Any

import pytest
from tests.core.conftest import ask

import canned
from canned import CallbackResponse, Response
from canned._core import routes
from canned._core import urls as canned_urls

URL = "http://e.test/a"


@pytest.fixture
def mock() -> canned.RequestsMock:
    return canned.RequestsMock(assert_all_requests_are_fired=False)


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda m: m.add(7, URL), TypeError, "add(): method must be an HTTP method string such as 'GET', got 7 (int)"),
        (lambda m: m.add("GET", 7), TypeError, "add(): url must be a URL string or a compiled regex, got 7 (int)"),
        (lambda m: m.add("GET", None), TypeError, "add(): url must be a URL string or a compiled regex, got None (NoneType)"),
        (lambda m: m.add("GET", "/relative"), ValueError, "add(): url must be an absolute URL such as 'https://api.test/path', got '/relative' (str)"),
        (lambda m: m.add("GET", URL, status="200"), TypeError, "add(): status must be an int from 0 to 999, got '200' (str)"),
        (lambda m: m.add("GET", URL, status=True), TypeError, "add(): status must be an int from 0 to 999, got True (bool)"),
        (lambda m: m.add("GET", URL, status=1000), ValueError, "add(): status must be an int from 0 to 999, got 1000 (int)"),
        (lambda m: m.add("GET", URL, status=-1), ValueError, "add(): status must be an int from 0 to 999, got -1 (int)"),
        (lambda m: m.add("GET", URL, json={1, 2}), TypeError, "add(): json must be serialisable to JSON, got {1, 2} (set): Object of type set is not JSON serializable"),
        (lambda m: m.add("GET", URL, json={"a": 1}, body="x"), ValueError, "add(): pass json= or body=, not both"),
        (lambda m: m.add("GET", URL, body=io.StringIO("text")), TypeError, "add(): body must be a file opened in binary mode ('rb'), got <_io.StringIO object at"),
        (lambda m: m.add("GET", URL, body=12), TypeError, "add(): body must be str, bytes, a file object, an iterable of bytes, an exception or a fault, got 12 (int)"),
        (lambda m: m.add("GET", URL, headers="X: 1"), TypeError, "add(): headers must be a dict or a list of (name, value) pairs, got 'X: 1' (str)"),
        (lambda m: m.add("GET", URL, headers=[("X", "1", "2")]), TypeError, "add(): headers must be a dict or a list of (name, value) pairs, got [('X', '1', '2')] (list)"),
        (lambda m: m.add("GET", URL, headers={" ": "1"}), TypeError, "add(): headers must be pairs whose names are non-empty strings, got ' ' (str)"),
        (lambda m: m.add("GET", URL, headers={"X": None}), TypeError, "add(): headers['X'] must be a str, got None (NoneType)"),
        (lambda m: m.add("GET", URL, status="2" * 80), TypeError, f"add(): status must be an int from 0 to 999, got '{'2' * 56}... (str)"),
        (lambda m: m.add("GET", URL, match=lambda r: (True, "")), TypeError, "add(): match must be a list or tuple of matchers"),
        (lambda m: m.add("GET", URL, match=["x"]), TypeError, "add(): each matcher in match must be callable (request) -> (bool, str), got 'x' (str)"),
        (lambda m: m.add("GET", URL, content_type=3), TypeError, "add(): content_type must be a str or None, got 3 (int)"),
        (lambda m: m.add("GET", URL, nonsense=1), TypeError, "unexpected keyword argument 'nonsense'"),
        (lambda m: m.add("GET", URL, passthrough=1), TypeError, "add(): passthrough must be True or False, got 1 (int)"),
        (lambda m: m.add("GET", URL, auto_calculate_content_length="yes"), TypeError, "add(): auto_calculate_content_length must be True or False, got 'yes' (str)"),
        (lambda m: m.add("", URL), TypeError, "add(): method must be an HTTP method string such as 'GET', got '' (str)"),
        (lambda m: m.upsert("GET", URL, status="1"), TypeError, "upsert(): status must be an int from 0 to 999, got '1' (str)"),
        (lambda m: m.replace("GET", 7), TypeError, "replace(): url must be a URL string or a compiled regex, got 7 (int)"),
        (lambda m: m.remove(7, URL), TypeError, "remove(): method must be an HTTP method string such as 'GET', got 7 (int)"),
        (lambda m: m.add(canned.Response("GET", URL, status=1000)), ValueError, "Response(): status must be an int from 0 to 999, got 1000 (int)"),
        (lambda m: m.add(canned.CallbackResponse("GET", "x", callback=print)), ValueError, "add(): url must be an absolute URL such as 'https://api.test/path', got 'x' (str)"),
        (lambda m: m.add_callback("GET", URL, callback="nope"), TypeError, "add_callback(): callback must be callable, got 'nope' (str)"),
        (lambda m: m.add_passthru(5), TypeError, "add_passthru(): prefix must be a non-empty URL prefix string or a compiled regex, got 5 (int)"),
        (lambda m: m.assert_call_count(URL, "1"), TypeError, "assert_call_count(): count must be an int, got '1' (str)"),
        (lambda m: m.assert_call_count(7, 1), TypeError, "assert_call_count(): url must be a URL string, got 7 (int)"),
        (lambda m: m.add("GET", URL, body=[b"a", 1]), TypeError, "add(): body must be str, bytes, a file object, an iterable of bytes, an exception or a fault, got [b'a', 1] (list)"),
    ],
)  # fmt: skip
def test_a_bad_argument_fails_where_it_is_given(
    mock: canned.RequestsMock, call: Any, error: type[Exception], message: str
) -> None:
    with pytest.raises(error) as raised:
        call(mock)
    assert message in str(raised.value)
    assert mock.registered() == []


@pytest.mark.parametrize(
    "kwargs",
    [
        {"assert_all_requests_are_fired": "yes"},
        {"response_callback": 5},
        {"passthru_prefixes": "http://x.test"},
        {"registry": dict},
        {"on_unmatched": "ignore"},
        {"target": 5},
    ],
)
def test_a_bad_mock_option_fails_at_construction(kwargs: dict[str, Any]) -> None:
    name = next(iter(kwargs))
    with pytest.raises(TypeError, match=rf"^RequestsMock\(\): {name} must be"):
        canned.RequestsMock(**kwargs)


@pytest.mark.parametrize("kwargs", [{"registry": dict}, {"assert_all_requests_are_fired": 1}])
def test_a_bad_activate_option_fails_at_decoration(kwargs: dict[str, Any]) -> None:
    with pytest.raises(TypeError, match=r"^activate\(\): "):
        canned.activate(**kwargs)


@pytest.mark.parametrize(
    "headers", [{"Content-Type": "x/y"}, {"content-type": "x/y"}, [("CONTENT-TYPE", "x/y")]]
)
def test_content_type_with_a_content_type_header_keeps_responses_error(headers: Any) -> None:
    with pytest.raises(RuntimeError) as raised:
        Response("GET", URL, content_type="a/b", headers=headers)
    assert str(raised.value) == (
        "You cannot define both `content_type` and `headers[Content-Type]`. "
        "Using the `content_type` kwarg is recommended."
    )


@pytest.mark.parametrize(
    ("kwargs", "content_type"),
    [
        ({"body": "plain"}, [("Content-Type", "text/plain")]),
        ({"body": "naïve ☃"}, [("Content-Type", "text/plain; charset=utf-8")]),
        ({"json": {"a": 1}}, [("Content-Type", "application/json")]),
        ({"body": "x", "content_type": None}, []),
        ({"body": "x", "headers": {"content-type": "x/y"}}, [("content-type", "x/y")]),
    ],
)
def test_the_default_content_type_is_given_once(
    kwargs: dict[str, Any], content_type: list[tuple[str, str]]
) -> None:
    headers = Response("GET", URL, **kwargs).get_headers()
    assert [pair for pair in headers if pair[0].lower() == "content-type"] == content_type


def test_the_repr_shows_url_status_content_type_and_headers() -> None:
    route = Response("GET", "http://e.test", json={}, headers={"X": "1"})
    assert repr(route) == (
        "<Response(url='http://e.test/' status=200 content_type='application/json' "
        'headers=\'{"X": "1"}\')>'
    )


class Pairs(Mapping[str, str]):
    """A header mapping that is not a dict, as a client's header class is."""

    def __init__(self, items: dict[str, str]) -> None:
        self.items_ = items

    def __getitem__(self, name: str) -> str:
        return self.items_[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self.items_)

    def __len__(self) -> int:
        return len(self.items_)


def test_the_repr_shows_headers_json_cannot_write_as_a_json_object() -> None:
    route = Response("GET", URL, headers=Pairs({"X": "1"}))
    assert repr(route).endswith("""headers='{"X": "1"}')>""")


def test_the_signature_shows_an_omitted_content_type_as_unset() -> None:
    assert repr(inspect.signature(Response).parameters["content_type"].default) == "_UNSET"


@pytest.mark.parametrize("body", [bytearray(b"ab"), memoryview(b"ab")])
def test_a_bytearray_or_memoryview_body_is_answered_as_bytes(
    mock: canned.RequestsMock, body: Any
) -> None:
    mock.add("GET", URL, body=body)
    assert ask(mock, "GET", URL).reply.body == b"ab"


def test_a_numeric_header_value_is_sent_as_text() -> None:
    assert canned.Response("GET", URL, headers={"X-Count": 5}).get_headers()[-1] == ("X-Count", "5")


def test_routes_are_equal_by_method_and_url_only() -> None:
    assert Response("GET", URL, body="a") == Response("GET", URL, body="b", status=500)
    assert Response("GET", URL) != Response("POST", URL)
    assert Response("GET", re.compile("x")) == Response("GET", re.compile("x"))


def test_a_route_is_never_equal_to_what_is_not_a_route() -> None:
    route = Response("GET", URL)
    assert (route == URL, route != URL) == (False, True)
    assert route != SimpleNamespace(method="GET", url=URL)


def test_a_bare_base_response_answers_with_not_implemented_error_as_in_responses(
    mock: canned.RequestsMock,
) -> None:
    mock.add(canned.BaseResponse("GET", URL))
    assert isinstance(ask(mock, "GET", URL).reply.error, NotImplementedError)


class LostRace:
    """Stands for the lock of first calls when another thread took it first: that thread makes
    the route's call list while this one waits."""

    def __init__(self, route: canned.BaseResponse) -> None:
        self.route = route
        self.made_by_the_other: object = None

    def __enter__(self) -> None:
        if self.made_by_the_other is None:
            self.made_by_the_other = ()  # the other thread is inside now
            self.made_by_the_other = self.route.calls

    def __exit__(self, *exc_info: object) -> None:
        return None


def test_a_call_list_another_thread_made_while_this_one_waited_is_the_one_used(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    route = Response("GET", URL)
    race = LostRace(route)
    monkeypatch.setattr(routes, "_CALLS_MADE", race)
    assert route.calls is race.made_by_the_other


@pytest.mark.parametrize(
    ("returned", "fragment"),
    [
        ("oops", "got 'oops' (str)"),
        ((200, {}), "got (200, {}) (tuple)"),
        (None, "got None (NoneType)"),
    ],
)
def test_a_malformed_callback_reply_names_the_callback(
    mock: canned.RequestsMock, returned: Any, fragment: str
) -> None:
    def handler(request: Any) -> Any:
        return returned

    with mock:
        mock.add_callback("GET", URL, callback=handler)
        outcome = ask(mock, "GET", URL)
    assert isinstance(outcome.reply.error, canned.CallbackReplyError)
    message = str(outcome.reply.error)
    assert "handler" in message
    assert "must return (status, headers, body) or an exception" in message
    assert fragment in message


def test_a_callback_status_out_of_range_names_the_callback(mock: canned.RequestsMock) -> None:
    def handler(request: Any) -> Any:
        return (1000, {}, "")

    with mock:
        mock.add_callback("GET", URL, callback=handler)
        outcome = ask(mock, "GET", URL)
    assert isinstance(outcome.reply.error, ValueError)
    assert re.match(
        r"^callback .*handler: status must be an int from 0 to 999, got 1000",
        str(outcome.reply.error),
    )


def test_a_callback_content_type_must_be_text() -> None:
    with pytest.raises(TypeError, match=r"content_type must be a str or None, got 5 \(int\)"):
        canned.CallbackResponse("GET", URL, lambda r: (200, {}, ""), content_type=5)  # type: ignore[arg-type]


def test_a_callback_may_answer_with_an_exception_as_body(mock: canned.RequestsMock) -> None:
    error = TimeoutError("late")
    with mock:
        mock.add_callback(canned.GET, URL, lambda r: (200, {}, error))
        outcome = ask(mock, "GET", URL)
    assert outcome.kind == "answer"
    assert outcome.reply.error is error


@pytest.mark.parametrize("headers", [{"content-type": "x/y"}, [("Content-Type", "x/y")]])
def test_a_callbacks_content_type_header_replaces_the_registered_one(headers: Any) -> None:
    route = CallbackResponse("GET", URL, lambda r: (200, headers, "x"), content_type="a/b")
    reply = route.get_response(object())
    assert [value for name, value in reply.headers if name.lower() == "content-type"] == ["x/y"]


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("GET", "GET"),
        ("get", "GET"),
        (" Post ", "POST"),
        ("propfind", "PROPFIND"),
        ("M-SEARCH", "M-SEARCH"),
    ],
)
def test_a_method_is_stored_upper_cased_and_answers_in_any_case(
    mock: canned.RequestsMock, given: str, stored: str
) -> None:
    route = mock.add(given, URL, body="ok")
    assert route.method == stored
    with mock:
        assert ask(mock, stored.lower(), URL).reply.body == b"ok"


def test_the_defaults_a_route_does_not_store_read_as_responses_gives_them() -> None:
    plain = canned.Response("GET", URL)
    assert (plain.stream, plain.headers, plain.auto_calculate_content_length) == (None, None, False)
    assert (plain.match_querystring, plain.passthrough, plain.call_count) == (False, False, 0)
    assert (plain.body, plain.content_type) == ("", "text/plain")
    base = canned.BaseResponse("GET", URL)
    assert (base.stream, base.passthrough, base.match_querystring) == (False, False, False)


def test_a_route_whose_url_is_changed_answers_at_the_new_url_only() -> None:
    route = canned.Response("GET", URL)
    route.url = "https://other.example.test/b"
    assert route.url_key == canned_urls.parse_url("https://other.example.test/b").key
    assert route.matches(SimpleNamespace(method="GET", url=route.url, headers={}, body=None))[0]
    assert not route.matches(SimpleNamespace(method="GET", url=URL, headers={}, body=None))[0]


def test_a_str_subclass_url_is_registered_and_answers_like_its_text(
    mock: canned.RequestsMock,
) -> None:
    class Url(str):
        pass

    route = mock.add("GET", Url("https://E.test"), body="ok")
    assert route.url == "https://E.test/"
    with mock:
        assert ask(mock, "GET", "https://e.test/").reply.body == b"ok"


def test_a_str_enum_content_type_is_accepted_as_responses_accepts_it() -> None:
    class ContentType(str, enum.Enum):
        JSON = "application/json"

    route = canned.Response("GET", URL, content_type=ContentType.JSON)
    assert route.get_headers() == [("Content-Type", ContentType.JSON)]


def test_a_mixins_init_between_response_and_base_response_runs() -> None:
    class Tagging(canned.BaseResponse):
        def __init__(self, *args: Any, tag: str = "default", **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.tag = tag

    class Tagged(canned.Response, Tagging):
        pass

    route = Tagged("GET", URL, body="x", match=[canned.matchers.query_param_matcher({"a": "1"})])
    assert (route.tag, route.url, len(route.match)) == ("default", URL, 1)


def test_options_given_by_a_subclass_as_class_attributes_do_not_show_through() -> None:
    class Quiet(canned.Response):
        stream = True
        auto_calculate_content_length = True
        match_querystring = True

    route = Quiet("GET", URL)
    assert (route.stream, route.auto_calculate_content_length) == (None, False)
    assert (route.match_querystring, route.get_headers()) == (
        False,
        [("Content-Type", "text/plain")],
    )


def test_matchers_added_in_place_to_a_route_list_of_them_are_used(
    mock: canned.RequestsMock,
) -> None:
    route = mock.add(canned.GET, URL, body="ok")
    matchers = [canned.matchers.query_param_matcher({"a": "1"})]
    route.match = matchers  # type: ignore[assignment]
    with mock:
        assert ask(mock, "GET", URL + "?a=1").reply.body == b"ok"
        matchers.append(canned.matchers.header_matcher({"X-Key": "1"}))
        assert ask(mock, "GET", URL + "?a=1").kind == "unmatched"
        assert ask(mock, "GET", URL + "?a=1", {"X-Key": "1"}).reply.body == b"ok"


class _RebuiltOtherwise(Exception):
    """An exception whose constructor rewrites its message: `copy.copy` would read differently."""

    def __init__(self, code: object) -> None:
        super().__init__(f"failed with code {code}")


class _NeedsTwoArguments(Exception):
    """An exception whose constructor takes other arguments than its `args`: `copy.copy` fails."""

    def __init__(self, code: int, reason: str) -> None:
        super().__init__(f"{code} {reason}")
        self.code = code


class _MadeFromTwoArguments(Exception):
    """An exception that cannot be made again from its `args` in any way."""

    def __new__(cls, code: int, reason: str) -> _MadeFromTwoArguments:
        return super().__new__(cls, f"{code} {reason}")

    def __init__(self, code: int, reason: str) -> None:
        super().__init__(f"{code} {reason}")


@pytest.mark.parametrize(
    "make",
    [lambda: _RebuiltOtherwise(7), lambda: _NeedsTwoArguments(7, "late")],
    ids=["rebuilt", "two arguments"],
)
def test_an_exception_copy_cannot_rebuild_is_still_raised_fresh_reading_the_same(
    make: Callable[[], Exception],
) -> None:
    """urllib3 1.26's errors are such: their `__reduce__` drops the message. (Made afresh for
    each run: a raised error keeps the request it was raised for.)"""
    error = make()
    with canned.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.add(canned.GET, "https://x.test/u", body=error)
        raised = [ask(mock, "GET", "https://x.test/u").reply.error for _ in range(3)]
    assert raised[0] is error
    assert raised[1] is not error
    assert raised[2] is not raised[1]
    assert {(type(e), e.args, str(e)) for e in raised} == {(type(error), error.args, str(error))}
    attributes = [{k: v for k, v in vars(e).items() if k != "request"} for e in raised]
    assert attributes == [attributes[0]] * 3  # each has its own `.request`, and the rest as given
    assert [e.request is not raised[0].request for e in raised[1:]] == [True, True]  # type: ignore[attr-defined]  # canned attaches it


def test_an_exception_that_cannot_be_made_again_is_raised_itself_each_time() -> None:
    error = _MadeFromTwoArguments(7, "late")
    text = str(error)
    with canned.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.add(canned.GET, "https://x.test/u", body=error)
        raised = [ask(mock, "GET", "https://x.test/u").reply.error for _ in range(2)]
    assert raised == [error, error]
    assert str(raised[1]) == text
    assert raised[1].__traceback__ is None  # cleared before each raise: it does not grow


def test_an_exception_body_is_copied_as_given_before_its_first_request_is_attached() -> None:
    error = ConnectionError("refused")
    with canned.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.add(canned.GET, "https://x.test/u", body=error)
        first = ask(mock, "GET", "https://x.test/u", native="first request").reply.error
        second = ask(mock, "GET", "https://x.test/u", native="second request").reply.error
    assert first is error
    assert (type(second), second.args) == (ConnectionError, ("refused",))
    assert (first.request, second.request) == ("first request", "second request")  # type: ignore[attr-defined]
