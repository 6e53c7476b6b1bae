"""Shared pieces of the register tests: backends (memory, SQLite, PostgreSQL), a test clock, deals, and the writer
that the concurrency tests run in threads and in processes.

PostgreSQL: the URL comes from ``VALUESHARE_TEST_POSTGRES_URL``, else from the file ``.ci/postgres`` writes
(``$VALUESHARE_PG_DIR/url``); failing both, the tests start a throwaway server with ``.ci/postgres --no-install``
and stop it at the end. Only when no server can be had are the PostgreSQL tests skipped, with the reason. Each test
gets a schema of its own (``search_path`` in the URL), dropped afterwards.
"""

from __future__ import annotations

import atexit
import functools
import os
import subprocess
import threading
import traceback
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from builders import base_data

from valueshare import Deal, deal_from_data

ROOT = Path(__file__).resolve().parents[1]
PG_ENV = "VALUESHARE_TEST_POSTGRES_URL"
PG_DIR = Path(os.environ.get("VALUESHARE_PG_DIR", "/tmp/valueshare-postgres"))
START = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


class Clock:
    """A clock for tests: 09:00 UTC on 23 Nov 2026, one minute later at every reading."""

    def __init__(self, start: datetime = START, step: timedelta = timedelta(minutes=1)):
        self._next = start
        self._step = step
        self._lock = threading.Lock()

    def __call__(self) -> datetime:
        with self._lock:
            moment, self._next = self._next, self._next + self._step
            return moment


def fee_deal(fee: float = 1000, name: str = "Test deal", **changes: Any) -> Deal:
    """The builders' base deal with a one-off access fee of ``fee`` paid at signature (so NHS NPV = fee: the NHS
    has no costs and the fee is not discounted in year 0)."""
    changes.setdefault("terms", [{"kind": "access_fee", "amount_gbp": fee}])
    return deal_from_data(base_data(name=name, **changes))


# -- PostgreSQL -------------------------------------------------------------------------------------------------

def _reachable(url: str) -> str:
    """'' if a server answers at ``url``, else why not."""
    try:
        import psycopg
    except ImportError:
        return "psycopg is not installed"
    try:
        with psycopg.connect(url, connect_timeout=3, autocommit=True) as conn:
            conn.execute("SELECT 1")
    except psycopg.Error as error:
        return f"no PostgreSQL server answers at {url} ({str(error).strip().splitlines()[0]})"
    return ""


@functools.cache
def postgres_server() -> tuple[str | None, str]:
    """(URL of a PostgreSQL server for tests, '') or (None, why there is none)."""
    reasons = []
    for source, url in ((PG_ENV, os.environ.get(PG_ENV, "")),
                        (str(PG_DIR / "url"),
                         (PG_DIR / "url").read_text().strip() if (PG_DIR / "url").exists() else "")):
        if url:
            reason = _reachable(url)
            if not reason:
                return url, ""
            reasons.append(f"{source}: {reason}")
    script = ROOT / ".ci" / "postgres"
    try:
        done = subprocess.run(["bash", str(script), "start", "--no-install"], capture_output=True, text=True,
                              timeout=120)
    except (OSError, subprocess.TimeoutExpired) as error:
        return None, "; ".join(reasons + [f".ci/postgres could not run ({error})"])
    if done.returncode != 0:
        why = (done.stderr.strip().splitlines() or ["no message"])[-1]
        return None, "; ".join(reasons + [f".ci/postgres could not start a server: {why}"])
    url = done.stdout.strip().splitlines()[-1].split("=", 1)[1]
    atexit.register(subprocess.run, ["bash", str(script), "stop"], capture_output=True, timeout=60)
    reason = _reachable(url)
    return (url, "") if not reason else (None, reason)


def postgres_url() -> str:
    url, reason = postgres_server()
    if url is None:
        print(f"PostgreSQL tests skipped: {reason}")
        pytest.skip(f"no PostgreSQL server could be started: {reason}")
    return url


@pytest.fixture
def pg_location() -> Iterator[str]:
    """A register location on the test PostgreSQL server, in a schema of its own."""
    import psycopg

    url = postgres_url()
    schema = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    try:
        yield f"{url}?options=-csearch_path%3D{schema}"
    finally:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {schema} CASCADE")


@pytest.fixture(params=["sqlite", "postgresql"])
def location(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh register location: an SQLite file, then a PostgreSQL schema."""
    if request.param == "sqlite":
        return str(tmp_path / "register.sqlite")
    return request.getfixturevalue("pg_location")


# -- writers for the concurrency tests ---------------------------------------------------------------------------

KEY = "contested-deal"


def _head(repo: Any) -> int | None:
    from valueshare.register.errors import DealNotFound

    try:
        return repo.deal(KEY).latest.number
    except DealNotFound:
        return None


def write(name: str, open_repo: Callable[[], Any], barrier: Any, rounds: int, extra: int) -> list[tuple]:
    """One writer's part in a contest over deal KEY; returns every outcome it was told.

    Rounds: all writers read the head, wait for each other, then all save on that same head, so exactly one save
    per round can be accepted and every other writer must be told it was refused, and by whom. Then each writer
    makes ``extra`` more accepted saves, re-reading the head after each refusal, as an editor would.
    Outcomes: ("accepted", note, number) and ("refused", note, base, newer number, newer author).
    """
    from valueshare.register import service
    from valueshare.register.errors import VersionConflict

    outcomes: list[tuple] = []
    barrier.wait()
    repo = open_repo()  # all at once: for processes on a new register, also a race to create its tables
    attempt = 0

    def save(base: int | None) -> bool:
        nonlocal attempt
        attempt += 1
        note = f"{name} attempt {attempt}"
        try:
            info = service.save(repo, fee_deal(1000 + attempt, name="Contested deal"), author=name, note=note,
                                base_version=base, key=KEY)
        except VersionConflict as conflict:
            outcomes.append(("refused", note, base, conflict.latest.number, conflict.latest.author))
            return False
        outcomes.append(("accepted", note, info.number))
        return True

    for _ in range(rounds):
        barrier.wait()
        base = _head(repo)
        barrier.wait()
        save(base)
    for _ in range(extra):
        for _ in range(200):
            if save(_head(repo)):
                break
    return outcomes


def process_writer(name: str, location: str, barrier: Any, rounds: int, extra: int, results: Any) -> None:
    """``write`` in a process of its own, with its own engine; reports its outcomes (or its error) on ``results``."""
    from valueshare.register.sql import open_register

    repo = None

    def open_repo() -> Any:
        nonlocal repo
        repo = open_register(location, timeout_seconds=30)
        return repo

    try:
        results.put((name, write(name, open_repo, barrier, rounds, extra), ""))
    except BaseException:  # noqa: BLE001 - reported to the test, which fails with it
        barrier.abort()
        results.put((name, [], traceback.format_exc()))
    finally:
        if repo is not None:
            repo.close()


@pytest.fixture(params=["memory", "sqlite", "postgresql"])
def repo(request: pytest.FixtureRequest, tmp_path: Path):
    """A register on each backend: the in-memory fake, an SQLite file and PostgreSQL (a schema of its own), on the
    test clock."""
    from valueshare.register import InMemoryRepository

    clock = Clock()
    if request.param == "memory":
        yield InMemoryRepository(clock)
        return
    from valueshare.register.sql import open_register

    where = str(tmp_path / "register.sqlite") if request.param == "sqlite" else request.getfixturevalue("pg_location")
    opened = open_register(where, clock=clock)
    yield opened
    opened.close()
