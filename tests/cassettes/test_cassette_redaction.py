"""Secrets never reach a cassette file: each rule is proven by looking for the secret in the
written file, and redacted values match anything on replay."""

from __future__ import annotations

import base64
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import requests
import yaml
from tests.cassettes.test_cassette import AppHandler
from tests.servers import serving

import canned
from canned.cassettes.redaction import Redactor, find_secrets, redact_url
from canned.errors import CassetteError


@pytest.fixture
def app() -> Iterator[str]:
    AppHandler.counts = {}
    with serving(AppHandler) as url:
        yield url


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "secrets.yaml"


def only(path: Path) -> dict[str, Any]:
    """The one interaction the file holds."""
    [interaction] = yaml.safe_load(path.read_text())["interactions"]
    return interaction  # type: ignore[no-any-return]  # the document's data


# -- headers -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "header",
    ["Authorization", "Proxy-Authorization", "Cookie", "X-Api-Key", "Api-Key", "X-Auth-Token",
     "X-Session-Token", "X-Client-Secret", "Private-Token"],
)  # fmt: skip
def test_a_secret_request_header_is_redacted(app: str, path: Path, header: str) -> None:
    with canned.cassette(path):
        requests.get(app + "/text", headers={header: "hunter2-value"})
    assert "hunter2-value" not in path.read_text()
    assert only(path)["request"]["headers"][header] == "REDACTED"


def test_a_redacted_header_still_matches_when_asked_to(app: str, path: Path) -> None:
    on = ("method", "url", "header:Authorization")
    with canned.cassette(path, match_on=on):
        requests.get(app + "/text", headers={"Authorization": "Bearer first-token"})
    with canned.cassette(path, match_on=on):
        answer = requests.get(app + "/text", headers={"Authorization": "Bearer other-token"})
    assert answer.text == "hello"


def test_set_cookie_keeps_the_name_and_attributes_and_hides_the_value(app: str, path: Path) -> None:
    with canned.cassette(path):
        requests.get(app + "/cookie")
    assert "s3cr3t-cookie" not in path.read_text()
    stored = only(path)["response"]["headers"]["Set-Cookie"]
    assert stored == "session=REDACTED; Path=/; HttpOnly"


def test_every_cookie_sent_is_redacted_with_httpx(app: str, path: Path) -> None:
    with canned.cassette(path), httpx.Client(cookies={"a": "cookie-one", "b": "cookie-two"}) as c:
        c.get(app + "/text")
    text = path.read_text()
    assert ("cookie-one" in text, "cookie-two" in text) == (False, False)


# -- query parameters wherever a URL appears -----------------------------------------------------

SECRET_PARAMETERS = [
    "token", "access_token", "refresh_token", "id_token", "api_key", "apikey", "key",
    "private_token", "api_token", "auth_token", "oauth_token", "client_secret", "password",
    "secret", "secret_key", "signature", "X-Amz-Signature", "X-Amz-Credential",
    "X-Amz-Security-Token", "X-Goog-Signature", "X-Goog-Credential", "API-KEY",
]  # fmt: skip


@pytest.mark.parametrize("name", SECRET_PARAMETERS)
def test_a_secret_query_parameter_is_redacted_and_matches_any_value(
    app: str, path: Path, name: str
) -> None:
    with canned.cassette(path):
        requests.get(app + "/text", params={name: "param-secret-1", "page": "2"})
    assert "param-secret-1" not in path.read_text()
    with canned.cassette(path):
        answer = requests.get(app + "/text", params={"page": "2", name: "another-value"})
    assert answer.status_code == 200


def test_a_redacted_parameter_does_not_stand_for_a_missing_one(app: str, path: Path) -> None:
    with canned.cassette(path):
        requests.get(app + "/text", params={"token": "param-secret-1"})
    with canned.cassette(path), pytest.raises(requests.ConnectionError, match="Query"):
        requests.get(app + "/text")


@pytest.mark.parametrize(
    ("header", "secret"),
    [
        ("Location", "loc-secret-999"),
        ("Content-Location", "cl-secret-555"),
        ("Link", "link-secret-42"),
        ("Refresh", "ref-secret-77"),
    ],
)
def test_secret_parameters_in_url_headers_are_redacted(
    app: str, path: Path, header: str, secret: str
) -> None:
    with canned.cassette(path):
        requests.get(app + "/moved", allow_redirects=False)
    assert secret not in path.read_text()
    assert "REDACTED" in only(path)["response"]["headers"][header]


def test_a_redirect_to_a_secret_url_replays(app: str, path: Path) -> None:
    with canned.cassette(path):
        first = requests.get(app + "/moved")
    with canned.cassette(path):
        again = requests.get(app + "/moved")
    assert (again.text, again.history[0].status_code) == (first.text, 302)
    assert "loc-secret-999" not in path.read_text()


def test_the_rest_of_a_url_is_kept_as_it_was(app: str, path: Path) -> None:
    with canned.cassette(path):
        requests.get(app + "/text?b=%2F&token=abc-def-ghi&a=1")
    assert only(path)["request"]["url"] == app + "/text?b=%2F&token=REDACTED&a=1"


# -- bodies --------------------------------------------------------------------------------------


def test_secret_json_fields_are_redacted_in_requests_and_answers(app: str, path: Path) -> None:
    with canned.cassette(path):
        requests.post(app + "/login", json={"user": "ann", "password": "pass-word-1"})
    interaction = only(path)
    assert "pass-word-1" not in path.read_text()
    assert "tok-SECRET-123" not in path.read_text()
    assert interaction["request"]["json"] == {"user": "ann", "password": "REDACTED"}
    assert interaction["response"]["json"] == {"access_token": "REDACTED", "user": "ann"}


def test_a_secret_json_field_at_any_depth_is_redacted(app: str, path: Path) -> None:
    with canned.cassette(path):
        sent = {"auth": {"client_secret": {"v": "nested-secret"}}, "items": [{"token": 12345678}]}
        requests.post(app + "/login", json=sent)
    request = only(path)["request"]["json"]
    assert request == {"auth": {"client_secret": "REDACTED"}, "items": [{"token": "REDACTED"}]}


def test_a_redacted_json_field_matches_any_value_on_replay(app: str, path: Path) -> None:
    with canned.cassette(path):
        requests.post(app + "/login", json={"user": "ann", "password": "pass-word-1"})
    with canned.cassette(path):
        answer = requests.post(app + "/login", json={"user": "ann", "password": "other"})
        assert answer.json() == {"access_token": "REDACTED", "user": "ann"}
        with pytest.raises(requests.ConnectionError, match="Body"):
            requests.post(app + "/login", json={"user": "bob", "password": "other"})


def test_secret_form_fields_are_redacted_and_match_any_value(app: str, path: Path) -> None:
    with canned.cassette(path):
        requests.post(app + "/text", data={"client_secret": "form-secret-9", "grant": "x"})
    assert "form-secret-9" not in only(path)["request"]["body"]
    with canned.cassette(path):
        answer = requests.post(app + "/text", data={"grant": "x", "client_secret": "y"})
    assert answer.status_code == 200


# -- the user's rules ----------------------------------------------------------------------------


def test_redact_adds_a_name_for_headers_parameters_and_fields(app: str, path: Path) -> None:
    with canned.cassette(path, redact=("X-Tenant", "tenant")):
        requests.post(
            app + "/text?tenant=acme-tenant-1",
            headers={"X-Tenant": "acme-tenant-2"},
            json={"tenant": "acme-tenant-3"},
        )
    assert "acme-tenant" not in path.read_text()


def test_redact_takes_a_regex_for_values_anywhere(app: str, path: Path) -> None:
    with canned.cassette(path, redact=(re.compile(r"sk-[a-z0-9]+"),)):
        requests.post(app + "/echo", data=b"my key is sk-abc123def here")
    assert "sk-abc123def" not in path.read_text()
    with canned.cassette(path, redact=(re.compile(r"sk-[a-z0-9]+"),)):
        answer = requests.post(app + "/echo", data=b"my key is sk-zzz here")
    assert answer.status_code == 200


def test_a_regex_rule_reaches_into_json_bodies(app: str, path: Path) -> None:
    with canned.cassette(path, redact=(re.compile(r"sk-[a-z0-9]+"),)):
        requests.post(app + "/echo", json={"note": "sk-abc123def"})
    assert only(path)["request"]["json"] == {"note": "REDACTED"}


def test_redact_takes_a_callable_over_each_interaction(app: str, path: Path) -> None:
    def drop_user_agent(interaction: dict[str, Any]) -> None:
        del interaction["request"]["headers"]["User-Agent"]

    def replace_status(interaction: dict[str, Any]) -> dict[str, Any]:
        return {**interaction, "response": {**interaction["response"], "status": 201}}

    with canned.cassette(path, redact=(drop_user_agent, replace_status)):
        requests.get(app + "/text")
    interaction = only(path)
    assert (
        "User-Agent" in interaction["request"]["headers"],
        interaction["response"]["status"],
    ) == (
        False,
        201,
    )


def test_keep_opts_a_name_out_of_the_defaults(app: str, path: Path) -> None:
    with canned.cassette(path, keep=("key", "Cookie")):
        requests.get(app + "/text", params={"key": "colour"}, headers={"Cookie": "lang=en-GB"})
    interaction = only(path)
    assert interaction["request"]["url"].endswith("?key=colour")
    assert interaction["request"]["headers"]["Cookie"] == "lang=en-GB"


def test_keep_opts_set_cookie_out(app: str, path: Path) -> None:
    with canned.cassette(path, keep=("Set-Cookie",)):
        requests.get(app + "/cookie")
    assert "s3cr3t-cookie" in path.read_text()


# -- the scan before writing ---------------------------------------------------------------------


def test_a_secret_echoed_elsewhere_fails_and_nothing_is_written(app: str, path: Path) -> None:
    cassette = canned.cassette(path)
    with cassette:
        requests.get(app + "/echo", headers={"Authorization": "Bearer echoed-token-1"})
        with pytest.raises(CassetteError, match=r"not written: .*interactions\[0\]\.response"):
            cassette.stop()
    assert not path.exists()


def test_a_basic_password_echoed_elsewhere_is_found(app: str, path: Path) -> None:
    cassette = canned.cassette(path)
    with cassette:
        requests.post(app + "/text", auth=("ann", "basic-pass-1"), data=b"basic-pass-1")
        with pytest.raises(CassetteError, match=r"interactions\[0\]\.request\.body"):
            cassette.stop()


def test_a_received_token_sent_under_another_name_is_found(app: str, path: Path) -> None:
    cassette = canned.cassette(path)
    with cassette:
        token = requests.post(app + "/login").json()["access_token"]
        requests.get(app + "/text", params={"t": token})
        with pytest.raises(CassetteError, match=r"interactions\[1\]\.request\.url"):
            cassette.stop()


def test_the_scan_finds_a_secret_inside_a_base64_body() -> None:
    data = {"response": {"body_base64": base64.b64encode(b"\xff secret-in-bytes").decode()}}
    assert find_secrets(data, ["secret-in-bytes"]) == ["response.body_base64"]


def test_the_scan_finds_a_percent_encoded_secret() -> None:
    assert find_secrets({"url": "http://a.test/?q=a%2Fb-secret"}, ["a/b-secret"]) == ["url"]


def test_the_scan_reads_a_body_that_is_not_base64_as_it_is() -> None:
    assert find_secrets({"body_base64": "!!secret-text"}, ["secret-text"]) == ["body_base64"]


def test_a_secret_field_holding_a_list_is_redacted_whole() -> None:
    redactor = Redactor()
    assert redactor.fields({"tokens": 1, "token": ["first-one", None, True]}) == {
        "tokens": 1,
        "token": "REDACTED",
    }
    assert redactor.secrets == {"first-one"}


def test_a_regex_rule_in_the_path_matches_any_value_there(app: str, path: Path) -> None:
    rule = (re.compile(r"user-[0-9]+"),)
    with canned.cassette(path, redact=rule):
        requests.get(app + "/users/user-123?page=1")
    assert "user-123" not in path.read_text()
    with canned.cassette(path, redact=rule):
        assert requests.get(app + "/users/user-999?page=1").status_code == 404


def test_short_secrets_are_not_looked_for() -> None:
    assert find_secrets({"url": "http://a.test/?page=1"}, ["1", "REDACTED"]) == []


def test_an_empty_cookie_value_is_left_as_it_is() -> None:
    assert Redactor().set_cookie("flag; Path=/") == "flag; Path=/"


def test_a_basic_credential_that_is_not_base64_is_kept_whole() -> None:
    redactor = Redactor()
    redactor.taken("Basic !!!")
    assert redactor.secrets == {"Basic !!!", "!!!"}


def test_the_recorders_url_redaction_uses_the_same_names() -> None:
    assert redact_url("https://a.test/?X-Amz-Signature=abc&q=1") == (
        "https://a.test/?X-Amz-Signature=REDACTED&q=1"
    )
