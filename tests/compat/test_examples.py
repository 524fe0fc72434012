"""The examples under examples/ run as documented and print what their docstrings promise."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from tests.urllib3_versions import written_for_urllib3_2

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"

EXPECTED = {
    "quick_start.py": (
        "Lisbon: sunny, 24 °C\n"
        "requests sent: 1, first to https://weather.example.test/v1/today?city=Lisbon\n"
    ),
    "error_paths.py": (
        "200: healthy\n"
        "503: degraded (HTTP 503)\n"
        "timeout: unreachable (timed out)\n"
        "refused: unreachable (connection failed)\n"
    ),
    "dynamic_answers.py": (
        "12 200 {'id': 12, 'title': 'Volume 12'}\n4096 404 {'detail': 'no such book'}\n"
    ),
    "api_client.py": "open: ['Login fails']\nfiled: 8\nevery call authorised: True\n",
    "urllib3_quick_start.py": (
        "billing is up (HTTP 200)\n"
        "requests sent: 1, first to https://status.example.test/v1/health?region=eu\n"
    ),
    "aiohttp_quick_start.py": (
        "created task 42\nrequests sent: 1, first to https://tasks.example.test/v1/tasks\n"
    ),
    "urllib_quick_start.py": (
        "Lisbon: sunny, 24 °C\n"
        "requests sent: 1, first to https://weather.example.test/v1/today?city=Lisbon\n"
    ),
}


def test_every_example_has_an_expected_output() -> None:
    assert sorted(path.name for path in EXAMPLES.glob("*.py")) == sorted(EXPECTED)


@pytest.mark.parametrize(
    "name",
    [
        pytest.param(name, marks=written_for_urllib3_2 if name.startswith("urllib3") else ())
        for name in sorted(EXPECTED)
    ],
)
def test_example_prints_its_expected_output(name: str) -> None:
    result = subprocess.run(
        [sys.executable, "-W", "error", str(EXAMPLES / name)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
        check=False,
    )
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == EXPECTED[name]
