"""The README's code runs as written: each Python block that defines tests passes."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from tests.urllib3_versions import written_for_urllib3_2

README = Path(__file__).resolve().parents[2] / "README.md"
BLOCKS = [
    block
    for block in re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), re.DOTALL)
    if "def test_" in block
]


def test_the_readme_has_runnable_examples() -> None:
    assert len(BLOCKS) >= 2


@pytest.mark.parametrize(
    "block",
    [
        pytest.param(
            block,
            id=f"block{i}",
            marks=written_for_urllib3_2 if "import urllib3" in block else (),
        )
        for i, block in enumerate(BLOCKS)
    ],
)
def test_a_readme_example_passes(block: str, tmp_path: Path) -> None:
    if "canned_mock" in block:  # a pytest example: run by pytest, with the plugin
        (tmp_path / "test_readme_example.py").write_text(block, encoding="utf-8")
        outcome = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(tmp_path)],
            capture_output=True,
            text=True,
            check=False,
        )
        assert outcome.returncode == 0, outcome.stdout
        return
    script = tmp_path / "readme_example.py"
    calls = "".join(
        f"\nresult = {name}()\n"
        "if hasattr(result, '__await__'):\n    import asyncio\n    asyncio.run(result)\n"
        for name in re.findall(r"^(?:async )?def (test_\w+)\(\)", block, re.MULTILINE)
        if f"asyncio.run({name}())" not in block
    )
    script.write_text(block + calls, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-W", "error", str(script)], capture_output=True, text=True, check=False
    )
    assert (result.returncode, result.stderr) == (0, "")
