"""Shared test set-up: no test reads or writes the real user's progress or data sets, and
the process runs with the settings a user's does (frame rate, torch threads...)."""

from __future__ import annotations

from gradtui import startup

startup.start()  # before torch is imported, as gradtui's main does

import gc  # noqa: E402

import pytest  # noqa: E402
from fashion_support import write_fashion  # noqa: E402

# A test process starts hundreds of apps, one after another: at Python's default (a young
# collection every 700 new objects) the collector ran about 200 times a second and a full
# collection every half second, a fifth of the UI tests' CPU. Fewer, larger collections
# free the same objects.
gc.set_threshold(10_000, 10, 10)


@pytest.fixture(autouse=True)
def private_data_home(tmp_path_factory, monkeypatch):
    """Point gradtui's data folder (progress.json) at a fresh temporary folder."""
    monkeypatch.setenv("GRADTUI_DATA_HOME", str(tmp_path_factory.mktemp("data-home")))


@pytest.fixture(scope="session")
def fashion_dir(tmp_path_factory):
    """Small generated Fashion-MNIST files (pullovers, dresses and one other class)."""
    return write_fashion(tmp_path_factory.mktemp("fashion-mnist"))


@pytest.fixture(autouse=True)
def small_fashion_mnist(fashion_dir, monkeypatch):
    """Lesson 10 and ``fit --example pullover-dress`` find the small files, not the real ones."""
    monkeypatch.setenv("GRADTUI_DATA", str(fashion_dir))
