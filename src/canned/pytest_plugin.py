"""canned's pytest plugin: the `canned_mock` fixture, the `canned` marker, ini defaults, and a
guard that keeps a test run off the network.

Registered through the `pytest11` entry point; it changes nothing for a test that does not ask
for the fixture (no autouse), except the network guard, which is off unless switched on with
`--canned-block-network` or the `canned_block_network` ini option. All state is per process, so
pytest-xdist workers never share a mock. The rest of canned never imports this module.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Iterator
from typing import Any, Final

import pytest

from canned._compat.requests_mock import RequestsMock
from canned._core import validation
from canned.errors import NetworkBlockedError, UnfiredRoutesError
from canned.registries import FirstMatchRegistry, OrderedRegistry

MARKER: Final = "canned"
REGISTRIES: Final = {"first_match": FirstMatchRegistry, "ordered": OrderedRegistry}
OPTIONS: Final = ("assert_all_requests_are_fired", "registry", "passthru", "on_unmatched")
_MOCK: Final = pytest.StashKey[RequestsMock]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("canned", "canned: fake HTTP")
    group.addoption(
        "--canned-block-network",
        action="store_true",
        default=None,
        help="fail any connection to a host other than loopback, in every test",
    )
    parser.addini(
        "canned_block_network", type="bool", default=False, help="as --canned-block-network"
    )
    parser.addini(
        "canned_assert_all_requests_are_fired",
        type="bool",
        default=True,
        help="canned_mock fails a test whose routes were not all called (default true)",
    )
    parser.addini(
        "canned_on_unmatched",
        default="raise",
        help="what canned_mock does with an unmatched request: raise (default) or warn",
    )
    parser.addini(
        "canned_registry",
        default="first_match",
        help="canned_mock's registry: first_match (default) or ordered",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "canned(assert_all_requests_are_fired=..., registry=..., passthru=[...], "
        "on_unmatched=...): options for the canned_mock fixture",
    )
    if _is_network_blocked(config):
        _guard.install()


def pytest_unconfigure(config: pytest.Config) -> None:
    _guard.uninstall()


# -- the fixture ----------------------------------------------------------------------------------


def _registry(value: Any, where: str) -> type[FirstMatchRegistry]:
    if isinstance(value, str) and value in REGISTRIES:
        return REGISTRIES[value]
    if isinstance(value, type) and issubclass(value, FirstMatchRegistry):
        return value
    validation.reject(
        where, "registry", "'first_match', 'ordered' or a FirstMatchRegistry subclass", value
    )


def _options(node: pytest.Item) -> dict[str, Any]:
    """The mock's options: ini defaults, then markers from the module down to the test."""
    config = node.config
    given: dict[str, Any] = {
        "assert_all_requests_are_fired": config.getini("canned_assert_all_requests_are_fired"),
        "registry": config.getini("canned_registry"),
        "passthru": (),
        "on_unmatched": config.getini("canned_on_unmatched"),
    }
    for marker in reversed(list(node.iter_markers(MARKER))):  # the closest marker wins
        if marker.args:
            raise TypeError("@pytest.mark.canned() takes keyword options only")
        unknown = sorted(set(marker.kwargs) - set(OPTIONS))
        if unknown:
            raise TypeError(
                f"@pytest.mark.canned(): unknown option {unknown[0]!r}; "
                f"the options are {', '.join(OPTIONS)}"
            )
        given.update(marker.kwargs)
    where = "@pytest.mark.canned()"
    passthru = given["passthru"]
    if isinstance(passthru, str):
        passthru = (passthru,)
    return {
        "assert_all_requests_are_fired": validation.check_bool(
            where, "assert_all_requests_are_fired", given["assert_all_requests_are_fired"]
        ),
        "registry": _registry(given["registry"], where),
        "passthru_prefixes": tuple(passthru),
        "on_unmatched": given["on_unmatched"],
    }


@pytest.fixture
def canned_mock(request: pytest.FixtureRequest) -> Iterator[RequestsMock]:
    """A fresh, active `RequestsMock` for this test; its routes must all be called.

    Unfired routes fail the test itself (not its teardown); the mock is stopped and reset
    however the test ends.
    """
    mock = RequestsMock(**_options(request.node))
    request.node.stash[_MOCK] = mock
    mock.start()
    try:
        yield mock
    finally:
        mock.stop(allow_assert=False)
        mock.reset()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    """After a test body that passed, unfired routes fail it, with responses' message."""
    result = yield
    mock = item.stash.get(_MOCK, None)
    if mock is not None and mock.assert_all_requests_are_fired:
        unfired = mock.unfired()
        if unfired:
            __tracebackhide__ = True
            raise UnfiredRoutesError(f"Not all requests have been executed {unfired!r}")
    return result


# -- the network guard ----------------------------------------------------------------------------

# The connect the guard hands allowed connections to; tests replace it with a spy.
_real_connect: Callable[..., Any] = socket.socket.connect
_real_connect_ex: Callable[..., Any] = socket.socket.connect_ex


def _is_network_blocked(config: pytest.Config) -> bool:
    flag = config.getoption("--canned-block-network")
    return bool(flag) if flag is not None else bool(config.getini("canned_block_network"))


def _is_loopback(sock: socket.socket, address: Any) -> bool:
    if getattr(socket, "AF_UNIX", None) is not None and sock.family == socket.AF_UNIX:
        return True
    host = address[0] if isinstance(address, tuple) else address
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(str(host).split("%", 1)[0]).is_loopback
    except ValueError:
        return False  # a host name: resolving it is already a step onto the network


def _refuse(address: Any) -> NetworkBlockedError:
    shown = f"{address[0]}:{address[1]}" if isinstance(address, tuple) else str(address)
    return NetworkBlockedError(
        f"canned blocked a connection to {shown}: the run allows only loopback "
        "(--canned-block-network); register a route for this request instead"
    )


def _guarded_connect(sock: socket.socket, address: Any) -> Any:
    if not _is_loopback(sock, address):
        raise _refuse(address)
    return _real_connect(sock, address)


def _guarded_connect_ex(sock: socket.socket, address: Any) -> Any:
    if not _is_loopback(sock, address):
        raise _refuse(address)
    return _real_connect_ex(sock, address)


class _Guard:
    """Swaps `socket.socket.connect`/`connect_ex` for the guarded ones, and back."""

    def __init__(self) -> None:
        self.saved: tuple[Any, Any] | None = None

    def install(self) -> None:
        if self.saved is None:
            self.saved = (socket.socket.connect, socket.socket.connect_ex)
            socket.socket.connect = _guarded_connect  # type: ignore[method-assign,assignment]  # the seam
            socket.socket.connect_ex = _guarded_connect_ex  # type: ignore[method-assign,assignment]  # the seam

    def uninstall(self) -> None:
        if self.saved is not None:
            socket.socket.connect, socket.socket.connect_ex = self.saved  # type: ignore[method-assign]  # the seam
            self.saved = None


_guard: Final = _Guard()
