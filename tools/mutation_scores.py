"""The mutation score of each module mutmut has run, from what it left in `mutants/`.

Run with the mutation venv's Python after `mutmut run` (README, "Mutation testing"):

    .venv-mut/bin/python tools/mutation_scores.py

One line per module: mutants killed, survived, not reached by a test, timed out or not run yet,
and the score (killed / all run). A survivor counts as explained when
`docs/mutation-survivors.md` names it; the last column lists how many survivors are not named
there (each one is a missing test). Exits 1 when a module's score is under 90 %, or a survivor is
not named.
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET = 0.90
# mutmut's exit codes (mutmut.stats.status_by_exit_code): a test failed, or it did not.
KILLED = {1, 3, 36, 37, -24, 24, 152, 255}  # a failing test, a timeout, a type check's refusal
SURVIVED = {0}
NO_TESTS = {5, 33}


def named_survivors(text: str) -> set[str]:
    """Every mutant name in the survivors file, with the `_4`-style shorthands expanded: a
    row names `x_f__mutmut_6`, `_8` for mutants 6 and 8 of the same function."""
    names: set[str] = set()
    for line in text.splitlines():
        last = ""
        for token in re.findall(r"`([^`]+)`", line):
            if "__mutmut_" in token:
                last = token.rsplit("__mutmut_", 1)[0]
                names.add(token)
            elif re.fullmatch(r"_\d+", token) and last:
                names.add(f"{last}__mutmut{token}")
    return names


def module_of(meta: Path) -> str:
    relative = meta.relative_to(ROOT / "mutants" / "src").with_suffix("").with_suffix("")
    return ".".join(relative.parts)


def main() -> int:
    documented = named_survivors((ROOT / "docs" / "mutation-survivors.md").read_text())
    failing = False
    columns = ("killed", "surv.", "no test", "other", "score")
    print(f"{'module':<38} " + " ".join(f"{name:>7}" for name in columns) + "  unnamed")
    for meta in sorted((ROOT / "mutants" / "src").rglob("*.py.meta")):
        codes: dict[str, int | None] = json.loads(meta.read_text()).get("exit_code_by_key", {})
        if not codes:
            continue
        counts = Counter(
            "killed"
            if code in KILLED
            else "survived"
            if code in SURVIVED
            else "no tests"
            if code in NO_TESTS
            else "other"
            for code in codes.values()
        )
        ran = counts["killed"] + counts["survived"] + counts["no tests"]
        if not ran:
            continue
        unnamed = [
            name
            for name, code in codes.items()
            if code in SURVIVED | NO_TESTS and name.split(".")[-1] not in documented
        ]
        score = counts["killed"] / ran
        failing = failing or score < TARGET or bool(unnamed)
        print(
            f"{module_of(meta):<38} {counts['killed']:>7} {counts['survived']:>7} "
            f"{counts['no tests']:>7} {counts['other']:>7} {score:>7.1%}  {len(unnamed)}"
        )
    return 1 if failing else 0


if __name__ == "__main__":
    sys.exit(main())
