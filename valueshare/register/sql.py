"""The register in a database through SQLAlchemy 2: an SQLite file by default, PostgreSQL for a team.

``open_register(location)`` makes the engine (once; keep the repository for the life of the process), upgrades the
schema to the newest revision with the Alembic migrations shipped in ``migrations/``, and returns a
``SqlRepository``. Each repository method is one transaction; database failures become ``RegisterUnavailable``
with a message that names the register, and nothing is half-written.

Two people saving the same deal: a save runs ``UPDATE register_deals SET head = base + 1 WHERE key = ... AND
head = base`` and then inserts version ``base + 1``. If someone saved first, the update matches no row and the save
is refused with ``VersionConflict``; the unique constraint on (deal, number) and the triggers of revision 0002 make
the database refuse a second version with the same number whatever program writes it. On SQLite a write begins
with ``BEGIN IMMEDIATE`` (writers queue for up to ``timeout_seconds`` instead of failing when they meet); on
PostgreSQL the update waits for the row lock and then sees the newer head.

Each save is sealed into its deal's audit chain (``records.chain_link``) inside the same transaction, linked to the
chain value of the version it is based on.

An SQLite file is created (mode 0600) only when a register may be started (``create``), and never by a
connection: connections open it with ``mode=rw``, and every call first checks that the path still names the file
that was opened (``files.FileIdentity``), so a file deleted or moved while valueshare runs is reported as such
(``RegisterFileGone``) rather than as "read-only", stale deals, or a new empty register. A PostgreSQL server on
another machine is used only over TLS, and writes wait for its disk (``postgres``). Messages never show a
credential (``location.masked``).
"""

from __future__ import annotations

import contextlib
import logging
import sqlite3
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any
from urllib.parse import quote, quote_plus

import sqlalchemy as sa
from sqlalchemy import event, exc
from sqlalchemy.engine import URL, Connection, Engine, make_url

from valueshare.register import location as loc
from valueshare.register.errors import (
    DealNotFound,
    RegisterError,
    RegisterFileGone,
    RegisterLocationInvalid,
    RegisterNotFound,
    RegisterUnavailable,
    StatusConflict,
    VersionConflict,
    VersionNotFound,
)
from valueshare.register.files import FileIdentity, create_private_file, private_folder, tighten_register
from valueshare.register.postgres import WRITE_OPTION, durable_commits, transport_problem
from valueshare.register.records import (
    Access,
    AccessEvent,
    ArchiveEvent,
    DealEvent,
    DealInfo,
    DealStatus,
    EventKind,
    Grant,
    Headlines,
    Membership,
    NewVersion,
    Organisation,
    OrgKind,
    Role,
    StoredVersion,
    VersionInfo,
    search_text,
    utc,
)
from valueshare.register.repository import Clock, now, status_of
from valueshare.register.tables import (
    VERSION_TABLE,
    access_events,
    archive_events,
    deal_events,
    deals,
    grants,
    memberships,
    metadata,
    organisations,
    version_outlines,
    versions,
)

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
DEFAULT_TIMEOUT_SECONDS = 10.0
_WRITE = WRITE_OPTION
_LOCK_ID = 0x76616C7565  # "value": the advisory lock that serialises schema upgrades on PostgreSQL

log = logging.getLogger(__name__)


# -- where ---------------------------------------------------------------------------------------------------------

def database_url(location: str) -> URL:
    """The SQLAlchemy URL for a register location: a file path, ``sqlite:///path`` or a PostgreSQL URL
    (``postgresql://`` and ``postgres://`` use the psycopg driver)."""
    text = location.strip()
    if not text:
        raise RegisterLocationInvalid("the register location is empty: give a file path or a PostgreSQL URL")
    if not loc.is_url(text):
        return URL.create("sqlite", database=str(Path(text).expanduser().resolve()))
    shown = loc.masked(text)
    try:
        url = make_url(text)
    except (exc.ArgumentError, ValueError):
        raise RegisterLocationInvalid(
            f"'{shown}' is not a database URL; write postgresql://USER:PASSWORD@HOST:PORT/DATABASE, or give the "
            f"path of an SQLite file") from None
    if url.drivername in ("postgres", "postgresql"):
        url = url.set(drivername="postgresql+psycopg")
    backend = url.get_backend_name()
    if backend == "sqlite":
        if not url.database or url.database == ":memory:" or url.database.startswith("file::memory:"):
            raise RegisterLocationInvalid(f"'{shown}' names no file: an SQLite register needs a file path, "
                                          f"e.g. sqlite:///deals/register.sqlite")
        return url.set(database=str(Path(url.database).expanduser().resolve()))
    if backend != "postgresql":
        raise RegisterLocationInvalid(f"'{shown}': the register works with an SQLite file or a PostgreSQL "
                                      f"database, not {backend}")
    try:
        url.get_dialect()
    except (exc.ArgumentError, ImportError):  # NoSuchModuleError is an ArgumentError
        raise RegisterLocationInvalid(f"'{shown}': no database driver '{url.get_driver_name()}' for PostgreSQL; "
                                      f"write postgresql://...") from None
    if not url.database:
        raise RegisterLocationInvalid(f"'{shown}' names no database: add /DATABASE after the server")
    return url


def describe(url: URL) -> str:
    """The register's location for messages: the file, or the URL without its password and without the value of
    any parameter that looks like a credential (``password``, ``sslpassword``, ``token``...)."""
    if url.get_backend_name() == "sqlite":
        return str(url.database)
    base = url.set(drivername=url.get_backend_name(), query={}).render_as_string(hide_password=True)
    pairs = []
    for name in sorted(url.query):
        for value in _values(url.query[name]):
            shown = loc.HIDDEN if loc.is_secret_name(name) else quote_plus(value, safe="/:,")
            pairs.append(f"{quote_plus(name)}={shown}")
    return loc.masked(base + ("?" + "&".join(pairs) if pairs else ""))


def _values(value: Any) -> list[str]:
    return [str(v) for v in value] if isinstance(value, (tuple, list)) else [str(value)]


def _sqlite_connector(path: str, timeout_seconds: float) -> Any:
    """Connections that open the file only if it exists (SQLite's mode=rw): a register file deleted while
    valueshare runs must not come back as a new, empty database when the next connection is made."""
    uri = f"file:{quote(path, safe='/')}?mode=rw"

    def connect() -> sqlite3.Connection:
        return sqlite3.connect(uri, uri=True, timeout=timeout_seconds, check_same_thread=False)

    return connect


def make_engine(url: URL, timeout_seconds: float = DEFAULT_TIMEOUT_SECONDS, *, where: str | None = None,
                notes: list[str] | None = None, must_exist: bool = False) -> Engine:
    """An engine for the register, set up so that writes on SQLite queue for a lock and foreign keys hold, and
    writes on PostgreSQL wait for the server's disk (``postgres.durable_commits``; a server whose default does not
    is noted in ``notes``). With ``must_exist`` (as the repository uses it) a connection never creates the SQLite
    file."""
    if url.get_backend_name() == "sqlite":
        if must_exist:
            engine = sa.create_engine(url, creator=_sqlite_connector(str(url.database), timeout_seconds))
        else:
            engine = sa.create_engine(url, connect_args={"timeout": timeout_seconds})

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_connection: Any, _record: Any) -> None:
            dbapi_connection.isolation_level = None  # SQLAlchemy emits BEGIN itself, below
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")  # per connection, and outside a transaction
            cursor.close()

        @event.listens_for(engine, "begin")
        def _on_begin(connection: Connection) -> None:
            # A writer takes SQLite's write lock at BEGIN, so it waits its turn (busy timeout) rather than failing
            # on a lock upgrade half-way through; a reader does not block writers.
            write = connection.get_execution_options().get(_WRITE)
            connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

        return engine
    engine = sa.create_engine(url, pool_pre_ping=True,
                              connect_args={"connect_timeout": max(1, int(timeout_seconds))})
    durable_commits(engine, url, where or f"the register database {describe(url)}",
                    notes if notes is not None else [])
    return engine


# -- errors --------------------------------------------------------------------------------------------------------

def _first_line(error: BaseException) -> str:
    original = getattr(error, "orig", None) or error
    text = str(original).strip().splitlines()
    return text[0].strip() if text else type(original).__name__


def translate(error: exc.DBAPIError | exc.SQLAlchemyError, where: str, timeout_seconds: float) -> RegisterError:
    """A database failure as a message that names the register (``where``: 'the register file ...' or 'the
    register database ...') and says what to do. Any credential in the database's own words is hidden."""
    reason = loc.masked(_first_line(error))
    lower = reason.lower()
    if "database is locked" in lower or "database is busy" in lower:
        return RegisterUnavailable(
            f"{where} is locked by another program (waited {timeout_seconds:g} s); nothing was saved: try again in "
            f"a moment")
    if "file is not a database" in lower or "malformed" in lower or "disk image" in lower:
        return RegisterUnavailable(f"{where} is not a valueshare register, or it is damaged ({reason}); nothing "
                                   f"was saved: point the register at another file, or restore this one from a "
                                   f"backup")
    if "unable to open database file" in lower:
        return RegisterUnavailable(f"cannot open {where}: check that its folder exists and that you may write to it")
    if "readonly" in lower or "read-only" in lower:
        return RegisterUnavailable(f"{where} is read-only, so nothing can be saved to it")
    if isinstance(error, exc.OperationalError) or "connection" in lower:
        return RegisterUnavailable(f"cannot use {where}: {reason}")
    return RegisterUnavailable(f"{where} refused the request: {reason}")


# -- migrations ----------------------------------------------------------------------------------------------------

def alembic_config(connection: Connection | None = None, url: URL | None = None) -> Any:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if url is not None:
        config.set_main_option("sqlalchemy.url", url.render_as_string(hide_password=False).replace("%", "%%"))
    config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if head is None:
        raise RuntimeError("the register's migrations have no head revision")
    return head


def known_revisions() -> set[str]:
    from alembic.script import ScriptDirectory

    return {s.revision for s in ScriptDirectory.from_config(alembic_config()).walk_revisions()}


def current_revision(connection: Connection) -> str | None:
    from alembic.runtime.migration import MigrationContext

    return MigrationContext.configure(connection, opts={"version_table": VERSION_TABLE}).get_current_revision()


def upgrade(engine: Engine, where: str, target: str = "head", *, create: bool = True) -> bool:
    """Bring the register's schema up to ``target`` (the newest revision by default), in one transaction, once even
    if several programs open the register at the same time. A register from a newer release is refused; a database
    with no register in it yet is refused too unless ``create``. True if this call started the register (there
    were no register tables before)."""
    from alembic import command

    with engine.connect() as connection:
        # The tables first, then the revision: another program starting the register at this moment commits both
        # at once, so a revision read after the tables is never older than they are. (The other order could read
        # no revision, then that program's new tables, and refuse the register as "not made by valueshare".)
        tables = set(sa.inspect(connection).get_table_names())
        current = current_revision(connection)
    if target == "head" and current == head_revision():
        return False
    if current is None:
        ours = {t.name for t in metadata.sorted_tables}
        if engine.dialect.name == "sqlite" and tables and VERSION_TABLE not in tables:
            raise RegisterUnavailable(f"{where} is a database but not a valueshare register (it has other tables): "
                                      f"point the register at a new file")
        if tables & ours:
            raise RegisterUnavailable(f"{where} has register tables but no schema revision, so it was not made by "
                                      f"valueshare: point the register elsewhere")
        if not create:
            raise RegisterNotFound(f"there is no register in {where} yet: check the location, or save a deal to "
                                   f"start a new, empty register there")
    elif current not in known_revisions():
        raise RegisterUnavailable(f"{where} was made by a newer release of valueshare (schema revision {current}); "
                                  f"upgrade valueshare to open it")
    with engine.execution_options(**{_WRITE: True}).begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(sa.text("SELECT pg_advisory_xact_lock(:id)"), {"id": _LOCK_ID})
        before = current_revision(connection)  # under the lock: another program may have just done it
        command.upgrade(alembic_config(connection), target)
    log.info("%s upgraded from %s to %s", where, before, target)
    return before is None


# -- the repository ------------------------------------------------------------------------------------------------

def _headlines(row: Any) -> Headlines:
    return Headlines(row.nhs_npv_gbp, row.partner_npv_gbp, row.partner_irr, row.cost_recovery_ratio, row.nhs_share,
                     row.launch_probability)


def _info(key: str, row: Any) -> VersionInfo:
    return VersionInfo(key, row.number, row.author, utc(row.saved_at), row.note, row.deal_name or key,
                       row.nhs_name or "", row.partner_name or "", _headlines(row), row.restored_from,
                       row.content_format, row.sha256, row.chain)


_VERSION_COLUMNS = [c for c in versions.c if c.name not in ("id", "deal_id", "content", "search_text")]


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


class SqlRepository:
    """The register in a database; see the module docstring. Safe to share between threads (one engine, one
    connection per call); a process of its own makes its own repository.

    ``create``: whether a register may be started if there is none at ``url`` yet (``created`` then says it was).
    ``show_path``: whether messages name an SQLite file by its path (the CLI) or as "the register file" (the app,
    whose users need not see the server's folders). ``notes``: warnings about the database that do not stop it
    being used (PostgreSQL's ``synchronous_commit``)."""

    def __init__(self, url: URL, *, timeout_seconds: float = DEFAULT_TIMEOUT_SECONDS, clock: Clock = now,
                 migrate: bool = True, create: bool = True, show_path: bool = True):
        self.url = url
        self.location = describe(url)
        self.timeout_seconds = timeout_seconds
        self.created = False
        self.notes: list[str] = []
        self._clock = clock
        self._file: Path | None = None
        self._identity: FileIdentity | None = None
        self._at = self.location if show_path else ""
        made_file = False
        if url.get_backend_name() == "sqlite":
            self._file = Path(str(url.database))
            self.where = f"the register file {self._file}" if show_path else "the register file"
            made_file = self._open_file(create)
        else:
            self.where = f"the register database {self.location}"
            problem = transport_problem(url)
            if problem:
                raise RegisterLocationInvalid(f"{self.where} {problem}")
        try:
            self.engine = make_engine(url, timeout_seconds, where=self.where, notes=self.notes, must_exist=True)
        except ImportError as error:
            raise RegisterUnavailable(f"{self.where} needs the Python package '{error.name}', which is not "
                                      f"installed (PostgreSQL: pip install 'psycopg[binary]')") from None
        self._writer = self.engine.execution_options(**{_WRITE: True})
        if migrate:
            try:
                with self._errors():
                    self.created = upgrade(self.engine, self.where, create=create) or made_file
            except RegisterError:
                self.engine.dispose()
                if made_file:
                    self._forget_file()
                raise

    # the file

    def _open_file(self, create: bool) -> bool:
        """Make sure the register file exists (creating it, 0600, if ``create``) and remember which file it is.
        True if this call created it."""
        assert self._file is not None
        made = False
        if not self._file.exists():
            if not self._file.parent.is_dir():
                raise RegisterUnavailable(f"cannot open {self.where}: check that its folder exists and that you may "
                                          f"write to it")
            if not create:
                raise RegisterNotFound(f"there is no register at {self._at or 'the register file'} yet: check the "
                                       f"location, or save a deal to start a new, empty register there")
            try:
                made = create_private_file(self._file)
            except OSError as error:
                raise RegisterUnavailable(f"cannot create {self.where} ({error.strerror or error}): check that you "
                                          f"may write to its folder") from None
        try:
            self._identity = FileIdentity.of(self._file)
        except OSError as error:
            raise RegisterUnavailable(f"cannot open {self.where} ({error.strerror or error})") from None
        return made

    def _forget_file(self) -> None:
        """Remove the file this repository created for a register it then could not start."""
        assert self._file is not None and self._identity is not None
        with contextlib.suppress(OSError):
            if self._identity.still_at(self._file) and self._file.stat().st_size == 0:
                self._file.unlink()

    def _gone(self) -> RegisterFileGone | None:
        if self._file is None or self._identity is None or self._identity.still_at(self._file):
            return None
        return RegisterFileGone(self.where)

    def check(self) -> None:
        gone = self._gone()
        if gone is not None:
            log.warning("%s", gone)
            raise gone

    @contextlib.contextmanager
    def _errors(self) -> Iterator[None]:
        self.check()
        try:
            yield
        except exc.IntegrityError:
            raise
        except (exc.DBAPIError, exc.SQLAlchemyError) as error:
            # A file deleted under an open connection reads as "read-only": say what really happened.
            raise (self._gone() or translate(error, self.where, self.timeout_seconds)) from None

    # writing

    def add_version(self, key: str, new: NewVersion, base_version: int | None,
                    owner: str | None = None) -> VersionInfo:
        try:
            with self._errors(), self._writer.begin() as conn:
                owner_id = None if owner is None else self._org_id(conn, owner)
                found = conn.execute(sa.select(deals.c.id, deals.c.head).where(deals.c.key == key)).first()
                if found is None:
                    if base_version is not None:
                        raise DealNotFound(key, self._at)
                    moment = utc(self._clock())
                    inserted = conn.execute(sa.insert(deals).values(key=key, created_at=moment, head=1)
                                            ).inserted_primary_key
                    assert inserted is not None  # an insert of one row always has its key
                    deal_id = inserted[0]
                    number, previous = 1, ""
                else:
                    deal_id = found.id
                    if base_version is None or base_version != found.head:
                        raise VersionConflict(key, base_version, self._latest(conn, key, deal_id))
                    number = base_version + 1
                    moved = conn.execute(sa.update(deals).where(deals.c.id == deal_id, deals.c.head == base_version)
                                         .values(head=number))
                    if moved.rowcount != 1:  # PostgreSQL: someone moved the head while we waited for the row
                        raise VersionConflict(key, base_version, self._latest(conn, key, deal_id))
                    previous = conn.execute(sa.select(versions.c.chain).where(
                        versions.c.deal_id == deal_id, versions.c.number == base_version)).scalar() or ""
                    moment = utc(self._clock())
                info = new.as_version(key, number, moment, previous)
                stored = conn.execute(sa.insert(versions).values(
                    deal_id=deal_id, number=number, author=new.author, saved_at=moment, note=new.note,
                    content_format=new.content_format, content=new.content, sha256=new.sha256, chain=info.chain,
                    nhs_npv_gbp=new.headlines.nhs_npv, partner_npv_gbp=new.headlines.partner_npv,
                    partner_irr=new.headlines.partner_irr, cost_recovery_ratio=new.headlines.cost_recovery,
                    nhs_share=new.headlines.nhs_share, launch_probability=new.headlines.launch_probability,
                    deal_name=new.deal_name, nhs_name=new.nhs_name, partner_name=new.partner_name,
                    restored_from=new.restored_from,
                    search_text=search_text(key, new.deal_name, new.nhs_name, new.partner_name))).inserted_primary_key
                if new.outline is not None:
                    assert stored is not None  # an insert of one row always has its key
                    conn.execute(sa.insert(version_outlines).values(version_id=stored[0], outline=new.outline))
                if owner_id is not None and number == 1:
                    conn.execute(sa.insert(grants).values(deal_id=deal_id, org_id=owner_id, access="owner"))
                    self._access_event(conn, new.author, f"deal {key} shared with {owner} as owner")
        except exc.IntegrityError as error:
            # Two first saves of one deal at once (the key is unique), or a number taken under us: the database
            # refused the second, and the loser is told who won. Any other refusal (a broken rule) is not a conflict.
            with self._errors(), self.engine.connect() as conn:
                found = conn.execute(sa.select(deals.c.id).where(deals.c.key == key)).first()
                latest = self._latest(conn, key, found.id) if found is not None else None
            if latest is None or latest.number == base_version:
                raise translate(error, self.where, self.timeout_seconds) from None
            raise VersionConflict(key, base_version, latest) from None
        return info

    def set_archived(self, key: str, archived: bool, author: str, note: str) -> ArchiveEvent:
        with self._errors(), self._writer.begin() as conn:
            deal_id = self._deal_id(conn, key)
            if self._archived(conn, deal_id) == archived:
                raise RegisterError(f"deal '{key}' is {'already' if archived else 'not'} archived")
            moment = utc(self._clock())
            conn.execute(sa.insert(archive_events).values(deal_id=deal_id, archived=archived, author=author,
                                                          at=moment, note=note))
        return ArchiveEvent(key, archived, author, moment, note)

    def add_event(self, key: str, event: DealEvent, expected_status: DealStatus | None = None) -> DealEvent:
        with self._errors(), self._writer.begin() as conn:
            # the deal's row locked (PostgreSQL; SQLite's writer holds the whole file) so that two status changes
            # from the same status cannot both pass the check below
            deal_id = conn.execute(sa.select(deals.c.id).where(deals.c.key == key).with_for_update()).scalar()
            if deal_id is None:
                raise DealNotFound(key, self._at)
            if expected_status is not None:
                found = status_of(self._events(conn, key, deal_id))
                if found is not expected_status:
                    raise StatusConflict(key, expected_status, found)
            moment = utc(self._clock())
            conn.execute(sa.insert(deal_events).values(
                deal_id=deal_id, kind=event.kind.value, version=event.version,
                status=None if event.status is None else event.status.value, author=event.author, at=moment,
                text=event.text))
        return replace(event, deal_key=key, at=moment)

    def _events(self, conn: Connection, key: str, deal_id: int) -> list[DealEvent]:
        rows = conn.execute(sa.select(deal_events).where(deal_events.c.deal_id == deal_id)
                            .order_by(deal_events.c.id)).all()
        return [DealEvent(key, EventKind(r.kind), r.author, utc(r.at), r.text, r.version,
                          None if r.status is None else DealStatus(r.status)) for r in rows]

    def deal_events(self, key: str) -> list[DealEvent]:
        with self._errors(), self.engine.connect() as conn:
            return self._events(conn, key, self._deal_id(conn, key))

    # organisations and access

    def _access_event(self, conn: Connection, author: str, text: str) -> AccessEvent:
        moment = utc(self._clock())
        conn.execute(sa.insert(access_events).values(author=author, at=moment, text=text))
        return AccessEvent(author, moment, text)

    def _org_id(self, conn: Connection, key: str) -> int:
        found = conn.execute(sa.select(organisations.c.id).where(organisations.c.key == key)).scalar()
        if found is None:
            raise RegisterError(f"there is no organisation '{key}' in the register")
        return found

    def add_organisation(self, organisation: Organisation, author: str) -> AccessEvent:
        with self._errors(), self._writer.begin() as conn:
            if conn.execute(sa.select(organisations.c.id).where(organisations.c.key == organisation.key)).first():
                raise RegisterError(f"the organisation '{organisation.key}' is already in the register")
            conn.execute(sa.insert(organisations).values(key=organisation.key, name=organisation.name,
                                                         kind=organisation.kind.value))
            return self._access_event(conn, author, f"organisation {organisation.key} added "
                                                    f"({organisation.kind.value}): {organisation.name}")

    def organisations(self) -> list[Organisation]:
        with self._errors(), self.engine.connect() as conn:
            rows = conn.execute(sa.select(organisations).order_by(organisations.c.key)).all()
        return [Organisation(r.key, r.name, OrgKind(r.kind)) for r in rows]

    def set_member(self, membership: Membership, author: str) -> AccessEvent:
        with self._errors(), self._writer.begin() as conn:
            org_id = self._org_id(conn, membership.organisation)
            conn.execute(sa.delete(memberships).where(memberships.c.org_id == org_id,
                                                      memberships.c.person == membership.person))
            conn.execute(sa.insert(memberships).values(org_id=org_id, person=membership.person,
                                                       role=membership.role.value))
            return self._access_event(conn, author, f"{membership.person} is {membership.role.value} of "
                                                    f"{membership.organisation}")

    def memberships(self) -> list[Membership]:
        query = (sa.select(organisations.c.key, memberships.c.person, memberships.c.role)
                 .join(organisations, organisations.c.id == memberships.c.org_id)
                 .order_by(organisations.c.key, memberships.c.person))
        with self._errors(), self.engine.connect() as conn:
            return [Membership(r.key, r.person, Role(r.role)) for r in conn.execute(query)]

    def set_grant(self, grant: Grant, author: str) -> AccessEvent:
        with self._errors(), self._writer.begin() as conn:
            deal_id = self._deal_id(conn, grant.deal_key)
            org_id = self._org_id(conn, grant.organisation)
            conn.execute(sa.delete(grants).where(grants.c.deal_id == deal_id, grants.c.org_id == org_id))
            conn.execute(sa.insert(grants).values(deal_id=deal_id, org_id=org_id, access=grant.access.value))
            return self._access_event(conn, author, f"deal {grant.deal_key} shared with {grant.organisation} as "
                                                    f"{grant.access.value}")

    def grants(self) -> list[Grant]:
        query = (sa.select(deals.c.key.label("deal"), organisations.c.key.label("org"), grants.c.access)
                 .join(deals, deals.c.id == grants.c.deal_id).join(organisations, organisations.c.id == grants.c.org_id)
                 .order_by(deals.c.key, organisations.c.key))
        with self._errors(), self.engine.connect() as conn:
            return [Grant(r.deal, r.org, Access(r.access)) for r in conn.execute(query)]

    def access_events(self) -> list[AccessEvent]:
        with self._errors(), self.engine.connect() as conn:
            rows = conn.execute(sa.select(access_events).order_by(access_events.c.id)).all()
        return [AccessEvent(r.author, utc(r.at), r.text) for r in rows]

    # reading

    def _deal_id(self, conn: Connection, key: str) -> int:
        found = conn.execute(sa.select(deals.c.id).where(deals.c.key == key)).scalar()
        if found is None:
            raise DealNotFound(key, self._at)
        return found

    def _latest(self, conn: Connection, key: str, deal_id: int) -> VersionInfo:
        row = conn.execute(sa.select(*_VERSION_COLUMNS).where(versions.c.deal_id == deal_id)
                           .order_by(versions.c.number.desc()).limit(1)).one()
        return _info(key, row)

    @staticmethod
    def _archived_column(deal_id: Any) -> Any:
        latest = (sa.select(archive_events.c.archived).where(archive_events.c.deal_id == deal_id)
                  .order_by(archive_events.c.id.desc()).limit(1).scalar_subquery())
        return sa.func.coalesce(latest, sa.false())

    def _archived(self, conn: Connection, deal_id: int) -> bool:
        return bool(conn.execute(sa.select(self._archived_column(deal_id))).scalar())

    def deal(self, key: str) -> DealInfo:
        found = self.deals(key=key, include_archived=True)
        if not found:
            raise DealNotFound(key, self._at)
        return found[0]

    def versions(self, key: str) -> list[VersionInfo]:
        with self._errors(), self.engine.connect() as conn:
            deal_id = self._deal_id(conn, key)
            rows = conn.execute(sa.select(*_VERSION_COLUMNS).where(versions.c.deal_id == deal_id)
                                .order_by(versions.c.number)).all()
        return [_info(key, row) for row in rows]

    def version(self, key: str, number: int) -> StoredVersion:
        with self._errors(), self.engine.connect() as conn:
            deal_id = self._deal_id(conn, key)
            row = conn.execute(sa.select(*_VERSION_COLUMNS, versions.c.content)
                               .where(versions.c.deal_id == deal_id, versions.c.number == number)).first()
            if row is None:
                head = conn.execute(sa.select(deals.c.head).where(deals.c.id == deal_id)).scalar()
                raise VersionNotFound(key, number, int(head or 0))
        return StoredVersion(_info(key, row), row.content, row.content_format, row.sha256)

    def deals(self, search: str = "", include_archived: bool = False, *, key: str | None = None) -> list[DealInfo]:
        archived = self._archived_column(deals.c.id).label("archived")
        query = (sa.select(deals.c.key, deals.c.created_at, archived, *_VERSION_COLUMNS)
                 .join(versions, sa.and_(versions.c.deal_id == deals.c.id, versions.c.number == deals.c.head)))
        if key is not None:
            query = query.where(deals.c.key == key)
        if search.strip():
            # search_text is lower-cased by Python when saved, so 'élan' finds 'Élan' whatever the database's locale
            pattern = f"%{_escape_like(search.strip().lower())}%"
            query = query.where(versions.c.search_text.like(pattern, escape="\\"))
        if not include_archived:
            query = query.where(self._archived_column(deals.c.id) == sa.false())
        with self._errors(), self.engine.connect() as conn:
            rows = conn.execute(query).all()
        found = [DealInfo(row.key, utc(row.created_at), _info(row.key, row), bool(row.archived)) for row in rows]
        return sorted(found, key=lambda d: (d.name.lower(), d.key))

    def archive_events(self, key: str) -> list[ArchiveEvent]:
        with self._errors(), self.engine.connect() as conn:
            deal_id = self._deal_id(conn, key)
            rows = conn.execute(sa.select(archive_events).where(archive_events.c.deal_id == deal_id)
                                .order_by(archive_events.c.id)).all()
        return [ArchiveEvent(key, bool(r.archived), r.author, utc(r.at), r.note) for r in rows]

    def outlines(self, keys: list[str]) -> dict[str, str | None]:
        query = (sa.select(deals.c.key, version_outlines.c.outline)
                 .join(versions, sa.and_(versions.c.deal_id == deals.c.id, versions.c.number == deals.c.head))
                 .outerjoin(version_outlines, version_outlines.c.version_id == versions.c.id))
        wanted = set(keys)
        with self._errors(), self.engine.connect() as conn:
            # one read of every deal, filtered here: an IN list of 10,000 keys would cost more than it saves
            return {row.key: row.outline for row in conn.execute(query) if row.key in wanted}

    def statuses(self) -> dict[str, DealStatus]:
        query = (sa.select(deals.c.key, deal_events.c.status).select_from(deals)
                 .outerjoin(deal_events, sa.and_(deal_events.c.deal_id == deals.c.id, deal_events.c.kind == "status"))
                 .order_by(deal_events.c.id))
        found: dict[str, DealStatus] = {}
        with self._errors(), self.engine.connect() as conn:
            for row in conn.execute(query):  # oldest first: the last status event of each deal wins
                if row.status is not None or row.key not in found:
                    found[row.key] = DealStatus.DRAFT if row.status is None else DealStatus(row.status)
        return found

    def heads(self) -> dict[str, int]:
        with self._errors(), self.engine.connect() as conn:
            return {row.key: row.head for row in conn.execute(sa.select(deals.c.key, deals.c.head))}

    def stored_versions(self, key: str) -> list[StoredVersion]:
        with self._errors(), self.engine.connect() as conn:
            deal_id = self._deal_id(conn, key)
            rows = conn.execute(sa.select(*_VERSION_COLUMNS, versions.c.content)
                                .where(versions.c.deal_id == deal_id).order_by(versions.c.number)).all()
        return [StoredVersion(_info(key, row), row.content, row.content_format, row.sha256) for row in rows]

    def close(self) -> None:
        self.engine.dispose()


def open_register(location: str | None = None, *, timeout_seconds: float = DEFAULT_TIMEOUT_SECONDS,
                  clock: Clock = now, create: bool = True, show_path: bool = True) -> SqlRepository:
    """Open and upgrade the register at ``location``, or at the one setting ``VALUESHARE_REGISTER_URL``, or at the
    default file. If there is no register there yet, a new, empty one is started (``created`` is then True) only
    if ``create``; otherwise ``RegisterNotFound``. The default file's folder is made (0700) when it is missing, and
    it and the file are kept readable by their user only."""
    where, default = loc.chosen(location)
    url = database_url(where)
    if default and not create and not Path(str(url.database)).exists():
        raise RegisterNotFound(f"there is no register at {url.database} yet: save a deal to start a new, empty "
                               f"register there" if show_path else "there is no register yet: save a deal to "
                               "start one")
    if default:
        folder = Path(str(url.database)).parent
        if create or folder.is_dir():
            try:
                private_folder(folder)
            except OSError as error:
                raise RegisterUnavailable(f"cannot create the folder for the register {url.database} "
                                          f"({error.strerror or error})") from None
            tighten_register(Path(str(url.database)))
    return SqlRepository(url, timeout_seconds=timeout_seconds, clock=clock, create=create, show_path=show_path)
