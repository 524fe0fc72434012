"""The network guard (`--canned-block-network`), as a user runs it: inner test files in a subprocess
(pytester), with spies standing in for the real socket functions beneath the guard.

The spies are installed by the inner conftest before the guard wraps the socket functions, so
they see exactly what the guard lets through, from every process of the run (xdist workers too).
A spy passes loopback and AF_UNIX traffic to the real function; anything else it only records and
fakes (a pretend connection, a fake DNS answer for a few `*.ci.test` names, `gaierror` for other
names), so no test here sends a packet or a DNS query off the machine, even if the guard failed.
"""

from __future__ import annotations

import ipaddress
import json

import pytest

SPY_CONFTEST = """
import ipaddress
import json
import os
import socket

import pytest

SPIES = {spies}
FAKE_DNS = {{"localhost": "127.0.0.1", "db.ci.test": "192.0.2.10", "cache.ci.test": "192.0.2.20"}}
INTERNET = (socket.AF_INET, socket.AF_INET6)
SEAMS = [
    (socket.socket, "connect"), (socket.socket, "connect_ex"), (socket.socket, "sendto"),
    (socket.socket, "sendmsg"), (socket, "getaddrinfo"), (socket, "gethostbyname"),
    (socket, "gethostbyname_ex"),
]
REAL = {{name: getattr(owner, name) for owner, name in SEAMS}}
REACHED = []  # [function, host, port] for every call that got past the guard
BEFORE = {{}}


def is_numeric(host):
    try:
        ipaddress.ip_address(host.split("%")[0])
    except ValueError:
        return False
    return True


def is_loopback(host):
    return host == "localhost" or is_numeric(host) and ipaddress.ip_address(host).is_loopback


def reach(name, sock, address, pretend, *args):
    if sock.family not in INTERNET or address is None:
        REACHED.append([name, "not internet", None])
        return REAL[name](sock, *args)
    host = address[0].decode() if isinstance(address[0], bytes) else address[0]
    REACHED.append([name, host, address[1]])
    if is_loopback(host):
        return REAL[name](sock, *args)
    return pretend  # nothing is sent


def connect(sock, address):
    return reach("connect", sock, address, None, address)


def connect_ex(sock, address):
    return reach("connect_ex", sock, address, 0, address)


def sendto(sock, data, *rest):
    return reach("sendto", sock, rest[-1], len(data), data, *rest)


def sendmsg(sock, buffers, *rest):
    address = rest[2] if len(rest) >= 3 else None
    return reach("sendmsg", sock, address, sum(map(len, buffers)), buffers, *rest)


def look_up(name, host, port):
    host = host.decode() if isinstance(host, bytes) else host
    REACHED.append([name, host, port])
    if host is not None and host.lower().rstrip(".") in FAKE_DNS:
        return FAKE_DNS[host.lower().rstrip(".")]
    if host is None or is_numeric(host):
        return None
    raise socket.gaierror(socket.EAI_NONAME, "the spy sends no DNS query")


def getaddrinfo(host, port, family=0, type=0, proto=0, flags=0):
    fake = look_up("getaddrinfo", host, port)
    if fake is not None:
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (fake, port))]
    return REAL["getaddrinfo"](host, port, family, type, proto, flags)


def gethostbyname(host):
    return look_up("gethostbyname", host, None) or host


def gethostbyname_ex(host):
    return (host, [], [look_up("gethostbyname_ex", host, None) or host])


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config):
    if SPIES:
        for owner, name in SEAMS:
            setattr(owner, name, globals()[name])
    BEFORE.update({{name: vars(owner).get(name) for owner, name in SEAMS}})


@pytest.hookimpl(trylast=True)
def pytest_unconfigure(config):
    restored = all(vars(owner).get(name) is BEFORE[name] for owner, name in SEAMS)
    report = {{"reached": REACHED, "restored": restored}}
    (config.rootpath / "spy-{{}}.json".format(os.getpid())).write_text(json.dumps(report))
"""

HEADER = """
import asyncio
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests

import canned
from canned.errors import NetworkBlockedError


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args):
        pass


@pytest.fixture
def local_url():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield "http://127.0.0.1:{}".format(server.server_address[1])
    server.shutdown()
    server.server_close()
    thread.join()
"""

REFUSED = "the run allows only loopback (--canned-block-network); register a route for this request instead, or add the host to canned_allow_hosts"


def run(
    pytester: pytest.Pytester, body: str, *args: str, ini: str = "", spies: bool = True
) -> pytest.RunResult:
    pytester.makeconftest(SPY_CONFTEST.format(spies=spies))
    pytester.makepyfile(test_inner=HEADER + body)
    if ini:
        pytester.makeini(f"[pytest]\n{ini}\n")
    # hypothesis's plugin doubles the start-up of each inner run, and no inner test uses it
    return pytester.runpytest_subprocess(
        "-p", "no:cacheprovider", "-p", "no:hypothesispytest", *args
    )


def reached(pytester: pytest.Pytester) -> list[tuple[str, str | None, object]]:
    """Every call that got past the guard to the (spied) socket functions, from every process;
    checks on the way that each process found its socket functions restored at the end."""
    reports = [json.loads(path.read_text()) for path in sorted(pytester.path.glob("spy-*.json"))]
    assert reports, "the inner run wrote no spy report"
    assert all(report["restored"] for report in reports)
    return [tuple(entry) for report in reports for entry in report["reached"]]


def _is_off_the_machine(function: str, host: str | None) -> bool:
    if host in (None, "", "localhost", "not internet"):
        return False
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return True  # a name: looking it up, or connecting to it, sends a DNS query
    is_lookup = function in ("getaddrinfo", "gethostbyname", "gethostbyname_ex")
    return not is_lookup and not address.is_loopback  # a numeric lookup sends nothing


def left_the_machine(pytester: pytest.Pytester) -> list[tuple[str, str | None, object]]:
    """The calls that would have sent a packet or a DNS query off the machine (a numeric address
    is looked up without one)."""
    return [entry for entry in reached(pytester) if _is_off_the_machine(entry[0], entry[1])]


# -- refused attempts fail the test, even when caught -------------------------------------------


def test_a_caught_refusal_still_fails_the_test_naming_host_and_port(
    pytester: pytest.Pytester,
) -> None:
    result = run(
        pytester,
        """
def test_swallows():
    try:
        socket.create_connection(("192.0.2.1", 80))
    except OSError:
        pass
""",
        "--canned-block-network",
    )
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            f"E   canned.errors.NetworkBlockedError: canned blocked a connection to 192.0.2.1:80, and the code under test caught the refusal: {REFUSED}"
        ]
    )
    assert left_the_machine(pytester) == []


def test_a_requests_fallback_on_connection_error_still_fails_the_test(
    pytester: pytest.Pytester,
) -> None:
    result = run(
        pytester,
        """
def fetch_or_default(url):
    try:
        return requests.get(url, timeout=1).text
    except requests.ConnectionError:
        return "cached"

def test_falls_back():
    assert fetch_or_default("http://example.com/") == "cached"
""",
        "--canned-block-network",
    )
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            f"E   canned.errors.NetworkBlockedError: canned blocked a DNS lookup of example.com:80, and the code under test caught the refusal: {REFUSED}"
        ]
    )
    assert left_the_machine(pytester) == []


def test_the_refusal_is_raised_at_the_call_itself(pytester: pytest.Pytester) -> None:
    result = run(
        pytester,
        """
def test_expects_the_refusal():
    with socket.socket() as sock:
        with pytest.raises(NetworkBlockedError, match=r"^canned blocked a connection to 192\\.0\\.2\\.1:80: the run"):
            sock.connect(("192.0.2.1", 80))
        with pytest.raises(NetworkBlockedError, match=r"^canned blocked a connection to 192\\.0\\.2\\.1:81: the run"):
            sock.connect_ex(("192.0.2.1", 81))
""",
        "--canned-block-network",
    )
    result.assert_outcomes(failed=1)  # pytest.raises caught the refusals: the guard still fails it
    result.stdout.fnmatch_lines(
        [
            "E   canned.errors.NetworkBlockedError: canned blocked a connection to 192.0.2.1:80, a connection to 192.0.2.1:81, and the code under test caught the refusal: the run allows only loopback (--canned-block-network); register a route for these requests instead, or add the host to canned_allow_hosts"
        ]
    )
    result.stdout.no_fnmatch_line("*DID NOT RAISE*")
    assert left_the_machine(pytester) == []


def test_a_retried_attempt_is_named_once_with_its_count(pytester: pytest.Pytester) -> None:
    result = run(
        pytester,
        """
def test_retries():
    for _ in range(3):
        try:
            socket.create_connection(("192.0.2.1", 80))
        except OSError:
            continue
""",
        "--canned-block-network",
    )
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            f"E   canned.errors.NetworkBlockedError: canned blocked a connection to 192.0.2.1:80 (3 times), and the code under test caught the refusal: {REFUSED}"
        ]
    )


def test_an_attempt_in_a_fixture_errors_the_setup_or_teardown_it_happened_in(
    pytester: pytest.Pytester,
) -> None:
    result = run(
        pytester,
        """
def try_to_connect(port):
    try:
        socket.create_connection(("192.0.2.1", port))
    except OSError:
        pass

@pytest.fixture
def at_setup():
    try_to_connect(1)

@pytest.fixture
def at_teardown():
    yield
    try_to_connect(2)

def test_setup(at_setup):
    pass

def test_teardown(at_teardown):
    pass
""",
        "--canned-block-network",
    )
    result.assert_outcomes(passed=1, errors=2)
    result.stdout.fnmatch_lines(
        [
            "*ERROR at setup of test_setup*",
            "*canned blocked a connection to 192.0.2.1:1, and the code under test caught*",
            "*ERROR at teardown of test_teardown*",
            "*canned blocked a connection to 192.0.2.1:2, and the code under test caught*",
        ]
    )


def test_a_test_failing_for_its_own_reason_also_shows_what_was_refused(
    pytester: pytest.Pytester,
) -> None:
    result = run(
        pytester,
        """
def test_fails():
    try:
        socket.create_connection(("192.0.2.1", 80))
    except OSError:
        pass
    assert False, "the test's own failure"

def test_fails_without_the_network():
    assert False, "no network here"
""",
        "--canned-block-network",
    )
    result.assert_outcomes(failed=2)
    result.stdout.fnmatch_lines(
        [
            "E       AssertionError: the test's own failure",
            "*- Captured canned network guard call -*",
            f"canned blocked a connection to 192.0.2.1:80: {REFUSED}",
            "E       AssertionError: no network here",
        ]
    )
    assert result.stdout.str().count("Captured canned network guard") == 1


def test_a_module_that_catches_a_refusal_at_import_is_a_collection_error(
    pytester: pytest.Pytester,
) -> None:
    result = run(
        pytester,
        """
try:
    socket.create_connection(("192.0.2.1", 80))
except OSError:
    pass

def test_never_runs():
    pass
""",
        "--canned-block-network",
    )
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        [
            "*ERROR collecting test_inner.py*",
            f"canned blocked a connection to 192.0.2.1:80, and the code under test caught the refusal: {REFUSED}",
        ]
    )


def test_the_guard_holds_in_every_xdist_worker(pytester: pytest.Pytester) -> None:
    tests = "".join(
        f"""
def test_worker_{n}():
    try:
        socket.create_connection(("192.0.2.{n}", 80))
    except OSError:
        pass
"""
        for n in range(1, 5)
    )
    result = run(pytester, tests, "--canned-block-network", "-n", "2")
    result.assert_outcomes(failed=4)
    result.stdout.fnmatch_lines(["*canned blocked a connection to 192.0.2.4:80, and the code*"])
    assert len(list(pytester.path.glob("spy-*.json"))) == 3  # the controller and two workers
    assert left_the_machine(pytester) == []


def test_a_pytest_run_inside_a_guarded_run_leaves_the_guard_on(pytester: pytest.Pytester) -> None:
    result = run(
        pytester,
        """
pytest_plugins = ["pytester"]

def test_runs_pytest_in_process(pytester):
    pytester.makepyfile("def test_nothing(): pass")
    pytester.runpytest("--canned-block-network").assert_outcomes(passed=1)

def test_after():
    try:
        socket.create_connection(("192.0.2.1", 80))
    except OSError:
        pass
""",
        "--canned-block-network",
    )
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["*canned blocked a connection to 192.0.2.1:80, and the code*"])
    assert left_the_machine(pytester) == []


# -- names are refused before their DNS query --------------------------------------------------


def test_a_host_name_is_refused_before_its_dns_query(pytester: pytest.Pytester) -> None:
    result = run(
        pytester,
        """
def test_looks_up():
    with pytest.raises(NetworkBlockedError, match="^canned blocked a DNS lookup of example.com:443: the run"):
        socket.getaddrinfo("example.com", 443)
""",
        "--canned-block-network",
    )
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            f"E   canned.errors.NetworkBlockedError: canned blocked a DNS lookup of example.com:443, and the code under test caught the refusal: {REFUSED}"
        ]
    )
    assert reached(pytester) == []


def test_gethostbyname_refuses_a_name_without_failing_the_test_that_catches_it(
    pytester: pytest.Pytester,
) -> None:
    # urllib.request's macOS proxy check looks hosts up this way and ignores the failure
    result = run(
        pytester,
        """
def test_looks_up():
    with pytest.raises(NetworkBlockedError, match="^canned blocked a DNS lookup of example.com: the run"):
        socket.gethostbyname("example.com")
    with pytest.raises(NetworkBlockedError, match="^canned blocked a DNS lookup of example.org: the run"):
        socket.gethostbyname_ex(b"Example.ORG.")
""",
        "--canned-block-network",
    )
    result.assert_outcomes(passed=1)
    assert reached(pytester) == []


def test_loopback_and_numeric_lookups_go_through(pytester: pytest.Pytester) -> None:
    result = run(
        pytester,
        """
def test_looks_up():
    socket.getaddrinfo("localhost", 80)
    socket.getaddrinfo(None, 80)
    socket.getaddrinfo("192.0.2.1", 80)
    socket.getaddrinfo("::1", 80)
    assert socket.gethostbyname("localhost") == "127.0.0.1"
    assert socket.gethostbyname_ex("127.0.0.1")[2] == ["127.0.0.1"]
""",
        "--canned-block-network",
    )
    result.assert_outcomes(passed=1)
    assert [(name, host) for name, host, _ in reached(pytester)] == [
        ("getaddrinfo", "localhost"),
        ("getaddrinfo", None),
        ("getaddrinfo", "192.0.2.1"),  # numeric: no DNS query; its connect would be refused
        ("getaddrinfo", "::1"),
        ("gethostbyname", "localhost"),
        ("gethostbyname_ex", "127.0.0.1"),
    ]


def test_every_http_client_is_refused_at_the_lookup_with_its_own_error(
    pytester: pytest.Pytester,
) -> None:
    result = run(
        pytester,
        """
import aiohttp
import httpx

def test_requests():
    with pytest.raises(requests.ConnectionError, match="example.com:80"):
        requests.get("http://example.com/")

def test_httpx():
    with pytest.raises(httpx.ConnectError, match="example.com:80"):
        httpx.get("http://example.com/")

def test_httpx_async():
    async def call():
        async with httpx.AsyncClient() as client:
            await client.get("http://example.com/")

    with pytest.raises(httpx.ConnectError, match="example.com:80"):
        asyncio.run(call())

def test_aiohttp():
    async def call():
        async with aiohttp.ClientSession() as session:
            await session.get("http://example.com/")

    with pytest.raises(aiohttp.ClientConnectorError, match="example.com:80"):
        asyncio.run(call())

def test_asyncio_streams():
    with pytest.raises(NetworkBlockedError, match="example.com:80"):
        asyncio.run(asyncio.open_connection("example.com", 80))
""",
        "--canned-block-network",
    )
    result.assert_outcomes(failed=5)  # each caught its refusal: the guard fails them all
    failures = [
        line
        for line in result.stdout.lines
        if line.startswith("E ")
        and "canned blocked a DNS lookup of example.com:80, and the code under test caught the refusal"
        in line
    ]
    assert len(failures) == 5
    assert left_the_machine(pytester) == []


# -- UDP ---------------------------------------------------------------------------------------


def test_datagrams_to_a_public_address_are_refused_and_recorded(
    pytester: pytest.Pytester,
) -> None:
    result = run(
        pytester,
        """
def test_sends():
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        for send in (
            lambda: sock.sendto(b"q", ("192.0.2.1", 53)),
            lambda: sock.sendto(b"q", 0, ("192.0.2.1", 54)),
            lambda: sock.connect(("192.0.2.1", 55)),
            lambda: sock.sendmsg([b"q"], [], 0, ("192.0.2.1", 56)),
            lambda: sock.sendto(b"q", ("dns.example", 57)),
        ):
            with pytest.raises(NetworkBlockedError):
                send()
""",
        "--canned-block-network",
    )
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "E   canned.errors.NetworkBlockedError: canned blocked a datagram to 192.0.2.1:53, a datagram to 192.0.2.1:54, a connection to 192.0.2.1:55, a datagram to 192.0.2.1:56, a datagram to dns.example:57, and the code under test caught the refusal: the run allows only loopback (--canned-block-network); register a route for these requests instead, or add the host to canned_allow_hosts"
        ]
    )
    assert reached(pytester) == []


def test_ipv6_addresses_are_guarded_like_ipv4_ones(pytester: pytest.Pytester) -> None:
    result = run(
        pytester,
        """
def test_sends():
    with socket.socket(socket.AF_INET6, socket.SOCK_DGRAM) as sock:
        for address in (("2001:db8::1", 53), ("::ffff:192.0.2.1", 54, 0, 0), ("fe80::1%1", 55)):
            with pytest.raises(NetworkBlockedError):
                sock.sendto(b"q", address)
        sock.sendto(b"q", ("::ffff:127.0.0.1", 56))  # IPv4 loopback, mapped
""",
        "--canned-block-network",
    )
    result.assert_outcomes(failed=1)
    assert (
        "E   canned.errors.NetworkBlockedError: canned blocked a datagram to [2001:db8::1]:53, a datagram to [::ffff:192.0.2.1]:54, a datagram to [fe80::1%1]:55, and the code under test caught the refusal: "
        in result.stdout.str()
    )
    assert reached(pytester) == [("sendto", "::ffff:127.0.0.1", 56)]


def test_datagrams_to_loopback_go_through(pytester: pytest.Pytester) -> None:
    result = run(
        pytester,
        """
def test_sends():
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as server, \\
            socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as client:
        server.bind(("127.0.0.1", 0))
        client.sendto(b"one", server.getsockname())
        client.sendmsg([b"two"], [], 0, server.getsockname())
        client.connect(server.getsockname())
        client.sendmsg([b"three"])
        assert [server.recv(10) for _ in range(3)] == [b"one", b"two", b"three"]
""",
        "--canned-block-network",
    )
    result.assert_outcomes(passed=1)
    assert [name for name, _, _ in reached(pytester)] == ["sendto", "sendmsg", "connect", "sendmsg"]
    assert left_the_machine(pytester) == []


# -- the allow-list ----------------------------------------------------------------------------


def test_an_allowed_name_is_looked_up_and_the_address_it_resolved_to_is_reached(
    pytester: pytest.Pytester,
) -> None:
    result = run(
        pytester,
        """
def test_reaches_the_database():
    socket.create_connection(("DB.ci.test.", 5432)).close()

def test_connects_by_name():
    with socket.socket() as sock:
        sock.connect(("db.ci.test", 5432))

def test_other_addresses_stay_blocked():
    with pytest.raises(NetworkBlockedError):
        socket.create_connection(("192.0.2.11", 5432))
""",
        "--canned-block-network",
        ini="canned_allow_hosts = db.ci.test",
    )
    result.assert_outcomes(passed=2, failed=1)
    result.stdout.fnmatch_lines(
        [
            "E   canned.errors.NetworkBlockedError: canned blocked a connection to 192.0.2.11:5432, and the code under test caught the refusal: the run allows only loopback and db.ci.test (--canned-block-network); register a route for this request instead, or add the host to canned_allow_hosts"
        ]
    )
    assert left_the_machine(pytester) == [
        ("getaddrinfo", "DB.ci.test.", 5432),  # the fake DNS answers 192.0.2.10
        ("connect", "192.0.2.10", 5432),
        ("connect", "db.ci.test", 5432),
    ]


def test_allowed_hosts_on_the_command_line_add_to_the_ini_ones(
    pytester: pytest.Pytester,
) -> None:
    result = run(
        pytester,
        """
def test_reaches_each():
    socket.create_connection(("db.ci.test", 5432)).close()
    socket.create_connection(("cache.ci.test", 6379)).close()
    socket.create_connection(("198.51.100.7", 8080)).close()
    socket.create_connection(("203.0.113.9", 8080)).close()
""",
        "--canned-block-network",
        "--canned-allow-hosts=cache.ci.test,198.51.100.0/24",
        "--canned-allow-hosts=203.0.113.9",
        ini="canned_allow_hosts = db.ci.test",
    )
    result.assert_outcomes(passed=1)
    assert [entry for entry in left_the_machine(pytester) if entry[0] == "connect"] == [
        ("connect", "192.0.2.10", 5432),
        ("connect", "192.0.2.20", 6379),
        ("connect", "198.51.100.7", 8080),
        ("connect", "203.0.113.9", 8080),
    ]


def test_a_malformed_allowed_host_is_a_usage_error(pytester: pytest.Pytester) -> None:
    result = run(pytester, "", "--canned-allow-hosts=db.ci.test:5432")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        [
            "ERROR: canned_allow_hosts: 'db.ci.test:5432' is not a host name, an IP address or a network"
        ]
    )


# -- what the guard leaves alone ---------------------------------------------------------------


def test_loopback_connections_go_through(pytester: pytest.Pytester) -> None:
    result = run(
        pytester,
        """
def test_connects(local_url):
    port = int(local_url.rsplit(":", 1)[1])
    socket.create_connection(("127.0.0.1", port)).close()
    socket.create_connection(("localhost", port)).close()
    with socket.socket() as sock:
        assert sock.connect_ex(("127.0.0.1", port)) == 0
""",
        "--canned-block-network",
    )
    result.assert_outcomes(passed=1)
    assert [(name, host) for name, host, _ in reached(pytester) if name.startswith("connect")] == [
        ("connect", "127.0.0.1"),
        ("connect", "127.0.0.1"),
        ("connect_ex", "127.0.0.1"),
    ]


def test_unix_sockets_are_never_looked_at(pytester: pytest.Pytester) -> None:
    result = run(
        pytester,
        """
def test_talks(tmp_path):
    path = str(tmp_path / "s")
    with socket.socket(socket.AF_UNIX) as server, socket.socket(socket.AF_UNIX) as client:
        server.bind(path)
        server.listen()
        client.connect(path)
        server.accept()[0].close()
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as server, \\
            socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as client:
        server.bind(path + "d")
        client.sendto(b"x", path + "d")
        assert server.recv(1) == b"x"
""",
        "--canned-block-network",
    )
    result.assert_outcomes(passed=1)
    assert reached(pytester) == [
        ("connect", "not internet", None),
        ("sendto", "not internet", None),
    ]


def test_canned_passthru_and_a_local_server_work_under_the_guard(
    pytester: pytest.Pytester,
) -> None:
    result = run(
        pytester,
        """
def test_passes_through(canned_mock, local_url):
    canned_mock.add_passthru(local_url)
    assert requests.get(local_url + "/real").text == "ok"
""",
        "--canned-block-network",
        spies=False,
    )
    result.assert_outcomes(passed=1)
    assert reached(pytester) == []  # no spies: the real functions, restored at the end


def test_asyncio_event_loops_work_under_the_guard(pytester: pytest.Pytester) -> None:
    result = run(
        pytester,
        """
import httpx

def test_loop(local_url):
    async def call():
        async with httpx.AsyncClient() as client:
            return (await client.get(local_url)).text

    assert asyncio.run(call()) == "ok"
""",
        ini="canned_block_network = true",
        spies=False,
    )
    result.assert_outcomes(passed=1)


def test_the_guard_is_switched_on_by_the_ini_too(pytester: pytest.Pytester) -> None:
    result = run(
        pytester,
        """
def test_swallows():
    try:
        socket.create_connection(("192.0.2.1", 80))
    except OSError:
        pass
""",
        ini="canned_block_network = true",
    )
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*canned blocked a connection to 192.0.2.1:80, and the code*"])
    assert left_the_machine(pytester) == []


def test_without_the_switch_the_socket_functions_are_untouched(
    pytester: pytest.Pytester,
) -> None:
    result = run(
        pytester,
        """
def test_untouched():
    socket.create_connection(("192.0.2.1", 80)).close()
""",
        "--canned-allow-hosts=db.ci.test",  # given, but the guard is off
    )
    result.assert_outcomes(passed=1)
    assert left_the_machine(pytester) == [("connect", "192.0.2.1", 80)]
