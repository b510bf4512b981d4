"""A listening socket for the servers calldesk runs (`calldesk serve`, `calldesk phone listen`): bound before the
server starts, so a port in use or an address that is not one is refused in one line, and port 0 picks a free port
(printed, as the tests and benchmarks use it)."""

from __future__ import annotations

import socket

from calldesk.errors import InvalidInput


def bound_socket(host: str, port: int, *, backlog: int = 2048) -> socket.socket:
    """A socket listening on host:port, IPv4 or IPv6 as the address says; refused (InvalidInput) if it cannot be."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM,
                                                             flags=socket.AI_PASSIVE)[0]
        sock = socket.socket(family, kind, proto)
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.bind(address)
            sock.listen(backlog)
        except OSError:
            sock.close()
            raise
    except (OSError, UnicodeError, TypeError, ValueError) as exc:  # no such address; a name no resolver takes
        reason = getattr(exc, "strerror", None) or "not an address of this machine"
        raise InvalidInput(f"Cannot listen on {host[:80]}:{port}: {reason}.", field="host") from None
    return sock
