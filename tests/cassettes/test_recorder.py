"""responses' `_recorder`: record from a real server, write YAML or TOML, replay without it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import requests
import tomli_w
import yaml
from tests.cassettes.conftest import BINARY

import canned
from canned import _recorder

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - the 3.9 run
    import tomli as tomllib


def record_to(path: Path | bytes, work: Any) -> None:
    _recorder.record(file_path=path)(work)()


def test_recording_writes_responses_yaml_format(server: str, tmp_path: Path) -> None:
    path = tmp_path / "out.yaml"
    record_to(path, lambda: requests.get(server + "/404"))
    assert yaml.safe_load(path.read_text()) == {
        "responses": [
            {
                "response": {
                    "auto_calculate_content_length": False,
                    "body": "404 Not Found",
                    "content_type": "text/plain",
                    "headers": {"x": "foo"},
                    "method": "GET",
                    "status": 404,
                    "url": server + "/404",
                }
            }
        ]
    }
    assert path.read_text().startswith("responses:\n- response:\n    auto_calculate_content_length")


def test_a_recorded_file_replays_without_the_server(server: str, tmp_path: Path) -> None:
    path = tmp_path / "out.yaml"
    record_to(path, lambda: [requests.get(server + p) for p in ("/text", "/json", "/404")])
    with canned.RequestsMock() as mock:
        mock._add_from_file(path)
        answers = [requests.get(server + p) for p in ("/text", "/json", "/404")]
    assert [(a.status_code, a.text) for a in answers] == [
        (200, "hello"),
        (200, '{"id": 1}'),
        (404, "404 Not Found"),
    ]
    assert answers[2].headers["x"] == "foo"
    assert answers[1].headers["Content-Type"] == "application/json"


def test_a_binary_body_round_trips(server: str, tmp_path: Path) -> None:
    path = tmp_path / "out.yaml"
    record_to(path, lambda: requests.get(server + "/binary"))
    assert "body_base64" in yaml.safe_load(path.read_text())["responses"][0]["response"]
    with canned.RequestsMock() as mock:
        mock._add_from_file(path)
        assert requests.get(server + "/binary").content == BINARY


def test_a_query_string_is_recorded_and_matched_on_replay(server: str, tmp_path: Path) -> None:
    path = tmp_path / "out.yaml"
    record_to(path, lambda: requests.get(server + "/search", params={"q": "x"}))
    with canned.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock._add_from_file(path)
        assert requests.get(server + "/search?q=x").text == "found"
        with pytest.raises(requests.ConnectionError):
            requests.get(server + "/search?q=y")


def test_secrets_are_redacted_before_writing(server: str, tmp_path: Path) -> None:
    path = tmp_path / "out.yaml"
    record_to(path, lambda: requests.get(server + "/cookie", params={"api_key": "k3y", "q": "1"}))
    text = path.read_text()
    assert "s3cr3t" not in text
    assert "k3y" not in text
    entry = yaml.safe_load(text)["responses"][0]["response"]
    assert entry["headers"] == {"Set-Cookie": "REDACTED"}
    assert entry["url"] == server + "/cookie?api_key=REDACTED&q=1"


def test_a_redacted_query_parameter_matches_any_value_on_replay(
    server: str, tmp_path: Path
) -> None:
    path = tmp_path / "out.yaml"
    record_to(path, lambda: requests.get(server + "/search", params={"token": "t0k", "q": "1"}))
    with canned.RequestsMock() as mock:
        mock._add_from_file(path)
        assert requests.get(server + "/search?token=other&q=1").text == "found"


def test_writing_replaces_the_file_whole_and_leaves_no_temporary(
    server: str, tmp_path: Path
) -> None:
    path = tmp_path / "out.yaml"
    path.write_text("old content that is much longer than the new one " * 100)
    record_to(path, lambda: requests.get(server + "/text"))
    assert yaml.safe_load(path.read_text())["responses"][0]["response"]["body"] == "hello"
    assert [p.name for p in tmp_path.iterdir()] == ["out.yaml"]


def test_a_failed_write_keeps_the_old_file(server: str, tmp_path: Path) -> None:
    path = tmp_path / "out.yaml"
    path.write_text("old")

    class Unwritable:
        method, url, status, content_type = "GET", server, 200, "text/plain"
        body = object()  # yaml cannot represent it
        headers = None
        auto_calculate_content_length = False

    with pytest.raises(yaml.representer.RepresenterError):
        _recorder.recorder.dump_to_file(path, registered=[Unwritable()])  # type: ignore[list-item]
    assert path.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.yaml"]


def test_dump_with_tomli_w_writes_toml_and_a_custom_parser_replays_it(
    server: str, tmp_path: Path
) -> None:
    with _recorder.recorder:
        requests.get(server + "/json")
        path = tmp_path / "out.toml"
        with path.open("wb") as file:
            _recorder._dump(_recorder.recorder.get_registry().registered, file, tomli_w.dump)
    data = tomllib.loads(path.read_text())
    assert data["responses"][0]["response"]["body"] == '{"id": 1}'

    class TomlMock(canned.RequestsMock):
        def _parse_response_file(self, file_path: str) -> dict[str, Any]:
            with open(file_path, "rb") as file:
                return tomllib.load(file)

    with TomlMock() as mock:
        mock._add_from_file(str(path))
        assert requests.get(server + "/json").json() == {"id": 1}


def test_the_module_level_add_from_file_uses_the_default_mock(server: str, tmp_path: Path) -> None:
    path = tmp_path / "out.yaml"
    record_to(path, lambda: requests.get(server + "/text"))

    @canned.activate
    def replay() -> str:
        canned._add_from_file(file_path=str(path))
        return requests.get(server + "/text").text

    assert replay() == "hello"


def test_a_missing_key_is_a_key_error(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("responses:\n- response:\n    method: GET\n    url: http://e.test/\n")
    with pytest.raises(KeyError):
        canned.RequestsMock()._add_from_file(str(path))


def test_remove_default_headers_drops_what_a_server_adds_in_any_case() -> None:
    data = {
        "responses": [
            {"response": {"headers": {"content-length": "1", "DATE": "x", "X-Kept": "1"}}},
            {"response": {"headers": {"Server": "x", "Content-Encoding": "gzip"}}},
        ]
    }
    assert _recorder._remove_default_headers(data) == {
        "responses": [{"response": {"headers": {"X-Kept": "1"}}}, {"response": {}}]
    }


def test_remove_default_headers_returns_what_is_not_a_dict_unchanged() -> None:
    data = [{"headers": {"Server": "x"}}]
    assert _recorder._remove_default_headers(data) == [{"headers": {"Server": "x"}}]


def test_a_content_type_header_in_any_case_is_recorded_as_the_content_type(
    server: str, tmp_path: Path
) -> None:
    path = tmp_path / "out.yaml"
    record_to(path, lambda: requests.get(server + "/shouting"))
    entry = yaml.safe_load(path.read_text())["responses"][0]["response"]
    assert (entry["content_type"], entry["headers"]) == ("application/json", {"x": "foo"})


def test_record_accepts_a_bytes_file_path(server: str, tmp_path: Path) -> None:
    path = tmp_path / "out.yaml"
    record_to(os.fsencode(path), lambda: requests.get(server + "/text"))
    assert yaml.safe_load(path.read_text())["responses"][0]["response"]["body"] == "hello"


def test_dump_to_file_accepts_a_bytes_file_path(server: str, tmp_path: Path) -> None:
    path = tmp_path / "out.yaml"
    recorder = _recorder.Recorder()
    with recorder:
        requests.get(server + "/text")
        recorder.dump_to_file(os.fsencode(path))
    assert yaml.safe_load(path.read_text())["responses"][0]["response"]["body"] == "hello"


def test_head_recordings_keep_content_type_once(server: str, tmp_path: Path) -> None:
    path = tmp_path / "out.yaml"
    record_to(path, lambda: requests.head(server + "/text"))
    with canned.RequestsMock() as mock:
        mock._add_from_file(path)
        answer = requests.head(server + "/text")
    assert (answer.status_code, answer.headers["Content-Type"]) == (200, "text/plain")


def test_recording_counts_calls_and_never_asserts(server: str) -> None:
    recorder = _recorder.Recorder()
    with recorder:
        requests.get(server + "/text")
        assert len(recorder.calls) == 1
        assert [route.url for route in recorder.get_registry().registered] == [server + "/text"]


def test_importing_canned_does_not_import_yaml() -> None:
    code = "import canned, canned._recorder, sys; assert 'yaml' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)


def test_httpx_sync_and_async_are_recorded_and_still_read_by_the_caller(
    server: str, tmp_path: Path
) -> None:
    import asyncio

    import httpx

    path = tmp_path / "out.yaml"
    seen: list[str] = []

    async def fetch_async() -> None:
        async with httpx.AsyncClient() as client:
            seen.append((await client.get(server + "/json")).text)

    def work() -> None:
        with httpx.Client() as client:
            seen.append(client.get(server + "/text").text)
        asyncio.run(fetch_async())

    record_to(path, work)
    assert seen == ["hello", '{"id": 1}']
    with canned.RequestsMock() as mock:
        mock._add_from_file(path)
        with httpx.Client() as client:
            assert [client.get(server + p).text for p in ("/text", "/json")] == seen
