"""The unmatched-request message: responses' lines, then the closest route and why it missed.

Owns: `Diagnosis`, built from data (each route's reason, the closest route's mismatches) and
rendered to text only when shown. The closest route is ranked here and nowhere else. Must not
import an HTTP client.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any, Final, NamedTuple

from canned._core.mismatch import Mismatch
from canned._core.request import Request
from canned._core.routes import BaseResponse

HEADLINE: Final = "Connection refused by Responses - the call doesn't match any registered mock."


def _shown_url(route: BaseResponse) -> str:
    return repr(route.url) if isinstance(route.url, re.Pattern) else str(route.url)


def _rank(mismatches: Sequence[Mismatch]) -> tuple[bool, bool, int]:
    subjects = {m.subject for m in mismatches}
    return ("method" in subjects, "url" in subjects, len(mismatches))


class Diagnosis(NamedTuple):
    """Why a request found no route: data first, text on demand."""

    request: Request
    lines: tuple[tuple[BaseResponse, str], ...]
    passthru_prefixes: tuple[Any, ...]
    closest: BaseResponse | None
    closest_mismatches: tuple[Mismatch, ...]
    used_up: bool

    @classmethod
    def of(
        cls,
        shape: Any,
        request: Request,
        registered: Sequence[BaseResponse],
        reasons: Sequence[str],
        passthru_prefixes: Sequence[Any],
        used: Sequence[BaseResponse] = (),
    ) -> Diagnosis:
        """Collect the diagnosis of `request`; `used` are routes a registry has used up."""
        closest: BaseResponse | None = None
        closest_mismatches: tuple[Mismatch, ...] = ()
        used_up = False
        for route in reversed(used):
            if not route.mismatches(shape):
                closest, used_up = route, True
                break
        if closest is None:
            best: tuple[bool, bool, int] | None = None
            for route in registered:
                mismatches = route.mismatches(shape)
                rank = _rank(mismatches)
                if best is None or rank < best:
                    best, closest, closest_mismatches = rank, route, tuple(mismatches)
        return cls(
            request,
            tuple(zip(registered, reasons)),
            tuple(passthru_prefixes),
            closest,
            tuple(closest_mismatches),
            used_up,
        )

    def __str__(self) -> str:
        text = f"{HEADLINE}\n\nRequest: \n- {self.request.method} {self.request.url}\n\n"
        text += "Available matches:\n"
        for route, reason in self.lines:
            text += f"- {route.method} {_shown_url(route)} {reason}\n"
        if self.passthru_prefixes:
            text += "Passthru prefixes:\n"
            for prefix in self.passthru_prefixes:
                text += f"- {prefix}\n" if isinstance(prefix, str) else f"- {prefix!r}\n"
        if self.closest is not None:
            route = self.closest
            text += f"\nClosest route: {route.method} {_shown_url(route)}\n"
            if self.used_up:
                text += (
                    f"- used up: it answered {route.call_count} time(s) and is no longer "
                    "registered (an ordered or sequenced route)\n"
                )
            for mismatch in self.closest_mismatches:
                for difference in mismatch.differences:
                    text += f"- {difference}\n"
        return text
