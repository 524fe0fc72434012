"""canned's pytest plugin: the `canned_mock` fixture, the `canned` marker, ini defaults,
cassettes for marked tests, and a guard that keeps a test run off the network.

Registered through the `pytest11` entry point; it changes nothing for a test that does not ask
for the fixture (no autouse), except the network guard, which is off unless switched on with
`--canned-block-network` or the `canned_block_network` ini option (`--canned-allow-hosts` lets CI
services through; the sockets' side of the guard is `canned._guard`). All state is per process, so
pytest-xdist workers never share a mock or a guard. The rest of canned never imports this module.

Owns the cassette rules of a test run: a marked test's cassette path (one file per test, so two
xdist workers never write the same file) and the record mode (`--canned-record` over the
`canned_record` ini option, `none` by default). The cassette itself (reading, recording, writing
once when it closes) is `canned.cassette`'s.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Generator, Iterator
from pathlib import Path, PurePath
from typing import Any, Final

import pytest

from canned._compat.requests_mock import RequestsMock
from canned._core import validation
from canned._guard import AllowList, Guard, guard
from canned.errors import UnfiredRoutesError
from canned.registries import FirstMatchRegistry, OrderedRegistry

MARKER: Final = "canned"
REGISTRIES: Final = {"first_match": FirstMatchRegistry, "ordered": OrderedRegistry}
MOCK_OPTIONS: Final = ("assert_all_requests_are_fired", "registry", "passthru", "on_unmatched")
CASSETTE_OPTIONS: Final = ("match_on", "redact", "keep")  # passed on to canned.cassette()
OPTIONS: Final = (*MOCK_OPTIONS, "cassette", *CASSETTE_OPTIONS)
RECORD_MODES: Final = ("none", "once", "new", "all")
SUFFIX: Final = ".yaml"  # a cassette named without a suffix
# A file name keeps these characters (safe on every file system); others become "_".
UNSAFE_CHARACTERS: Final = re.compile(r"[^A-Za-z0-9_.\-\[\]=,+@]")
LONGEST_NAME: Final = 120  # characters of the test's name kept in its file name
_MOCK: Final = pytest.StashKey[RequestsMock]()
_GUARDED: Final = pytest.StashKey[bool]()  # this run installed the network guard


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("canned", "canned: fake HTTP")
    group.addoption(
        "--canned-record",
        choices=RECORD_MODES,
        default=None,
        metavar="MODE",
        help="the record mode of every cassette a canned marker gives: none (replay only, the "
        "default), once (record a missing cassette), new (record what is not on it), all "
        "(record everything again); overrides canned_record",
    )
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
    parser.addini("canned_record", default="none", help="as --canned-record")
    parser.addini(
        "canned_cassette_dir",
        default="",
        help="where marked tests' cassettes go, relative to the ini file "
        "(default: a cassettes directory beside each test module)",
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
        "on_unmatched=..., cassette=True|name|path, match_on=..., redact=..., keep=...): "
        "options for the canned_mock fixture",
    )
    record_mode(config)  # a bad ini value shows at once
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


def _marked(node: pytest.Item) -> dict[str, Any]:
    """The options the `canned` markers give, from the module down to the test (the closest
    marker wins)."""
    given: dict[str, Any] = {}
    for marker in reversed(list(node.iter_markers(MARKER))):
        if marker.args:
            raise TypeError("@pytest.mark.canned() takes keyword options only")
        unknown = sorted(set(marker.kwargs) - set(OPTIONS))
        if unknown:
            raise TypeError(
                f"@pytest.mark.canned(): unknown option {unknown[0]!r}; "
                f"the options are {', '.join(OPTIONS)}"
            )
        given.update(marker.kwargs)
    stray = [name for name in CASSETTE_OPTIONS if name in given]
    if stray and not given.get("cassette"):
        raise TypeError(f"@pytest.mark.canned(): {stray[0]} needs a cassette (cassette=...)")
    return given


def _options(node: pytest.Item, given: dict[str, Any]) -> dict[str, Any]:
    """The mock's options: ini defaults, then the markers'. A cassette's mock does not check
    that its routes all fired unless a marker asks: a recorded interaction the test no longer
    makes is not a failure (the project's `canned_assert_all_requests_are_fired` is not)."""
    config = node.config
    where = "@pytest.mark.canned()"
    passthru = given.get("passthru", ())
    if isinstance(passthru, str):
        passthru = (passthru,)
    fired = given.get(
        "assert_all_requests_are_fired",
        not given.get("cassette") and config.getini("canned_assert_all_requests_are_fired"),
    )
    on_unmatched = given.get("on_unmatched", config.getini("canned_on_unmatched"))
    if on_unmatched not in ("raise", "warn") and not callable(on_unmatched):
        validation.reject(where, "on_unmatched", "'raise', 'warn' or a callable", on_unmatched)
    return {
        "assert_all_requests_are_fired": validation.check_bool(
            where, "assert_all_requests_are_fired", fired
        ),
        "registry": _registry(given.get("registry", config.getini("canned_registry")), where),
        "passthru_prefixes": tuple(passthru),
        "on_unmatched": on_unmatched,
    }


@pytest.fixture
def canned_mock(request: pytest.FixtureRequest) -> Iterator[RequestsMock]:
    """A fresh, active `RequestsMock` for this test; its routes must all be called.

    With `@pytest.mark.canned(cassette=...)` the mock is the test's cassette, in the run's record
    mode, written (when it recorded anything) as the test ends. Unfired routes fail the test
    itself (not its teardown); the mock is stopped and reset however the test ends.
    """
    given = _marked(request.node)
    options = _options(request.node, given)
    if given.get("cassette"):
        yield from _cassette_mock(request.node, given, options)
        return
    mock = RequestsMock(**options)
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


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    """A test marked with a cassette must use `canned_mock`: without it nothing would record."""
    marked = [m.kwargs["cassette"] for m in item.iter_markers(MARKER) if "cassette" in m.kwargs]
    if marked and marked[0] and "canned_mock" not in getattr(item, "fixturenames", ()):
        pytest.fail(
            "@pytest.mark.canned(cassette=...) needs the canned_mock fixture; ask for it as an "
            "argument or with @pytest.mark.usefixtures('canned_mock')",
            pytrace=False,
        )


# -- cassettes ------------------------------------------------------------------------------------


def record_mode(config: pytest.Config) -> str:
    """The run's record mode: `--canned-record`, else the `canned_record` ini option."""
    given = config.getoption("canned_record")
    mode = given if given is not None else config.getini("canned_record")
    if mode not in RECORD_MODES:
        raise pytest.UsageError(
            f"canned_record must be one of {', '.join(RECORD_MODES)}, got {mode!r}"
        )
    return str(mode)


def cassette_dir(item: pytest.Item) -> Path:
    """`canned_cassette_dir` (relative to the ini file), else `cassettes` beside the module."""
    config = item.config
    given = str(config.getini("canned_cassette_dir"))
    if not given:
        return item.path.parent / "cassettes"
    base = config.inipath.parent if config.inipath is not None else config.rootpath
    return base / given


def file_name(name: str) -> str:
    """`name` as a file name: characters unsafe on some file system become `_`; a name that
    had to change, or was cut short, ends with a hash of the original, so two tests never get
    the same file."""
    safe = UNSAFE_CHARACTERS.sub("_", name)
    if safe == name and len(name) <= LONGEST_NAME:
        return name
    digest = hashlib.sha1(name.encode("utf-8")).hexdigest()[:8]  # a name, not a secret
    return f"{safe[:LONGEST_NAME]}-{digest}"


def cassette_path(item: pytest.Item, cassette: Any) -> Path:
    """Where a marked test's cassette lives: `True` gives `<dir>/<module>/<test>.yaml` (a
    class's test is `Class.test`, parameters stay in brackets); a name without a suffix gives
    `<dir>/<module>/<name>.yaml`; a path with a suffix is used as given, relative to `<dir>`."""
    base = cassette_dir(item)
    module = item.path.stem
    if cassette is True:
        test = ".".join(item.nodeid.split("::")[1:])
        return base / module / (file_name(test) + SUFFIX)
    if isinstance(cassette, (str, os.PathLike)) and os.fspath(cassette):
        path = PurePath(os.fspath(cassette))
        if path.suffix:
            return base / path
        return base / module / path.with_name(path.name + SUFFIX)
    validation.reject(
        "@pytest.mark.canned()", "cassette", "True, a cassette name or a file path", cassette
    )


def _cassette_mock(
    item: pytest.Item, given: dict[str, Any], options: dict[str, Any]
) -> Iterator[RequestsMock]:
    """The test's cassette, with the marker's mock options, active for the test. Stopping it
    writes it, whether the test passed or failed (as leaving a `with canned.cassette(...)`
    block would); its unfired routes were checked with the test body."""
    import canned

    path = cassette_path(item, given["cassette"])
    mode = record_mode(item.config)
    if mode == "none" and not path.exists():
        pytest.fail(
            f"canned: cassette {path} does not exist and the record mode is none; "
            "record it with --canned-record=once",
            pytrace=False,
        )
    mock = canned.cassette(
        path, mode=mode, **{name: given[name] for name in CASSETTE_OPTIONS if name in given}
    )
    mock.assert_all_requests_are_fired = options["assert_all_requests_are_fired"]
    mock.on_unmatched = options["on_unmatched"]
    mock.use_registry(options["registry"])
    for prefix in options["passthru_prefixes"]:
        mock.add_passthru(prefix)
    item.stash[_MOCK] = mock
    mock.start()  # reads the file
    try:
        yield mock
    finally:
        try:
            mock.stop(allow_assert=False)  # writes what it recorded
        finally:
            mock.reset()


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
