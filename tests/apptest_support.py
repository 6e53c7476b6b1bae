"""What the AppTest suites share: opening the app on an example and a page, and reading what a page shows."""

from __future__ import annotations

import re
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


_CELL = re.compile(r"(?<!\\)\|")


def markdown_tables(at: AppTest) -> list[pd.DataFrame]:
    """Every table drawn as markdown (``ui.text.table``), read back as text cells: each cell split at an unescaped
    ``|`` and unescaped (with the invisible spaces that ``md`` puts in a web address taken out)."""
    found = []
    for block in at.markdown:
        lines = [line for line in block.value.splitlines() if line.startswith("|")]
        if len(lines) < 2 or not re.fullmatch(r"\|( *:?-{3}:? *\|)+", lines[1].replace(" ", "")):
            continue

        def cells(line: str) -> list[str]:
            parts = _CELL.split(line.strip()[1:-1])
            return [re.sub(r"\\(.)", r"\1", p.strip()).replace("\u200b", "") for p in parts]

        found.append(pd.DataFrame([cells(line) for line in lines[2:]], columns=cells(lines[0])))
    return found


def tables(at: AppTest) -> list[pd.DataFrame]:
    """Every table on the page: a data grid's (a styled table's data), then each drawn as markdown."""
    return [d.value.data if hasattr(d.value, "data") else d.value for d in at.dataframe] + markdown_tables(at)


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
