"""The app served by Streamlit on a free local port, for the browser tests and the browser benchmark."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
#: Debian's Chromium, as Playwright is told to launch it (Playwright's own browser download is not used).
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
#: The app has finished the run that the last action started.
IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def served(home: Path, log: Path, *, port: int | None = None, secrets: Path | None = None) -> Iterator[str]:
    """Serve app.py headless as on a new user's machine: no register set, so the register is the default file, under
    ``home`` as the user's data folder (which does not exist yet). Yield the address once it answers; stop it after.
    ``secrets``: a secrets.toml for the app (sign-in's [auth] section), read from there, not from the repository."""
    port = port or free_port()
    extra = ["--secrets.files", str(secrets)] if secrets is not None else []
    with log.open("w") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true", "--server.address",
             "127.0.0.1", "--server.port", str(port), "--browser.gatherUsageStats", "false",
             "--server.fileWatcherType", "none", *extra],
            cwd=ROOT, env={**{k: v for k, v in os.environ.items() if k != "VALUESHARE_REGISTER_URL"},
                           "XDG_DATA_HOME": str(home / "data")}, stdout=out,
            stderr=subprocess.STDOUT)
        url = f"http://127.0.0.1:{port}"
        try:
            for _ in range(120):
                try:
                    if urllib.request.urlopen(f"{url}/_stcore/health", timeout=1).read() == b"ok":
                        break
                except OSError:
                    time.sleep(0.5)
            else:
                raise RuntimeError(f"the app did not start; see {log}")
            yield url
        finally:
            server.terminate()
            server.wait(timeout=20)
