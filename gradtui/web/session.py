"""One browser session of ``gradtui serve``: the page's messages relayed to its app process
(only the kinds the page sends), the process, which always ends, and its errors, which go to a
file instead of the server's console.

textual-serve's ``AppService`` copies what an app writes to stderr (a crash report: Textual
shows local variables, which can hold a learner's text and token) to the server's console,
which in a workshop is often on the projector. Here the full text is appended to an errors
file in the teacher's data folder and the console gets one line.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from pathlib import Path

from aiohttp import WSCloseCode, WSMsgType, web
from textual_serve.app_service import AppService

from gradtui.web.rules import parse_message, redact

QUIT_GRACE_S = 10  # how long an app may take to quit once told to, before it is killed
MAX_ERROR_BYTES = 64 * 1024  # of an app's stderr kept for the errors file (its end)
APP_FAILED = (
    "The app stopped with an error; the server's errors file has the details. Press Restart."
)
_BOX = "│╭╮╰╯─┃━ "
log = logging.getLogger("gradtui.serve")


class GradAppService(AppService):
    """One browser's app process; stopping it waits for the process to end, killing it if it
    does not quit within ``quit_grace`` seconds."""

    def __init__(self, command: str, *, token: str, errors_file: Path, **kwargs) -> None:
        super().__init__(command, **kwargs)
        self.token = token  # the browser it belongs to (downloads are only for that browser)
        self.errors_file = errors_file
        self.quit_grace = QUIT_GRACE_S
        self.stopping = False  # told to quit: its exit is no failure
        self._errors_task: asyncio.Task[None] | None = None

    async def _open_app_process(self, width: int = 80, height: int = 24):
        process = await super()._open_app_process(width, height)
        self._errors_task = asyncio.create_task(self._keep_errors(process.stderr))
        quiet = asyncio.StreamReader()  # what textual-serve's reader sees: nothing to print
        quiet.feed_eof()
        process.stderr = quiet
        return process

    async def run(self) -> None:
        """Relay the app until its output ends, then end the browser's session too, saying
        so if the app failed (textual-serve leaves the page open on an app that is gone)."""
        await super().run()
        status = None
        if self._process is not None:
            with contextlib.suppress(TimeoutError):
                status = await asyncio.wait_for(self._process.wait(), self.quit_grace)
        if status and not self.stopping:
            log.warning("a browser's app stopped unexpectedly (exit status %d)", status)
            reason = APP_FAILED.encode()
            await self.remote_close(code=WSCloseCode.INTERNAL_ERROR, message=reason)  # type: ignore[call-arg]
        else:
            await self.remote_close()

    async def stop(self) -> None:
        if self._task is None:
            return
        self.stopping = True
        process = self._process
        try:  # tells the app to quit and waits until its output ends
            await asyncio.wait_for(super().stop(), self.quit_grace)
            if process is not None:
                await asyncio.wait_for(process.wait(), self.quit_grace)
        except TimeoutError:
            pass
        self._task = None
        # Reaped here, not after the event loop closed (which warns and prints a traceback).
        if process is not None and process.returncode is None:
            process.kill()
            await process.wait()
        if self._errors_task is not None:
            # ends with the process, unless a child of the app still holds its stderr
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._errors_task, self.quit_grace)

    async def _keep_errors(self, stderr: asyncio.StreamReader | None) -> None:
        if stderr is None:
            return
        kept = bytearray()
        while chunk := await stderr.read(4096):
            kept += chunk
            del kept[:-MAX_ERROR_BYTES]
        if kept.strip():
            self._report(kept.decode("utf-8", "replace"))

    def _report(self, text: str) -> None:
        stamp = time.strftime("%Y-%m-%d %H:%M:%S")
        where = f" (the full text is in {self.errors_file})"
        try:
            self.errors_file.parent.mkdir(parents=True, exist_ok=True)
            with self.errors_file.open("a", encoding="utf-8") as out:
                out.write(f"--- {stamp}, browser {self.token}\n{text.rstrip()}\n")
        except OSError as err:
            where = f" (could not write {self.errors_file}: {err.strerror or err})"
        log.warning(
            "a browser's app wrote an error: %s%s", redact(_last_line(text), [self.token]), where
        )


async def relay(websocket: web.WebSocketResponse, app_service: GradAppService) -> None:
    """Relay the page's messages to the app; anything else is ignored (logged once)."""
    strange = 0
    async for message in websocket:
        if message.type == WSMsgType.ERROR:
            log.warning("a browser's connection failed: %s", message.data)
            break
        parsed = parse_message(message.data) if message.type == WSMsgType.TEXT else None
        if parsed is None:
            strange += 1
            if strange == 1:
                log.warning("a browser sent a message that is not the page's: ignored")
            continue
        kind, *data = parsed
        if kind == "stdin":
            await app_service.send_bytes(data[0].encode("utf-8", "replace"))
        elif kind == "resize":
            await app_service.set_terminal_size(*data)
        elif kind == "ping":
            await websocket.send_json(["pong", data[0]])
        elif kind == "blur":
            await app_service.blur()
        elif kind == "focus":
            await app_service.focus()


def _last_line(text: str) -> str:
    """The last line of an error report with words in it (a traceback's exception line),
    shortened to 200 characters."""
    for line in reversed(text.splitlines()):
        words = line.strip(_BOX)
        if words:
            return words[:200]
    return ""
