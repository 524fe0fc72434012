"""canned with urllib3 used directly: the same registry and call log as requests and httpx.

Run: python examples/urllib3_quick_start.py (no network: canned answers the request).
"""

from __future__ import annotations

import urllib3

import canned

STATUS_URL = "https://status.example.test/v1/health"


def service_health(pool: urllib3.PoolManager) -> str:
    """Production code: it knows nothing about canned."""
    answer = pool.request("GET", STATUS_URL, fields={"region": "eu"}, timeout=5.0)
    data = answer.json()
    return f"{data['service']} is {data['state']} (HTTP {answer.status})"


def check_health() -> None:
    with canned.RequestsMock() as mock:
        mock.add(
            canned.GET,
            STATUS_URL,
            json={"service": "billing", "state": "up"},
            match=[canned.matchers.query_param_matcher({"region": "eu"})],
        )
        with urllib3.PoolManager() as pool:
            print(service_health(pool))
        print(f"requests sent: {len(mock.calls)}, first to {mock.calls[0].request.url}")


if __name__ == "__main__":
    check_health()
