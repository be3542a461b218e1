"""The web server of ``gradtui serve``: textual-serve's, with gradtui's page and messages, one
data folder per browser, guards against other sites and floods, and every app process waited
for before the server exits.

Everything the page loads comes from this server: gradtui's page (templates/serve.html)
replaces textual-serve's own, which fetches its font from a CDN, with the copy of that font
shipped inside textual-serve.

What a request must pass (the rules themselves are in ``gradtui.web.rules``):

- every request: the ``Host`` header names this computer (against DNS rebinding);
- the websocket, which starts an app: a websocket handshake, an ``Origin`` equal to the page's
  own (scheme, host and port; a client that sends none is refused), and a free session;
- each message: a kind the page sends, with fields of the right type and at most 64 KiB;
  terminal sizes are clamped to at most 500×200;
- a download: the cookie of the browser whose app made it.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import signal
import socket
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import aiohttp_jinja2
import jinja2
from aiohttp import WSCloseCode, web
from aiohttp.helpers import content_disposition_header
from textual_serve.server import Server

from gradtui.web.rules import (
    MAX_MESSAGE_BYTES,
    OneLineFormatter,
    font_size,
    host_allowed,
    initial_size,
    same_origin,
    this_computers_names,
)
from gradtui.web.serve import (
    DEFAULT_MAX_SESSIONS,
    LEARNER_COOKIE,
    app_command,
    banner,
    is_loopback,
    learner_token,
)
from gradtui.web.session import GradAppService, relay

TEMPLATES = Path(__file__).with_name("templates")
PAGE = "serve.html"
IDLE_CONNECTION_S = 20  # a connection that has not sent a whole request by then is closed
HEARTBEAT_S = 15  # a websocket whose browser stops answering pings is closed
HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",  # no other site may show the app in a frame (clickjacking)
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
}
# A download (a screenshot, shown in the browser) runs no script and reaches nothing.
DOWNLOAD_POLICY = "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:"
FULL = (
    "The server is full: {n} of {n} sessions are open. "
    "Close a tab you no longer use, then press Restart."
)
log = logging.getLogger("gradtui.serve")


class GradServer(Server):
    """Serves the app: one ``GradAppService`` per browser connection, at most
    ``max_sessions`` at once."""

    def __init__(
        self,
        host: str,
        port: int,
        lesson_dirs: Sequence[str],
        browsers_dir: Path,
        max_sessions: int = DEFAULT_MAX_SESSIONS,
        files_dir: Path | None = None,
    ):
        super().__init__(
            app_command(lesson_dirs), host, port, title="gradtui", templates_path=TEMPLATES
        )
        self.lesson_dirs = list(lesson_dirs)
        self.browsers_dir = browsers_dir
        self.errors_file = browsers_dir.parent / "serve-errors.log"
        self.max_sessions = max_sessions
        self.files_dir = files_dir  # None: each browser's own folder
        self.sessions = 0
        self.open_tokens: Counter[str] = Counter()  # redacted from every log line
        self._ending: set[asyncio.Future[None]] = set()  # sessions whose app is stopping
        self.loopback = is_loopback(host)
        self.names = this_computers_names()

    def initialize_logging(self) -> None:
        """One line per event, on stdout with the banner; never a traceback or a token."""
        handler = logging.StreamHandler(sys.stdout)
        handler.setFormatter(OneLineFormatter(self.open_tokens))
        logging.basicConfig(level=logging.INFO, handlers=[handler], force=True)
        # one line per browser session (handle_websocket) instead of one per HTTP request
        logging.getLogger("aiohttp.access").setLevel(logging.WARNING)
        # said by textual-serve when a tab closes while its app starts; an app that really
        # fails to start says why (GradAppService)
        logging.getLogger("textual-serve").addFilter(
            lambda record: record.getMessage() != "Application failed to start"
        )

    def serve(self, debug: bool = False) -> None:
        """Serve until SIGINT or SIGTERM (textual-serve's, with a deadline for idle
        connections: a client that sends a request slowly is dropped)."""
        self.debug = debug
        self.initialize_logging()
        loop = asyncio.new_event_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, self.request_exit)
        web.run_app(
            self._make_app(),
            host=self.host,
            port=self.port,
            handle_signals=False,
            loop=loop,
            print=lambda *args: None,
            keepalive_timeout=IDLE_CONNECTION_S,
        )

    async def _make_app(self) -> web.Application:
        app = web.Application(middlewares=[self._guard])
        aiohttp_jinja2.setup(app, loader=jinja2.FileSystemLoader(self.templates_path))
        app.add_routes(
            [
                web.get("/", self.handle_index, name="index"),
                web.get("/ws", self.handle_websocket, name="websocket"),
                web.get("/download/{key}", self.handle_download, name="download"),
                web.static("/static", self.statics_path, name="static"),  # no folder listings
            ]
        )
        app.on_startup.append(self.on_startup)
        app.on_shutdown.append(self.on_shutdown)
        app.on_cleanup.append(self._wait_for_sessions)
        return app

    @web.middleware
    async def _guard(self, request: web.Request, handler) -> web.StreamResponse:
        if not host_allowed(request.host, self.host, self.loopback, self.names):
            response: web.StreamResponse = web.Response(status=403, text=self._wrong_host_message())
        else:
            try:
                response = await handler(request)
            except web.HTTPException as refusal:
                refusal.headers.update(_missing(refusal.headers))
                raise
        if not response.prepared:  # a websocket has sent its headers already
            response.headers.update(_missing(response.headers))
        return response

    def _wrong_host_message(self) -> str:
        if self.loopback:
            where = f"http://127.0.0.1:{self.port}/"
        else:
            where = f"http://{socket.gethostname()}:{self.port}/ or this computer's IP address"
        return (
            "gradtui serve answers only to this computer's own names and addresses.\n"
            f"Open {where} instead.\n"
        )

    async def on_startup(self, app: web.Application) -> None:
        text = banner(self.host, self.port, self.browsers_dir, self.max_sessions, self.files_dir)
        print(text, flush=True)

    async def handle_index(self, request: web.Request) -> web.Response:
        # URLs from the Host header the browser used, so a learner who typed this
        # computer's name or address reaches the websocket even when bound to 0.0.0.0.
        websocket_origin = f"{'wss' if request.scheme == 'https' else 'ws'}://{request.host}"
        nonce = secrets.token_urlsafe(16)
        context = {
            "title": "gradtui",
            "font_size": font_size(request.query.get("fontsize")),
            "static_url": "/static/",
            "websocket_url": f"{websocket_origin}/ws",
            "nonce": nonce,
        }
        response = aiohttp_jinja2.render_template(PAGE, request, context)
        response.headers["Content-Security-Policy"] = (
            f"default-src 'self'; script-src 'self' 'nonce-{nonce}'; "
            "style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self'; "
            f"connect-src 'self' {websocket_origin}; object-src 'none'; base-uri 'none'; "
            "form-action 'none'; frame-ancestors 'none'"
        )
        token = learner_token(request.cookies.get(LEARNER_COOKIE))
        # a year, so progress outlives the workshop day; the cookie only names a folder
        response.set_cookie(
            LEARNER_COOKIE, token, max_age=365 * 24 * 3600, httponly=True, samesite="Strict"
        )
        return response

    async def handle_download(self, request: web.Request) -> web.StreamResponse:
        """A file an app delivers to its browser (a screenshot): only for that browser, and
        shown in a sandbox (textual-serve's handler, with those checks and headers)."""
        key = request.match_info["key"]
        try:
            download = await self.download_manager.get_download_metadata(key)
        except KeyError:
            download = None
        owner = getattr(download.app_service, "token", None) if download else None
        if download is None or owner != request.cookies.get(LEARNER_COOKIE):
            raise web.HTTPNotFound(text="No such download.\n")
        content_type = download.mime_type
        if download.encoding:
            content_type += f"; charset={download.encoding}"
        disposition = "inline" if download.open_method == "browser" else "attachment"
        response = web.StreamResponse(headers=HEADERS)
        response.headers.update(
            {
                "Content-Type": content_type,
                "Content-Disposition": content_disposition_header(
                    disposition, filename=download.file_name
                ),
                "Content-Security-Policy": DOWNLOAD_POLICY,
            }
        )
        await response.prepare(request)
        async for chunk in self.download_manager.download(key):
            await response.write(chunk)
        await response.write_eof()
        return response

    def session_command(self, token: str) -> str:
        """The command a session runs: the app, with this browser's data folder, and its
        files confined to ``--files`` or to a folder of this browser's own."""
        home = self.browsers_dir / token
        return app_command(self.lesson_dirs, home, self.files_dir or home / "files")

    async def handle_websocket(self, request: web.Request) -> web.StreamResponse:
        """Start an app for the page's websocket and relay it (textual-serve 1.1's handler, with
        the checks above and this browser's data folder)."""
        websocket = web.WebSocketResponse(heartbeat=HEARTBEAT_S, max_msg_size=MAX_MESSAGE_BYTES)
        if not websocket.can_prepare(request).ok:
            return web.Response(status=400, text="This address is for the gradtui page only.\n")
        if not same_origin(request.headers.get("Origin"), request.scheme, request.host):
            log.warning(
                "refused a session from %s: not opened by this server's page", request.remote
            )
            return web.Response(status=403, text="Only the gradtui page may open a session.\n")
        if self.sessions >= self.max_sessions:
            return await self._refuse_full(request, websocket)
        token = learner_token(request.cookies.get(LEARNER_COOKIE))
        self.sessions += 1
        self.open_tokens[token] += 1
        log.info("a browser connected from %s: %d open", request.remote, self.sessions)
        app_service: GradAppService | None = None
        try:
            await websocket.prepare(request)
            app_service = GradAppService(
                self.session_command(token),
                token=token,
                errors_file=self.errors_file,
                write_bytes=websocket.send_bytes,
                write_str=websocket.send_str,
                close=websocket.close,
                download_manager=self.download_manager,
                debug=self.debug,
            )
            query = request.query
            await app_service.start(*initial_size(query.get("width"), query.get("height")))
            await relay(websocket, app_service)
        except asyncio.CancelledError:
            await websocket.close()
        except Exception:
            log.exception("a browser session failed")
        finally:
            # In a task of its own, so the app is stopped and its place freed even when this
            # handler is cancelled (its browser went away, the server is stopping).
            ending = asyncio.ensure_future(self._end_session(token, app_service))
            self._ending.add(ending)
            ending.add_done_callback(self._ending.discard)
            await asyncio.shield(ending)
        return websocket

    async def _end_session(self, token: str, app_service: GradAppService | None) -> None:
        try:
            if app_service is not None:
                await app_service.stop()
        finally:
            self.sessions -= 1
            self.open_tokens[token] -= 1
            if not self.open_tokens[token]:
                del self.open_tokens[token]
            log.info("a browser session ended: %d open", self.sessions)

    async def _wait_for_sessions(self, app: web.Application) -> None:
        """Before the server exits: every app stopped (not after the event loop closed,
        which warns and leaves processes behind)."""
        await asyncio.gather(*self._ending, return_exceptions=True)

    async def _refuse_full(
        self, request: web.Request, websocket: web.WebSocketResponse
    ) -> web.WebSocketResponse:
        """Tell the page why no app starts: the page shows the close reason."""
        log.warning(
            "refused a browser from %s: %d of %d sessions open (--max-sessions)",
            request.remote,
            self.sessions,
            self.max_sessions,
        )
        await websocket.prepare(request)
        reason = FULL.format(n=self.max_sessions)
        await websocket.close(code=WSCloseCode.TRY_AGAIN_LATER, message=reason.encode())
        return websocket


def _missing(headers) -> dict[str, str]:
    return {name: value for name, value in HEADERS.items() if name not in headers}


def make_server(
    host: str,
    port: int,
    lesson_dirs: Sequence[str],
    browsers_dir: Path,
    max_sessions: int = DEFAULT_MAX_SESSIONS,
    files_dir: Path | None = None,
) -> Server:
    """The server, ready for ``.serve()``."""
    return GradServer(host, port, lesson_dirs, browsers_dir, max_sessions, files_dir)
