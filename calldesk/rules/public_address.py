"""The web front's public address: the site constituents reach (the agency's TLS proxy), from which their status
links are made, and the host names the web front answers to. A link is never made from a request's Host header:
whoever sends a forged one would get a link to their own site printed by calldesk."""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from calldesk.errors import InvalidInput

EVERY_ADDRESS = ("", "0.0.0.0", "::")  # a listening host that is no one address: nobody's links can name it
_PORT = re.compile(r":\d{1,5}$")


@dataclass(frozen=True)
class PublicAddress:
    """`origin`: scheme, host and port as links start ("https://requests.example.org"); `hosts`: the host names
    (lower case, an IPv6 address without brackets) a request may name in its Host header."""

    origin: str
    hosts: frozenset[str]

    def link(self, path: str) -> str:
        """The absolute address of `path` ("/status/...") on the public site."""
        return self.origin + path

    def answers(self, host_header: str | None) -> bool:
        """Whether a request naming `host_header` (its port, if any, aside) is one for this site."""
        return host_name(host_header or "") in self.hosts


def host_name(host_header: str) -> str:
    """The host a Host header names, without its port, brackets or a final dot, in lower case ("" if none)."""
    text = host_header.strip().lower()
    if text.startswith("["):
        return text[1:text.index("]")] if "]" in text else ""
    return _PORT.sub("", text).rstrip(".")


def _loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def _listened(host: str) -> set[str]:
    """The names a request sent straight to the listening address may give (not to the proxy)."""
    if host in EVERY_ADDRESS:
        return set()
    return {host.lower(), "localhost"} if _loopback(host) else {host.lower()}


def public_address(url: str, *, listen_host: str, listen_port: int) -> PublicAddress:
    """The public address `url` names (`calldesk serve --public-url`), or, when it is empty, the address listened
    on (a desk serving its own machine); InvalidInput (field public_url) if `url` is not a site's address, or if
    it is empty while the web front listens on every address (then no address is known to be the public one)."""
    listened = _listened(listen_host)
    if not url.strip():
        if not listened:
            raise InvalidInput(f"Listening on every address ({listen_host or 'all'}) needs --public-url: the address "
                               "constituents reach the site at, which their status links name.", field="public_url")
        shown = f"[{listen_host}]" if ":" in listen_host else listen_host
        return PublicAddress(f"http://{shown.lower()}:{listen_port}", frozenset(listened))
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        parts, port = None, None
    if parts is None or parts.scheme not in ("http", "https") or not parts.hostname or parts.username is not None \
            or parts.path not in ("", "/") or parts.query or parts.fragment:
        raise InvalidInput(f"--public-url {url[:80]!r} is not a site's address: give its scheme and host name, such "
                           "as https://requests.example.org/ (no path, query or user).", field="public_url")
    host = parts.hostname.rstrip(".")
    shown = f"[{host}]" if ":" in host else host
    origin = f"{parts.scheme}://{shown}" + (f":{port}" if port is not None else "")
    return PublicAddress(origin, frozenset({host, *listened}))
