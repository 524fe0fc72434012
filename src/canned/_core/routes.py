"""What a registered route is: the contract every route kind keeps with registry and mock.

Owns: `BaseResponse` (method, URL, matchers, call log; `refusals`, the one answer to "does this
route take this request, and if not, why?"; `filing_key`, `served`) with responses' names and
arguments, and responses' subclass hooks (`_url_matches`, `_req_attr_matches`,
`_should_match_querystring`, `get_headers`). The kinds that answer live in `answers`. Arguments
are checked here, at registration. Must not import an HTTP client.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Sequence
from typing import Any, Final, Union
from urllib.parse import urlsplit

from canned._core import urls, validation
from canned._core.calls import CallList
from canned._core.faults import STARTED
from canned._core.headers import HeaderPairs, content_type_pair, has_content_type
from canned._core.mismatch import Mismatch, as_mismatch
from canned._core.reply import Reply
from canned._core.request import Request, view_of
from canned.errors import warn_deprecated

URL = Union[str, "re.Pattern[str]"]
Matcher = Callable[[Any], "tuple[bool, str]"]

MATCH_QUERYSTRING_DEPRECATED: Final = (
    "Argument 'match_querystring' is deprecated. Use 'responses.matchers.query_param_matcher' or "
    "'responses.matchers.query_string_matcher'"
)

_CALLS_MADE: Final = threading.Lock()
# The methods routes are usually registered with, spelled as given -> as stored.
_METHODS: Final = {
    spelling: name
    for name in ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "TRACE", "CONNECT")
    for spelling in (name, name.lower())
}
# The answer of `refusals(quick=True)` when a route does not take a request.
REFUSED: Final = (Mismatch("", subject="custom"),)
# canned's own route keywords, beyond responses' (see `BaseResponse.__init__`).
_BEHAVIOUR: Final = frozenset({"latency", "faults", "times", "scenario", "state", "sets_state"})
# responses' matching hooks: a route class that overrides one decides which requests it answers.
_MATCHING_HOOKS: Final = (
    "matches",
    "_url_matches",
    "_req_attr_matches",
    "_should_match_querystring",
)


class FalseBool:
    """A falsy default that tells "not given" from `False` (no deprecation warning for it)."""

    def __bool__(self) -> bool:
        return False


def is_overridden(cls: type, name: str) -> bool:
    """Whether `cls` takes `name` from a class defined outside canned: a user's subclass
    overrides one of responses' hooks, and canned calls it where responses would. `name` is
    one that canned defines."""
    owner = next(klass for klass in cls.__mro__ if name in vars(klass))
    return not owner.__module__.startswith("canned.")


class BaseResponse:
    """Same as `responses.BaseResponse`: a registered route, matched by method, URL and matchers.

    Subclasses answer through `get_response(request)`, which returns a `Reply` (or, for custom
    routes, a client-native response handed to the client as is).
    Differs: the method is upper-cased and a default port equals no port (responses compares
    them as written).
    """

    passthrough: bool = False
    content_type: str | None = None
    headers: Any = None
    stream: bool | None = False
    _key_of: URL | None = None  # the `url` that `_key` was worked out for
    _key: urls.URLKey | None = None
    # Private defaults live on the class and a route stores them only once they change:
    # registration runs once per route, and suites register thousands.
    _calls: CallList | None = None  # made on the first call: most routes are never called
    served: int = 0  # answers handed out; the registry's sequencing reads it under the lock
    # Set per class: a subclass overrides one of responses' matching hooks, so the registry
    # asks its `matches` for every request (it is not indexed by URL) ...
    _decides_itself: bool = False
    _own_url_rule: bool = False  # ... `_url_matches(url, other)`, called responses' way
    _own_querystring_rule: bool = False  # ... `_should_match_querystring`, asked at creation
    _own_headers: bool = False  # a subclass overrides `get_headers`: answers use it
    # Set by `times=`, `state=`: the route also refuses by its own state (see `_gate`).
    _gated: bool = False
    times: int | None = None  # answers this many times, then refuses (`times=`)
    scenario: str | None = None  # the scenario it belongs to; `state` is the one it answers in
    state: str | None = None
    sets_state: str | None = None  # the state its scenario moves to when it answers
    latency: Any = 0.0  # seconds (or a range) the answer takes
    fault: Any = None  # what goes wrong instead of (or while) answering

    def __init__(
        self,
        method: str,
        url: URL,
        match_querystring: Any = None,
        match: Sequence[Matcher] = (),
        *,
        passthrough: bool = False,
        _where: str | None = None,
        **behaviour: Any,
    ) -> None:
        """`_where` names the public call an argument error blames ("add()"); by default the
        constructor. Registration runs once per route and suites register thousands: the usual
        arguments (a known method, a plain URL, no matchers) take the short branches.

        canned's own keywords (`behaviour`): `latency=` seconds or a `(low, high)` range,
        `faults=` a fault from `canned.faults`, `times=` answers before the route is used up,
        `scenario=` with `state=` (the state it answers in) and `sets_state=` (where its answer
        moves the scenario)."""
        where = _where or validation.class_call(type(self))
        self.method: str = _METHODS.get(method) if type(method) is str else None  # type: ignore[assignment]  # checked next
        if self.method is None:
            self.method = validation.check_method(where, method)
        query = ""
        if isinstance(url, str):
            # Any URL is taken here (suites build routes only to compare them); one that does
            # not parse is refused when the route is registered (`check_registrable`).
            try:
                key, query, _ = urls.parse_url(url)
            except ValueError:
                pass
            else:
                if key.path == "/":
                    url = urls.with_default_path(url)  # "https://host" is registered as ".../"
                self._key_of = url  # `url_key` is `_key` while `url` is still this string
                self._key = key
        self.url: URL = url
        if match == () or (type(match) is list and not match):
            self.match: tuple[Matcher, ...] = ()
        else:
            self.match = validation.check_matchers(where, match)
        if match_querystring is None and not self._own_querystring_rule:
            self.match_querystring: bool = query != ""  # a regex URL has none
        else:
            self.match_querystring = bool(self._should_match_querystring(match_querystring))
        if self.match_querystring:
            from canned._core.matching import query_string_matcher

            self.match = (*self.match, query_string_matcher(query))
        if passthrough is not False:
            self.passthrough = validation.check_bool(where, "passthrough", passthrough)
        if behaviour:
            unknown = set(behaviour) - _BEHAVIOUR
            if unknown:
                raise TypeError(f"{where} got an unexpected keyword argument {min(unknown)!r}")
            self._set_behaviour(where, **behaviour)

    def _set_behaviour(
        self,
        where: str,
        *,
        latency: Any = 0.0,
        faults: Any = None,
        times: Any = None,
        scenario: Any = None,
        state: Any = None,
        sets_state: Any = None,
    ) -> None:
        """Check and keep canned's own route keywords (see `__init__`)."""
        from canned._core import faults as faults_module

        if latency is not None:  # checked even when falsy: False or "" is refused, not ignored
            latency = faults_module.check_latency(where, latency)
            if latency:
                self.latency = latency
        if faults is not None:
            self.fault = faults_module.check_fault(where, "faults", faults)
        if times is not None:
            self.times = validation.check_count(where, "times", times, least=1)
            self._gated = True
        if scenario is not None:
            self.scenario = validation.check_name(where, "scenario", scenario)
        for name, value in (("state", state), ("sets_state", sets_state)):
            if value is not None:
                if scenario is None:
                    raise ValueError(f"{where}: {name}= needs scenario= (the scenario it is of)")
                setattr(self, name, validation.check_name(where, name, value))
        self._gated = self._gated or self.state is not None

    def _gate(self, view: Request) -> Mismatch | None:
        """Why the route refuses by its own state: used up (`times=`), or its scenario is in
        another state than the one it answers in."""
        if self.times is not None and self.served >= self.times:
            return Mismatch(
                f"used up: it answered its {self.times} time(s)",
                subject="times",
                differences=[f"times: answered {self.served} of {self.times}, used up"],
            )
        if self.state is not None:
            scenarios = view.scenarios
            current = scenarios[self.scenario] if scenarios is not None else STARTED
            if current != self.state:
                return Mismatch(
                    f"scenario {self.scenario!r} is in state {current!r}",
                    subject="scenario",
                    differences=[
                        f"scenario {self.scenario!r}: answers in state {self.state!r}, "
                        f"the scenario is in {current!r}"
                    ],
                )
        return None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls._decides_itself = any(is_overridden(cls, hook) for hook in _MATCHING_HOOKS)
        cls._own_url_rule = is_overridden(cls, "_url_matches")
        cls._own_querystring_rule = is_overridden(cls, "_should_match_querystring")
        cls._own_headers = is_overridden(cls, "get_headers")

    def _should_match_querystring(self, match_querystring_argument: Any) -> bool:
        """Same as `responses.BaseResponse._should_match_querystring`: whether the query string
        is matched too. None (not given): when the URL has one; anything else but `FalseBool`
        is deprecated. A subclass's override is asked with the argument as given, even None.

        Differs: the deprecation warning is given for a regex URL too (the query is not matched).
        """
        given = match_querystring_argument
        if given is None:
            return isinstance(self.url, str) and urlsplit(self.url).query != ""
        if isinstance(given, FalseBool):
            return False
        warn_deprecated(MATCH_QUERYSTRING_DEPRECATED)
        return isinstance(self.url, str) and bool(given)  # ignored for regex URLs, as in responses

    # -- identity ---------------------------------------------------------------------------

    def url_identity(self) -> str:
        return self.url.pattern if isinstance(self.url, re.Pattern) else self.url

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, BaseResponse):
            return NotImplemented
        return self.method == other.method and self.url_identity() == other.url_identity()

    def __ne__(self, other: object) -> bool:
        equal = self.__eq__(other)
        return equal if equal is NotImplemented else not equal

    __hash__ = None  # type: ignore[assignment]  # equal routes are not interchangeable keys

    # -- URL rules (the index in the registry relies on these) -------------------------------

    @property
    def url_key(self) -> urls.URLKey | None:
        """The normalised URL without query for a string URL; None for a regex (or a URL that
        does not parse, which cannot be registered)."""
        url = self.url
        if self._key_of is not url:  # first use, or `url` was changed
            try:
                self._key = urls.parse_url(url).key if isinstance(url, str) else None
            except ValueError:
                self._key = None
            self._key_of = url
        return self._key

    @property
    def filing_key(self) -> urls.URLKey | None:
        """The key a registry may file this route under (its `url_key`), or None when the route
        must be asked about every request: a regex URL, or a class that decides for itself."""
        return None if self._decides_itself else self.url_key

    def check_registrable(self, where: str) -> None:
        """Refuse, naming `where`, a URL that no request could match: neither an absolute URL
        nor a compiled regex. A route that decides for itself interprets its own URL.

        Raises:
            TypeError: the URL is neither a string nor a compiled regex.
            ValueError: the URL string is not absolute.
        """
        url = self.url
        if self.url_key is None and not isinstance(url, re.Pattern) and not self._decides_itself:
            validation.reject_url(where, url)

    def _url_answers(self, view: Request) -> bool:
        """Whether this route's URL answers `view`'s: a regex matched, a string equal once
        normalised, or a `/`-ending string with the request's path beneath it."""
        if isinstance(self.url, re.Pattern):
            return self.url.match(view.url) is not None
        key = self.url_key
        try:
            got = view.key
        except ValueError:  # not an absolute URL: no string route answers it
            return False
        return key is not None and (got == key or urls.is_beneath(got, key))

    # -- responses' hooks (a subclass overrides them; canned's own rules do not call them) --

    def _url_matches(self, url: URL, other: str) -> bool:
        """Same as `responses.BaseResponse._url_matches`: whether the request URL `other` is
        answered by `url`, a string compared on scheme, host, port and path, or a regex matched.

        A subclass's override is called so, with `self.url` and the request's URL, for any URL.
        """
        if isinstance(url, re.Pattern):
            return url.match(other) is not None
        try:
            return urls.parse_url(other).key == urls.parse_url(url).key
        except ValueError:  # not an absolute URL: no request URL is answered by it
            return False

    @staticmethod
    def _req_attr_matches(match: Sequence[Matcher], request: Any) -> tuple[bool, str]:
        """Same as `responses.BaseResponse._req_attr_matches`: `(True, "")`, or `(False, reason)`
        from the first matcher in `match` that fails."""
        for matcher in match:
            ok, reason = matcher(request)
            if not ok:
                return False, as_mismatch(reason)
        return True, ""

    # -- matching: does this route take a request, and if not, why? -----------------------

    def refusals(
        self, request: Any, *, quick: bool = False, raising: bool = False
    ) -> tuple[Mismatch, ...]:
        """Whether this route takes `request`: `()` when it does, else every reason it does not,
        in the order responses checks them (method, URL, then each matcher). Each reason is a
        `Mismatch`: the text responses shows, and the differences the diagnosis lists.

        The URL is taken when it is equal once normalised, matched by a regex, or beneath a
        `/`-ending route URL. `quick=True` asks only yes or no, as the registry does while it
        looks for a route (once per route and request, so it is kept cheap): it stops at the
        first reason, built-in matchers skip writing theirs, and a refusal is `REFUSED`, whose
        text is empty. Otherwise (the reasons a diagnosis shows) a user's own matcher runs only
        on a route whose method and URL match, as in a lookup, and one that raises gives the
        reason "matcher ... raised ..." (`raising=True`: the error propagates, as from
        `matches`). A route class that overrides one of responses' matching hooks
        (`matches`, `_url_matches`, ...) answers through them, with the reason its `matches`
        gives.
        """
        if self._decides_itself:
            ok, reason = self.matches(request)
            return () if ok else (as_mismatch(reason),)
        view = view_of(request)
        if quick:
            if view.method != self.method:
                return REFUSED
            url = self.url
            # filed under the request's URL (the usual case): equal keys, nothing to normalise
            if not (self._key_of is url and self._key == view.key) and not self._url_answers(view):
                return REFUSED
            if self._gated and self._gate(view) is not None:
                return REFUSED
            for matcher in self.match:  # a plain loop: this runs per route and request
                lazy = getattr(matcher, "explains_lazily", False)
                # unpacked as `matches` unpacks it: a matcher that gives no pair raises here too
                ok, _ = matcher(request, False) if lazy else matcher(request)  # type: ignore[call-arg]  # a built-in one takes `explain`
                if not ok:
                    return REFUSED
            return ()
        found = []
        if view.method != self.method:
            found.append(self._method_mismatch(view))
        if not self._url_answers(view):
            found.append(self._url_mismatch(view))
        if self._gated:
            gate = self._gate(view)
            if gate is not None:
                found.append(gate)
        for matcher in self.match:
            if found and not getattr(matcher, "explains_lazily", False):
                continue  # a user's own matcher runs only where the method and URL match
            if raising:
                ok, reason = matcher(request)
            else:
                try:
                    ok, reason = matcher(request)
                except Exception as error:  # a reason for this route, not the request's error
                    name = getattr(matcher, "__qualname__", type(matcher).__name__)
                    ok, reason = (
                        False,
                        Mismatch(
                            f"matcher {name} raised {type(error).__name__}: {error}",
                            subject="custom",
                        ),
                    )
            if not ok:
                found.append(as_mismatch(reason))
        return tuple(found)

    def matches(self, request: Any) -> tuple[bool, str]:
        """Same as `responses.BaseResponse.matches`: `(True, "")`, or `(False, reason)` with the
        first reason this route does not take `request` (see `refusals`).

        A subclass that overrides responses' `_url_matches` or `_req_attr_matches` is answered
        as responses answers it: method, then `_url_matches(self.url, url)`, then
        `_req_attr_matches(self.match, request)`.
        """
        if self._decides_itself:
            return self._matches_through_hooks(request)
        reasons = self.refusals(request, raising=True)
        return (False, reasons[0]) if reasons else (True, "")

    def _matches_through_hooks(self, request: Any) -> tuple[bool, str]:
        view = view_of(request)
        if view.method != self.method:
            return False, self._method_mismatch(view)
        if self._own_url_rule:
            if not self._url_matches(self.url, view.url):
                return False, self._url_mismatch(view)
        elif not self._url_answers(view):
            return False, self._url_mismatch(view)
        ok, reason = self._req_attr_matches(self.match, request)
        return (True, "") if ok else (False, as_mismatch(reason))

    def _method_mismatch(self, view: Request) -> Mismatch:
        return Mismatch(
            "Method does not match",
            subject="method",
            differences=[f"method: expected {self.method}, got {view.method}"],
            expected=self.method,
            received=view.method,
        )

    def _url_mismatch(self, view: Request) -> Mismatch:
        if self._own_url_rule:
            line = f"url: {type(self).__name__}._url_matches({self.url!r}, {view.url!r}) is False"
        elif isinstance(self.url, re.Pattern):
            line = f"url: {view.url} does not match {self.url.pattern!r}"
        elif not view.parsed_url_is_valid:
            line = f"url: {view.url!r} is not an absolute URL"
        elif self.url_key is None:  # registered past `check_registrable`, into `_registry`
            line = f"url: {self.url!r} is not an absolute URL"
        else:
            want, got = self.url_key, view.key
            parts = [
                f"{name} {g} ≠ {w}"
                for name, w, g in zip(("scheme", "host", "port", "path"), want, got)
                if w != g
            ]
            line = "url: " + ", ".join(parts)
        return Mismatch("URL does not match", subject="url", differences=[line])

    # -- answering --------------------------------------------------------------------------

    def get_response(self, request: Any) -> Reply | Any:
        """The answer for `request`: a `Reply`, or a client-native response for custom routes
        (a urllib3 `HTTPResponse`, for requests, as in responses)."""
        raise NotImplementedError

    def get_headers(self) -> HeaderPairs:
        """Same as `responses.BaseResponse.get_headers`: the default Content-Type (unless
        `headers` gives one), then `headers`. A subclass's override gives the answer's headers.

        Differs: pairs (writable by name, as responses' `HTTPHeaderDict`), not a dict.
        """
        pairs = validation.check_headers(f"{type(self).__name__}.headers", self.headers)
        return HeaderPairs(self._content_type_header(pairs) + pairs)

    def _own_header_pairs(self) -> tuple[tuple[str, str], ...]:
        """The headers a subclass's `get_headers` gives, checked."""
        return validation.check_headers(f"{type(self).__name__}.get_headers()", self.get_headers())

    @property
    def calls(self) -> CallList:
        """This route's own calls; each `Call` is also in the mock's `calls`."""
        calls = self._calls
        if calls is None:
            with _CALLS_MADE:  # two threads recording the first calls must share one list
                if self._calls is None:
                    self._calls = CallList()
                calls = self._calls
        return calls

    def forget_calls(self) -> None:
        """Start a call log of its own (a registered copy of a route shares none of its calls)."""
        self._calls = None
        self.served = 0

    @property
    def call_count(self) -> int:
        return len(self._calls) if self._calls is not None else 0

    def _content_type_header(
        self, headers: Sequence[tuple[str, str]]
    ) -> tuple[tuple[str, str], ...]:
        """The default Content-Type, unless the headers give one: an answer carries one
        Content-Type (responses sends both)."""
        if self.content_type is None or (headers and has_content_type(headers)):
            return ()
        return content_type_pair(self.content_type)
