"""The network guard behind the pytest plugin's `--canned-block-network`.

Owns: the socket functions the guard swaps (`socket.socket.connect`, `connect_ex`, `sendto`,
`sendmsg`; `socket.getaddrinfo`, `gethostbyname`, `gethostbyname_ex`, `gethostbyaddr`,
`getnameinfo`), the rule for what goes
through, the allow-list, the refusal's text, and the record of refused attempts, which the plugin
turns into a failure even when the code under test caught the refusal. Imports no HTTP client and
no pytest; only the pytest plugin imports it.

What goes through:
- Internet sockets (AF_INET, AF_INET6) reaching a loopback address (127.0.0.0/8, ::1, and
  ::ffff:127.x.x.x) or the name `localhost`. Other families (AF_UNIX, ...) are never looked at.
- Name lookups of `localhost`, of numeric addresses or with `AI_NUMERICHOST` (they send no DNS
  query), and lookups without a host; reverse lookups of what a socket may reach.
- The allow-list: host names (exact, case-insensitive, no wildcards), IP addresses and networks
  (CIDR). An address a listed name resolved to, through the guard, is let through as well, so a
  client that resolves `postgres` and then connects to its address reaches it.
Everything else raises `NetworkBlockedError` before anything is sent: a name is refused before its
DNS query, an address before its connect or datagram. Each refusal is recorded, except a refused
`gethostbyname` or reverse lookup (see `_gethostbyname` and `_look_back`).
"""

from __future__ import annotations

import ipaddress
import re
import socket
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Callable, Final, NamedTuple, Union

from canned.errors import NetworkBlockedError

IPAddress = Union[ipaddress.IPv4Address, ipaddress.IPv6Address]
IPNetwork = Union[ipaddress.IPv4Network, ipaddress.IPv6Network]

INTERNET: Final = frozenset({socket.AF_INET, socket.AF_INET6})
LOOPBACK_NAMES: Final = frozenset({"localhost"})
_HOST_NAME: Final = re.compile(r"[a-z0-9_][a-z0-9_.-]*\Z")
_SEPARATORS: Final = re.compile(r"[,\s]+")
_MISSING: Final = object()


class Attempt(NamedTuple):
    """One refused try at the network: what was tried (`a connection to`), and where."""

    action: str
    host: str
    port: str | None

    def __str__(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{self.action} {host}" if self.port is None else f"{self.action} {host}:{self.port}"


@dataclass(frozen=True)
class AllowList:
    """The hosts `--canned-allow-hosts` / `canned_allow_hosts` let through, as given and parsed."""

    entries: tuple[str, ...] = ()
    names: frozenset[str] = frozenset()
    networks: tuple[IPNetwork, ...] = ()

    @classmethod
    def parse(cls, given: Iterable[str]) -> AllowList:
        """Entries separated by commas or whitespace: names, IP addresses, networks (CIDR).

        Raises:
            ValueError: naming an entry that is none of these (`postgres:5432`, `10.0.0.0/33`).
        """
        entries: list[str] = []
        names: set[str] = set()
        networks: list[IPNetwork] = []
        for text in given:
            for entry in filter(None, _SEPARATORS.split(text)):
                try:
                    networks.append(ipaddress.ip_network(entry.strip("[]"), strict=False))
                except ValueError:
                    name = host_text(entry)
                    if not _HOST_NAME.match(name):
                        raise ValueError(
                            f"{entry!r} is not a host name, an IP address or a network"
                        ) from None
                    names.add(name)
                entries.append(entry)
        return cls(tuple(entries), frozenset(names), tuple(networks))


def host_text(host: object) -> str:
    """A host as a socket call was given it, as the guard compares it: text, lower-case, without
    a trailing dot."""
    if isinstance(host, (bytes, bytearray)):
        host = bytes(host).decode("ascii", "replace")
    return str(host).lower().rstrip(".")


def ip_of(host: str) -> IPAddress | None:
    """`host` as an IP address (an IPv4-mapped IPv6 address as its IPv4 one), or None for a name."""
    try:
        address = ipaddress.ip_address(host.split("%", 1)[0])  # fe80::1%eth0: drop the scope
    except ValueError:
        return None
    mapped = getattr(address, "ipv4_mapped", None)
    return mapped if mapped is not None else address


class Guard:
    """Swaps the socket functions for guarded ones and back; decides and records refusals.

    State is per process: each pytest-xdist worker installs its own guard.
    """

    def __init__(self) -> None:
        self.allow = AllowList()
        self.real: dict[str, Callable[..., Any]] = {}  # what the guarded functions call through
        self.learned: set[IPAddress] = set()  # addresses that allowed names resolved to
        self._saved: list[tuple[object, str, object]] = []
        self._attempts: list[Attempt] = []
        self._lock = threading.Lock()

    @property
    def is_installed(self) -> bool:
        return bool(self._saved)

    def install(self, allow: AllowList) -> None:
        """Wrap the socket functions as they are now (a test's spy included); once only."""
        self.allow = allow
        self.learned.clear()
        if self._saved:  # installed already: wrapping the guard in itself would recurse
            return
        for owner, name, guarded in _SEAMS:
            self._saved.append((owner, name, vars(owner).get(name, _MISSING)))
            self.real[name] = getattr(owner, name)
            setattr(owner, name, guarded)

    def uninstall(self) -> None:
        """Put back exactly what `install` found."""
        while self._saved:
            owner, name, before = self._saved.pop()
            if before is _MISSING:
                delattr(owner, name)  # it was inherited: socket.socket.connect is _socket's
            else:
                setattr(owner, name, before)
        # `real` stays filled: a thread still inside a guarded function finds the original

    def take(self) -> list[Attempt]:
        """The attempts refused since the last `take`, oldest first; the record starts afresh."""
        with self._lock:
            attempts, self._attempts = self._attempts, []
        return attempts

    def lets_through(self, host: str) -> bool:
        """Whether an Internet socket may reach `host` (compared as `host_text` gives it)."""
        address = ip_of(host)
        if address is None:
            return host in LOOPBACK_NAMES or host in self.allow.names
        return (
            address.is_loopback
            or address in self.learned
            or any(address in network for network in self.allow.networks)
        )

    def may_resolve(self, host: str, flags: int) -> bool:
        """Whether looking `host` up is allowed: it sends no DNS query, or the name is allowed."""
        return (
            not host
            or bool(flags & socket.AI_NUMERICHOST)
            or ip_of(host) is not None
            or host in LOOPBACK_NAMES
            or host in self.allow.names
        )

    def learn(self, host: str, addresses: Iterable[object]) -> None:
        """Let through the addresses an allowed name resolved to."""
        if host in self.allow.names:
            self.learned.update(address for address in map(ip_of, map(str, addresses)) if address)

    def refuse(self, attempt: Attempt, *, record: bool = True) -> NetworkBlockedError:
        """The error for `attempt`, recorded for the plugin to fail the test with."""
        if record:
            with self._lock:
                self._attempts.append(attempt)
        return self.error([attempt])

    def error(self, attempts: Sequence[Attempt], *, caught: bool = False) -> NetworkBlockedError:
        """The error naming `attempts` (each once, with a count when repeated); `caught` says the
        code under test caught their refusal and carried on."""
        counts: dict[Attempt, int] = {}
        for attempt in attempts:
            counts[attempt] = counts.get(attempt, 0) + 1
        tried = ", ".join(
            str(attempt) if count == 1 else f"{attempt} ({count} times)"
            for attempt, count in counts.items()
        )
        allowed = "loopback"
        if self.allow.entries:
            allowed += " and " + ", ".join(self.allow.entries)
        these = "this request" if len(counts) == 1 else "these requests"
        if caught:
            tried += ", and the code under test caught the refusal"
        return NetworkBlockedError(
            f"canned blocked {tried}: "
            f"the run allows only {allowed} (--canned-block-network); register a route for "
            f"{these} instead, or add the host to canned_allow_hosts"
        )


guard: Final = Guard()


def _check(sock: socket.socket, address: object, action: str) -> None:
    if sock.family in INTERNET and isinstance(address, tuple) and len(address) >= 2:
        host = host_text(address[0])
        if not guard.lets_through(host):
            raise guard.refuse(Attempt(action, host, str(address[1])))


def _connect(sock: socket.socket, address: Any) -> Any:
    _check(sock, address, "a connection to")
    return guard.real["connect"](sock, address)


def _connect_ex(sock: socket.socket, address: Any) -> Any:
    _check(sock, address, "a connection to")
    return guard.real["connect_ex"](sock, address)


def _sendto(sock: socket.socket, data: Any, *rest: Any) -> Any:
    # sendto(data, address) or sendto(data, flags, address); on TCP, MSG_FASTOPEN connects
    action = "a datagram to" if sock.type == socket.SOCK_DGRAM else "a connection to"
    _check(sock, rest[-1] if rest else None, action)  # no address: the real sendto says so
    return guard.real["sendto"](sock, data, *rest)


def _sendmsg(sock: socket.socket, buffers: Any, *rest: Any) -> Any:
    # sendmsg(buffers, ancdata, flags, address): the address is optional
    if len(rest) >= 3 and rest[2] is not None:
        _check(sock, rest[2], "a datagram to")
    return guard.real["sendmsg"](sock, buffers, *rest)


def _name_to_look_up(host: Any, port: Any, flags: int, *, record: bool = True) -> str:
    """`host` as text ("" for no host), once the guard lets it be looked up."""
    name = "" if host is None else host_text(host)
    if not guard.may_resolve(name, flags):
        shown_port = None if port is None else str(port)
        raise guard.refuse(Attempt("a DNS lookup of", name, shown_port), record=record)
    return name


def _getaddrinfo(
    host: Any, port: Any, family: int = 0, type: int = 0, proto: int = 0, flags: int = 0
) -> Any:
    name = _name_to_look_up(host, port, flags)
    infos = guard.real["getaddrinfo"](host, port, family, type, proto, flags)
    guard.learn(name, (info[4][0] for info in infos))
    return infos


# A refused gethostbyname is raised but not recorded: on macOS, urllib.request's proxy check (which
# requests calls for every request, mocked or not) looks the host up with it and ignores a failure;
# recording that would fail every test. Clients connect through getaddrinfo, which is recorded.


def _gethostbyname(hostname: Any) -> Any:
    name = _name_to_look_up(hostname, None, 0, record=False)
    address = guard.real["gethostbyname"](hostname)
    guard.learn(name, [address])
    return address


def _gethostbyname_ex(hostname: Any) -> Any:
    name = _name_to_look_up(hostname, None, 0, record=False)
    answer = guard.real["gethostbyname_ex"](hostname)
    guard.learn(name, answer[2])
    return answer


# A reverse lookup (an address to its name: `gethostbyaddr`, `getnameinfo`, and `getfqdn`, which
# calls `gethostbyaddr`) sends a DNS query even for an address: only an address or name the guard
# lets through may be looked up. Refused but not recorded, as for gethostbyname: the standard
# library asks `getfqdn()` for the machine's own name (email.utils.make_msgid, smtplib) and
# carries on without it.


def _look_back(host: Any) -> None:
    name = host_text(host)
    if not guard.lets_through(name):
        raise guard.refuse(Attempt("a reverse DNS lookup of", name, None), record=False)


def _gethostbyaddr(ip_address: Any) -> Any:
    _look_back(ip_address)
    return guard.real["gethostbyaddr"](ip_address)


def _getnameinfo(sockaddr: Any, flags: int) -> Any:
    if not flags & socket.NI_NUMERICHOST and isinstance(sockaddr, tuple) and sockaddr:
        _look_back(sockaddr[0])  # a numeric host is given back as it is: no query
    return guard.real["getnameinfo"](sockaddr, flags)


_SEAMS: Final[tuple[tuple[object, str, Callable[..., Any]], ...]] = tuple(
    seam
    for seam in (
        (socket.socket, "connect", _connect),
        (socket.socket, "connect_ex", _connect_ex),
        (socket.socket, "sendto", _sendto),
        (socket.socket, "sendmsg", _sendmsg),
        (socket, "getaddrinfo", _getaddrinfo),
        (socket, "gethostbyname", _gethostbyname),
        (socket, "gethostbyname_ex", _gethostbyname_ex),
        (socket, "gethostbyaddr", _gethostbyaddr),
        (socket, "getnameinfo", _getnameinfo),
    )
    if hasattr(seam[0], seam[1])  # sendmsg: not on Windows
)
