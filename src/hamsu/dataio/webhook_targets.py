"""Where a webhook may go: https (http only where the operator allows it) to public addresses.

A webhook URL is typed by a user, and Hamsu's server then connects to it: without a rule,
anyone allowed to add an endpoint could make the server reach its own admin ports, the
cloud's metadata service (169.254.169.254) or the company's intranet, and read from the
delivery log which ports answer. So the rule is checked twice:

- when the endpoint is saved (a field error, from the model field's validator, so the
  page, the API and Django's admin all refuse the same addresses), and
- at every delivery, after resolving the host name: the connection is made to the very
  address that was checked (``open_connection``), so a name that resolves to a public
  address when checked and to 127.0.0.1 a second later (DNS rebinding) gains nothing.

Redirects are never followed (a 3xx is a failed delivery), so no hop escapes the check.
Receivers on the intranet are allowed by the operator, network by network, with
``HAMSU_WEBHOOK_ALLOWED_NETWORKS``; plain http with ``HAMSU_WEBHOOK_ALLOW_HTTP``.
"""

from __future__ import annotations

import functools
import http.client
import ipaddress
import socket
import ssl
import urllib.parse
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext
from django.utils.translation import gettext_noop as noop

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# Stored in the delivery log in English and translated when the log is shown (the worker
# has no reader's language); each is also the field error when the endpoint is saved.
SCHEME_HTTPS_ONLY = noop("Only https addresses may receive webhooks.")
SCHEME_HTTP_OR_HTTPS = noop("Only http and https addresses may receive webhooks.")
NO_HOST = noop("The address has no host name.")
CREDENTIALS = noop("Put no user name or password in the address; verify the signature header instead.")
BAD_PORT = noop("The port of the address is not a number between 1 and 65535.")
UNRESOLVED = noop("The host name could not be resolved.")
NOT_PUBLIC = noop(
    "The host is not a public internet address (private, loopback, link-local or reserved). "
    "An administrator can allow intranet receivers with HAMSU_WEBHOOK_ALLOWED_NETWORKS."
)
REDIRECT = noop("The receiver answered with a redirect; webhooks do not follow redirects.")


class TargetRefused(Exception):
    """The URL may not receive webhooks; ``message`` is one of the texts above (English)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str  # as typed (for the Host header and the TLS certificate check)
    port: int
    path: str  # path and query, as sent in the request line
    addresses: tuple[IPAddress, ...]  # every address the host resolved to, each checked


def permitted_schemes() -> frozenset[str]:
    return frozenset({"https", "http"} if settings.HAMSU_WEBHOOK_ALLOW_HTTP else {"https"})


@functools.cache
def _networks(spec: tuple[str, ...]) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(item, strict=False) for item in spec)


def allowed_networks() -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return _networks(tuple(settings.HAMSU_WEBHOOK_ALLOWED_NETWORKS))


def _embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 one carries (mapped ::ffff:a.b.c.d, 6to4, NAT64
    64:ff9b::/96, the deprecated IPv4-compatible ::a.b.c.d): a packet to it may end at
    that IPv4 address, so that is the one to judge."""
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address in ipaddress.IPv6Network("64:ff9b::/96") or address in ipaddress.IPv6Network("::/96"):
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def is_public(address: IPAddress) -> bool:
    if isinstance(address, ipaddress.IPv6Address):
        embedded = _embedded_ipv4(address)
        if embedded is not None:
            return is_public(embedded)
        if address.teredo is not None or address.is_site_local:
            return False
    return address.is_global and not (
        address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
    )


def address_permitted(address: IPAddress) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped  # so an allow-listed IPv4 network covers its mapped form
    return is_public(address) or any(address in network for network in allowed_networks())


def resolve(host: str, port: int) -> tuple[IPAddress, ...]:
    """Every address of ``host`` (an IP literal in any spelling — 2130706433, 0x7f.1 —
    comes back as the address the system would really connect to)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError, OSError) as failure:
        raise TargetRefused(UNRESOLVED) from failure
    addresses: list[IPAddress] = []
    for _family, _type, _proto, _name, sockaddr in infos:
        address = ipaddress.ip_address(sockaddr[0].split("%", 1)[0])
        if address not in addresses:
            addresses.append(address)
    if not addresses:
        raise TargetRefused(UNRESOLVED)
    return tuple(addresses)


def check_url(url: str) -> Target:
    """The URL's target with every address it resolves to checked; ``TargetRefused`` when
    any of them may not be reached (a name with one internal address is refused whole)."""
    parts = urllib.parse.urlsplit(url.strip())
    scheme = parts.scheme.lower()
    if scheme not in permitted_schemes():
        raise TargetRefused(SCHEME_HTTP_OR_HTTPS if settings.HAMSU_WEBHOOK_ALLOW_HTTP else SCHEME_HTTPS_ONLY)
    if parts.username is not None or parts.password is not None:
        raise TargetRefused(CREDENTIALS)
    host = parts.hostname
    if not host:
        raise TargetRefused(NO_HOST)
    try:
        port = parts.port or (443 if scheme == "https" else 80)
    except ValueError as failure:
        raise TargetRefused(BAD_PORT) from failure
    if not 0 < port < 65536:
        raise TargetRefused(BAD_PORT)
    addresses = resolve(host, port)
    if not all(address_permitted(address) for address in addresses):
        raise TargetRefused(NOT_PUBLIC)
    path = parts.path or "/"
    if parts.query:
        path = f"{path}?{parts.query}"
    return Target(scheme=scheme, host=host, port=port, path=path, addresses=addresses)


def validate_webhook_url(value: str) -> None:
    """The model field's validator: the save-time half of the rule, as a field error."""
    try:
        URLValidator()(value)
    except ValidationError:
        return  # not a URL at all: the field's own validator says so, once
    try:
        check_url(value)
    except TargetRefused as refused:
        raise ValidationError(gettext(refused.message), code="webhook_target") from refused


# ---------------------------------------------------------------- connecting


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Connects to the checked address, never to a fresh resolution of the host name."""

    def __init__(self, target: Target, address: IPAddress, timeout: float):
        super().__init__(target.host, target.port, timeout=timeout)
        self._address = address

    def connect(self):
        self.sock = socket.create_connection((str(self._address), self.port), self.timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """TLS to the checked address; the certificate is still verified for the host name."""

    def __init__(self, target: Target, address: IPAddress, timeout: float, context: ssl.SSLContext):
        super().__init__(target.host, target.port, timeout=timeout, context=context)
        self._address = address

    def connect(self):
        sock = socket.create_connection((str(self._address), self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def post(target: Target, body: bytes, headers: dict[str, str], *, timeout: float) -> int:
    """POST ``body`` to the target and return the status code (the body is not read).

    Each checked address is tried in turn until one accepts the connection; a redirect is
    returned as its status, never followed."""
    last_error: OSError | None = None
    for address in target.addresses:
        if target.scheme == "https":
            connection: http.client.HTTPConnection = _PinnedHTTPSConnection(
                target, address, timeout, ssl.create_default_context()
            )
        else:
            connection = _PinnedHTTPConnection(target, address, timeout)
        try:
            try:
                connection.connect()
            except OSError as failure:
                last_error = failure
                continue
            connection.request("POST", target.path, body=body, headers=headers)
            return connection.getresponse().status
        finally:
            connection.close()
    assert last_error is not None
    raise last_error
