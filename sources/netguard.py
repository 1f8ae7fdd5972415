"""Refusing connections to non-public addresses, checked on the address actually used.

The check sits where the HTTP client opens its sockets, after DNS resolution, so neither
a redirect nor a DNS answer that changes between check and connect can reach an
internal address.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Sequence

from sources import BlockedAddressError

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

_NAT64 = ipaddress.ip_network("64:ff9b::/96")


def embedded_ipv4(address: IPAddress) -> ipaddress.IPv4Address | None:
    """The IPv4 address hidden in an IPv4-mapped, 6to4, Teredo or NAT64 IPv6 address."""
    if isinstance(address, ipaddress.IPv4Address):
        return None
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address.teredo is not None:
        return address.teredo[1]
    if address in _NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def is_allowed(address: IPAddress, allowed: Sequence[IPNetwork] = ()) -> bool:
    """True when ``address`` is public, or inside a network explicitly allowed."""
    candidates = [address]
    inner = embedded_ipv4(address)
    if inner is not None:
        candidates.append(inner)
    for candidate in candidates:
        if any(candidate in net for net in allowed):
            continue
        if not candidate.is_global or candidate.is_multicast:
            return False
    return True


def check_address(address: str, allowed: Sequence[IPNetwork] = ()) -> None:
    """Raise BlockedAddressError unless ``address`` may be connected to."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if not is_allowed(ip, allowed):
        raise BlockedAddressError(f"refusing to connect to non-public address {ip}")


def connect_checked(
    address: tuple[str, int],
    timeout: float | None = None,
    source_address: tuple[str, int] | None = None,
    *,
    allowed: Sequence[IPNetwork] = (),
    connect_timeout: float = 5.0,
) -> socket.socket:
    """Resolve the host, check every address it has, and connect to a checked one.

    Shaped like ``socket.create_connection``, which ``http.client`` calls to connect:
    ``timeout`` is the socket's timeout once connected.
    """
    host, port = address
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    for info in infos:
        check_address(str(info[4][0]), allowed)
    last_error: OSError | None = None
    for family, kind, proto, _, sockaddr in infos:
        sock = socket.socket(family, kind, proto)
        try:
            sock.settimeout(connect_timeout)
            if source_address:
                sock.bind(source_address)
            sock.connect(sockaddr)
            sock.settimeout(timeout)
            return sock
        except OSError as exc:
            sock.close()
            last_error = exc
    raise last_error or OSError(f"no address for {host}")
