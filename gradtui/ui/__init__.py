"""The terminal UI (Textual). Its frame rate is set at start-up (``gradtui.startup``)."""
