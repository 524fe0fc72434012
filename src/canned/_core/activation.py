"""Which mocks are active, how a mock is activated, and the patches that intercept clients.

Owns: the stack of active mocks (activations nest; the innermost answers), `Activation`, the part
of a mock that starts and stops it (`start`/`stop`, `with`, `activate`, `get_wrapped`), the
`Interceptor` protocol that adapters implement, and installing/uninstalling interceptors when the
first mock activates and the last one leaves. The interceptors come from the adapters' table,
handed over by `canned._adapters` through `use_interceptors`. Importing this patches nothing.
Must not import a client, nor any module of canned but `validation` and `errors`.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from canned._core import validation
from canned.errors import UnfiredRoutesError

F = TypeVar("F", bound=Callable[..., Any])


class Interceptor(Protocol):
    """An adapter's switch: patch the client's public seam, and put the original back."""

    def install(self) -> None: ...

    def uninstall(self) -> None: ...


_load_interceptors: Callable[[], Sequence[Interceptor]] = tuple
_interceptors: list[Interceptor] | None = None  # loaded on the first activation
_active: list[Activation] = []
_lock = threading.RLock()


def use_interceptors(load: Callable[[], Sequence[Interceptor]]) -> None:
    """Take the adapters' interceptors from `load`, called on the first activation."""
    global _load_interceptors, _interceptors
    with _lock:
        _load_interceptors, _interceptors = load, None


def interceptors() -> list[Interceptor]:
    """Every adapter's interceptor, in the table's order (a live list)."""
    global _interceptors
    with _lock:
        if _interceptors is None:
            _interceptors = list(_load_interceptors())
        return _interceptors


def push(mock: Activation) -> None:
    """Make `mock` the innermost active mock, installing interceptors on the first activation."""
    with _lock:
        if not _active:
            installed: list[Interceptor] = []
            try:
                for interceptor in interceptors():
                    interceptor.install()
                    installed.append(interceptor)
            except BaseException:
                for interceptor in reversed(installed):
                    interceptor.uninstall()
                raise
        _active.append(mock)


def pop(mock: Activation) -> None:
    """End `mock`'s innermost activation; the last one out uninstalls every interceptor."""
    with _lock:
        # `stop` pops only an activation `enter` pushed: `mock` is in the stack
        del _active[max(at for at, active in enumerate(_active) if active is mock)]
        if not _active:
            for interceptor in reversed(interceptors()):
                interceptor.uninstall()


def active() -> list[Any]:
    """Every active mock, the outermost first (a copy)."""
    return list(_active)


def current() -> Any:
    """The mock that answers now: the innermost active one (None when none is)."""
    active = _active
    return active[-1] if active else None


class Activation:
    """Starting and stopping a mock: what `start`/`stop`, `with` and `activate` share.

    Activations of one mock nest: each saves the mock's state on entry (`save_state`) and leaving
    it puts that back (`restore_state`); the outermost `with` also resets the mock. A mock class
    gives `save_state`, `restore_state`, `unfired`, `reset`, `check_registry` and
    `use_registry`, and the `assert_all_requests_are_fired` option.
    """

    assert_all_requests_are_fired: bool

    def __init__(self) -> None:
        self._frames: list[Any] = []  # per open activation: the state to put back, or None

    if TYPE_CHECKING:  # what the mock class gives; declared for the type checker only

        def save_state(self) -> Any: ...

        def restore_state(self, state: Any) -> None: ...

        def unfired(self) -> list[tuple[str, str]]: ...

        def reset(self) -> None: ...

        def check_registry(self, where: str, registry: Any) -> Any: ...

        def use_registry(self, registry: Any) -> None: ...

    # -- activating ----------------------------------------------------------------------------

    @property
    def activations(self) -> int:
        """How many activations of this mock are open (0: not active)."""
        return len(self._frames)

    def start(self) -> None:
        """Same as `responses.start`: intercept requests; does nothing if already started."""
        if not self._frames:
            self.enter()

    def enter(self) -> None:
        """Open one more activation (nested ones save the state to put back on leaving)."""
        state = self.save_state() if self._frames else None
        push(self)
        self._frames.append(state)

    def stop(self, allow_assert: bool = True) -> None:
        """Same as `responses.stop`: stop intercepting, then check for unfired routes.

        Leaving a nested activation puts back the routes, calls and options the outer one had.

        Raises:
            UnfiredRoutesError: `assert_all_requests_are_fired` and a route was never called.
        """
        unfired = self.unfired() if allow_assert and self.assert_all_requests_are_fired else []
        if self._frames:
            state = self._frames.pop()
            pop(self)
            if state is not None:
                self.restore_state(state)
        if unfired:
            raise UnfiredRoutesError(f"Not all requests have been executed {unfired!r}")

    def __enter__(self: Any) -> Any:
        self.enter()
        return self

    def __exit__(self, *exc_info: object) -> None:
        outermost = len(self._frames) == 1
        try:
            self.stop(allow_assert=True)
        finally:
            if outermost:
                self.reset()

    @contextmanager
    def activated(
        self, registry: type[Any] | None = None, assert_all_requests_are_fired: bool | None = None
    ) -> Iterator[None]:
        """This mock active for a block, with a new registry of class `registry` and the
        `assert_all_requests_are_fired` option for the block only, when given."""
        saved = self.assert_all_requests_are_fired
        if assert_all_requests_are_fired is not None:
            self.assert_all_requests_are_fired = assert_all_requests_are_fired
        try:
            with self:
                if registry is not None:
                    self.use_registry(registry)
                yield
        finally:
            self.assert_all_requests_are_fired = saved

    def activate(
        self,
        func: F | None = None,
        *,
        registry: type[Any] | None = None,
        assert_all_requests_are_fired: bool | None = None,
    ) -> Any:
        """Same as `responses.activate`: run the decorated function with this mock active.

        Works bare or with arguments, on functions, `async def` functions and test classes
        (each `test*` method is wrapped).
        Differs: without `assert_all_requests_are_fired=`, the mock's own setting applies
        (responses turns the check off for the block).
        """
        if registry is not None:
            self.check_registry("activate()", registry)
        if assert_all_requests_are_fired is not None:
            validation.check_bool(
                "activate()", "assert_all_requests_are_fired", assert_all_requests_are_fired
            )

        def decorate(target: F) -> F:
            return get_wrapped(
                target,
                self,
                registry=registry,
                assert_all_requests_are_fired=assert_all_requests_are_fired,
            )

        if func is None:
            return decorate
        return decorate(func)


def get_wrapped(
    func: F,
    mock: Activation,
    *,
    registry: type[Any] | None = None,
    assert_all_requests_are_fired: bool | None = None,
) -> F:
    """Same as `responses.get_wrapped`: `func` wrapped to run with `mock` active."""
    import inspect  # only when decorating: keeps `import canned` fast

    if inspect.isclass(func):
        for name, member in list(vars(func).items()):
            if name.startswith("test") and inspect.isfunction(member):
                setattr(
                    func,
                    name,
                    get_wrapped(
                        member,
                        mock,
                        registry=registry,
                        assert_all_requests_are_fired=assert_all_requests_are_fired,
                    ),
                )
        return func
    if not callable(func):
        validation.reject("activate()", "the decorated object", "a function or a class", func)
    options = (registry, assert_all_requests_are_fired)

    if inspect.iscoroutinefunction(func):

        @functools.wraps(func)
        async def async_wrapper(*args: Any, **kwargs: Any) -> Any:
            with mock.activated(*options):
                return await func(*args, **kwargs)

        return async_wrapper  # type: ignore[return-value]  # same signature as func

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with mock.activated(*options):
            return func(*args, **kwargs)

    return wrapper  # type: ignore[return-value]  # same signature as func
