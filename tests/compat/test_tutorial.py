"""The spec: every example of the responses tutorial in shared/seed runs unchanged under
`import canned as responses` and prints exactly the output the tutorial shows.

The tutorial is read from `../shared/seed/` (beside the checkout, where CI puts it) rather than
copied into the project, so on a checkout without it these tests are skipped; the same five
scenarios are also driven by the project's own tests in `test_tutorial_scenarios.py`, which run
everywhere, and `examples/` holds the project's own versions.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

SEED_DIR = Path(__file__).resolve().parents[3] / "shared" / "seed"

if not SEED_DIR.is_dir():
    pytest.skip(
        f"the tutorial text is not beside this checkout ({SEED_DIR} is absent); "
        "test_tutorial_scenarios.py covers its five scenarios",
        allow_module_level=True,
    )


def tutorial_examples() -> list[tuple[str, str, str]]:
    """(file name, code, expected output) for each example in the tutorial text."""
    examples = []
    for seed in sorted(SEED_DIR.glob("*.txt")):
        text = seed.read_text(encoding="utf-8")
        for match in re.finditer(
            r"^# (test_\w+\.py)\n(.*?)\nOutput:\n\n(.*?)\n\n", text, re.DOTALL | re.MULTILINE
        ):
            examples.append((match.group(1), match.group(2), match.group(3)))
    return examples


EXAMPLES = tutorial_examples()


def test_the_tutorial_has_its_five_examples() -> None:
    assert [name for name, _, _ in EXAMPLES] == [
        "test_responses_quick.py",
        "test_responses_crud.py",
        "test_responses_errors.py",
        "test_responses_callback.py",
        "test_github_client.py",
    ]


@pytest.mark.parametrize(("name", "code", "expected"), EXAMPLES, ids=[e[0] for e in EXAMPLES])
def test_tutorial_example_prints_what_the_tutorial_shows(
    name: str, code: str, expected: str, tmp_path: Path
) -> None:
    assert code.count("import responses\n") == 1
    script = tmp_path / name
    script.write_text(code.replace("import responses\n", "import canned as responses\n"))
    result = subprocess.run(
        [sys.executable, str(script)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == expected + "\n"
