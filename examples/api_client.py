"""Testing a small API client end to end: several routes, a session, and checks on what was sent.

Run: python examples/api_client.py
"""

from __future__ import annotations

from typing import Any

import requests

import canned

API = "https://tracker.example.test/api"


class TrackerClient:
    def __init__(self, token: str) -> None:
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Bearer {token}"

    def open_tickets(self) -> list[dict[str, Any]]:
        answer = self.session.get(f"{API}/tickets", params={"state": "open"}, timeout=5)
        answer.raise_for_status()
        return answer.json()  # type: ignore[no-any-return]  # the API answers a JSON list

    def file_ticket(self, title: str) -> int:
        answer = self.session.post(f"{API}/tickets", json={"title": title}, timeout=5)
        answer.raise_for_status()
        return int(answer.json()["number"])


@canned.activate
def exercise_client() -> None:
    canned.get(f"{API}/tickets?state=open", json=[{"number": 7, "title": "Login fails"}])
    canned.post(
        f"{API}/tickets",
        json={"number": 8},
        status=201,
        match=[canned.matchers.json_params_matcher({"title": "Dark mode"})],
    )
    client = TrackerClient(token="t0ken")
    print("open:", [ticket["title"] for ticket in client.open_tickets()])
    print("filed:", client.file_ticket("Dark mode"))
    tokens = {call.request.headers["Authorization"] for call in canned.calls}
    print("every call authorised:", tokens == {"Bearer t0ken"})
    canned.assert_call_count(f"{API}/tickets?state=open", 1)


if __name__ == "__main__":
    exercise_client()
