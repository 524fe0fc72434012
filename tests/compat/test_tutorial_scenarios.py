"""The five scenarios of the responses tutorial, as the project's own tests, through
`import canned as responses`: a first mocked GET, creating and then listing records, error paths
(error statuses, refused connections, timeouts), callbacks that compute the answer, and an API
client class built on a session.

`test_tutorial.py` runs the tutorial's own text, which lives beside this checkout and is skipped
where it is absent; these tests drive the same behaviour and check what its output shows, so the
suite means the same on every checkout. The hosts are the project's, and nothing leaves the
process: the mocks answer every request.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests

import canned as responses
from canned import matchers

API = "https://api.example.test"


# -- 1. a first mocked GET: register, call the code, count the calls -----------------------------


def fetch_member(member_id: int) -> Any:
    """Production code: it knows nothing about the mock."""
    answer = requests.get(f"{API}/members/{member_id}", timeout=5)
    answer.raise_for_status()
    return answer.json()


ADA = {"id": 1, "name": "Ada Byron", "email": "ada@example.test"}


@responses.activate
def test_the_code_under_test_returns_the_registered_json() -> None:
    responses.add(responses.GET, f"{API}/members/1", json=ADA, status=200)
    assert fetch_member(1) == ADA


@responses.activate
def test_one_request_leaves_one_entry_in_the_module_call_list() -> None:
    responses.add(responses.GET, f"{API}/members/1", json=ADA)
    fetch_member(1)
    assert [(call.request.method, call.request.url) for call in responses.calls] == [
        ("GET", f"{API}/members/1")
    ]
    assert responses.calls[0].response.status_code == 200


@responses.activate
def test_a_url_nobody_registered_is_refused_with_a_connection_error() -> None:
    responses.add(responses.GET, f"{API}/members/1", json=ADA)
    with pytest.raises(requests.ConnectionError) as refused:
        fetch_member(2)
    assert type(refused.value) is requests.ConnectionError
    assert str(refused.value).startswith(
        "Connection refused by Responses - the call doesn't match any registered mock.\n\n"
        f"Request: \n- GET {API}/members/2\n"
    )


# -- 2. create a record, then list records -------------------------------------------------------


def publish_note(title: str, text: str, author_id: int) -> Any:
    answer = requests.post(
        f"{API}/notes",
        json={"title": title, "text": text, "authorId": author_id},
        headers={"Content-Type": "application/json"},
        timeout=5,
    )
    answer.raise_for_status()
    return answer.json()


def notes_by(author_id: int) -> Any:
    answer = requests.get(f"{API}/notes?authorId={author_id}", timeout=5)
    answer.raise_for_status()
    return answer.json()


PUBLISHED = {"id": 101, "title": "Canned tips", "text": "Register first.", "authorId": 5}
LISTED = [
    {"id": 101, "title": "Canned tips", "authorId": 5},
    {"id": 102, "title": "Async clients", "authorId": 5},
]


def register_note_routes() -> None:
    responses.add(responses.POST, f"{API}/notes", json=PUBLISHED, status=201)
    # No query string here: the route answers the GET whatever its query.
    responses.add(responses.GET, f"{API}/notes", json=LISTED, status=200)


def publish_then_list() -> None:
    publish_note("Canned tips", "Register first.", author_id=5)
    notes_by(5)


@responses.activate
def test_a_post_answers_the_registered_record_with_201() -> None:
    register_note_routes()
    assert publish_note("Canned tips", "Register first.", author_id=5) == PUBLISHED
    assert responses.calls[0].response.status_code == 201


@responses.activate
def test_a_get_with_a_query_is_answered_by_the_route_registered_without_one() -> None:
    register_note_routes()
    assert notes_by(5) == LISTED


@responses.activate
def test_the_call_list_keeps_the_json_body_and_headers_the_code_sent() -> None:
    register_note_routes()
    publish_note("Canned tips", "Register first.", author_id=5)
    sent = responses.calls[0].request
    assert json.loads(sent.body) == {
        "title": "Canned tips",
        "text": "Register first.",
        "authorId": 5,
    }
    assert sent.headers["Content-Type"] == "application/json"


@responses.activate
def test_the_call_list_holds_every_call_in_the_order_it_was_made() -> None:
    register_note_routes()
    publish_then_list()
    assert [(call.request.method, call.request.url) for call in responses.calls] == [
        ("POST", f"{API}/notes"),
        ("GET", f"{API}/notes?authorId=5"),
    ]


# -- 3. error paths: error statuses, refused connections, timeouts --------------------------------


def fetch_or_explain(url: str) -> Any:
    """Production code that turns each failure into a short explanation instead of raising."""
    try:
        answer = requests.get(url, timeout=5)
        answer.raise_for_status()
    except requests.HTTPError as error:
        return f"HTTP error: {error.response.status_code}"
    except (requests.ConnectionError, requests.Timeout) as error:
        return f"connection error: {type(error).__name__}"
    return answer.json()


ERROR_STATUSES = [
    pytest.param({"status": 404}, "HTTP error: 404", id="404-without-body"),
    pytest.param(
        {"status": 500, "json": {"error": "Internal Server Error"}}, "HTTP error: 500", id="500"
    ),
]

NETWORK_FAILURES = [
    pytest.param(requests.ConnectionError("Network unreachable"), id="ConnectionError"),
    pytest.param(requests.Timeout("Request timed out"), id="Timeout"),
]


@pytest.mark.parametrize(("answer", "explanation"), ERROR_STATUSES)
def test_an_error_status_reaches_the_code_as_an_http_error(
    answer: dict[str, Any], explanation: str
) -> None:
    with responses.RequestsMock() as mock:
        mock.add(responses.GET, f"{API}/records/1", **answer)
        assert fetch_or_explain(f"{API}/records/1") == explanation


@responses.activate
def test_an_error_answer_still_carries_its_status_and_json_body() -> None:
    responses.add(
        responses.GET, f"{API}/records/1", status=500, json={"error": "Internal Server Error"}
    )
    answer = requests.get(f"{API}/records/1", timeout=5)
    assert (answer.status_code, answer.json()) == (500, {"error": "Internal Server Error"})


@pytest.mark.parametrize("failure", NETWORK_FAILURES)
@responses.activate
def test_an_exception_given_as_body_is_raised_by_the_request_itself(failure: Exception) -> None:
    responses.add(responses.GET, f"{API}/records/2", body=failure)
    with pytest.raises(type(failure)) as raised:
        requests.get(f"{API}/records/2", timeout=5)
    assert raised.value is failure
    assert responses.calls[0].response is failure


@pytest.mark.parametrize("failure", NETWORK_FAILURES)
def test_code_that_catches_network_failures_sees_the_type_it_expects(failure: Exception) -> None:
    with responses.RequestsMock() as mock:
        mock.add(responses.GET, f"{API}/records/3", body=failure)
        assert fetch_or_explain(f"{API}/records/3") == (
            f"connection error: {type(failure).__name__}"
        )


# -- 4. callbacks: the answer is computed from the request ----------------------------------------


def look_up_member(request: Any) -> tuple[int, dict[str, str], str]:
    member_id = int(urlsplit(request.url).path.rsplit("/", 1)[-1])
    if member_id > 100:
        return 404, {}, json.dumps({"error": "no such member"})
    member = {"id": member_id, "name": f"Member {member_id}", "active": True}
    return 200, {"Content-Type": "application/json"}, json.dumps(member)


def echo_with_id(request: Any) -> tuple[int, dict[str, str], str]:
    record = json.loads(request.body)
    record.update(id=42, created="2025-05-04")
    return 201, {"Content-Type": "application/json"}, json.dumps(record)


@pytest.mark.parametrize(
    ("member_id", "status", "body"),
    [
        pytest.param(7, 200, {"id": 7, "name": "Member 7", "active": True}, id="known-member"),
        pytest.param(999, 404, {"error": "no such member"}, id="unknown-member"),
    ],
)
@responses.activate
def test_a_callback_on_a_route_ending_in_slash_answers_each_path_beneath_it(
    member_id: int, status: int, body: dict[str, Any]
) -> None:
    responses.add_callback(responses.GET, f"{API}/members/", callback=look_up_member)
    answer = requests.get(f"{API}/members/{member_id}", timeout=5)
    assert (answer.status_code, answer.json()) == (status, body)


@responses.activate
def test_a_callback_builds_its_answer_from_the_posted_json() -> None:
    responses.add_callback(responses.POST, f"{API}/posts", callback=echo_with_id)
    answer = requests.post(f"{API}/posts", json={"title": "Draft", "author": "Ada"}, timeout=5)
    assert answer.status_code == 201
    assert answer.json() == {"title": "Draft", "author": "Ada", "id": 42, "created": "2025-05-04"}


@responses.activate
def test_match_querystring_false_on_a_callback_warns_as_responses_does_and_still_answers() -> None:
    with pytest.warns(DeprecationWarning, match="^Argument 'match_querystring' is deprecated"):
        responses.add_callback(
            responses.GET, f"{API}/members/", callback=look_up_member, match_querystring=False
        )
    assert requests.get(f"{API}/members/7?fields=all", timeout=5).json()["name"] == "Member 7"


# -- 5. an API client class on a session ----------------------------------------------------------


class IssueTracker:
    """Production code: a small API client that authenticates through its session's headers."""

    def __init__(self, token: str) -> None:
        self.session = requests.Session()
        self.session.headers.update(
            {"Authorization": f"token {token}", "Accept": "application/vnd.example.v1+json"}
        )

    def project(self, owner: str, name: str) -> Any:
        answer = self.session.get(f"{API}/repos/{owner}/{name}", timeout=5)
        answer.raise_for_status()
        return answer.json()

    def issues(self, owner: str, name: str, state: str = "open") -> Any:
        answer = self.session.get(
            f"{API}/repos/{owner}/{name}/issues", params={"state": state}, timeout=5
        )
        answer.raise_for_status()
        return answer.json()

    def file_issue(self, owner: str, name: str, title: str, body: str = "") -> Any:
        answer = self.session.post(
            f"{API}/repos/{owner}/{name}/issues", json={"title": title, "body": body}, timeout=5
        )
        answer.raise_for_status()
        return answer.json()


PROJECT = f"{API}/repos/ada/engine"
ISSUES = f"{PROJECT}/issues"
FILED = {"id": 101, "title": "Slower since 2.1", "number": 101}


def register_tracker_routes() -> None:
    responses.add(
        responses.GET,
        PROJECT,
        json={"id": 999, "name": "engine", "stargazers_count": 42, "open_issues": 3},
    )
    responses.add(
        responses.GET,
        ISSUES,
        json=[
            {"id": 1, "title": "Login fails", "state": "open"},
            {"id": 2, "title": "Add dark mode", "state": "open"},
        ],
    )
    responses.add(
        responses.POST,
        ISSUES,
        json=FILED,
        status=201,
        match=[matchers.json_params_matcher({"title": "Slower since 2.1", "body": "Benchmarks."})],
    )


def use_every_method(tracker: IssueTracker) -> None:
    tracker.project("ada", "engine")
    tracker.issues("ada", "engine")
    tracker.file_issue("ada", "engine", "Slower since 2.1", "Benchmarks.")


@responses.activate
def test_the_client_reads_a_project() -> None:
    register_tracker_routes()
    project = IssueTracker(token="t0ken").project("ada", "engine")
    assert (project["name"], project["stargazers_count"]) == ("engine", 42)


@responses.activate
def test_the_client_lists_issues_through_a_route_registered_without_the_state_query() -> None:
    register_tracker_routes()
    issues = IssueTracker(token="t0ken").issues("ada", "engine")
    assert [issue["title"] for issue in issues] == ["Login fails", "Add dark mode"]
    assert responses.calls[0].request.url == f"{ISSUES}?state=open"


@responses.activate
def test_the_client_files_an_issue_and_gets_the_created_number() -> None:
    register_tracker_routes()
    filed = IssueTracker(token="t0ken").file_issue(
        "ada", "engine", "Slower since 2.1", "Benchmarks."
    )
    assert (filed["number"], filed["title"]) == (101, "Slower since 2.1")
    assert responses.calls[0].response.status_code == 201


@responses.activate
def test_every_call_of_the_clients_session_carries_its_authorization_header() -> None:
    register_tracker_routes()
    use_every_method(IssueTracker(token="t0ken"))
    assert [call.request.headers["Authorization"] for call in responses.calls] == [
        "token t0ken"
    ] * 3
    assert responses.assert_call_count(f"{ISSUES}?state=open", 1)
