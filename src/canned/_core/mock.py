"""The mock: a registry, a call log, passthrough prefixes and options.

Owns: `Mock` with responses' `RequestsMock` methods (add, add_callback, replace, remove, calls,
...; starting and stopping come from `activation.Activation`), `handle(request) -> Outcome`,
which decides what answers a request (the one dispatch path asks it), and `settle`, which runs
`response_callback` and records the call. Finding a route (where sequences pop and count)
happens under the mock's lock; recording is two atomic appends and needs none.
Must not import an HTTP client: client-specific extras live in `canned._compat`.
"""

from __future__ import annotations

import _thread
import logging
import random
import re
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Final, Literal, NamedTuple, Optional, Union

from canned._core import faults, urls, validation
from canned._core.activation import Activation
from canned._core.answers import CallbackResponse, Response
from canned._core.calls import Call, CallList
from canned._core.diagnosis import Diagnosis, other_mocks_routes
from canned._core.registry import FirstMatchRegistry
from canned._core.reply import Outcome, Reply
from canned._core.request import Request, attach_request
from canned._core.routes import URL, BaseResponse, FalseBool, Matcher, is_overridden
from canned.errors import CallCountError, warn_unmatched

if TYPE_CHECKING:
    from types import ModuleType

DELETE: Final = "DELETE"
GET: Final = "GET"
HEAD: Final = "HEAD"
OPTIONS: Final = "OPTIONS"
PATCH: Final = "PATCH"
POST: Final = "POST"
PUT: Final = "PUT"

ResponseCallback = Callable[[Any], Any]
# What an unmatched request does: fail (responses' way), warn then fail, or ask a policy that
# returns a route to answer with (a passthrough route goes to the network) or None to fail.
OnUnmatched = Union[Literal["raise", "warn"], Callable[[Any], Optional[BaseResponse]]]
logger: Final = logging.getLogger("canned")


class _Frame(NamedTuple):
    """What a nested activation of the same mock saw on entry, put back when it leaves."""

    registry: FirstMatchRegistry
    routes: list[BaseResponse]
    calls: list[Call]
    passthru_prefixes: tuple[Any, ...]
    assert_all_requests_are_fired: bool


class Mock(Activation):
    """Same as `responses.RequestsMock`, without the requests-only extras (see `RequestsMock`).

    Differs: activations nest (leaving an inner one restores the routes, calls and options the
    outer one had; responses keeps one activation); `reset()` keeps the constructor's registry
    and passthru prefixes (responses forgets them).
    """

    DELETE: Final = DELETE
    GET: Final = GET
    HEAD: Final = HEAD
    OPTIONS: Final = OPTIONS
    PATCH: Final = PATCH
    POST: Final = POST
    PUT: Final = PUT
    Response = Response
    response_callback: ResponseCallback | None = None
    # Set per class: a subclass overrides one of responses' RequestsMock hooks that finding a
    # route goes through (`_find_match`), so each request is found through `_find_through_hooks`.
    _asks_hooks: bool = False

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls._asks_hooks = is_overridden(cls, "_find_match")

    def __init__(
        self,
        assert_all_requests_are_fired: bool = True,
        response_callback: ResponseCallback | None = None,
        passthru_prefixes: Sequence[str | re.Pattern[str]] = (),
        registry: type[FirstMatchRegistry] = FirstMatchRegistry,
        *,
        on_unmatched: OnUnmatched = "raise",
        real_time: bool = False,
        chaos: faults.Chaos | None = None,
        seed: int | None = 0,
    ) -> None:
        """canned's own options: `real_time=True` sleeps for routes' latency (else no time
        passes); `chaos=faults.Chaos(rate, fault)` injects a fault into that fraction of
        answers; `seed` seeds the draws (latency ranges, chaos): the same on every run unless
        it is None (then they differ from run to run)."""
        super().__init__()
        where = validation.class_call(type(self))
        self.real_time = validation.check_bool(where, "real_time", real_time)
        self.chaos = faults.check_chaos(where, chaos)
        if seed is not None:
            validation.check_count(where, "seed", seed)
        self.random = random.Random(seed if chaos is None or chaos.seed is None else chaos.seed)
        self.scenarios = faults.Scenarios()
        if on_unmatched not in ("raise", "warn") and not callable(on_unmatched):
            validation.reject(where, "on_unmatched", "'raise', 'warn' or a callable", on_unmatched)
        self.on_unmatched: OnUnmatched = on_unmatched
        self.assert_all_requests_are_fired = validation.check_bool(
            where, "assert_all_requests_are_fired", assert_all_requests_are_fired
        )
        if response_callback is not None:
            validation.check_callable(where, "response_callback", response_callback)
        self.response_callback = response_callback
        self._initial_prefixes: tuple[Any, ...] = urls.check_prefixes(where, passthru_prefixes)
        self.passthru_prefixes: tuple[Any, ...] = self._initial_prefixes
        self._registry_class = self.check_registry(where, registry)
        self._registry = registry()
        self._calls = CallList()
        # Re-entrant: a custom matcher or registry that registers routes must not deadlock.
        self._thread_lock = _thread.RLock()  # threading.RLock() is a Python call around it

    # -- what activation saves and checks -----------------------------------------------------

    def save_state(self) -> _Frame:
        """What a nested activation puts back when it leaves."""
        return _Frame(
            self._registry,
            list(self._registry.registered),
            list(self._calls),
            self.passthru_prefixes,
            self.assert_all_requests_are_fired,
        )

    def restore_state(self, state: _Frame) -> None:
        self._registry = state.registry
        state.registry.registered[:] = state.routes
        self._calls.restore(state.calls)
        self.passthru_prefixes = state.passthru_prefixes
        self.assert_all_requests_are_fired = state.assert_all_requests_are_fired

    def unfired(self) -> list[tuple[str, str]]:
        """(method, URL) of each registered route never called, as responses reports them."""
        return [
            (route.method, route.url_identity())
            for route in self.registered()
            if route.call_count == 0
        ]

    @staticmethod
    def check_registry(where: str, registry: Any) -> type[FirstMatchRegistry]:
        """`registry`, when it is a `FirstMatchRegistry` subclass.

        Raises:
            TypeError: anything else, naming `where`.
        """
        if not (isinstance(registry, type) and issubclass(registry, FirstMatchRegistry)):
            validation.reject(where, "registry", "a FirstMatchRegistry subclass", registry)
        return registry

    @property
    def matchers(self) -> ModuleType:
        """The `canned.matchers` module, so `rsps.matchers.json_params_matcher` works."""
        from canned import matchers

        return matchers

    # -- registering -----------------------------------------------------------------------

    def add(
        self,
        method: str | BaseResponse | None = None,
        url: URL | None = None,
        body: Any = "",
        adding_headers: Any = None,
        *args: Any,
        **kwargs: Any,
    ) -> BaseResponse:
        """Same as `responses.add`: register a route (or a ready `BaseResponse`) and return it.

        Differs: stray positional arguments are a `TypeError` (responses ignores them).
        """
        if type(method) is str and url is not None and adding_headers is None and not args:
            route: BaseResponse = Response(method, url, body, _where="add()", **kwargs)
        else:  # a ready route, or arguments `_build` has to check or rearrange
            route = self._build("add()", method, url, body, adding_headers, args, kwargs)
        route.check_registrable("add()")
        with self._thread_lock:  # another thread may be finding a route right now
            return self._registry.add(route)

    def _build(
        self,
        where: str,
        method: Any,
        url: Any,
        body: Any,
        adding_headers: Any,
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
    ) -> BaseResponse:
        validation.check_no_positional(where, args)
        if isinstance(method, BaseResponse):
            return method
        if url is None:
            validation.reject(where, "url", "a URL string or a compiled regex", url)
        if adding_headers is not None and "headers" not in kwargs:
            kwargs["headers"] = adding_headers
        return Response(method, url, body, _where=where, **kwargs)

    def _method_adder(method: str) -> Callable[..., BaseResponse]:  # type: ignore[misc]  # used in the class body only
        def add_method(
            self: Mock, url: URL, body: Any = "", *args: Any, **kwargs: Any
        ) -> BaseResponse:
            return self.add(method, url, body, *args, **kwargs)

        add_method.__name__ = add_method.__qualname__ = method.lower()
        add_method.__doc__ = f"Same as `responses.{method.lower()}`: `add({method!r}, url, ...)`."
        return add_method

    delete = _method_adder(DELETE)
    get = _method_adder(GET)
    head = _method_adder(HEAD)
    options = _method_adder(OPTIONS)
    patch = _method_adder(PATCH)
    post = _method_adder(POST)
    put = _method_adder(PUT)
    del _method_adder

    def add_callback(
        self,
        method: str,
        url: URL,
        callback: Callable[[Any], Any],
        match_querystring: Any = FalseBool(),  # noqa: B008  # responses' own default object
        content_type: str | None = "text/plain",
        match: Sequence[Matcher] = (),
        **behaviour: Any,
    ) -> BaseResponse:
        """Same as `responses.add_callback`: `callback(request)` answers each matching call
        (with canned's `latency=`, `faults=`, `times=`, `scenario=`... as `add` takes them)."""
        route = CallbackResponse(
            method,
            url,
            callback,
            content_type=content_type,
            match_querystring=match_querystring,
            match=match,
            _where="add_callback()",
            **behaviour,
        )
        route.check_registrable("add_callback()")
        with self._thread_lock:
            return self._registry.add(route)

    def add_passthru(self, prefix: str | re.Pattern[str]) -> None:
        """Same as `responses.add_passthru`: unmatched URLs with this prefix go to the network."""
        prefix = urls.clean_prefix(validation.check_prefix("add_passthru()", prefix))
        self.passthru_prefixes = (*self.passthru_prefixes, prefix)

    def remove(self, method_or_response: Any = None, url: URL | None = None) -> list[BaseResponse]:
        """Same as `responses.remove`: unregister every route with this method and URL.

        Differs: returns the routes removed (responses returns None).
        """
        if isinstance(method_or_response, BaseResponse):
            probe = method_or_response
        else:
            probe = BaseResponse(method_or_response, url, _where="remove()")  # type: ignore[arg-type]  # checked inside
        with self._thread_lock:
            return self._registry.remove(probe)

    def replace(
        self,
        method_or_response: Any = None,
        url: URL | None = None,
        body: Any = "",
        *args: Any,
        **kwargs: Any,
    ) -> BaseResponse:
        """Same as `responses.replace`: put a new route in place of the first equal one.

        Raises:
            ValueError: no route with this method and URL is registered.
        """
        route = self._build("replace()", method_or_response, url, body, None, args, kwargs)
        route.check_registrable("replace()")
        with self._thread_lock:
            return self._registry.replace(route)

    def upsert(
        self,
        method_or_response: Any = None,
        url: URL | None = None,
        body: Any = "",
        *args: Any,
        **kwargs: Any,
    ) -> BaseResponse:
        """Same as `responses.upsert`: `replace`, or `add` when nothing equal is registered."""
        route = self._build("upsert()", method_or_response, url, body, None, args, kwargs)
        route.check_registrable("upsert()")
        with self._thread_lock:
            try:
                return self._registry.replace(route)
            except ValueError:
                return self._registry.add(route)

    def registered(self) -> list[BaseResponse]:
        """Same as `responses.registered`: the registry's live list."""
        return self._registry.registered

    def get_registry(self) -> FirstMatchRegistry:
        return self._registry

    def _set_registry(self, new_registry: type[FirstMatchRegistry]) -> None:
        """Same as `responses._set_registry`: use a new registry of class `new_registry`.

        Raises:
            AttributeError: routes are registered (responses' own message).
        """
        if self.registered():
            raise AttributeError(
                "Cannot replace Registry, current registry has responses.\n"
                "Run 'responses.registry.reset()' first"
            )
        self._registry = self.check_registry("_set_registry()", new_registry)()

    def use_registry(self, registry: type[FirstMatchRegistry]) -> None:
        """`_set_registry`, for `activate(registry=...)`."""
        self._set_registry(registry)

    def reset(self) -> None:
        """Same as `responses.reset`: drop every route and call.

        Differs: the registry class and passthru prefixes given to the constructor are kept
        (responses goes back to its defaults).
        """
        self._registry = self._registry_class()  # a list held from before stays detached
        self._calls.reset()
        self.passthru_prefixes = self._initial_prefixes
        self.scenarios.reset()

    # -- the call log ----------------------------------------------------------------------

    @property
    def calls(self) -> CallList:
        return self._calls

    def assert_call_count(self, url: str, count: int) -> Literal[True]:
        """Same as `responses.assert_call_count`: `url` (with its query) was called `count` times.

        Raises:
            CallCountError: an `AssertionError` with responses' message.
        """
        if not isinstance(url, str):
            validation.reject("assert_call_count()", "url", "a URL string", url)
        if isinstance(count, bool) or not isinstance(count, int):
            validation.reject("assert_call_count()", "count", "an int", count)
        called_url = urls.with_default_path(url)
        called = sum(1 for call in self._calls if call.request.url == called_url)
        if called != count:
            raise CallCountError(  # the URL as the caller wrote it, as in responses
                f"Expected URL '{url}' to be called {count} times. Called {called} times."
            )
        return True

    # -- answering -------------------------------------------------------------------------

    def handle(self, request: Request) -> Outcome:
        """Decide what answers `request`: a route's reply, the real network, or nothing.

        The route is found under the mock's lock (a blocking wait: it is held only while the
        registry looks); a route's callback runs outside it.
        """
        shape = request.shape
        request.scenarios = self.scenarios  # what routes with `state=` read while they are asked
        try:
            with self._thread_lock:
                if self._asks_hooks:
                    route, reasons = self._find_through_hooks(shape)
                else:
                    route, reasons = self._registry.find(shape)
                if route is not None:
                    route.served += 1
                    if route.sets_state is not None:
                        self.scenarios.move(route.scenario, route.sets_state)  # type: ignore[arg-type]  # set with its scenario
                else:
                    registered = list(self._registry.registered)
        except BaseException as error:  # a matcher's own bug: raised to the caller, and recorded
            attach_request(error, request)
            return Outcome("answer", request, None, Reply(error=error))
        if route is not None:
            return self._answer(request, shape, route)
        if urls.is_passthru(request.url, self.passthru_prefixes):
            logger.info("request.allowed-passthru", extra={"url": request.url})
            return Outcome("passthrough", request, recorded=False)
        diagnosis = Diagnosis.of(
            shape,
            request,
            registered,
            reasons,
            self.passthru_prefixes,
            self._registry.used,
            other_mocks_routes(self),
        )
        return self._unmatched(request, diagnosis)

    def _find_match(self, request: Any) -> tuple[BaseResponse | None, list[str]]:
        """Same as `responses.RequestsMock._find_match`: `(route, [])`, or `(None, reasons)` with
        one reason per route, found under the lock. A subclass's override finds each request's
        route."""
        with self._thread_lock:
            return self._registry.find(request)

    def _find_through_hooks(self, request: Any) -> tuple[BaseResponse | None, list[str]]:
        """Find `request`'s route the way responses does, through the hooks a subclass
        overrides (here `_find_match`)."""
        return self._find_match(request)

    def _answer(self, request: Request, shape: Any, route: BaseResponse) -> Outcome:
        if route.passthrough:
            logger.info("request.passthrough-response", extra={"url": request.url})
            return Outcome("passthrough", request, route)
        try:
            reply = route.get_response(shape)
        except BaseException as error:
            reply = Reply(error=error)
        if isinstance(reply, Reply):
            if reply.error is not None:
                attach_request(reply.error, request)
            elif route.fault is not None or route.latency:
                reply = reply._replace(fault=reply.fault or route.fault, latency=route.latency)
        return Outcome("answer", request, route, reply)

    def _unmatched(self, request: Request, diagnosis: Diagnosis) -> Outcome:
        """Apply `on_unmatched`: fail as a refused connection, warn first, or ask the policy."""
        policy = self.on_unmatched
        if policy == "warn":
            warn_unmatched(str(diagnosis))
        elif callable(policy):
            shape = request.shape
            try:
                route = policy(shape)
                if route is not None and not isinstance(route, BaseResponse):
                    validation.reject(
                        "on_unmatched", "the policy's return value", "a route or None", route
                    )
            except BaseException as error:
                attach_request(error, request)
                return Outcome("answer", request, None, Reply(error=error))
            if route is not None:
                return self._answer(request, shape, route)
        return Outcome("unmatched", request, diagnosis=diagnosis)

    # A recording mock (a cassette) keeps the real answers its passthroughs get (see `keep`).
    is_recording: bool = False

    def keep(self, request: Request, recorded: Reply) -> None:
        """Keep a real answer a passthrough got: a recording mock's; this one keeps none."""

    def settle(self, outcome: Outcome, response: Any) -> Any:
        """Record a call answered with `response` (after `response_callback`) and return it."""
        if not outcome.recorded:
            return response
        if self.response_callback is not None:
            given = response
            try:
                response = self.response_callback(given)
                if not isinstance(response, type(given)):
                    name = getattr(self.response_callback, "__qualname__", "response_callback")
                    raise TypeError(
                        f"response_callback {name} must return a {type(given).__name__}, "
                        f"got {validation.shown(response)}"
                    )
            except BaseException as error:
                self.settle_error(outcome, error)
                raise
        self._record(outcome, response)
        return response

    def settle_error(self, outcome: Outcome, error: BaseException) -> None:
        """Record a call whose answer is the exception `error` (the adapter raises it)."""
        attach_request(error, outcome.request)
        if outcome.recorded:
            self._record(outcome, error)

    def _record(self, outcome: Outcome, response: Any) -> None:
        # No lock: each append is atomic, and sequencing already happened under the lock in
        # find (it counts answers handed out, not calls recorded).
        call = Call(outcome.request.shape, response)
        self._calls.add_call(call)
        if outcome.route is not None:
            outcome.route.calls.add_call(call)
