"""``gradtui serve``: the app in a web browser, one app process per browser tab.

textual-serve runs a command for each browser connection and relays its terminal over a
websocket to xterm.js. Everything the page loads comes from this server: the page template
beside this module replaces textual-serve's own, which fetches a font from a CDN, with the
copy of that font shipped inside textual-serve.
"""

from __future__ import annotations

import errno
import ipaddress
import logging
import os
import shlex
import socket
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
TEMPLATES = Path(__file__).with_name("templates")
PAGE = "serve.html"


class ServeError(Exception):
    """A host, port or folder the server cannot use: one message, exit status 2."""


def app_command(lesson_dirs: Sequence[str] = ()) -> str:
    """The shell command each browser session runs: this interpreter, the same lesson folders.

    ``exec`` lets the app replace the shell that textual-serve starts it with; ``-P`` keeps a
    folder named ``gradtui`` in the server's working directory from shadowing the package.
    """
    argv = [sys.executable, "-P", "-m", "gradtui"]
    for folder in lesson_dirs:
        argv += ["--lessons", os.path.abspath(folder)]
    return "exec " + shlex.join(argv)


def is_loopback(host: str) -> bool:
    """Whether ``host`` only accepts connections from this machine."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        infos = _resolve(host, DEFAULT_PORT)
        return all(ipaddress.ip_address(info[4][0]).is_loopback for info in infos)


def _resolve(host: str, port: int) -> list[Any]:
    try:
        return socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as err:
        reason = getattr(err, "strerror", None) or str(err)
        raise ServeError(
            f"--host '{host}' is not an address or a name that resolves ({reason})"
        ) from None


def check_address(host: str, port: int) -> None:
    """Fail with a clear message unless ``host:port`` can be listened on right now."""
    if not host.strip():
        raise ServeError("--host is empty (use 127.0.0.1 for this computer only)")
    for family, kind, proto, _, address in _resolve(host, port):
        with socket.socket(family, kind, proto) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind(address)
            except OSError as err:
                raise ServeError(_bind_message(host, port, err)) from None


def _bind_message(host: str, port: int, err: OSError) -> str:
    where = f"cannot listen on {host}:{port}"
    if err.errno == errno.EADDRINUSE:
        return f"{where}: the port is already in use (choose another with --port)"
    if err.errno == errno.EACCES:
        return f"{where}: permission denied (ports below 1024 need administrator rights)"
    if err.errno == errno.EADDRNOTAVAIL:
        return f"{where}: {host} is not an address of this computer"
    return f"{where}: {err.strerror or err}"


def banner(host: str, port: int) -> str:
    """What the server prints once it listens: where, who can connect, how to stop."""
    url = f"http://{_url_host(host)}:{port}"
    lines = [f"gradtui: serving the app at {url} (each browser tab runs its own app)"]
    if is_loopback(host):
        lines.append(
            "Only this computer can connect. To let learners on your network connect, "
            "add --host 0.0.0.0."
        )
    else:
        if ipaddress.ip_address(_first_address(host, port)).is_unspecified:
            lines[0] = (
                f"gradtui: serving the app on port {port} of every network address of this "
                f"computer, e.g. http://{socket.gethostname()}:{port}"
            )
        lines.append(
            f"WARNING: --host {host} is reachable from the network: anyone who can reach this "
            "computer can open the app, which runs on this computer as you. Use it only on a "
            "network you trust, and stop the server (Ctrl+C) after the workshop."
        )
    lines.append(
        "Progress is saved in this computer's gradtui data folder, shared by every tab. "
        "Press Ctrl+C to stop."
    )
    return "\n".join(lines)


def _first_address(host: str, port: int) -> str:
    try:
        return str(ipaddress.ip_address(host))
    except ValueError:
        return _resolve(host, port)[0][4][0]


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host


def serve(host: str = DEFAULT_HOST, port: int = DEFAULT_PORT, lesson_dirs: Sequence[str] = ()):
    """Check the address and folders, print the banner, and serve until interrupted."""
    for folder in lesson_dirs:
        if not Path(folder).is_dir():
            raise ServeError(f"--lessons {folder}: no such folder")
    check_address(host, port)
    server = _make_server(app_command(lesson_dirs), host, port)
    try:
        server.serve()
    except OSError as err:  # lost the port between the check and the start
        raise ServeError(_bind_message(host, port, err)) from None


def _make_server(command: str, host: str, port: int):
    import aiohttp_jinja2
    from aiohttp import web
    from textual_serve.server import Server

    class GradServer(Server):
        """textual-serve's server with gradtui's page, messages and a count of open apps."""

        sessions = 0

        def initialize_logging(self) -> None:
            super().initialize_logging()
            # one line per browser session (below) instead of one per HTTP request
            logging.getLogger("aiohttp.access").setLevel(logging.WARNING)

        async def on_startup(self, app: web.Application) -> None:
            print(banner(host, port), flush=True)

        async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
            self.sessions += 1
            print(f"a browser connected from {request.remote}: {self.sessions} open", flush=True)
            try:
                return await super().handle_websocket(request)
            finally:
                self.sessions -= 1
                print(f"a browser session ended: {self.sessions} open", flush=True)

        @aiohttp_jinja2.template(PAGE)
        async def handle_index(self, request: web.Request) -> dict[str, Any]:
            # URLs from the Host header the browser used, so a learner who typed this
            # computer's name or address reaches the websocket even when bound to 0.0.0.0.
            origin = f"{request.host}"
            secure = request.scheme == "https"
            return {
                "title": "gradtui",
                "font_size": min(max(_int(request.query.get("fontsize"), 16), 6), 48),
                "static_url": "/static/",
                "websocket_url": f"{'wss' if secure else 'ws'}://{origin}/ws",
            }

    return GradServer(command, host=host, port=port, title="gradtui", templates_path=TEMPLATES)


def _int(text: str | None, default: int) -> int:
    try:
        return int(text) if text is not None else default
    except ValueError:
        return default
