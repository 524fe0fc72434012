"""`canned.cassette(path, ...)`: record real traffic once, replay it from a file afterwards.

Owns `Cassette` (a `RequestsMock` that loads a cassette's interactions as routes when its block
starts, lets unmatched requests through to the real network while it records, keeps each real
answer the dispatch path hands it, and writes the file when its block ends), `cassette()` and
the checks of its arguments. The file format, redaction and replay rules live in the sibling
modules. Imports no HTTP client, and YAML only when a file is read or written.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, Final, Literal, TypeVar

from canned._compat.requests_mock import RequestsMock
from canned._core import urls, validation
from canned._core.activation import get_wrapped
from canned._core.reply import Outcome, Reply
from canned._core.request import Request
from canned._core.routes import BaseResponse
from canned.cassettes.formats import (
    content_type_of,
    dump_document,
    interaction_data,
    is_form_type,
    read_document,
    write_document,
)
from canned.cassettes.redaction import Redactor, Rule, find_secrets
from canned.cassettes.replay import HEADER_PREFIX, MATCH_ON_PARTS, add_interactions
from canned.errors import CassetteError

F = TypeVar("F", bound=Callable[..., Any])
Mode = Literal["none", "once", "new", "all"]
MODES: Final = ("none", "once", "new", "all")
DEFAULT_MATCH_ON: Final = ("method", "url", "query", "body")


def check_match_on(where: str, match_on: Any) -> tuple[str, ...]:
    """`match_on`: "method", "url", "query", "body" and "header:<Name>" items, "method" among
    them (a route always has one)."""
    expected = "a tuple of 'method', 'url', 'query', 'body' or 'header:<Name>', 'method' among them"
    if not isinstance(match_on, (tuple, list)) or "method" not in match_on:
        validation.reject(where, "match_on", expected, match_on)
    for part in match_on:
        if not isinstance(part, str) or not (
            part in MATCH_ON_PARTS
            or (part.startswith(HEADER_PREFIX) and part[len(HEADER_PREFIX) :].strip())
        ):
            validation.reject(where, "match_on", expected, match_on, error=ValueError)
    return tuple(match_on)


def check_rules(where: str, redact: Any, keep: Any) -> tuple[list[Rule], list[str]]:
    rules = "a tuple of names, compiled regexes or callables"
    if not isinstance(redact, (tuple, list)) or not all(
        isinstance(rule, (str, re.Pattern)) or callable(rule) for rule in redact
    ):
        validation.reject(where, "redact", rules, redact)
    if not isinstance(keep, (tuple, list)) or not all(isinstance(name, str) for name in keep):
        validation.reject(where, "keep", "a tuple of names", keep)
    return list(redact), list(keep)


class Cassette(RequestsMock):
    """A mock whose routes are the interactions of the cassette at `path`.

    When its (outermost) block starts, the file is read as the mode says; each recorded
    interaction becomes a route, so a replayed request is answered, logged in `calls` and
    diagnosed like any other, and a user's own `add(...)` routes answer too. While it records,
    a request no route answers goes to the real network through the client's own transport,
    and the answer is kept. When the block ends, the file is written once, if anything was
    recorded (always in mode "all"), with every secret redacted; it is scanned first.

    Modes: "none" replays only (the file must exist); "once" records when the file does not
    exist, else replays only; "new" replays what is there and records what is not, appending
    it; "all" records everything and overwrites the file.

    Raises:
        CassetteError: the file is missing (mode "none"), empty or malformed, or a value that
            was redacted as a secret still appears in what would be written.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        mode: str = "once",
        match_on: Iterable[str] = DEFAULT_MATCH_ON,
        redact: Iterable[Rule] = (),
        keep: Iterable[str] = (),
        **options: Any,
    ) -> None:
        where = "cassette()"
        if not isinstance(path, (str, os.PathLike)) or not os.fspath(path):
            validation.reject(where, "path", "a file path", path)
        if mode not in MODES:
            validation.reject(where, "mode", "'none', 'once', 'new' or 'all'", mode)
        options.setdefault("assert_all_requests_are_fired", False)
        super().__init__(**options)
        self.replay_on_unmatched = self.on_unmatched
        self.path = Path(os.fspath(path))
        self.mode: Mode = mode  # type: ignore[assignment]  # checked just above
        self.match_on = check_match_on(where, match_on)
        self.redact, self.keep_names = check_rules(where, redact, keep)
        self.is_recording = False
        self.loaded: list[dict[str, Any]] = []  # the interactions read from the file
        self.recorded: list[tuple[Request, Reply]] = []  # the real answers kept meanwhile
        self.replaying: list[BaseResponse] = []  # the routes made from the file
        self._recording_lock = threading.Lock()

    def __repr__(self) -> str:
        return f"<Cassette {str(self.path)!r} mode={self.mode!r}>"

    def __call__(self, function: F) -> F:
        """Decorate `function` (or an `async def` one, or a test class) to run in this
        cassette; each call reads the file and writes it anew."""
        return get_wrapped(function, self)

    # -- the block ---------------------------------------------------------------------------

    def enter(self) -> None:
        if self.activations == 0:
            self.open()
        super().enter()

    def open(self) -> None:
        """Read the file as the mode says and register its interactions."""
        exists = self.path.exists()
        replays_only = self.mode == "none" or (self.mode == "once" and exists)
        self.is_recording = not replays_only
        # while recording, a request no route answers goes to the network, not to the policy
        self.on_unmatched = "raise" if self.is_recording else self.replay_on_unmatched
        self.recorded = []
        self.loaded = []
        self.replaying = []
        if self.mode == "all" or (self.mode in ("once", "new") and not exists):
            return
        self.loaded = read_document(self.path)
        self.replaying = add_interactions(self, self.loaded, self.match_on)

    def stop(self, allow_assert: bool = True) -> None:
        outermost = self.activations == 1
        try:
            super().stop(allow_assert=allow_assert)
        finally:
            if outermost:  # the file's routes go (`start()` again reads it anew); others stay
                registered = self.registered()
                registered[:] = [r for r in registered if all(r is not x for x in self.replaying)]
                self.replaying = []
                self.on_unmatched = self.replay_on_unmatched
                recording, self.is_recording = self.is_recording, False
                if recording and (self.recorded or self.mode == "all"):
                    self.save()

    # -- recording ---------------------------------------------------------------------------

    def handle(self, request: Request) -> Outcome:
        """A route's answer; while recording, the real network for a request none answers."""
        outcome = super().handle(request)
        if outcome.kind == "unmatched" and self.is_recording:
            return Outcome("passthrough", request)
        return outcome

    def keep(self, request: Request, recorded: Reply) -> None:
        """Keep a real answer, in the order the answers came; a URL of `passthru_prefixes`
        stays live, unrecorded."""
        if urls.is_passthru(request.url, self.passthru_prefixes):
            return
        with self._recording_lock:
            self.recorded.append((request, recorded))

    def interactions(self) -> list[dict[str, Any]]:
        """What the file will hold: the interactions read (mode "new") and those recorded,
        redacted.

        Raises:
            CassetteError: a value redacted as a secret appears in them anyway.
        """
        redactor = Redactor(self.redact, self.keep_names)
        fresh = []
        for request, reply in self.recorded:
            data = interaction_data(request, reply)
            fresh.append(
                redactor.interaction(
                    data,
                    request_form=is_form_type(content_type_of(data["request"])),
                    response_form=is_form_type(content_type_of(data["response"])),
                )
            )
        interactions = (self.loaded if self.mode == "new" else []) + fresh
        places = find_secrets({"interactions": interactions}, redactor.secrets)
        if places:
            raise CassetteError(
                f"cassette {self.path}: not written: a value sent or received as a secret "
                f"appears at {', '.join(places)}; name what carries it in redact= "
                "(or redact it in a callable)"
            )
        return interactions

    def save(self) -> None:
        """Write the file, once, atomically and under its lock."""
        content = dump_document(self.path, self.interactions())
        write_document(self.path, content)


def cassette(
    path: str | os.PathLike[str],
    *,
    mode: str = "once",
    match_on: Iterable[str] = DEFAULT_MATCH_ON,
    redact: Iterable[Rule] = (),
    keep: Iterable[str] = (),
    **options: Any,
) -> Cassette:
    """A cassette at `path`: `with canned.cassette(path) as c:` or `@canned.cassette(path)`
    (on `def` and `async def` functions alike), for every client canned intercepts.

    `mode`: "none", "once" (default), "new" or "all" (see `Cassette`). `match_on`: what a
    replayed request is matched on: "method", "url" (scheme, host, port and path), "query"
    (its parameters in any order), "body" (JSON and forms compared as data) and
    "header:<Name>" for a named header. `redact`: more names, compiled regexes or callables
    to redact; `keep`: names the default redaction must leave as they are. YAML by default,
    JSON for a `.json` path. Other keyword arguments are `RequestsMock`'s options
    (`assert_all_requests_are_fired`, default False here; `registry`, `passthru_prefixes`,
    `on_unmatched` (applied when replaying), ...).
    """
    return Cassette(path, mode=mode, match_on=match_on, redact=redact, keep=keep, **options)
