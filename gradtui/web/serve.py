"""``gradtui serve``: the app in a web browser, one app process per browser tab.

This module holds what runs before the server starts (address checks, the banner, the command
each browser session runs); ``gradtui.web.server`` is the server itself, built on textual-serve,
which runs a command for each browser connection and relays its terminal to xterm.js.

Each browser keeps its own progress: the page gives it a random token in a cookie, and the
apps started for that browser save progress under ``<data folder>/browsers/<token>``.

Each app is also told the one folder its learner's files may be in (``gradtui.io.files``): the
CSV import, exported scripts and screenshots. By default it is ``<data folder>/browsers/
<token>/files``, a folder of that browser's own; ``--files DIR`` names one folder for every
browser (the teacher's CSV files for the workshop, say).
"""

from __future__ import annotations

import errno
import ipaddress
import os
import re
import secrets
import shlex
import socket
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
DEFAULT_MAX_SESSIONS = 20  # a workshop room; each session is an app process of about 250 MB
MAX_SESSIONS_LIMIT = 1000
LEARNER_COOKIE = "gradtui_learner"
_TOKEN = re.compile(r"[A-Za-z0-9_-]{16,64}")


class ServeError(Exception):
    """A host, port or folder the server cannot use: one message, exit status 2."""


def app_command(
    lesson_dirs: Sequence[str] = (), data_home: Path | None = None, files: Path | None = None
) -> str:
    """The shell command each browser session runs: this interpreter, the same lesson folders,
    ``data_home`` as the app's data folder (progress) and ``files`` as the only folder its
    file dialogs, exports and screenshots may use, when given.

    ``exec`` lets the app replace the shell that textual-serve starts it with; ``-P`` keeps a
    folder named ``gradtui`` in the server's working directory from shadowing the package.
    """
    argv = [sys.executable, "-P", "-m", "gradtui"]
    for folder in lesson_dirs:
        argv += ["--lessons", os.path.abspath(folder)]
    from gradtui.io.files import ENV_FILES
    from gradtui.io.paths import ENV_DIR

    setup = ""
    for name, folder in ((ENV_DIR, data_home), (ENV_FILES, files)):
        if folder is not None:
            setup += f"export {name}={shlex.quote(str(folder))}; "
    return setup + "exec " + shlex.join(argv)


def learner_token(cookie: str | None) -> str:
    """The token a browser sent in its cookie, or a fresh one if it sent none or a strange one
    (the token names a folder, so only letters, digits, ``-`` and ``_`` pass)."""
    if cookie and _TOKEN.fullmatch(cookie):
        return cookie
    return secrets.token_urlsafe(24)


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


def banner(
    host: str,
    port: int,
    browsers_dir: Path,
    max_sessions: int = DEFAULT_MAX_SESSIONS,
    files_dir: Path | None = None,
) -> str:
    """What the server prints once it listens: where, who can connect, how many, how to stop."""
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
            "network you trust, and stop the server (Ctrl+C) after the workshop. The connection "
            "is not encrypted."
        )
    lines.append(
        f"At most {max_sessions} browser tabs at once (--max-sessions); each runs its own app "
        "of about 250 MB."
    )
    lines.append(f"Each browser keeps its own progress, under {browsers_dir}")
    if files_dir is None:
        lines.append(
            "The app reads and writes a learner's files (CSV imports, exported scripts, "
            f"screenshots) only in that browser's own folder, {browsers_dir}/<browser>/files"
        )
    else:
        lines.append(
            "The app reads and writes learners' files (CSV imports, exported scripts, "
            f"screenshots) only in {files_dir} (--files): every browser sees and writes it"
        )
    lines.append("Press Ctrl+C to stop.")
    return "\n".join(lines)


def _first_address(host: str, port: int) -> str:
    try:
        return str(ipaddress.ip_address(host))
    except ValueError:
        return _resolve(host, port)[0][4][0]


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host


def serve(
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    lesson_dirs: Sequence[str] = (),
    max_sessions: int = DEFAULT_MAX_SESSIONS,
    files_dir: str | None = None,
):
    """Check the address and folders, print the banner, and serve until interrupted."""
    for folder in lesson_dirs:
        if not Path(folder).is_dir():
            raise ServeError(f"--lessons {folder}: no such folder")
    files = None if files_dir is None else Path(files_dir).expanduser().resolve()
    if files is not None and not files.is_dir():
        raise ServeError(f"--files {files_dir}: no such folder")
    check_address(host, port)
    from gradtui.curriculum.progress import default_path
    from gradtui.web.server import make_server

    browsers = default_path().parent / "browsers"
    server = make_server(host, port, lesson_dirs, browsers, max_sessions, files)
    try:
        server.serve()
    except OSError as err:  # lost the port between the check and the start
        raise ServeError(_bind_message(host, port, err)) from None
