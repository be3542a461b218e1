"""The terminal UI (Textual)."""

import os

# Textual paints a changed screen at the next tick of its update timer, 60 a second by
# default: a key pressed during a run waited up to 17 ms for that tick on top of the frame
# itself. Screens are only painted when something changed, so a faster tick costs nothing
# while idle. Read by Textual when it is first imported; a user's own setting wins.
os.environ.setdefault("TEXTUAL_FPS", "120")
