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
