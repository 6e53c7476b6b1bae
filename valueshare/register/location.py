"""Where the register lives: a path to an SQLite file, or a database URL (PostgreSQL for a team).

One setting, in this order: the location passed in (``--register`` in the CLI), else the environment variable
``VALUESHARE_REGISTER_URL``, else an SQLite file in the user's data folder. Plain string work only: SQLAlchemy is
loaded by ``valueshare.register.sql`` when a register is opened.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

ENV = "VALUESHARE_REGISTER_URL"
FILE_NAME = "register.sqlite"


def default_path() -> Path:
    """``$XDG_DATA_HOME/valueshare/register.sqlite``, by default ``~/.local/share/valueshare/register.sqlite``."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "valueshare" / FILE_NAME


def chosen(location: str | None = None) -> tuple[str, bool]:
    """The location to use and whether it is the default (whose folder valueshare may create)."""
    if location and location.strip():
        return location.strip(), False
    from_env = os.environ.get(ENV, "").strip()
    if from_env:
        return from_env, False
    return str(default_path()), True


def is_url(location: str) -> bool:
    """Whether ``location`` is written as a URL rather than a file path.

    >>> is_url("postgresql://valueshare@db.example/register"), is_url("deals/register.sqlite")
    (True, False)
    """
    return "://" in location or location.startswith("sqlite:")


_PASSWORD = re.compile(r"(://[^:/@\s]*):[^@/\s]*@")


def without_password(text: str) -> str:
    """``text`` with any password in a URL replaced by ``***``, for messages and logs.

    >>> without_password("postgresql://ana:s3cret@db/register")
    'postgresql://ana:***@db/register'
    """
    return _PASSWORD.sub(r"\1:***@", text)
