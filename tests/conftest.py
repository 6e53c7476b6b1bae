"""Shared test settings. ``tests/`` is on the path (pyproject), so ``builders`` imports directly."""
