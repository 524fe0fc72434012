"""Which mocks are active, and the patches that intercept clients while any is.

Owns: the stack of active mocks (activations nest; the innermost answers), the `Interceptor`
protocol that adapters implement, and installing/uninstalling interceptors when the first mock
activates and the last one leaves. Importing this patches nothing. Must not import a client.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from canned._core.mock import Mock


class Interceptor(Protocol):
    """An adapter's switch: patch the client's public seam, and put the original back."""

    def install(self) -> None: ...

    def uninstall(self) -> None: ...


_interceptors: list[Interceptor] = []
_active: list[Mock] = []
_lock = threading.RLock()


def register_interceptor(interceptor: Interceptor) -> None:
    """Add an adapter; it is installed now if a mock is already active."""
    with _lock:
        _interceptors.append(interceptor)
        if _active:
            interceptor.install()


def push(mock: Mock) -> None:
    """Make `mock` the innermost active mock, installing interceptors on the first activation."""
    with _lock:
        if not _active:
            installed: list[Interceptor] = []
            try:
                for interceptor in _interceptors:
                    interceptor.install()
                    installed.append(interceptor)
            except BaseException:
                for interceptor in reversed(installed):
                    interceptor.uninstall()
                raise
        _active.append(mock)


def pop(mock: Mock) -> None:
    """End `mock`'s innermost activation; the last one out uninstalls every interceptor."""
    with _lock:
        for position in range(len(_active) - 1, -1, -1):
            if _active[position] is mock:
                del _active[position]
                break
        if not _active:
            for interceptor in reversed(_interceptors):
                interceptor.uninstall()


def current() -> Mock | None:
    """The mock that answers now: the innermost active one."""
    active = _active
    return active[-1] if active else None
