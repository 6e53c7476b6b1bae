"""Shared test settings. ``tests/`` is on the path (pyproject), so ``builders`` imports directly."""

from __future__ import annotations

import sys

import pytest


@pytest.fixture(autouse=True)
def _main_module_restored():
    """Streamlit's AppTest runs app.py as ``__main__`` and leaves it there. A process started later by
    multiprocessing (spawn or forkserver) would then import app.py as its main module, outside Streamlit: each test
    leaves ``__main__`` as it found it."""
    main = sys.modules.get("__main__")
    yield
    if main is not None:
        sys.modules["__main__"] = main


@pytest.fixture(autouse=True)
def _register_kept_in_the_test(tmp_path, monkeypatch):
    """A page or command that opens the default register (no VALUESHARE_REGISTER_URL) finds it under the test's own
    folder, never in the home of whoever runs the tests."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data-home"))
