"""Shared test set-up: no test reads or writes the real user's progress."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def private_data_home(tmp_path_factory, monkeypatch):
    """Point gradtui's data folder (progress.json) at a fresh temporary folder."""
    monkeypatch.setenv("GRADTUI_DATA_HOME", str(tmp_path_factory.mktemp("data-home")))
