"""What the AppTest suites share: opening the app on an example and a page, and reading what a page shows."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[1] / "app.py")


def open_page(page: str | None = None, example: Path | None = None, *, timeout: float = 90) -> AppTest:
    """The app on ``example`` (default: the one it opens on), switched to ``page`` when one is given."""
    at = AppTest.from_file(APP, default_timeout=timeout).run()
    if example is not None and str(example) != at.session_state["start:example"]:
        at.sidebar.selectbox(key="start:example").select(str(example)).run()
    return at.switch_page(page).run() if page else at


def errors(at: AppTest) -> list[str]:
    """The page's error messages, with markdown escapes removed."""
    return [e.value.replace("\\", "") for e in at.error]


def texts(at: AppTest) -> str:
    """Everything the page wrote as markdown, captions or notices, with markdown escapes removed."""
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption] + [w.value for w in at.warning] + \
        [s.value for s in at.success] + [i.value for i in at.info]
    return "\n".join(parts).replace("\\", "")


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def tables(at: AppTest) -> list[pd.DataFrame]:
    """Every table on the page (a styled table's data)."""
    return [d.value.data if hasattr(d.value, "data") else d.value for d in at.dataframe]


def show(at: AppTest, section: str) -> AppTest:
    """Open the Deal page's ``section`` (a name of ``ui.editor.SECTIONS``), as a click on its tab does: only the open
    section's widgets are drawn."""
    at.session_state["deal:section"] = section
    return at.run()


def expand(at: AppTest, *keys: str) -> AppTest:
    """Open the expanders ``keys`` (``ui.view.opened``), as a click on each does: what is in one is drawn only while
    it is open."""
    for key in keys:
        at.session_state[key] = True
    return at.run()
