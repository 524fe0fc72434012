"""The unmatched-request message: responses' lines, then the closest route and why it missed.

Owns: `Diagnosis`, built from data (each route's reason, the closest route's mismatches) and
rendered to text only when shown. The closest route is ranked here and nowhere else. Must not
import an HTTP client.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any, Final, NamedTuple

from canned._core.mismatch import Mismatch, Refusal
from canned._core.request import Request
from canned._core.routes import BaseResponse

HEADLINE: Final = "Connection refused by Responses - the call doesn't match any registered mock."


def _shown_url(route: BaseResponse) -> str:
    return repr(route.url) if isinstance(route.url, re.Pattern) else str(route.url)


def _rank(mismatches: Sequence[Mismatch]) -> tuple[bool, bool, int]:
    subjects = {m.subject for m in mismatches}
    return ("method" in subjects, "url" in subjects, len(mismatches))


class Diagnosis(NamedTuple):
    """Why a request found no route, as data: each route with the registry's reason for it,
    and the routes sequencing used up. The closest route is ranked only when the text is made.
    """

    shape: Any  # what the routes were asked about
    request: Request
    lines: tuple[tuple[BaseResponse, str], ...]
    passthru_prefixes: tuple[Any, ...]
    used: tuple[BaseResponse, ...]

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
        """The diagnosis of `request`, from the registry's `reasons` (one per registered route);
        `used` are routes a registry has used up."""
        return cls(
            shape,
            request,
            tuple(zip(registered, reasons)),
            tuple(passthru_prefixes),
            tuple(used),
        )

    def closest(self) -> tuple[BaseResponse | None, tuple[Mismatch, ...], bool]:
        """The route the request was most likely meant for, why it did not answer, and whether
        it was used up (it would have answered, but sequencing had taken it out)."""
        for route in reversed(self.used):
            if not route.refusals(self.shape):
                return route, (), True
        best: tuple[bool, bool, int] | None = None
        closest: BaseResponse | None = None
        closest_mismatches: tuple[Mismatch, ...] = ()
        for route, reason in self.lines:
            # the registry's reasons carry every mismatch; another registry's are plain text
            mismatches = (
                reason.reasons if isinstance(reason, Refusal) else route.refusals(self.shape)
            )
            rank = _rank(mismatches)
            if best is None or rank < best:
                best, closest, closest_mismatches = rank, route, mismatches
        return closest, closest_mismatches, False

    def __str__(self) -> str:
        text = f"{HEADLINE}\n\nRequest: \n- {self.request.method} {self.request.url}\n\n"
        text += "Available matches:\n"
        for route, reason in self.lines:
            text += f"- {route.method} {_shown_url(route)} {reason}\n"
        if self.passthru_prefixes:
            text += "Passthru prefixes:\n"
            for prefix in self.passthru_prefixes:
                text += f"- {prefix}\n" if isinstance(prefix, str) else f"- {prefix!r}\n"
        closest, mismatches, used_up = self.closest()
        if closest is not None:
            text += f"\nClosest route: {closest.method} {_shown_url(closest)}\n"
            if used_up:
                text += (
                    f"- used up: it answered {closest.call_count} time(s) and is no longer "
                    "registered (an ordered or sequenced route)\n"
                )
            for mismatch in mismatches:
                for difference in mismatch.differences:
                    text += f"- {difference}\n"
        return text
