"""The smallest canned test: register a fake answer, call the code, check what it saw.

Run: python examples/quick_start.py
"""

from __future__ import annotations

import requests

import canned

WEATHER_URL = "https://weather.example.test/v1/today"


def todays_forecast(city: str) -> str:
    """Production code: it knows nothing about canned."""
    answer = requests.get(WEATHER_URL, params={"city": city}, timeout=5)
    answer.raise_for_status()
    data = answer.json()
    return f"{data['city']}: {data['sky']}, {data['celsius']} °C"


@canned.activate
def check_forecast() -> None:
    canned.add(
        canned.GET,
        WEATHER_URL,
        json={"city": "Lisbon", "sky": "sunny", "celsius": 24},
        match=[canned.matchers.query_param_matcher({"city": "Lisbon"})],
    )
    print(todays_forecast("Lisbon"))
    print(f"requests sent: {len(canned.calls)}, first to {canned.calls[0].request.url}")


if __name__ == "__main__":
    check_forecast()
