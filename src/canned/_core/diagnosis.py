"""The unmatched-request message: responses' lines, then the closest route and why it missed.

Owns: `Diagnosis`, built from data (each route's reason, the closest route's mismatches, the
routes other mocks hold) and rendered to text only when shown. The closest route is ranked
here and nowhere else. Must not import an HTTP client.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from difflib import SequenceMatcher
from typing import Any, Final, NamedTuple

from canned._core import activation
from canned._core.mismatch import Mismatch, Refusal
from canned._core.request import Request
from canned._core.routes import BaseResponse
from canned._core.urls import URLKey

HEADLINE: Final = "Connection refused by Responses - the call doesn't match any registered mock."
OUTER_MOCK: Final = "an outer mock (active, but not the innermost, which answers)"
# Mocks an unmatched request's diagnosis looks at besides the active ones, as described to the
# user: the default mock behind module-level `canned.add`, which a test may use by mistake.
_WATCHED: Final[list[tuple[Any, str]]] = []


def watch_for_diagnosis(mock: Any, described: str) -> None:
    """Have unmatched requests on other mocks name `mock`'s routes that would answer them."""
    _WATCHED.append((mock, described))


def other_mocks_routes(answering: Any) -> list[tuple[str, list[BaseResponse]]]:
    """The routes of the mocks other than `answering` that a user may have meant to register
    on it: the watched ones and the outer active ones, each with how it is described."""
    found: list[tuple[str, list[BaseResponse]]] = []
    seen = {id(answering)}
    for other, described in [*_WATCHED, *((mock, OUTER_MOCK) for mock in activation.active())]:
        if id(other) not in seen:
            seen.add(id(other))
            found.append((described, other.registered()))
    return found


def _shown_url(route: BaseResponse) -> str:
    return repr(route.url) if isinstance(route.url, re.Pattern) else str(route.url)


def _written_url(route: BaseResponse) -> str:
    return route.url.pattern if isinstance(route.url, re.Pattern) else str(route.url)


# What is not a field of the request: the route's method and URL are ranked on their own.
_NOT_FIELDS: Final = frozenset({"method", "url"})


class Rank(NamedTuple):
    """How far a route is from a request; the smallest rank is the closest route.

    `tier` is 0 when the URL nearness is known (the URL answered, or both URLs parse) and 1
    when it is not (a regex that did not match, a URL that does not parse): those come last.
    `apart` counts differing parts, two points each: the method, the URL's scheme, host and
    port, and each path segment added, dropped or replaced; a trailing slash alone is one point.
    A tie goes to the more similar URL (difflib's ratio), then the right method, then the
    fewest differing fields (the difference lines of the other mismatches).
    """

    tier: int
    apart: int
    dissimilarity: float
    wrong_method: bool
    fields: int


def _similarity(want: str, got: str) -> float:
    return SequenceMatcher(None, want, got, autojunk=False).ratio()


def _has_trailing_slash(path: str) -> bool:
    return path.endswith("/") and path != "/"


def _segments_apart(want: str, got: str) -> int:
    """The path segments to add, drop or replace to turn one path into the other, trailing
    slashes aside."""
    want_segments = (want[:-1] if _has_trailing_slash(want) else want).split("/")
    got_segments = (got[:-1] if _has_trailing_slash(got) else got).split("/")
    matcher = SequenceMatcher(None, want_segments, got_segments, autojunk=False)
    return sum(
        max(want_end - want_start, got_end - got_start)
        for tag, want_start, want_end, got_start, got_end in matcher.get_opcodes()
        if tag != "equal"
    )


def _points_apart(want: URLKey, got: URLKey) -> int:
    # `port` is None for the scheme's default: http and https on default ports differ by scheme
    scheme_host_port = sum(w != g for w, g in zip(want[:3], got[:3]))
    slash = _has_trailing_slash(want.path) != _has_trailing_slash(got.path)
    return 2 * (scheme_host_port + _segments_apart(want.path, got.path)) + slash


def _rank(route: BaseResponse, mismatches: Sequence[Mismatch], request: Request) -> Rank:
    """How far `route` is from `request`, from the route's reasons and both URLs. Never raises:
    a URL that does not parse only moves the route to the last tier."""
    subjects = {m.subject for m in mismatches}
    wrong_method = "method" in subjects
    method_points = 2 if wrong_method else 0
    fields = sum(len(m.differences) for m in mismatches if m.subject not in _NOT_FIELDS)
    if "url" not in subjects:  # the URL answered: equal, beneath a `/` route, or matched
        return Rank(0, method_points, 0.0, wrong_method, fields)
    want = route.url_key
    got = request.key if request.parsed_url_is_valid else None
    if want is None or got is None:
        # a regex, or a URL that does not parse: compared as written, after every known nearness
        similarity = _similarity(_written_url(route), request.url)
        return Rank(1, method_points, 1.0 - similarity, wrong_method, fields)
    # the URL missed, so it is some way apart (a route's own URL rule may refuse equal keys)
    apart = max(1, _points_apart(want, got)) + method_points
    similarity = _similarity(str(want), str(got))
    return Rank(0, apart, 1.0 - similarity, wrong_method, fields)


class Diagnosis(NamedTuple):
    """Why a request found no route, as data: each route with the registry's reason for it,
    and the routes sequencing used up. The closest route is ranked only when the text is made.
    """

    shape: Any  # what the routes were asked about
    request: Request
    lines: tuple[tuple[BaseResponse, str], ...]
    passthru_prefixes: tuple[Any, ...]
    used: tuple[BaseResponse, ...]
    # other mocks' routes (the default mock's, outer active mocks'), each mock as described
    elsewhere: tuple[tuple[str, tuple[BaseResponse, ...]], ...] = ()

    @classmethod
    def of(
        cls,
        shape: Any,
        request: Request,
        registered: Sequence[BaseResponse],
        reasons: Sequence[str],
        passthru_prefixes: Sequence[Any],
        used: Sequence[BaseResponse] = (),
        elsewhere: Sequence[tuple[str, Sequence[BaseResponse]]] = (),
    ) -> Diagnosis:
        """The diagnosis of `request`, from the registry's `reasons` (one per registered route);
        `used` are routes a registry has used up; `elsewhere` other mocks' routes, each list
        with how its mock is described."""
        return cls(
            shape,
            request,
            tuple(zip(registered, reasons)),
            tuple(passthru_prefixes),
            tuple(used),
            tuple((described, tuple(routes)) for described, routes in elsewhere if routes),
        )

    def _elsewhere_text(self) -> str:
        """What other mocks hold: the routes there that would answer, or, when the active mock
        has none at all, how many routes they have."""
        text = ""
        for described, routes in self.elsewhere:
            answering = [route for route in routes if _takes(route, self.shape)]
            if answering:
                text += f"\nRoutes registered on {described} would answer this request:\n"
                for route in answering:
                    text += f"- {route.method} {_shown_url(route)}\n"
                text += "They are not on the mock that is active here: register them on it.\n"
            elif not self.lines and not self.used:
                text += (
                    f"\nNo routes are registered on the mock that is active here; "
                    f"{described} has {len(routes)}.\n"
                )
        return text

    def closest(self) -> tuple[BaseResponse | None, tuple[Mismatch, ...], bool]:
        """The route the request was most likely meant for, why it did not answer, and whether
        it was used up (it would have answered, but sequencing had taken it out)."""
        for route in reversed(self.used):
            if not route.refusals(self.shape):
                return route, (), True
        best: Rank | None = None
        closest: BaseResponse | None = None
        closest_mismatches: tuple[Mismatch, ...] = ()
        for route, reason in self.lines:
            # the registry's reasons carry every mismatch; another registry's are plain text
            mismatches = (
                reason.reasons if isinstance(reason, Refusal) else route.refusals(self.shape)
            )
            rank = _rank(route, mismatches, self.request)
            if best is None or rank < best:  # a tie goes to the route registered first
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
        return text + self._elsewhere_text()


def _takes(route: BaseResponse, shape: Any) -> bool:
    """Whether `route` (on another mock) would answer; a matcher's error there counts as no."""
    try:
        return not route.refusals(shape, quick=True)
    except Exception:
        return False
