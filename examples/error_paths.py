"""Error paths a real server will not produce on demand: a 503, a timeout, a refused connection.

Run: python examples/error_paths.py
"""

from __future__ import annotations

import requests

import canned

STATUS_URL = "https://status.example.test/health"


def service_state() -> str:
    try:
        answer = requests.get(STATUS_URL, timeout=2)
        answer.raise_for_status()
    except requests.HTTPError as error:
        return f"degraded (HTTP {error.response.status_code})"
    except requests.Timeout:
        return "unreachable (timed out)"
    except requests.ConnectionError:
        return "unreachable (connection failed)"
    return "healthy"


def state_when(**answer: object) -> str:
    with canned.RequestsMock() as mock:
        mock.get(STATUS_URL, **answer)
        return service_state()


if __name__ == "__main__":
    print("200:", state_when(body="ok"))
    print("503:", state_when(status=503))
    print("timeout:", state_when(body=requests.ReadTimeout("no answer in 2 s")))
    print("refused:", state_when(body=requests.ConnectionError("connection refused")))
