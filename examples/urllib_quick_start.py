"""The quick start with the standard library: `urllib.request.urlopen` answered by a canned route.

No network: the route answers through http.client's own `HTTPResponse`, as a server would.
Run: python examples/urllib_quick_start.py
"""

from __future__ import annotations

import json
from urllib.request import urlopen

import canned

WEATHER_URL = "https://weather.example.test/v1/today"


def todays_forecast(city: str) -> str:
    """Production code: plain urllib, it knows nothing about canned."""
    with urlopen(f"{WEATHER_URL}?city={city}", timeout=5) as answer:
        data = json.load(answer)
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
