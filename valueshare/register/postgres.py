"""PostgreSQL safety: never reach another machine without TLS, and never accept a save the server may lose.

- ``transport_problem(url)``: a server on another machine is used only with ``sslmode`` ``require``, ``verify-ca``
  or ``verify-full``, or the deals and the password would cross the network readable. Local servers (localhost,
  127.0.0.0/8, ::1, a Unix socket) need no TLS. The hosts are the ones libpq will use: the URL's, its ``host`` and
  ``hostaddr`` parameters, else ``PGHOST`` and ``PGHOSTADDR``; a ``service`` (or ``PGSERVICE``) without a host in
  the URL may name any server, so it counts as another machine.
- ``durable_commits(engine, ...)``: with ``synchronous_commit = off`` the server says "committed" before the
  commit is on its disk, and a crash loses saves it has already accepted (six, once). Every valueshare write runs
  ``SET LOCAL synchronous_commit = on`` at its start and checks it took, so valueshare's own saves wait for the
  disk whatever the server, database or role default is; a save whose transaction still reports ``off`` (a proxy
  that drops the setting) is refused. Each new connection reads the default with ``SHOW synchronous_commit``; if
  it is ``off``, the repository keeps a warning (``notes``) naming the setting and how to change it, since other
  programs writing to that database are not protected.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import URL, Connection, Engine

from valueshare.register.errors import RegisterUnavailable
from valueshare.register.location import is_local_host

TLS_MODES = ("require", "verify-ca", "verify-full")
WRITE_OPTION = "valueshare_write"

log = logging.getLogger(__name__)


def _values(value: Any) -> list[str]:
    """A URL parameter's values: it may be given several times, and libpq also takes 'a,b'."""
    given = value if isinstance(value, (tuple, list)) else [value] if value else []
    return [part.strip() for item in given for part in str(item).split(",") if part.strip()]


def _host(text: str) -> str:
    """``text`` without its port: 'db:5432' -> 'db', '[::1]:5432' -> '::1'; a socket path or bare IPv6 as it is."""
    if text.startswith(("/", "@")):
        return text
    if text.startswith("["):
        return text[1:text.index("]")] if "]" in text else text
    return text.rsplit(":", 1)[0] if text.count(":") == 1 else text


def transport_problem(url: URL, environ: Mapping[str, str] | None = None) -> str | None:
    """Why valueshare will not connect to the PostgreSQL server at ``url`` as written, or None: a server on another
    machine without TLS required. ``environ`` (default ``os.environ``) supplies libpq's ``PG...`` variables.

    >>> from sqlalchemy.engine import make_url
    >>> transport_problem(make_url("postgresql://ana@db.example.nhs.uk/deals"), {}) is not None
    True
    >>> [transport_problem(make_url(u), {}) for u in ("postgresql://ana@db.example.nhs.uk/deals?sslmode=verify-full",
    ...                                               "postgresql://ana@127.0.0.1:5432/deals",
    ...                                               "postgresql://ana@/deals?host=/var/run/postgresql")]
    [None, None, None]
    """
    env = os.environ if environ is None else environ
    query = url.query
    given = [url.host] if url.host else _values(query.get("host"))
    hosts = given or _values(env.get("PGHOST"))
    addresses = _values(query.get("hostaddr")) or _values(env.get("PGHOSTADDR"))
    modes = _values(query.get("sslmode")) or _values(env.get("PGSSLMODE"))
    if modes and modes[-1].lower() in TLS_MODES:
        return None
    remote = [h for h in (_host(h) for h in hosts + addresses) if not is_local_host(h)]
    service = _values(query.get("service")) or _values(env.get("PGSERVICE"))
    if service and not given and not addresses:
        remote.append(f"the server of service {service[0]}")
    if not remote:
        return None
    mode = f" (it has sslmode={modes[-1]})" if modes else ""
    return (f"is on another machine ({', '.join(dict.fromkeys(remote))}), and valueshare connects to a database on "
            f"another machine only if the connection is encrypted{mode}: add sslmode=verify-full to the register "
            f"URL (postgresql://USER@HOST/DATABASE?sslmode=verify-full), or sslmode=require if your machine cannot "
            f"check the server's certificate")


def commit_warning(where: str, url: URL) -> str:
    """What to tell whoever runs a database whose default ``synchronous_commit`` is ``off``."""
    database = url.database or "DATABASE"
    return (f"{where} has synchronous_commit off, so a crash can lose commits it has already accepted; valueshare "
            f"turns it on for its own saves, but ask the database's administrator to run ALTER DATABASE {database} "
            f"SET synchronous_commit = on (and remove any ALTER ROLE ... SET synchronous_commit = off, or the "
            f"setting in postgresql.conf)")


def refuse_unsafe_commit(setting: str, where: str) -> None:
    """Refuse a save whose transaction would commit with ``synchronous_commit`` ``off``: the server could lose it
    after saying it was saved.

    >>> refuse_unsafe_commit("on", "the register database postgresql://db/deals")
    >>> try:
    ...     refuse_unsafe_commit("off", "the register database postgresql://db/deals")
    ... except RegisterUnavailable as refused:
    ...     print(str(refused)[:86])
    the register database postgresql://db/deals would not wait for saves to reach its disk
    """
    if setting.strip().lower() == "off":
        raise RegisterUnavailable(
            f"{where} would not wait for saves to reach its disk (its setting synchronous_commit stays off), so "
            f"nothing was saved: ask the database's administrator to run ALTER DATABASE ... SET synchronous_commit "
            f"= on, and to let valueshare connect without a proxy that drops the setting")


def durable_commits(engine: Engine, url: URL, where: str, notes: list[str]) -> None:
    """Make every write on ``engine`` commit with ``synchronous_commit = on``, and note (once) a server whose
    default is ``off``."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        with dbapi_connection.cursor() as cursor:
            cursor.execute("SHOW synchronous_commit")
            setting = cursor.fetchone()[0]
        dbapi_connection.rollback()  # end the transaction the SHOW began
        if str(setting).lower() == "off" and not notes:
            notes.append(commit_warning(where, url))
            log.warning("%s", notes[-1])

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        if connection.get_execution_options().get(WRITE_OPTION):
            connection.exec_driver_sql("SET LOCAL synchronous_commit = on")
            refuse_unsafe_commit(str(connection.exec_driver_sql("SHOW synchronous_commit").scalar()), where)
