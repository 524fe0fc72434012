"""The urllib3 adapter: urllib3 used directly is answered from the same registry, and what it
returns, retries and raises is what urllib3 gives with a server."""

from __future__ import annotations

import errno
import gzip
import http.client
import io
import json
import re
import socket
from collections import OrderedDict
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
import requests
import urllib3
from tests.servers import EchoHandler, serving
from tests.urllib3_versions import (
    URLLIB3_2,
    NameResolutionError,
    needs_urllib3_2,
    raised_while_handling,
)
from urllib3 import HTTPConnectionPool, HTTPResponse
from urllib3._collections import HTTPHeaderDict  # where 1.26 and 2 both define it
from urllib3.exceptions import (
    ConnectTimeoutError,
    HostChangedError,
    MaxRetryError,
    NewConnectionError,
    ProtocolError,
    ReadTimeoutError,
    ResponseError,
)
from urllib3.util.retry import Retry

import canned
from canned import faults
from canned._adapters import ADAPTERS
from canned._adapters.urllib3 import intercepted_urlopen
from canned._core import dispatch
from canned.matchers import (
    header_matcher,
    json_params_matcher,
    query_param_matcher,
    urlencoded_params_matcher,
)

URL = "https://api.example.test/r"
ORIGINAL_URLOPEN = HTTPConnectionPool.urlopen
REFUSED = "Connection refused by Responses - the call doesn't match any registered mock."
# How urllib3's connection errors name the connection: urllib3 1.26 by its object's repr.
CONNECTION = (
    re.escape("HTTPSConnection(host='api.example.test', port=443)")
    if URLLIB3_2
    else r"<urllib3\.connection\.HTTPSConnection object at 0x[0-9a-f]+>"
)


@pytest.fixture
def pool_manager() -> Iterator[urllib3.PoolManager]:
    with urllib3.PoolManager() as manager:
        yield manager


# -- interception ----------------------------------------------------------------------------------


def test_a_pool_manager_request_is_answered_from_the_registry_and_logged(
    mock: canned.RequestsMock, pool_manager: urllib3.PoolManager
) -> None:
    mock.add(canned.GET, URL, json={"id": 7}, headers={"X-Trace": "abc"})
    answer = pool_manager.request("GET", URL)
    assert (answer.status, answer.reason, json.loads(answer.data)) == (200, "OK", {"id": 7})
    assert answer.headers["X-Trace"] == "abc"
    assert (mock.calls[0].request.url, mock.calls[0].response) == (URL, answer)


@needs_urllib3_2
def test_the_module_level_request_function_is_answered(mock: canned.RequestsMock) -> None:
    mock.add(canned.POST, URL, body=b"made", status=201)
    answer = urllib3.request("POST", URL, body=b"x")
    assert (answer.status, answer.data) == (201, b"made")


def test_pool_manager_urlopen_is_answered(
    mock: canned.RequestsMock, pool_manager: urllib3.PoolManager
) -> None:
    mock.add(canned.DELETE, URL, status=204)
    assert pool_manager.urlopen("DELETE", URL).status == 204


def test_an_https_pool_answers_for_its_own_origin(mock: canned.RequestsMock) -> None:
    mock.add(canned.GET, f"{URL}?page=2", body=b"two")
    with urllib3.HTTPSConnectionPool("api.example.test") as pool:
        assert pool.urlopen("GET", "/r?page=2").data == b"two"


def test_a_pool_on_another_port_keeps_the_port_in_the_url(mock: canned.RequestsMock) -> None:
    mock.add(canned.GET, "http://api.example.test:8080/r")
    with urllib3.HTTPConnectionPool("api.example.test", 8080) as pool:
        assert pool.request("GET", "/r").status == 200


def test_a_pool_on_an_ipv6_address_is_answered_for_the_bracketed_url(
    mock: canned.RequestsMock,
) -> None:
    mock.add(canned.GET, "http://[::1]:8080/v6")
    with urllib3.HTTPConnectionPool("::1", 8080) as pool:
        pool.request("GET", "/v6")
    assert mock.calls[0].request.url == "http://[::1]:8080/v6"


def test_the_fragment_is_not_sent(
    mock: canned.RequestsMock, pool_manager: urllib3.PoolManager
) -> None:
    mock.add(canned.GET, URL)
    pool_manager.request("GET", f"{URL}#section")
    assert mock.calls[0].request.url == URL


@pytest.mark.parametrize("scheme", ["http", "https"])
def test_a_proxy_manager_request_is_answered_for_the_destination(
    mock: canned.RequestsMock, scheme: str
) -> None:
    destination = f"{scheme}://api.example.test/r"
    mock.add(canned.GET, destination, body=b"through the proxy")
    with urllib3.ProxyManager("http://proxy.example.test:3128") as proxy:
        answer = proxy.request("GET", destination)
    assert (answer.data, mock.calls[0].request.url) == (b"through the proxy", destination)


def test_a_foreign_host_given_to_a_pool_raises_host_changed_and_is_not_recorded(
    mock: canned.RequestsMock,
) -> None:
    with (
        urllib3.HTTPSConnectionPool("api.example.test") as pool,
        pytest.raises(HostChangedError),
    ):
        pool.urlopen("GET", "https://elsewhere.example.test/r")
    assert len(mock.calls) == 0


def test_the_adapter_table_names_the_seam_the_adapter_patches() -> None:
    row = next(adapter for adapter in ADAPTERS if adapter.name == "urllib3")
    assert row.patches == ("urllib3.HTTPConnectionPool.urlopen",)
    with canned.RequestsMock():
        assert HTTPConnectionPool.urlopen is intercepted_urlopen


def test_the_original_urlopen_is_back_after_the_block() -> None:
    with canned.RequestsMock():
        assert HTTPConnectionPool.urlopen is not ORIGINAL_URLOPEN
    assert HTTPConnectionPool.urlopen is ORIGINAL_URLOPEN


def test_a_call_arriving_after_the_last_mock_left_is_sent_for_real() -> None:
    with serving(EchoHandler) as base, urllib3.PoolManager() as manager:
        pool = manager.connection_from_url(base)
        answer = intercepted_urlopen(pool, "GET", "/late")
    assert answer.data == b"GET /late"


# -- the answer ------------------------------------------------------------------------------------


def test_the_answer_is_read_already_as_urlopen_preloads_it(
    mock: canned.RequestsMock, pool_manager: urllib3.PoolManager
) -> None:
    mock.add(canned.GET, URL, body=b"whole")
    answer = pool_manager.request("GET", URL)
    assert (answer.data, answer.read(), answer.data) == (b"whole", b"", b"whole")


def test_an_unpreloaded_answer_streams_in_pieces_and_releases(
    mock: canned.RequestsMock, pool_manager: urllib3.PoolManager
) -> None:
    mock.add(canned.GET, URL, body=b"abcdefgh")
    answer = pool_manager.request("GET", URL, preload_content=False)
    assert answer.read(2) == b"ab"
    assert list(answer.stream(3)) == [b"cde", b"fgh"]
    answer.release_conn()
    assert answer.connection is None


def test_chunks_are_streamed_as_they_were_given(
    mock: canned.RequestsMock, pool_manager: urllib3.PoolManager
) -> None:
    mock.add(canned.GET, URL, body=iter([b"abc", b"defg"]))
    answer = pool_manager.request("GET", URL, preload_content=False)
    assert list(answer.stream(None)) == [b"abc", b"defg"]


def test_a_gzip_body_is_decoded(
    mock: canned.RequestsMock, pool_manager: urllib3.PoolManager
) -> None:
    mock.add(canned.GET, URL, body=gzip.compress(b"plain"), headers={"Content-Encoding": "gzip"})
    assert pool_manager.request("GET", URL).data == b"plain"


def test_decode_content_false_gives_the_bytes_as_sent(
    mock: canned.RequestsMock, pool_manager: urllib3.PoolManager
) -> None:
    packed = gzip.compress(b"plain")
    mock.add(canned.GET, URL, body=packed, headers={"Content-Encoding": "gzip"})
    assert pool_manager.request("GET", URL, decode_content=False).data == packed


def test_a_head_answer_has_headers_and_no_body(
    mock: canned.RequestsMock, pool_manager: urllib3.PoolManager
) -> None:
    mock.add(canned.HEAD, URL, body=b"never sent", headers={"Content-Length": "10"})
    answer = pool_manager.request("HEAD", URL)
    assert (answer.data, answer.headers["Content-Length"]) == (b"", "10")


def test_url_and_retries_are_set_as_urlopen_sets_them(
    mock: canned.RequestsMock, pool_manager: urllib3.PoolManager
) -> None:
    mock.add(canned.GET, f"{URL}?q=1")
    answer = pool_manager.request("GET", f"{URL}?q=1")
    # urllib3 2 gives the path urlopen was given; urllib3 1.26 the URL `request()` was given
    assert answer.geturl() == ("/r?q=1" if URLLIB3_2 else f"{URL}?q=1")
    assert isinstance(answer.retries, Retry)
    assert answer.retries.total == Retry.DEFAULT.total


def test_a_custom_routes_own_urllib3_response_is_returned_as_urlopen_would(
    mock: canned.RequestsMock, pool_manager: urllib3.PoolManager
) -> None:
    class RawAnswer(canned.CallbackResponse):
        def get_response(self, request: Any) -> HTTPResponse:  # type: ignore[override]  # a native answer, as in moto
            return HTTPResponse(body=io.BytesIO(b"raw"), status=203, preload_content=False)

    mock.add(RawAnswer(canned.GET, URL, callback=lambda request: (200, {}, "")))
    answer = pool_manager.request("GET", URL)
    assert (answer.status, answer.data) == (203, b"raw")
    assert answer.geturl() == ("/r" if URLLIB3_2 else URL)  # as for any answer: see above


# -- redirects and retries -------------------------------------------------------------------------


def test_pool_manager_follows_a_redirect_to_another_host_asking_for_each_hop(
    mock: canned.RequestsMock, pool_manager: urllib3.PoolManager
) -> None:
    mock.add(canned.GET, URL, status=302, headers={"Location": "https://cdn.example.test/file"})
    mock.add(canned.GET, "https://cdn.example.test/file", body=b"moved")
    answer = pool_manager.request("GET", URL)
    assert (answer.data, answer.geturl()) == (b"moved", "https://cdn.example.test/file")
    assert [call.request.url for call in mock.calls] == [URL, "https://cdn.example.test/file"]


def test_a_pool_follows_a_same_host_redirect_itself(mock: canned.RequestsMock) -> None:
    mock.add(canned.GET, URL, status=301, headers={"Location": "/final"})
    mock.add(canned.GET, "https://api.example.test/final", body=b"here")
    with urllib3.HTTPSConnectionPool("api.example.test") as pool:
        answer = pool.urlopen("GET", "/r")
    assert (answer.data, answer.geturl()) == (b"here", "/final")
    assert answer.retries is not None
    assert [hop.redirect_location for hop in answer.retries.history] == ["/final"]


def test_a_303_turns_the_request_into_a_get_without_its_body(mock: canned.RequestsMock) -> None:
    mock.add(canned.POST, URL, status=303, headers={"Location": "/done"})
    mock.add(canned.GET, "https://api.example.test/done")
    with urllib3.HTTPSConnectionPool("api.example.test") as pool:
        headers = {"Content-Type": "application/json", "X-Trace": "abc"}
        pool.urlopen("POST", "/r", body=b"{}", headers=headers)
    follow_up = mock.calls[1].request
    assert (follow_up.method, follow_up.body) == ("GET", None)
    assert dict(follow_up.headers) == {"X-Trace": "abc"}


def test_a_redirect_to_another_host_drops_the_authorization(mock: canned.RequestsMock) -> None:
    mock.add(canned.GET, URL, status=307, headers={"Location": "https://other.example.test/r"})
    mock.add(canned.GET, "https://other.example.test/r")
    with urllib3.HTTPSConnectionPool("api.example.test") as pool:
        pool.urlopen("GET", "/r", headers={"Authorization": "secret"}, assert_same_host=False)
    assert "Authorization" in mock.calls[0].request.headers
    assert "Authorization" not in mock.calls[1].request.headers


def test_a_redirect_is_returned_when_redirect_is_false(
    mock: canned.RequestsMock, pool_manager: urllib3.PoolManager
) -> None:
    mock.add(canned.GET, URL, status=302, headers={"Location": "/elsewhere"})
    assert pool_manager.request("GET", URL, redirect=False).status == 302
    assert len(mock.calls) == 1


def test_a_redirect_is_returned_when_retries_are_off(mock: canned.RequestsMock) -> None:
    mock.add(canned.GET, URL, status=302, headers={"Location": "/elsewhere"})
    with urllib3.HTTPSConnectionPool("api.example.test") as pool:
        assert pool.urlopen("GET", "/r", retries=False).status == 302
    assert len(mock.calls) == 1


def test_too_many_redirects_raise_max_retry_error(mock: canned.RequestsMock) -> None:
    mock.add(canned.GET, URL, status=302, headers={"Location": "/r"})
    with (
        urllib3.HTTPSConnectionPool("api.example.test") as pool,
        pytest.raises(MaxRetryError) as raised,
    ):
        pool.urlopen("GET", "/r", retries=Retry(redirect=2))
    assert isinstance(raised.value.reason, ResponseError)
    assert len(mock.calls) == 3


def test_the_last_redirect_is_returned_when_told_not_to_raise(mock: canned.RequestsMock) -> None:
    mock.add(canned.GET, URL, status=302, headers={"Location": "/r"})
    with urllib3.HTTPSConnectionPool("api.example.test") as pool:
        answer = pool.urlopen("GET", "/r", retries=Retry(redirect=1, raise_on_redirect=False))
    assert (answer.status, len(mock.calls)) == (302, 2)


@pytest.mark.usefixtures("no_sleep")
def test_statuses_the_retry_names_are_asked_again_without_sleeping(
    pool_manager: urllib3.PoolManager,
) -> None:
    with canned.RequestsMock(registry=canned.registries.OrderedRegistry) as mock:
        for status in (503, 500, 200):
            mock.add(canned.GET, URL, status=status)
        retries = Retry(total=3, status_forcelist=[500, 503], backoff_factor=10)
        answer = pool_manager.request("GET", URL, retries=retries)
        assert answer.status == 200
        assert [call.response.status for call in mock.calls] == [503, 500, 200]


@pytest.mark.usefixtures("no_sleep")
def test_a_retry_after_is_honoured_without_waiting(pool_manager: urllib3.PoolManager) -> None:
    with canned.RequestsMock(registry=canned.registries.OrderedRegistry) as mock:
        mock.add(canned.GET, URL, status=503, headers={"Retry-After": "3600"})
        mock.add(canned.GET, URL, body=b"back")
        assert pool_manager.request("GET", URL).data == b"back"


@pytest.mark.usefixtures("no_sleep")
def test_exhausted_status_retries_raise_max_retry_error(
    mock: canned.RequestsMock, pool_manager: urllib3.PoolManager
) -> None:
    mock.add(canned.GET, URL, status=500)
    with pytest.raises(MaxRetryError) as raised:
        pool_manager.request("GET", URL, retries=Retry(total=2, status_forcelist=[500]))
    assert str(raised.value.reason) == "too many 500 error responses"
    assert len(mock.calls) == 3


@pytest.mark.usefixtures("no_sleep")
def test_exhausted_status_retries_return_the_last_answer_when_told_not_to_raise(
    mock: canned.RequestsMock, pool_manager: urllib3.PoolManager
) -> None:
    mock.add(canned.GET, URL, status=500, body=b"still down")
    retries = Retry(total=1, status_forcelist=[500], raise_on_status=False)
    answer = pool_manager.request("GET", URL, retries=retries)
    assert (answer.status, answer.data) == (500, b"still down")


# -- unmatched requests and errors -----------------------------------------------------------------


@pytest.mark.parametrize("retries", [None, 0, Retry(total=3)], ids=["default", "zero", "Retry"])
def test_an_unmatched_request_raises_max_retry_error_caused_by_a_refused_connection(
    mock: canned.RequestsMock, pool_manager: urllib3.PoolManager, retries: Any
) -> None:
    with pytest.raises(MaxRetryError) as raised:
        pool_manager.request("GET", URL, retries=retries)
    reason = raised.value.reason
    assert type(reason) is NewConnectionError
    assert re.match(
        f"{CONNECTION}: Failed to establish a new connection: "
        + re.escape(f"{REFUSED}\n\nRequest: \n- GET {URL}\n"),
        str(reason),
    )
    assert str(raised.value).startswith(
        "HTTPSConnectionPool(host='api.example.test', port=443): Max retries exceeded with url: /r"
    )
    assert mock.calls[0].response is raised.value
    assert len(mock.calls) == 1


def test_with_retries_off_an_unmatched_request_raises_the_new_connection_error_itself(
    mock: canned.RequestsMock, pool_manager: urllib3.PoolManager
) -> None:
    with pytest.raises(NewConnectionError) as raised:
        pool_manager.request("GET", URL, retries=False)
    assert f"Failed to establish a new connection: {REFUSED}" in str(raised.value)
    assert mock.calls[0].response is raised.value


def test_an_exception_body_is_raised_as_given_and_recorded(
    mock: canned.RequestsMock, pool_manager: urllib3.PoolManager
) -> None:
    error = urllib3.exceptions.ProtocolError("Connection aborted.")
    route = mock.add(canned.GET, URL, body=error)
    with pytest.raises(urllib3.exceptions.ProtocolError) as raised:
        pool_manager.request("GET", URL)
    assert raised.value is error
    assert (mock.calls[0].response, route.call_count) == (error, 1)


# -- what matchers and callbacks see ---------------------------------------------------------------


def test_a_callback_answers_from_what_was_sent(
    mock: canned.RequestsMock, pool_manager: urllib3.PoolManager
) -> None:
    def echo(request: Any) -> tuple[int, dict[str, str], bytes]:
        return 200, {"X-Method": request.method}, request.body[::-1]

    mock.add_callback(canned.PUT, URL, callback=echo)
    answer = pool_manager.request("PUT", URL, body=b"abc")
    assert (answer.headers["X-Method"], answer.data) == ("PUT", b"cba")


@needs_urllib3_2  # urllib3 1.26's request() has no json=
def test_a_json_matcher_sees_the_json_urllib3_sends(
    mock: canned.RequestsMock, pool_manager: urllib3.PoolManager
) -> None:
    mock.add(canned.POST, URL, match=[json_params_matcher({"name": "ada"})], status=201)
    assert pool_manager.request("POST", URL, json={"name": "ada"}).status == 201


def test_a_form_matcher_sees_the_fields_urllib3_encodes(
    mock: canned.RequestsMock, pool_manager: urllib3.PoolManager
) -> None:
    mock.add(canned.POST, URL, match=[urlencoded_params_matcher({"a": "1", "b": "two"})])
    fields = {"a": "1", "b": "two"}
    assert pool_manager.request("POST", URL, fields=fields, encode_multipart=False).status == 200


def test_a_query_matcher_sees_the_fields_of_a_get(
    mock: canned.RequestsMock, pool_manager: urllib3.PoolManager
) -> None:
    mock.add(canned.GET, URL, match=[query_param_matcher({"page": "2"})])
    assert pool_manager.request("GET", URL, fields={"page": "2"}).status == 200


def test_a_header_matcher_sees_the_headers_given(
    mock: canned.RequestsMock, pool_manager: urllib3.PoolManager
) -> None:
    mock.add(canned.GET, URL, match=[header_matcher({"X-Key": "k1"})])
    assert pool_manager.request("GET", URL, headers={"X-Key": "k1"}).status == 200


class CaseKeepingHeaders(Mapping[str, str]):
    """A caller's own header mapping that minds the case of names, as a plain mapping does."""

    def __init__(self, items: dict[str, str]) -> None:
        self.items_given = items

    def __getitem__(self, name: str) -> str:
        return self.items_given[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self.items_given)

    def __len__(self) -> int:
        return len(self.items_given)


@pytest.mark.parametrize(
    "given",
    [
        OrderedDict([("content-type", "application/json"), ("x-key", "k1")]),
        CaseKeepingHeaders({"content-type": "application/json", "x-key": "k1"}),
        HTTPHeaderDict({"content-type": "application/json", "x-key": "k1"}),
    ],
    ids=["OrderedDict", "own mapping", "HTTPHeaderDict"],
)
def test_header_names_match_in_any_case_whatever_mapping_holds_them(
    mock: canned.RequestsMock, pool_manager: urllib3.PoolManager, given: Mapping[str, str]
) -> None:
    mock.add(
        canned.POST,
        URL,
        match=[
            header_matcher({"X-Key": "k1"}),
            json_params_matcher({"a": 1}),  # reads the Content-Type as the server would
        ],
    )
    answer = pool_manager.urlopen("POST", URL, body=b'{"a": 1}', headers=given)
    assert answer.status == 200
    assert mock.calls[0].request.headers["Content-Type"] == "application/json"


def test_header_values_given_as_bytes_are_matched_as_text(mock: canned.RequestsMock) -> None:
    mock.add(canned.GET, URL, match=[header_matcher({"X-Key": "k1"})])
    with urllib3.HTTPSConnectionPool("api.example.test") as pool:
        assert pool.urlopen("GET", "/r", headers={"X-Key": b"k1"}).status == 200  # type: ignore[dict-item]  # botocore sends bytes


def test_a_file_body_is_read_once_and_matched(
    mock: canned.RequestsMock, pool_manager: urllib3.PoolManager, tmp_path: Path
) -> None:
    upload = tmp_path / "upload.json"
    upload.write_bytes(b'{"size": 3}')
    mock.add(canned.PUT, URL, match=[json_params_matcher({"size": 3})])
    with upload.open("rb") as file:
        assert pool_manager.request("PUT", URL, body=file).status == 200


def test_a_body_given_in_chunks_is_matched_whole(
    mock: canned.RequestsMock, pool_manager: urllib3.PoolManager
) -> None:
    mock.add(canned.POST, URL, body=b"ok")
    pool_manager.request("POST", URL, body=iter([b"ab", "cd"]))
    assert mock.calls[0].request.body == b"abcd"


# -- passing through, and the layers above and below -----------------------------------------------


def test_add_passthru_sends_the_request_to_the_real_server_unrecorded(
    mock: canned.RequestsMock, pool_manager: urllib3.PoolManager
) -> None:
    with serving(EchoHandler) as base:
        mock.add_passthru(base)
        answer = pool_manager.request("POST", f"{base}/echo", body=b"reached")
    assert answer.data == b"reached"
    assert len(mock.calls) == 0


def test_a_file_body_passed_through_reaches_the_server_whole(
    mock: canned.RequestsMock, pool_manager: urllib3.PoolManager, tmp_path: Path
) -> None:
    upload = tmp_path / "upload.bin"
    upload.write_bytes(b"file contents")
    with serving(EchoHandler) as base, upload.open("rb") as file:
        mock.add_passthru(base)
        answer = pool_manager.request("POST", f"{base}/echo", body=file)
    assert answer.data == b"file contents"


def test_chunks_passed_through_reach_the_server_whole(
    mock: canned.RequestsMock, pool_manager: urllib3.PoolManager
) -> None:
    with serving(EchoHandler) as base:
        mock.add_passthru(base)
        answer = pool_manager.request("POST", f"{base}/echo", body=iter([b"ab", b"cd"]))
    assert answer.data == b"abcd"


def test_a_passthrough_route_is_recorded_once_with_the_servers_answer(
    mock: canned.RequestsMock, pool_manager: urllib3.PoolManager
) -> None:
    with serving(EchoHandler) as base:
        mock.add(canned.PassthroughResponse(canned.GET, f"{base}/real"))
        answer = pool_manager.request("GET", f"{base}/real")
    assert answer.data == b"GET /real"
    assert [call.response for call in mock.calls] == [answer]


def test_requests_passed_through_is_recorded_once_not_again_by_urllib3(
    mock: canned.RequestsMock,
) -> None:
    with serving(EchoHandler) as base:
        mock.add(canned.PassthroughResponse(canned.GET, f"{base}/real"))
        answer = requests.get(f"{base}/real")
    assert answer.text == "GET /real"
    assert len(mock.calls) == 1


def test_the_layer_below_is_told_a_passed_through_request_is_being_sent_for_real(
    mock: canned.RequestsMock, pool_manager: urllib3.PoolManager, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[bool] = []
    putrequest = http.client.HTTPConnection.putrequest

    def noting(connection: Any, *args: Any, **kwargs: Any) -> None:
        seen.append(dispatch.passing_through())
        putrequest(connection, *args, **kwargs)

    monkeypatch.setattr(http.client.HTTPConnection, "putrequest", noting)
    with serving(EchoHandler) as base:
        mock.add_passthru(base)
        pool_manager.request("GET", f"{base}/real")
    assert seen == [True]


# -- faults and latency ----------------------------------------------------------------------------

READ_TIMEOUT = faults.read_timeout().message


def fault_route(mock: canned.RequestsMock, fault: faults.Fault, method: str = canned.GET) -> None:
    mock.add(method, URL, body=fault)


def test_a_connect_timeout_with_retries_off_is_urllib3s_connect_timeout_error(
    mock: canned.RequestsMock, pool_manager: urllib3.PoolManager
) -> None:
    fault_route(mock, faults.connect_timeout())
    with pytest.raises(ConnectTimeoutError) as raised:
        pool_manager.request("GET", URL, retries=False)
    assert type(raised.value) is ConnectTimeoutError
    assert raised.value.args[1] == "canned fault: the connection timed out"
    assert isinstance(raised_while_handling(raised.value), socket.timeout)


def test_a_read_timeout_with_retries_off_is_urllib3s_read_timeout_error_for_the_url(
    mock: canned.RequestsMock, pool_manager: urllib3.PoolManager
) -> None:
    fault_route(mock, faults.read_timeout())
    with pytest.raises(ReadTimeoutError) as raised:
        pool_manager.request("GET", URL, retries=False)
    assert str(raised.value) == (
        f"HTTPSConnectionPool(host='api.example.test', port=443): {READ_TIMEOUT}"
    )
    assert raised.value.url == "/r"
    assert isinstance(raised_while_handling(raised.value), socket.timeout)


def test_a_refused_connection_with_retries_off_is_a_new_connection_error_from_the_refusal(
    mock: canned.RequestsMock, pool_manager: urllib3.PoolManager
) -> None:
    fault_route(mock, faults.connection_refused())
    with pytest.raises(NewConnectionError) as raised:
        pool_manager.request("GET", URL, retries=False)
    assert type(raised.value) is NewConnectionError
    assert re.fullmatch(
        f"{CONNECTION}: Failed to establish a new connection: "
        + re.escape("[Errno 111] canned fault: the connection was refused"),
        str(raised.value),
    )
    refusal = raised_while_handling(raised.value)
    assert isinstance(refusal, ConnectionRefusedError)
    assert refusal.errno == errno.ECONNREFUSED


def test_a_reset_connection_with_retries_off_is_a_protocol_error_wrapping_the_reset(
    mock: canned.RequestsMock, pool_manager: urllib3.PoolManager
) -> None:
    fault_route(mock, faults.connection_reset())
    with pytest.raises(ProtocolError) as raised:
        pool_manager.request("GET", URL, retries=False)
    message, reset = raised.value.args
    assert message == "Connection aborted."
    assert isinstance(reset, ConnectionResetError)
    assert (reset.errno, reset.strerror) == (
        errno.ECONNRESET,
        "canned fault: the connection was reset by the server",
    )


@needs_urllib3_2
def test_a_dns_failure_with_retries_off_is_a_name_resolution_error_from_the_lookup(
    mock: canned.RequestsMock, pool_manager: urllib3.PoolManager
) -> None:
    fault_route(mock, faults.dns_failure())
    with pytest.raises(NameResolutionError) as raised:
        pool_manager.request("GET", URL, retries=False)
    assert str(raised.value) == (
        "HTTPSConnection(host='api.example.test', port=443): Failed to resolve "
        "'api.example.test' ([Errno -2] canned fault: the host name could not be resolved)"
    )
    assert isinstance(raised.value.__cause__, socket.gaierror)


def test_under_urllib3_1_a_dns_failure_is_a_new_connection_error(
    mock: canned.RequestsMock, pool_manager: urllib3.PoolManager, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delattr(urllib3.exceptions, "NameResolutionError", raising=False)  # as 1 lacks it
    fault_route(mock, faults.dns_failure())
    with pytest.raises(NewConnectionError) as raised:
        pool_manager.request("GET", URL, retries=False)
    assert str(raised.value).endswith(
        "Failed to establish a new connection: "
        "[Errno -2] canned fault: the host name could not be resolved"
    )


def test_a_malformed_answer_with_retries_off_is_a_protocol_error_wrapping_a_bad_status_line(
    mock: canned.RequestsMock, pool_manager: urllib3.PoolManager
) -> None:
    fault_route(mock, faults.malformed())
    with pytest.raises(ProtocolError) as raised:
        pool_manager.request("GET", URL, retries=False)
    message, bad_line = raised.value.args
    assert message == "Connection aborted."
    assert isinstance(bad_line, http.client.BadStatusLine)
    assert bad_line.args == ("canned fault: the answer is not HTTP",)


FAULTS_MET = [
    (faults.connect_timeout(), ConnectTimeoutError),
    (faults.read_timeout(), ReadTimeoutError),
    (faults.connection_refused(), NewConnectionError),
    (faults.connection_reset(), ProtocolError),
    (faults.dns_failure(), NameResolutionError),
    (faults.malformed(), ProtocolError),
]
FAULT_IDS = [fault.kind for fault, _ in FAULTS_MET]


@pytest.mark.usefixtures("no_sleep")
@pytest.mark.parametrize(("fault", "met"), FAULTS_MET, ids=FAULT_IDS)
def test_each_fault_is_retried_by_the_default_retry_then_raises_max_retry_error_with_it_as_reason(
    mock: canned.RequestsMock,
    pool_manager: urllib3.PoolManager,
    fault: faults.Fault,
    met: type[Exception],
) -> None:
    fault_route(mock, fault)
    with pytest.raises(MaxRetryError) as raised:
        pool_manager.request("GET", URL)
    assert type(raised.value.reason) is met
    # urllib3 2 raises it `from` the reason; urllib3 1.26 without a cause
    assert raised.value.__cause__ is (raised.value.reason if URLLIB3_2 else None)
    assert str(raised.value).startswith(
        "HTTPSConnectionPool(host='api.example.test', port=443): Max retries exceeded with url: /r"
    )
    assert len(mock.calls) == 4  # the first attempt and the default Retry's 3 more


@pytest.mark.usefixtures("no_sleep")
def test_each_attempt_is_logged_with_the_error_it_met_and_the_last_with_what_was_raised(
    mock: canned.RequestsMock, pool_manager: urllib3.PoolManager
) -> None:
    fault_route(mock, faults.read_timeout())
    with pytest.raises(MaxRetryError) as raised:
        pool_manager.request("GET", URL, retries=Retry(total=2))
    logged = [call.response for call in mock.calls]
    assert [type(error) for error in logged] == [ReadTimeoutError, ReadTimeoutError, MaxRetryError]
    assert logged[-1] is raised.value


@pytest.mark.usefixtures("no_sleep")
def test_a_flaky_route_is_retried_and_answered_without_sleeping_the_backoff(
    mock: canned.RequestsMock, pool_manager: urllib3.PoolManager
) -> None:
    mock.add(canned.GET, URL, body=faults.connection_reset(), times=2)
    mock.add(canned.GET, URL, json={"ok": True})
    answer = pool_manager.request("GET", URL, retries=Retry(total=3, backoff_factor=10))
    assert (answer.status, json.loads(answer.data)) == (200, {"ok": True})
    assert answer.retries is not None
    assert [type(hop.error) for hop in answer.retries.history] == [ProtocolError, ProtocolError]
    assert len(mock.calls) == 3


@pytest.mark.usefixtures("no_sleep")
def test_a_read_fault_of_a_post_is_not_retried_and_raises_the_error_itself(
    mock: canned.RequestsMock, pool_manager: urllib3.PoolManager
) -> None:
    fault_route(mock, faults.read_timeout(), canned.POST)
    with pytest.raises(ReadTimeoutError):
        pool_manager.request("POST", URL, body=b"order")
    assert len(mock.calls) == 1


@pytest.mark.usefixtures("no_sleep")
def test_a_connect_fault_of_a_post_is_retried_as_the_request_was_never_sent(
    mock: canned.RequestsMock, pool_manager: urllib3.PoolManager
) -> None:
    mock.add(canned.POST, URL, body=faults.connection_refused(), times=1)
    mock.add(canned.POST, URL, status=201)
    assert pool_manager.request("POST", URL, body=b"order").status == 201
    assert [call.request.body for call in mock.calls] == [b"order", b"order"]


@pytest.mark.usefixtures("no_sleep")
@pytest.mark.parametrize(
    ("fault", "retries"),
    [
        (faults.connect_timeout(), Retry(total=5, connect=1)),
        (faults.connection_reset(), Retry(total=5, read=1)),
    ],
    ids=["connect", "read"],
)
def test_a_fault_counts_against_the_retrys_connect_or_read_budget(
    mock: canned.RequestsMock,
    pool_manager: urllib3.PoolManager,
    fault: faults.Fault,
    retries: Retry,
) -> None:
    fault_route(mock, fault)
    with pytest.raises(MaxRetryError):
        pool_manager.request("GET", URL, retries=retries)
    assert len(mock.calls) == 2


def test_a_chaos_fault_is_raised_as_urllib3s_error(pool_manager: urllib3.PoolManager) -> None:
    chaos = faults.Chaos(1.0, faults.connection_reset(), seed=7)
    with canned.RequestsMock(chaos=chaos) as mock:
        mock.add(canned.GET, URL)
        with pytest.raises(ProtocolError):
            pool_manager.request("GET", URL, retries=False)


@pytest.mark.parametrize(
    "timeout",
    [1.0, urllib3.Timeout(read=1.0), urllib3.Timeout(connect=9.0, total=1.0)],
    ids=["seconds", "read", "total"],
)
def test_a_latency_over_urlopens_timeout_is_a_read_timeout(
    mock: canned.RequestsMock, pool_manager: urllib3.PoolManager, timeout: Any
) -> None:
    mock.add(canned.GET, URL, json={}, latency=3.0)
    with pytest.raises(ReadTimeoutError) as raised:
        pool_manager.request("GET", URL, retries=False, timeout=timeout)
    assert str(raised.value).endswith(READ_TIMEOUT)


def test_a_latency_over_the_pools_timeout_is_a_read_timeout(mock: canned.RequestsMock) -> None:
    mock.add(canned.GET, URL, json={}, latency=3.0)
    with urllib3.PoolManager(timeout=1.0) as manager, pytest.raises(ReadTimeoutError):
        manager.request("GET", URL, retries=False)


@pytest.mark.parametrize(
    "timeout",
    [5.0, urllib3.Timeout(connect=1.0, read=5.0), None],
    ids=["seconds", "read", "none"],
)
def test_a_latency_under_the_timeout_is_answered(
    mock: canned.RequestsMock, pool_manager: urllib3.PoolManager, timeout: Any
) -> None:
    mock.add(canned.GET, URL, json={"ok": True}, latency=3.0)
    answer = pool_manager.request("GET", URL, retries=False, timeout=timeout)
    assert json.loads(answer.data) == {"ok": True}


def test_without_a_timeout_urllib3_waits_out_any_latency(
    mock: canned.RequestsMock, pool_manager: urllib3.PoolManager
) -> None:
    mock.add(canned.GET, URL, json={"ok": True}, latency=300.0)
    assert json.loads(pool_manager.request("GET", URL, retries=False).data) == {"ok": True}


CUT_SHORT = "Connection broken: IncompleteRead(10 bytes read, 90 more expected)"


def test_a_truncated_body_breaks_the_preloading_read_with_a_protocol_error(
    mock: canned.RequestsMock, pool_manager: urllib3.PoolManager
) -> None:
    mock.add(canned.GET, URL, body=b"x" * 100, faults=faults.truncated(after=10))
    with pytest.raises(ProtocolError) as raised:
        pool_manager.request("GET", URL, retries=False)
    message, incomplete = raised.value.args
    assert message == CUT_SHORT
    assert isinstance(incomplete, http.client.IncompleteRead)


@pytest.mark.usefixtures("no_sleep")
def test_a_truncated_preloaded_body_is_a_read_error_urlopen_retries(
    mock: canned.RequestsMock, pool_manager: urllib3.PoolManager
) -> None:
    mock.add(canned.GET, URL, body=b"x" * 100, faults=faults.truncated(after=10), times=1)
    mock.add(canned.GET, URL, body=b"whole")
    answer = pool_manager.request("GET", URL, retries=Retry(total=1))
    assert answer.data == b"whole"
    assert [type(call.response) for call in mock.calls] == [ProtocolError, HTTPResponse]


@pytest.mark.usefixtures("no_sleep")
def test_a_truncated_preloaded_body_raises_max_retry_error_when_retries_run_out(
    mock: canned.RequestsMock, pool_manager: urllib3.PoolManager
) -> None:
    mock.add(canned.GET, URL, body=b"x" * 100, faults=faults.truncated(after=10))
    with pytest.raises(MaxRetryError) as raised:
        pool_manager.request("GET", URL, retries=Retry(total=1))
    reason = raised.value.reason
    assert isinstance(reason, ProtocolError)
    assert reason.args[0] == CUT_SHORT
    assert len(mock.calls) == 2


def test_a_truncated_streamed_body_yields_its_first_bytes_then_breaks_as_urllib3_breaks_it(
    mock: canned.RequestsMock, pool_manager: urllib3.PoolManager
) -> None:
    """urllib3 2 enforces the Content-Length and raises a protocol error; urllib3 1.26, reading
    in pieces, ends the stream where the body ended, as with a real server."""
    mock.add(canned.GET, URL, body=b"x" * 100, faults=faults.truncated(after=10))
    answer = pool_manager.request("GET", URL, preload_content=False)
    streamed = answer.stream(4)
    assert [next(streamed), next(streamed)] == [b"xxxx", b"xxxx"]
    if URLLIB3_2:
        with pytest.raises(ProtocolError) as raised:
            list(streamed)
        assert raised.value.args[0] == CUT_SHORT
    else:
        assert list(streamed) == [b"xx"]
    assert answer.headers["Content-Length"] == "100"


def test_a_truncated_streamed_body_read_whole_raises_a_protocol_error(
    mock: canned.RequestsMock, pool_manager: urllib3.PoolManager
) -> None:
    mock.add(canned.GET, URL, body=b"x" * 100, faults=faults.truncated(after=10))
    answer = pool_manager.request("GET", URL, preload_content=False)
    with pytest.raises(ProtocolError) as raised:
        answer.read()
    assert raised.value.args[0] == CUT_SHORT
