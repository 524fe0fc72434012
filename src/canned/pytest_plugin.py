"""canned's pytest plugin: the `canned_mock` fixture, the `canned` marker, ini defaults, and a
guard that keeps a test run off the network.

Registered through the `pytest11` entry point; it changes nothing for a test that does not ask
for the fixture (no autouse), except the network guard, which is off unless switched on with
`--canned-block-network` or the `canned_block_network` ini option (`--canned-allow-hosts` lets CI
services through; the sockets' side of the guard is `canned._guard`). All state is per process, so
pytest-xdist workers never share a mock or a guard. The rest of canned never imports this module.
"""

from __future__ import annotations

from collections.abc import Generator, Iterator
from typing import Any, Final

import pytest

from canned._compat.requests_mock import RequestsMock
from canned._core import validation
from canned._guard import AllowList, Guard, guard
from canned.errors import UnfiredRoutesError
from canned.registries import FirstMatchRegistry, OrderedRegistry

MARKER: Final = "canned"
REGISTRIES: Final = {"first_match": FirstMatchRegistry, "ordered": OrderedRegistry}
OPTIONS: Final = ("assert_all_requests_are_fired", "registry", "passthru", "on_unmatched")
_MOCK: Final = pytest.StashKey[RequestsMock]()
_GUARDED: Final = pytest.StashKey[bool]()  # this run installed the network guard


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("canned", "canned: fake HTTP")
    group.addoption(
        "--canned-block-network",
        action="store_true",
        default=None,
        help="fail any connection to a host other than loopback, in every test",
    )
    group.addoption(
        "--canned-allow-hosts",
        action="append",
        default=[],
        metavar="HOSTS",
        help="with the network guard on, let these through too: host names, IP addresses or "
        "networks (CIDR), comma-separated; adds to canned_allow_hosts",
    )
    parser.addini(
        "canned_block_network", type="bool", default=False, help="as --canned-block-network"
    )
    parser.addini(
        "canned_allow_hosts",
        type="args",
        default=[],
        help="as --canned-allow-hosts, separated by spaces",
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
    allow = _allow_list(config)  # checked even with the guard off: a typo shows at once
    # A run inside a guarded run (pytester in-process) leaves the outer run's guard in place.
    if _is_network_blocked(config) and not guard.is_installed:
        guard.install(allow)
        config.stash[_GUARDED] = True
        config.pluginmanager.register(NetworkReport(guard), "canned-network-report")


def pytest_unconfigure(config: pytest.Config) -> None:
    if config.stash.get(_GUARDED, False):
        guard.uninstall()


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


# -- the network guard (the sockets' side is canned._guard) ----------------------------------------


def _is_network_blocked(config: pytest.Config) -> bool:
    flag = config.getoption("--canned-block-network")
    return bool(flag) if flag is not None else bool(config.getini("canned_block_network"))


def _allow_list(config: pytest.Config) -> AllowList:
    """The ini's `canned_allow_hosts` and every `--canned-allow-hosts`, joined."""
    given = [*config.getini("canned_allow_hosts"), *config.getoption("canned_allow_hosts")]
    try:
        return AllowList.parse(given)
    except ValueError as exc:
        raise pytest.UsageError(f"canned_allow_hosts: {exc}") from exc


class NetworkReport:
    """With the guard on, a refused attempt fails the test phase (or collection) it happened in,
    even when the code under test caught the refusal and carried on."""

    def __init__(self, guard: Guard) -> None:
        self.guard = guard

    def _phase(self, item: pytest.Item, when: str) -> Generator[None, object, object]:
        __tracebackhide__ = True
        try:
            result = yield
        except BaseException:
            attempts = self.guard.take()
            if attempts:  # the phase failed anyway; say what was refused beside its own error
                item.add_report_section(
                    when, "canned network guard", str(self.guard.error(attempts))
                )
            raise
        attempts = self.guard.take()
        if attempts:
            raise self.guard.error(attempts, caught=True)
        return result

    @pytest.hookimpl(wrapper=True, tryfirst=True)
    def pytest_runtest_setup(self, item: pytest.Item) -> Generator[None, object, object]:
        self.guard.take()  # refused between tests, outside any test: already raised, no test's
        __tracebackhide__ = True
        return (yield from self._phase(item, "setup"))

    @pytest.hookimpl(wrapper=True, tryfirst=True)
    def pytest_runtest_call(self, item: pytest.Item) -> Generator[None, object, object]:
        __tracebackhide__ = True
        return (yield from self._phase(item, "call"))

    @pytest.hookimpl(wrapper=True, tryfirst=True)
    def pytest_runtest_teardown(self, item: pytest.Item) -> Generator[None, object, object]:
        __tracebackhide__ = True
        return (yield from self._phase(item, "teardown"))

    @pytest.hookimpl(wrapper=True, tryfirst=True)
    def pytest_make_collect_report(
        self, collector: pytest.Collector
    ) -> Generator[None, pytest.CollectReport, pytest.CollectReport]:
        """Importing a test module that reaches for the network and catches the refusal is a
        collection error."""
        report = yield
        attempts = self.guard.take()
        if attempts and report.passed:
            report.outcome = "failed"
            report.longrepr = str(self.guard.error(attempts, caught=True))
        return report
