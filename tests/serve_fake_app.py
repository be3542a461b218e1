"""A stand-in for the app in the serve tests: it speaks textual-serve's protocol and reports
what it receives, without torch or Textual, so a test can start dozens in a second.

Run as ``python serve_fake_app.py DIR TOKEN [MODE]``. It creates ``DIR/started-<pid>``, says
it is ready, sends ``{"columns": .., "rows": ..}`` (its COLUMNS and ROWS) as terminal data, then
one JSON line per packet it reads (``{"kind": "D" | "M", "payload": ...}``). A "quit" meta
packet ends it, except in MODE ``stubborn``, which ignores it. MODE ``crash`` writes an error
report naming TOKEN to stderr and exits at once.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path


def send(kind: bytes, data: dict) -> None:
    """One packet of textual-serve's protocol on stdout."""
    payload = json.dumps(data).encode()
    sys.stdout.buffer.write(kind + len(payload).to_bytes(4, "big") + payload)
    sys.stdout.buffer.flush()


def main(folder: str, token: str, mode: str = "") -> int:
    """Report the start, then each packet, until told to quit (see the module docstring)."""
    Path(folder, f"started-{os.getpid()}").touch()
    sys.stdout.buffer.write(b"__GANGLION__\n")
    send(b"D", {"columns": int(os.environ["COLUMNS"]), "rows": int(os.environ["ROWS"])})
    if mode == "crash":
        sys.stderr.write(
            "Traceback (most recent call last):\n"
            f"│ path = '/data/browsers/{token}/progress.json' │\n"
            f"ValueError: no progress in /data/browsers/{token}\n"
        )
        return 1
    stdin = sys.stdin.buffer
    while len(head := stdin.read(5)) == 5:
        payload = stdin.read(int.from_bytes(head[1:], "big")).decode()
        if head[:1] == b"M" and json.loads(payload)["type"] == "quit" and mode != "stubborn":
            return 0
        send(b"D", {"kind": head[:1].decode(), "payload": payload})
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
