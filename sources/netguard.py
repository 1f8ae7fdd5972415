"""Which addresses keepwarm may connect to: public ones, and networks the operator opened.

The rules are plain functions over addresses; ``sources.transport`` applies them where
httpx opens its sockets, after DNS resolution, so neither a redirect nor a DNS answer that
changes between check and connect can reach an internal address.

Public means ``ipaddress``'s ``is_global`` and none of the special-purpose ranges below
(IANA's IPv4 and IPv6 special-purpose registries, checked December 2026: everything there
that is not globally reachable, plus deprecated and documentation ranges the standard
library of Python 3.11 still calls global). IPv6 addresses that carry an IPv4 address
(IPv4-mapped, 6to4, Teredo, NAT64) are judged by the IPv4 address inside as well.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Sequence

from sources import BlockedAddressError

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

_NAT64 = ipaddress.ip_network("64:ff9b::/96")
BLOCKED: tuple[IPNetwork, ...] = tuple(
    ipaddress.ip_network(network)
    for network in (
        "0.0.0.0/8",  # "this network"
        "10.0.0.0/8",
        "100.64.0.0/10",  # shared address space (carrier-grade NAT)
        "127.0.0.0/8",
        "169.254.0.0/16",
        "172.16.0.0/12",
        "192.0.0.0/24",  # IETF protocol assignments
        "192.0.2.0/24",  # documentation
        "192.88.99.0/24",  # 6to4 relay anycast (deprecated)
        "192.168.0.0/16",
        "198.18.0.0/15",  # benchmarking
        "198.51.100.0/24",
        "203.0.113.0/24",
        "224.0.0.0/4",  # multicast
        "240.0.0.0/4",  # reserved, and the limited broadcast address
        "::/96",  # unspecified, loopback and IPv4-compatible (deprecated)
        "::ffff:0:0:0/96",  # IPv4-translated (SIIT)
        "64:ff9b:1::/48",  # local-use IPv4/IPv6 translation
        "100::/64",  # discard-only
        "100:0:0:1::/64",  # dummy prefix
        "2001::/23",  # IETF protocol assignments, Teredo among them
        "2001:db8::/32",  # documentation
        "3fff::/20",  # documentation
        "5f00::/16",  # segment routing (SRv6) SIDs
        "fc00::/7",  # unique local
        "fe80::/10",  # link-local
        "fec0::/10",  # site-local (deprecated)
        "ff00::/8",  # multicast
    )
)


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


def is_public(address: IPAddress) -> bool:
    """True when ``address`` is globally reachable and in no special-purpose range."""
    if not address.is_global or address.is_multicast:
        return False
    return not any(address in net for net in BLOCKED)


def is_allowed(address: IPAddress, allowed: Sequence[IPNetwork] = ()) -> bool:
    """True when ``address`` is public, or inside a network explicitly allowed."""
    candidates = [address]
    inner = embedded_ipv4(address)
    if inner is not None:
        candidates.append(inner)
    for candidate in candidates:
        if any(candidate in net for net in allowed):
            continue
        if not is_public(candidate):
            return False
    return True


def check_address(address: str, allowed: Sequence[IPNetwork] = ()) -> None:
    """Raise BlockedAddressError unless ``address`` may be connected to."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if not is_allowed(ip, allowed):
        raise BlockedAddressError(f"refusing to connect to non-public address {ip}")


def resolve_checked(host: str, port: int, allowed: Sequence[IPNetwork] = ()) -> list[str]:
    """The addresses of ``host``, in the resolver's order; BlockedAddressError if any of
    them may not be connected to (a name that points inside, even in part, is refused)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
    for address in addresses:
        check_address(address, allowed)
    return addresses
