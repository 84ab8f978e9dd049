"""Which addresses a webhook may be sent to: HTTPS on the public internet only (no SSRF).

Checked when an administrator saves the address (a clear message) and again, after a fresh DNS
lookup, just before every request, so a name later pointed at a private address is refused too.
Plain http:// to this machine is allowed only with WEBHOOKS_ALLOW_LOCAL_HTTP (tests, local
development), which production refuses to start with.
"""
from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from flask import current_app

URL_MAX = 500
LOCAL_NAMES = {"localhost", "127.0.0.1", "::1"}


class AddressRefused(ValueError):
    """The address may not receive webhooks; the message says why, for the administrator."""


def _allow_local() -> bool:
    return bool(current_app.config.get("WEBHOOKS_ALLOW_LOCAL_HTTP"))


def _resolved(host: str, port: int) -> list[ipaddress.IPv4Address | ipaddress.IPv6Address]:
    try:
        return [ipaddress.ip_address(host)]
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError):
        raise AddressRefused(f"We could not find {host}: check the address.") from None
    return [ipaddress.ip_address(info[4][0].split("%", 1)[0]) for info in infos]


def _public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_global and not address.is_multicast


def check(url: str, resolve: bool = True) -> str:
    """The address, tidied, if webhooks may go there; AddressRefused with the reason otherwise."""
    url = (url or "").strip()
    if not url:
        raise AddressRefused("Enter the address of your endpoint.")
    if len(url) > URL_MAX:
        raise AddressRefused(f"The address must be {URL_MAX} characters or fewer.")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise AddressRefused("Enter a full web address, like https://hr.example.gov.uk/cswjobs/webhooks.") from None
    host = (parts.hostname or "").lower()
    if parts.scheme not in ("https", "http") or not host:
        raise AddressRefused("Enter a full web address, like https://hr.example.gov.uk/cswjobs/webhooks.")
    if parts.username or parts.password:
        raise AddressRefused("The address must not contain a user name or password: your endpoint checks the "
                             "signature instead.")
    if parts.fragment:
        raise AddressRefused("The address must not contain a # fragment.")
    local = host in LOCAL_NAMES
    if local and _allow_local():
        return url
    if parts.scheme != "https":
        raise AddressRefused("The address must start with https:// so events are encrypted on their way.")
    if not resolve:
        return url
    addresses = _resolved(host, port or 443)
    if not addresses or not all(_public(a) for a in addresses):
        raise AddressRefused(f"{host} is a private, local or reserved address: webhooks go only to addresses on "
                             "the public internet.")
    return url
