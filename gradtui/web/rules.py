"""What ``gradtui serve`` accepts from a browser, as plain functions (no aiohttp): which pages
may open a session (Origin), which names the server answers to (Host), the terminal sizes and
messages it passes on to an app, and log lines that never show a learner's token.

Everything a browser sends is untrusted: a page on another site can make a learner's browser
connect, and anyone who can reach the port can send anything at all.
"""

from __future__ import annotations

import ipaddress
import json
import logging
import math
import re
import socket
from collections.abc import Iterable
from urllib.parse import urlsplit

from gradtui.safe_text import clean
from gradtui.web.serve import LEARNER_COOKIE

MIN_COLUMNS, MAX_COLUMNS = 20, 500
MIN_ROWS, MAX_ROWS = 6, 200
MAX_MESSAGE_BYTES = 64 * 1024  # one websocket message: a long paste fits, a flood does not
MAX_PING_CHARS = 64
_DEFAULT_PORTS = {"http": 80, "https": 443, "ws": 80, "wss": 443}
COOKIE_PAIR = re.compile(rf"({LEARNER_COOKIE}=)[^;,()\s'\"]*")


# --- terminal sizes ---------------------------------------------------------------------------


def clamp_size(width: object, height: object, default: tuple[int, int] = (80, 24)):
    """``(columns, rows)`` within MIN..MAX; a value that is not a finite number (a string from
    the URL that is not a whole number, a JSON ``true``, ``NaN``) gives ``None``."""
    columns, rows = _number(width), _number(height)
    if columns is None or rows is None:
        return None
    return (
        min(max(columns, MIN_COLUMNS), MAX_COLUMNS),
        min(max(rows, MIN_ROWS), MAX_ROWS),
    )


def initial_size(width: str | None, height: str | None) -> tuple[int, int]:
    """The size the page asks for in its URL (``?width=..&height=..``), clamped; 80×24 when a
    value is missing or not a whole number."""
    size = clamp_size(_whole(width, 80), _whole(height, 24))
    assert size is not None  # _whole always gives an int
    return size


def font_size(text: str | None) -> int:
    """The page's font size from its URL (``?fontsize=..``): 6 to 48 pixels, 16 by default."""
    return min(max(_whole(text, 16), 6), 48)


def _whole(text: str | None, default: int) -> int:
    try:
        return int(text) if text is not None and len(text) < 12 else default
    except ValueError:
        return default


def _number(value: object) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return int(value)


# --- messages from the page -------------------------------------------------------------------


def parse_message(text: str) -> tuple | None:
    """One message of textual-serve's page as a tuple the server acts on, or ``None`` for
    anything else (not JSON, too deep, an unknown kind, a field of the wrong type):

    ``("stdin", str)``, ``("resize", columns, rows)`` (clamped), ``("ping", str | number)``,
    ``("blur",)``, ``("focus",)``.
    """
    try:
        envelope = json.loads(text)
    except (ValueError, RecursionError):
        return None
    if not isinstance(envelope, list) or not envelope or not isinstance(envelope[0], str):
        return None
    kind, data = envelope[0], envelope[1] if len(envelope) > 1 else None
    if kind == "stdin" and isinstance(data, str):
        return ("stdin", data)
    if kind == "resize" and isinstance(data, dict):
        size = clamp_size(data.get("width"), data.get("height"))
        return None if size is None else ("resize", *size)
    if kind == "ping" and _is_ping(data):
        return ("ping", data)
    if kind in ("blur", "focus"):
        return (kind,)
    return None


def _is_ping(data: object) -> bool:
    if isinstance(data, str):
        return len(data) <= MAX_PING_CHARS
    return _number(data) is not None


# --- who may connect --------------------------------------------------------------------------


def same_origin(origin: str | None, scheme: str, host: str) -> bool:
    """Whether a request's ``Origin`` header names the page this server served for its
    ``Host``: same scheme, host name and port. A missing Origin (not a browser) or ``null``
    (a sandboxed or file page) is not the page."""
    if not origin:
        return False
    theirs, ours = _origin_parts(origin), _origin_parts(f"{scheme}://{host}")
    return theirs is not None and theirs == ours


def _origin_parts(url: str) -> tuple[str, str, int] | None:
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or not parts.hostname or parts.path not in ("", "/"):
        return None
    if parts.username is not None or parts.query or parts.fragment:
        return None
    return scheme, parts.hostname.lower(), port or _DEFAULT_PORTS[scheme]


def host_name(host_header: str) -> str | None:
    """The name or address in a ``Host`` header, lower case, without port or brackets."""
    parts = _origin_parts(f"http://{host_header}")
    return None if parts is None else parts[1]


def host_allowed(host_header: str, bound_host: str, loopback: bool, names: Iterable[str]) -> bool:
    """Whether the server answers to the name the browser used (against DNS rebinding, where a
    page on another site makes its own name point at this computer).

    Bound to this computer only (``loopback``): loopback addresses and ``localhost``.
    Bound to the network: any IP address, ``localhost``, ``bound_host`` and ``names`` (this
    computer's names).
    """
    name = host_name(host_header)
    if name is None:
        return False
    try:
        address = ipaddress.ip_address(name)
    except ValueError:
        address = None
    if address is not None:
        return address.is_loopback or not loopback
    if name == "localhost":
        return True
    allowed = {bound_host.lower(), *(n.lower() for n in names)}
    return not loopback and name in allowed


def this_computers_names() -> set[str]:
    """The names a learner may type for this computer: its host name, fully qualified name and
    ``<name>.local`` (mDNS)."""
    short = socket.gethostname()
    names = {short, f"{short}.local", socket.getfqdn()}
    return {name.lower() for name in names if name}


# --- the server's log -------------------------------------------------------------------------


class OneLineFormatter(logging.Formatter):
    """Log records as one line each: an exception as its type and first line, never a
    traceback or its local variables; cookie values and the given tokens redacted; control
    characters removed, so a browser's text cannot drive the teacher's terminal."""

    def __init__(self, secrets: Iterable[str] = ()):
        super().__init__("%(message)s")
        self.secrets = secrets  # a live collection: the tokens of the sessions now open

    def format(self, record: logging.LogRecord) -> str:
        message = record.getMessage()
        if record.exc_info and record.exc_info[1] is not None:
            error = record.exc_info[1]
            detail = str(error).strip().splitlines()
            message += f" ({type(error).__name__}{': ' + detail[0] if detail else ''})"
        return redact(message, self.secrets)


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    """``text`` on one line with the learner cookie's value and each of ``secrets`` replaced by
    ``<token>``, and the characters a terminal acts on removed (``safe_text.clean``)."""
    text = COOKIE_PAIR.sub(r"\1<token>", text)
    for secret in secrets:
        if secret:
            text = text.replace(secret, "<token>")
    return clean(text, one_line=True)
