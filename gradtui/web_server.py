"""The web server of ``gradtui serve``: textual-serve's, with gradtui's page and messages, one
data folder per browser, and every app process waited for before the server exits.

Everything the page loads comes from this server: gradtui's page (templates/serve.html)
replaces textual-serve's own, which fetches its font from a CDN, with the copy of that font
shipped inside textual-serve.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from pathlib import Path

import aiohttp_jinja2
from aiohttp import web
from textual_serve.app_service import AppService
from textual_serve.server import Server

from gradtui.serve import LEARNER_COOKIE, app_command, banner, learner_token

TEMPLATES = Path(__file__).with_name("templates")
PAGE = "serve.html"
QUIT_GRACE_S = 10  # how long an app may take to quit once told to, before it is killed
log = logging.getLogger("textual-serve")


class GradAppService(AppService):
    """One browser's app process; stopping it also waits for the process to end."""

    async def stop(self) -> None:
        await super().stop()  # tells the app to quit and waits until its output ends
        process = self._process
        if process is None or process.returncode is not None:
            return
        # Reaped here, not after the event loop closed (which warns and prints a traceback).
        try:
            await asyncio.wait_for(process.wait(), QUIT_GRACE_S)
        except TimeoutError:
            process.kill()
            await process.wait()


class GradServer(Server):
    """Serves the app: one ``GradAppService`` per browser connection."""

    def __init__(self, host: str, port: int, lesson_dirs: Sequence[str], browsers_dir: Path):
        super().__init__(
            app_command(lesson_dirs), host, port, title="gradtui", templates_path=TEMPLATES
        )
        self.lesson_dirs = list(lesson_dirs)
        self.browsers_dir = browsers_dir
        self.sessions = 0

    def initialize_logging(self) -> None:
        super().initialize_logging()
        # one line per browser session (handle_websocket) instead of one per HTTP request
        logging.getLogger("aiohttp.access").setLevel(logging.WARNING)

    async def on_startup(self, app: web.Application) -> None:
        print(banner(self.host, self.port, self.browsers_dir), flush=True)

    async def handle_index(self, request: web.Request) -> web.Response:
        # URLs from the Host header the browser used, so a learner who typed this
        # computer's name or address reaches the websocket even when bound to 0.0.0.0.
        secure = request.scheme == "https"
        context = {
            "title": "gradtui",
            "font_size": min(max(_int(request.query.get("fontsize"), 16), 6), 48),
            "static_url": "/static/",
            "websocket_url": f"{'wss' if secure else 'ws'}://{request.host}/ws",
        }
        response = aiohttp_jinja2.render_template(PAGE, request, context)
        token = learner_token(request.cookies.get(LEARNER_COOKIE))
        # a year, so progress outlives the workshop day; the cookie only names a folder
        response.set_cookie(
            LEARNER_COOKIE, token, max_age=365 * 24 * 3600, httponly=True, samesite="Strict"
        )
        return response

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        """textual-serve 1.1's handler, starting the app with this browser's data folder."""
        token = learner_token(request.cookies.get(LEARNER_COOKIE))
        command = app_command(self.lesson_dirs, self.browsers_dir / token)
        websocket = web.WebSocketResponse(heartbeat=15)
        width = _int(request.query.get("width"), 80)
        height = _int(request.query.get("height"), 24)
        self.sessions += 1
        print(f"a browser connected from {request.remote}: {self.sessions} open", flush=True)
        app_service: GradAppService | None = None
        try:
            await websocket.prepare(request)
            app_service = GradAppService(
                command,
                write_bytes=websocket.send_bytes,
                write_str=websocket.send_str,
                close=websocket.close,
                download_manager=self.download_manager,
                debug=self.debug,
            )
            await app_service.start(width, height)
            await self._process_messages(websocket, app_service)
        except asyncio.CancelledError:
            await websocket.close()
        except Exception as error:
            log.exception(error)
        finally:
            if app_service is not None:
                await app_service.stop()
            self.sessions -= 1
            print(f"a browser session ended: {self.sessions} open", flush=True)
        return websocket


def make_server(host: str, port: int, lesson_dirs: Sequence[str], browsers_dir: Path) -> Server:
    """The server, ready for ``.serve()``."""
    return GradServer(host, port, lesson_dirs, browsers_dir)


def _int(text: str | None, default: int) -> int:
    try:
        return int(text) if text is not None else default
    except ValueError:
        return default
