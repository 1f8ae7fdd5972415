"""Which addresses keepwarm may connect to."""

from __future__ import annotations

import ipaddress

import pytest

from sources import BlockedAddressError, PermanentError
from sources.netguard import check_address, embedded_ipv4, is_allowed

LOOPBACK_ALLOWED = [ipaddress.ip_network("127.0.0.0/8")]

REFUSED = [
    "127.0.0.1",
    "127.255.255.254",
    "10.0.0.1",
    "10.255.255.255",
    "172.16.0.1",
    "172.31.255.255",
    "192.168.0.1",
    "192.168.255.255",
    "169.254.169.254",
    "100.64.0.1",
    "0.0.0.0",
    "224.0.0.1",
    "239.255.255.250",
    "255.255.255.255",
    "::",
    "::1",
    "fe80::1",
    "fc00::1",
    "fd12:3456::1",
    "ff02::1",
    "::ffff:127.0.0.1",
    "::ffff:10.0.0.1",
    "::ffff:169.254.169.254",
    "2002:7f00:0001::",
    "2002:a00:1::",
    "64:ff9b::7f00:1",
    "64:ff9b::a9fe:a9fe",
    "2001:0:4136:e378:8000:63bf:80ff:fffe",  # Teredo
    "::7f00:1",  # IPv4-compatible (deprecated) loopback
    "::808:808",  # IPv4-compatible, even of a public address
    "fec0::1",  # site-local (deprecated)
    "64:ff9b:1::1",  # local-use NAT64
    "::ffff:0:808:808",  # IPv4-translated (SIIT)
    "100::1",  # discard-only
    "2001:db8::1",
    "3fff::1",  # documentation (2024)
    "5f00::1",  # SRv6 SIDs
    "192.0.0.9",
    "192.0.2.1",
    "192.88.99.1",  # 6to4 relay anycast
    "198.18.0.1",  # benchmarking
    "198.51.100.1",
    "203.0.113.1",
    "240.0.0.1",
]
PUBLIC = [
    "8.8.8.8",
    "1.1.1.1",
    "172.32.0.1",
    "2606:4700:4700::1111",
    "::ffff:8.8.8.8",
    "2002:808:808::",
    "64:ff9b::808:808",
]


@pytest.mark.parametrize("address", REFUSED)
def test_non_public_addresses_are_refused(address: str) -> None:
    assert not is_allowed(ipaddress.ip_address(address))
    with pytest.raises(BlockedAddressError, match="non-public"):
        check_address(address)


@pytest.mark.parametrize("address", PUBLIC)
def test_public_addresses_are_allowed(address: str) -> None:
    assert is_allowed(ipaddress.ip_address(address))
    check_address(address)


def test_blocked_address_is_a_permanent_error() -> None:
    with pytest.raises(PermanentError):
        check_address("10.0.0.1")


@pytest.mark.parametrize("address", ["fe80::1%eth0", "fe80::1%2"])
def test_scoped_ipv6_address_is_checked_without_its_zone(address: str) -> None:
    with pytest.raises(BlockedAddressError):
        check_address(address)


@pytest.mark.parametrize(
    ("address", "allowed"),
    [
        ("127.0.0.1", True),
        ("127.1.2.3", True),
        ("10.0.0.1", False),
        ("192.168.1.1", False),
        ("169.254.169.254", False),
        ("::1", False),
        ("8.8.8.8", True),
    ],
)
def test_allowed_networks_open_only_themselves(address: str, allowed: bool) -> None:
    assert is_allowed(ipaddress.ip_address(address), LOOPBACK_ALLOWED) is allowed


def test_check_address_honours_allowed_networks() -> None:
    check_address("127.0.0.1", LOOPBACK_ALLOWED)
    with pytest.raises(BlockedAddressError):
        check_address("10.0.0.1", LOOPBACK_ALLOWED)


def test_allowing_one_private_range_does_not_open_an_ipv6_wrapper_of_another() -> None:
    allowed = [ipaddress.ip_network("127.0.0.0/8")]

    assert not is_allowed(ipaddress.ip_address("::ffff:10.0.0.1"), allowed)
    assert not is_allowed(ipaddress.ip_address("64:ff9b::a00:1"), allowed)


@pytest.mark.parametrize(
    ("address", "inner"),
    [
        ("::ffff:127.0.0.1", "127.0.0.1"),
        ("2002:7f00:0001::", "127.0.0.1"),
        ("64:ff9b::7f00:1", "127.0.0.1"),
        ("2001:0:4136:e378:8000:63bf:80ff:fffe", "127.0.0.1"),
        ("2606:4700:4700::1111", None),
        ("8.8.8.8", None),
    ],
)
def test_embedded_ipv4(address: str, inner: str | None) -> None:
    expected = ipaddress.IPv4Address(inner) if inner else None

    assert embedded_ipv4(ipaddress.ip_address(address)) == expected


@pytest.mark.parametrize("address", ["not-an-ip", "999.1.1.1", ""])
def test_check_address_rejects_garbage(address: str) -> None:
    with pytest.raises(ValueError):
        check_address(address)
