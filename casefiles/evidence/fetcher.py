"""The locked fetcher of evidence capture (SECURITY.md #39): one GET of a user-given address, and nothing else.

- Only http and https, no user name or password in the address, ports left to the address.
- Every host name is resolved, and *every* address it resolves to must be a public one: private, loopback,
  link-local (cloud metadata at 169.254.169.254), shared, reserved, multicast and unspecified addresses are refused,
  IPv4 written inside IPv6 included. The connection then goes to the address that was checked (the name is not
  resolved a second time, so it cannot change in between).
- The same check runs again for every redirect, up to a fixed number of redirects.
- The whole capture has one deadline (a watchdog closes the connection when it passes, however slowly the server
  drips its bytes) and the body one size limit (refused beyond it, never truncated silently).

Loopback addresses are allowed only when the application is under test and the test asks for it explicitly
(EVIDENCE_FETCH_ALLOW_LOOPBACK): the tests capture from a server of their own on 127.0.0.1.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import threading
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

from flask_babel import lazy_gettext as _l

USER_AGENT = "Casefiles-evidence-capture/1 (+records a page as evidence for a case file)"
REDIRECTS = {301, 302, 303, 307, 308}
MAX_REDIRECT_BODY = 64 * 1024
CHUNK = 64 * 1024

# Why a capture was refused or failed: stored on the evidence row, shown translated.
REASONS = {
    "scheme": _l("Only web addresses starting with http:// or https:// can be captured."),
    "address": _l("This web address is not valid."),
    "credentials": _l("Web addresses with a user name or password cannot be captured."),
    "dns": _l("The site's name could not be found."),
    "private": _l("This address leads to a private or local network: it cannot be captured."),
    "unreachable": _l("The site could not be reached."),
    "tls": _l("The site's secure connection could not be verified."),
    "too_many_redirects": _l("The page redirects too many times."),
    "too_large": _l("The page is larger than the capture limit."),
    "too_slow": _l("The page took too long to arrive and the capture was stopped."),
    "bad_response": _l("The site sent an answer that is not valid HTTP."),
    "unsupported": _l("This kind of content cannot be rendered as evidence."),
    "render": _l("The page could not be rendered as a PDF."),
    "storage": _l("The capture could not be stored. Please try again later."),
    "error": _l("The capture failed."),
}


class FetchRefused(Exception):
    """The fetch was refused or failed; `reason` is one of REASONS."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


@dataclass(frozen=True)
class Limits:
    max_bytes: int = 10 * 1024 * 1024
    seconds: float = 20.0
    max_redirects: int = 5
    allow_loopback: bool = False


@dataclass
class Hop:
    """One request and its response: a redirect, or the captured page (the last hop)."""

    url: str
    address: str
    status: int
    reason: str
    http_version: str
    headers: list[tuple[str, str]]
    request_headers: list[tuple[str, str]]
    body: bytes = b""
    location: str = ""


@dataclass
class Fetched:
    requested_url: str
    hops: list[Hop] = field(default_factory=list)

    @property
    def final(self) -> Hop:
        return self.hops[-1]

    @property
    def final_url(self) -> str:
        return self.final.url

    def header(self, name: str) -> str:
        wanted = name.lower()
        return next((v for k, v in self.final.headers if k.lower() == wanted), "")


def allowed_address(address: str, allow_loopback: bool = False) -> bool:
    """True for a public unicast address (or a loopback one when the tests allow it)."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address):
        mapped = ip.ipv4_mapped or ip.sixtofour or (ip.teredo[1] if ip.teredo else None)
        if mapped is not None:
            ip = mapped
        elif ip in ipaddress.ip_network("64:ff9b::/96"):  # NAT64: the IPv4 address is the last 32 bits
            ip = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    if allow_loopback and ip.is_loopback:
        return True
    return bool(ip.is_global) and not ip.is_multicast and not ip.is_unspecified


def check_url(url: str) -> tuple[str, str, int, str]:
    """(scheme, host, port, path with query) of an address that may be fetched; FetchRefused otherwise."""
    url = (url or "").strip()
    if len(url) > 2000 or any(c.isspace() or ord(c) < 32 for c in url):
        raise FetchRefused("address")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as error:
        raise FetchRefused("address") from error
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise FetchRefused("scheme")
    if parts.username is not None or parts.password is not None:
        raise FetchRefused("credentials")
    host = (parts.hostname or "").rstrip(".")
    if not host:
        raise FetchRefused("address")
    path = parts.path or "/"
    if parts.query:
        path = f"{path}?{parts.query}"
    return scheme, host, port or (443 if scheme == "https" else 80), path


def resolve(host: str, port: int, allow_loopback: bool = False) -> str:
    """The address to connect to: refused unless every address the name resolves to is allowed."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise FetchRefused("dns", host) from error
    addresses = [info[4][0] for info in infos]
    if not addresses:
        raise FetchRefused("dns", host)
    for address in addresses:
        if not allowed_address(address, allow_loopback):
            raise FetchRefused("private", address)
    return addresses[0]


class _PinnedHTTP(http.client.HTTPConnection):
    """An HTTP connection to the address that was checked, whatever the name would resolve to now."""

    def __init__(self, host: str, address: str, port: int, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self.address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self.address, self.port), self.timeout)


class _PinnedHTTPS(http.client.HTTPSConnection):
    """HTTPS to the checked address, the certificate verified against the host name."""

    def __init__(self, host: str, address: str, port: int, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self.address = address

    def connect(self) -> None:
        sock = socket.create_connection((self.address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


class _Watchdog:
    """Closes the connection's socket when the deadline passes, so no read can outlive it."""

    def __init__(self, connection: http.client.HTTPConnection, seconds: float) -> None:
        self.fired = False
        self._connection = connection
        self._timer = threading.Timer(max(0.0, seconds), self._fire)
        self._timer.daemon = True
        self._timer.start()

    def _fire(self) -> None:
        self.fired = True
        sock = self._connection.sock
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def cancel(self) -> None:
        self._timer.cancel()


def _request(url: str, limits: Limits, deadline: float) -> Hop:
    scheme, host, port, path = check_url(url)
    address = resolve(host, port, limits.allow_loopback)
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise FetchRefused("too_slow")
    maker: Any = _PinnedHTTPS if scheme == "https" else _PinnedHTTP
    connection = maker(host, address, port, timeout=remaining)
    request_headers = [("User-Agent", USER_AGENT), ("Accept", "*/*"), ("Accept-Encoding", "identity")]
    watchdog = _Watchdog(connection, remaining)
    try:
        connection.putrequest("GET", path, skip_accept_encoding=True)
        for name, value in request_headers:
            connection.putheader(name, value)
        connection.endheaders()
        response = connection.getresponse()
        headers = [(k, v) for k, v in response.getheaders()]
        location = response.getheader("Location") or ""
        redirect = response.status in REDIRECTS and bool(location)
        declared = response.getheader("Content-Length") or ""
        if not redirect and declared.isdigit() and int(declared) > limits.max_bytes:
            raise FetchRefused("too_large", declared)
        bound = MAX_REDIRECT_BODY if redirect else limits.max_bytes
        body = bytearray()
        while True:
            chunk = response.read1(CHUNK) if not response.isclosed() else b""
            if not chunk:
                break
            body += chunk
            if len(body) > bound:
                if redirect:
                    del body[bound:]
                    break
                raise FetchRefused("too_large")
            if time.monotonic() > deadline:
                raise FetchRefused("too_slow")
        if watchdog.fired or time.monotonic() > deadline:
            raise FetchRefused("too_slow")
        version = {10: "HTTP/1.0", 11: "HTTP/1.1"}.get(response.version, "HTTP/1.1")
        hop = Hop(
            url=url,
            address=address,
            status=response.status,
            reason=response.reason or "",
            http_version=version,
            headers=headers,
            request_headers=[("Host", host if port in (80, 443) else f"{host}:{port}"), *request_headers],
            body=bytes(body),
            location=urljoin(url, location) if redirect else "",
        )
        return hop
    except FetchRefused:
        raise
    except ssl.SSLError as error:
        raise FetchRefused("too_slow" if watchdog.fired else "tls", type(error).__name__) from error
    except TimeoutError as error:
        raise FetchRefused("too_slow") from error
    except (http.client.HTTPException, ValueError) as error:
        raise FetchRefused("too_slow" if watchdog.fired else "bad_response", type(error).__name__) from error
    except OSError as error:
        raise FetchRefused("too_slow" if watchdog.fired else "unreachable", type(error).__name__) from error
    finally:
        watchdog.cancel()
        connection.close()


def fetch(url: str, limits: Limits) -> Fetched:
    """GET the address, following redirects within the limits; every hop's address is checked before it is used."""
    deadline = time.monotonic() + limits.seconds
    fetched = Fetched(requested_url=url)
    current = url
    for _ in range(limits.max_redirects + 1):
        hop = _request(current, limits, deadline)
        fetched.hops.append(hop)
        if not hop.location:
            return fetched
        current = hop.location
    raise FetchRefused("too_many_redirects")


def limits_from(config: Any) -> Limits:
    """The limits of the configuration; loopback only under test, when the test asks for it."""
    return Limits(
        max_bytes=int(config.get("EVIDENCE_MAX_BYTES", 10 * 1024 * 1024)),
        seconds=float(config.get("EVIDENCE_FETCH_SECONDS", 20)),
        max_redirects=int(config.get("EVIDENCE_MAX_REDIRECTS", 5)),
        allow_loopback=bool(config.get("TESTING")) and bool(config.get("EVIDENCE_FETCH_ALLOW_LOOPBACK")),
    )
