"""Where gradtui keeps the user's files: progress and downloaded data."""

from __future__ import annotations

import os
from pathlib import Path

ENV_DIR = "GRADTUI_DATA_HOME"


def data_home() -> Path:
    """``$GRADTUI_DATA_HOME``, else the platform's user data folder for gradtui."""
    folder = os.environ.get(ENV_DIR)
    if not folder:
        import platformdirs

        folder = platformdirs.user_data_dir("gradtui", appauthor=False)
    return Path(folder)
