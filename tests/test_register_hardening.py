"""The register's hardening: no credential in any message, a register file deleted or moved while in use is said
to be so (and a new, empty register is never started without saying so), the default file is readable by its
user only, PostgreSQL on another machine needs TLS and saves wait for the server's disk, and the audit chain
catches a record changed outside valueshare.

Each test reproduces the failure as it was: e.g. a password in the query string printed in a message, saves
reported "read-only" after the file was deleted, a new process quietly starting an empty register.
"""

from __future__ import annotations

import io
import logging
import os
import re
import shutil
import sqlite3
import stat
import subprocess
import sys
import threading
import traceback
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from register_support import ROOT, Clock, fee_deal, location, pg_location, postgres_url  # noqa: F401 - fixtures

from valueshare.cli_register import main
from valueshare.errors import DealInvalid
from valueshare.register import InMemoryRepository, service
from valueshare.register.access import Actor
from valueshare.register.errors import (
    RegisterFileGone,
    RegisterLocationInvalid,
    RegisterNotFound,
    RegisterTampered,
    RegisterUnavailable,
)
from valueshare.register.location import ENV, is_local_host, masked
from valueshare.register.postgres import refuse_unsafe_commit, transport_problem
from valueshare.register.records import checksum, sealed
from valueshare.register.sql import SqlRepository, database_url, describe, open_register
from valueshare.scenario import deal_to_yaml

KEY = "test-deal"
SECRETS = ("s3cret-userinfo", "s3cret-query", "s3cret-ssl", "t0ken-value", "k3y-value", "sh-secret")
SECRET_QUERY = ("password=s3cret-query&sslpassword=s3cret-ssl&token=t0ken-value&api_key=k3y-value"
                "&secret=sh-secret&passfile=/home/ana/.pgpass")


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out, err)
    return code, out.getvalue(), err.getvalue()


def cli(*argv: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """``python -m valueshare ...`` in a process of its own, as a user runs it."""
    return subprocess.run([sys.executable, "-m", "valueshare", *argv], cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, timeout=120)


def no_secret_in(*texts: str) -> None:
    for text in texts:
        for secret in SECRETS:
            assert secret not in text, (secret, text)


def scenario(tmp_path: Path, fee: float = 1000) -> str:
    path = tmp_path / f"deal-{fee:g}.yaml"
    path.write_text(deal_to_yaml(fee_deal(fee)))
    return str(path)


# == 1. Credentials are never shown ==============================================================================

@pytest.mark.parametrize("text, shown", [
    ("postgresql://ana:s3cret-userinfo@db/reg", "postgresql://ana:***@db/reg"),
    ("postgresql://db/reg?password=s3cret-query", "postgresql://db/reg?password=***"),
    ("postgresql://db/reg?sslmode=require&sslpassword=s3cret-ssl",
     "postgresql://db/reg?sslmode=require&sslpassword=***"),
    ("postgresql://db/reg?passfile=/home/ana/.pgpass", "postgresql://db/reg?passfile=/home/ana/.pgpass"),
    ("x://h/d?token=t0ken-value&api_key=k3y-value&secret=sh-secret&access_token=t0ken-value&Api-Key=k3y-value",
     "x://h/d?token=***&api_key=***&secret=***&access_token=***&Api-Key=***"),
    ("postgresql://ana:p@ss/w:rd@s3cret-userinfo@db/reg", "postgresql://ana:***@db/reg"),   # '@', '/', ':' in it
    ("'postgresql://ana:s3cret-userinfo@db:port/reg': not a URL", "'postgresql://ana:***@db:port/reg': not a URL"),
    ("host=db password='s3cret query' user=ana", "host=db password=*** user=ana"),
    ("postgresql://ana@db:5432/reg?sslmode=verify-full", "postgresql://ana@db:5432/reg?sslmode=verify-full"),
])
def test_every_credential_in_a_location_is_masked_and_nothing_else(text, shown):
    assert masked(text) == shown


def test_describe_hides_the_password_and_every_credential_parameter_but_shows_the_passfile():
    url = database_url(f"postgresql://ana:s3cret-userinfo@127.0.0.1:5432/reg?{SECRET_QUERY}")
    text = describe(url)
    no_secret_in(text)
    assert text == ("postgresql://ana:***@127.0.0.1:5432/reg?api_key=***&passfile=/home/ana/.pgpass&password=***"
                    "&secret=***&sslpassword=***&token=***")


@pytest.mark.parametrize("location", [
    f"postgresql://ana:s3cret-userinfo@db:port/reg?{SECRET_QUERY}",     # not a URL
    f"mysql://ana:s3cret-userinfo@db/reg?{SECRET_QUERY}",                # not PostgreSQL
    f"postgresql://ana:s3cret-userinfo@db.example.nhs.uk/reg?{SECRET_QUERY}",   # another machine, no TLS
    f"postgresql://ana:s3cret-userinfo@127.0.0.1:1/reg?{SECRET_QUERY}",  # nobody answers (and unknown options)
    "postgresql://ana:s3cret-userinfo@127.0.0.1:1/reg?password=s3cret-query&sslpassword=s3cret-ssl",
    "postgresql://ana@nohost.invalid/reg?sslmode=require&password=s3cret-query",   # no such server
])
def test_no_message_exception_or_log_line_shows_a_credential(location, caplog):
    caplog.set_level(logging.DEBUG)
    with pytest.raises((RegisterLocationInvalid, RegisterUnavailable)) as error:
        open_register(location, timeout_seconds=2)
    # Even a traceback (which no user sees) shows nothing: no database error with the URL is chained in.
    shown = "".join(traceback.format_exception(error.value))
    no_secret_in(str(error.value), repr(error.value), shown, *[r.getMessage() for r in caplog.records])


@pytest.mark.parametrize("location, message", [
    ("postgresql://ana:s3cret-userinfo@127.0.0.1:1/reg?password=s3cret-query&sslpassword=s3cret-ssl"
     "&passfile=/home/ana/.pgpass", "cannot use the register database postgresql://ana:***@127.0.0.1:1/reg?"
                                    "passfile=/home/ana/.pgpass&password=***&sslpassword=***: "),
    (f"postgresql://ana:s3cret-userinfo@127.0.0.1:1/reg?{SECRET_QUERY}", "cannot use the register database "),
    ("postgresql://ana:s3cret-userinfo@nohost.invalid/reg?sslmode=require&token=t0ken-value",
     "cannot use the register database postgresql://ana:***@nohost.invalid/reg?sslmode=require&token=***: "),
    (f"postgresql://ana:s3cret-userinfo@db:port/reg?{SECRET_QUERY}", "' is not a database URL"),
    ("postgresql://ana:s3cret-userinfo@db.example.nhs.uk/reg?password=s3cret-query",
     "the register database postgresql://ana:***@db.example.nhs.uk/reg?password=*** is on another machine"),
])
def test_the_cli_never_prints_a_credential(location, message):
    done = cli("list", "--register", location)
    assert done.returncode == 1 and done.stdout == ""
    assert len(done.stderr.splitlines()) == 1 and "Traceback" not in done.stderr
    assert message in done.stderr
    no_secret_in(done.stdout, done.stderr)


# == 2. The register file deleted or moved while in use ===========================================================

GONE = ("was deleted or moved while valueshare was running, so nothing was saved: restore the file from a backup, "
        "or start a new register")


def saved(where: str, *fees: float) -> SqlRepository:
    repo = open_register(where, clock=Clock())
    for number, fee in enumerate(fees, start=1):
        service.save(repo, fee_deal(fee), author="Ana", note=f"fee {fee:g}",
                     base_version=None if number == 1 else number - 1)
    return repo


def delete(path: Path) -> None:
    path.unlink()


def move(path: Path) -> None:
    path.rename(path.with_name("moved.sqlite"))


def replace_with_a_copy(path: Path) -> None:
    # Put back "the same" file from a copy: another file now, whatever it holds.
    shutil.copy(path, path.with_name("copy.sqlite"))
    os.replace(path.with_name("copy.sqlite"), path)


@pytest.mark.parametrize("happen", [delete, move, replace_with_a_copy])
def test_a_register_file_deleted_or_moved_while_in_use_is_named_as_such_for_every_call(tmp_path, happen):
    path = tmp_path / "register.sqlite"
    repo = saved(str(path), 1000, 2000)
    try:
        happen(path)
        expected = f"the register file {path} {GONE}"
        with pytest.raises(RegisterFileGone) as refused:   # was: "the register ... is read-only"
            service.save(repo, fee_deal(3000), author="Bo", note="n", base_version=2)
        assert str(refused.value) == expected
        for call in (lambda: service.find(repo), lambda: service.history(repo, KEY),   # was: the deleted deals
                     lambda: service.open_version(repo, KEY, 1), lambda: service.verify(repo), repo.check):
            with pytest.raises(RegisterFileGone, match=re.escape(expected)):
                call()
        if happen is not replace_with_a_copy:
            assert not path.exists()   # nothing made a new, empty file in its place
    finally:
        repo.close()


def test_a_file_deleted_under_an_open_connection_is_not_reported_as_read_only(tmp_path):
    path = tmp_path / "register.sqlite"
    repo = saved(str(path), 1000)
    try:
        with repo.engine.connect():   # a connection is open on the file when it goes
            delete(path)
            with pytest.raises(RegisterFileGone) as refused:
                service.save(repo, fee_deal(3000), author="Bo", note="n", base_version=1)
        assert "read-only" not in str(refused.value)
    finally:
        repo.close()


def test_a_new_process_is_told_there_is_no_register_rather_than_given_an_empty_one(tmp_path):
    path = tmp_path / "register.sqlite"
    saved(str(path), 1000).close()
    delete(path)
    with pytest.raises(RegisterNotFound, match=re.escape(f"there is no register at {path} yet")):
        open_register(str(path), create=False)
    assert not path.exists()
    started = open_register(str(path))   # a save may start one, and says it did
    try:
        assert started.created and service.find(started) == []
    finally:
        started.close()
    again = open_register(str(path))
    try:
        assert not again.created
    finally:
        again.close()


@pytest.mark.parametrize("argv", [["list"], ["history", KEY], ["show", KEY], ["diff", KEY, "1", "2"], ["verify"],
                                  ["restore", KEY, "1", "--note", "n"], ["archive", KEY]])
def test_commands_other_than_save_never_create_a_register(tmp_path, monkeypatch, argv):
    monkeypatch.setenv("VALUESHARE_AUTHOR", "Ana")
    path = tmp_path / "register.sqlite"
    code, out, err = run(*argv, "--register", str(path))
    assert (code, out) == (1, "")
    assert err == f"there is no register at {path} yet: check the location, or save a deal to start a new, empty " \
                  f"register there\n"
    assert not path.exists()


def test_with_no_register_set_a_read_only_command_creates_neither_file_nor_folder(tmp_path, monkeypatch):
    monkeypatch.delenv(ENV, raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    code, out, err = run("list")
    assert (code, out) == (1, "")
    assert err.startswith(f"there is no register at {tmp_path / 'data' / 'valueshare' / 'register.sqlite'} yet")
    assert not (tmp_path / "data").exists()


def test_save_says_when_it_starts_a_new_empty_register_and_only_then(tmp_path, monkeypatch):
    monkeypatch.setenv("VALUESHARE_AUTHOR", "Ana")
    path = tmp_path / "register.sqlite"
    code, out, err = run("save", scenario(tmp_path), "--note", "first", "--register", str(path))
    assert code == 0 and out.startswith("Saved 'Test deal' as version 1")
    assert err == f"Started a new, empty register at {path} (there was no register there yet)\n"
    code, _, err = run("save", scenario(tmp_path, 2000), "--note", "second", "--base-version", "1",
                       "--register", str(path))
    assert (code, err) == (0, "")


def test_a_save_refused_before_it_starts_leaves_no_register_behind(tmp_path, monkeypatch):
    monkeypatch.setenv("VALUESHARE_AUTHOR", "Ana")
    path = tmp_path / "register.sqlite"
    code, _, err = run("save", scenario(tmp_path), "--note", " ", "--register", str(path))
    assert code == 1 and "a note is required" in err and not path.exists()


# == 3. Readable by its user only ==============================================================================

def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@contextmanager
def umask(value: int) -> Iterator[None]:
    old = os.umask(value)
    try:
        yield
    finally:
        os.umask(old)


def test_the_default_register_and_its_folders_are_created_readable_by_the_user_only(tmp_path, monkeypatch):
    monkeypatch.delenv(ENV, raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    with umask(0o022):   # a usual umask: files 0644 and folders 0755 unless valueshare says otherwise
        saved(None, 1000).close()   # type: ignore[arg-type]
    folder = tmp_path / "data" / "valueshare"
    assert (mode(tmp_path / "data"), mode(folder), mode(folder / "register.sqlite")) == (0o700, 0o700, 0o600)


def test_an_explicit_new_register_file_is_readable_by_the_user_only(tmp_path):
    with umask(0o022):
        saved(str(tmp_path / "mine.sqlite"), 1000).close()
    assert mode(tmp_path / "mine.sqlite") == 0o600


def test_sqlites_journal_wal_and_shm_files_are_readable_by_the_user_only(tmp_path):
    path = tmp_path / "register.sqlite"
    with umask(0o022):
        saved(str(path), 1000).close()
        other = sqlite3.connect(path, isolation_level=None)   # a write in progress keeps its rollback journal
        other.execute("BEGIN IMMEDIATE")
        other.execute("INSERT INTO register_deals (key, created_at, head) VALUES ('journal-probe', '2026-01-01', 1)")
        assert mode(tmp_path / "register.sqlite-journal") == 0o600
        other.execute("ROLLBACK")
        other.execute("PRAGMA journal_mode=WAL")   # someone switches the file to write-ahead logging
        other.close()
        repo = open_register(str(path), clock=Clock())
        try:
            service.save(repo, fee_deal(2000), author="Bo", note="n", base_version=1)
            assert (mode(tmp_path / "register.sqlite-wal"), mode(tmp_path / "register.sqlite-shm")) == (0o600, 0o600)
        finally:
            repo.close()


def test_a_default_register_left_open_to_others_by_an_earlier_release_is_tightened(tmp_path, monkeypatch):
    monkeypatch.delenv(ENV, raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    folder = tmp_path / "valueshare"
    saved(None, 1000).close()   # type: ignore[arg-type]
    folder.chmod(0o755)
    (folder / "register.sqlite").chmod(0o644)
    open_register().close()
    assert (mode(folder), mode(folder / "register.sqlite")) == (0o700, 0o600)


# == 4. PostgreSQL: TLS to another machine, and saves that wait for the disk =====================================

@pytest.mark.parametrize("url, env, refused", [
    ("postgresql://ana@db.example.nhs.uk/deals", {}, True),
    ("postgresql://ana@db.example.nhs.uk/deals?sslmode=prefer", {}, True),
    ("postgresql://ana@db.example.nhs.uk/deals?sslmode=disable", {}, True),
    ("postgresql://ana@10.1.2.3:5432/deals?sslmode=allow", {}, True),
    ("postgresql://ana@db.example.nhs.uk/deals?sslmode=require", {}, False),
    ("postgresql://ana@db.example.nhs.uk/deals?sslmode=verify-ca", {}, False),
    ("postgresql://ana@db.example.nhs.uk/deals?sslmode=verify-full", {}, False),
    ("postgresql://ana@db.example.nhs.uk/deals", {"PGSSLMODE": "verify-full"}, False),
    ("postgresql://ana@localhost/deals", {}, False),
    ("postgresql://ana@127.0.0.1:5432/deals", {}, False),
    ("postgresql://ana@127.4.5.6/deals", {}, False),
    ("postgresql://ana@[::1]:5432/deals", {}, False),
    ("postgresql://ana@/deals?host=/var/run/postgresql", {}, False),
    ("postgresql://ana@/deals", {}, False),                                          # libpq's local socket
    ("postgresql://ana@/deals", {"PGHOST": "db.example.nhs.uk"}, True),              # libpq would use PGHOST
    ("postgresql://ana@/deals?host=localhost:5432&host=db2.example.nhs.uk:5432", {}, True),   # one of them remote
    ("postgresql://ana@localhost/deals?hostaddr=203.0.113.7", {}, True),             # hostaddr is where it goes
    ("postgresql://ana@/deals?service=team", {}, True),                              # any server at all
    ("postgresql://ana@localhost.example.org/deals", {}, True),
])
def test_a_server_on_another_machine_is_used_only_with_tls_required(url, env, refused):
    assert (transport_problem(database_url(url), env) is not None) == refused


def test_opening_a_remote_register_without_tls_is_refused_before_connecting_and_says_how_to_fix_it(monkeypatch):
    for name in ("PGSSLMODE", "PGHOST", "PGHOSTADDR", "PGSERVICE"):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(RegisterLocationInvalid) as refused:
        open_register("postgresql://ana@db.example.nhs.uk/deals?sslmode=prefer", timeout_seconds=30)
    assert str(refused.value) == (
        "the register database postgresql://ana@db.example.nhs.uk/deals?sslmode=prefer is on another machine "
        "(db.example.nhs.uk), and valueshare connects to a database on another machine only if the connection is "
        "encrypted (it has sslmode=prefer): add sslmode=verify-full to the register URL "
        "(postgresql://USER@HOST/DATABASE?sslmode=verify-full), or sslmode=require if your machine cannot check the "
        "server's certificate")


@pytest.mark.parametrize("host", ["localhost", "127.0.0.1", "::1", "/tmp/pg", ""])
def test_local_hosts_are_local(host):
    assert is_local_host(host)


@contextmanager
def throwaway_role(setting: str | None = None) -> Iterator[str]:
    """A login role with a schema of its own on the test server (``ALTER ROLE ... SET synchronous_commit`` when
    ``setting``); yields the register URL for it, and drops both afterwards."""
    import psycopg

    base = database_url(postgres_url())
    name = f"vs_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(postgres_url(), autocommit=True) as conn:
        conn.execute(f"CREATE ROLE {name} LOGIN")
        conn.execute(f"CREATE SCHEMA {name} AUTHORIZATION {name}")
        if setting:
            conn.execute(f"ALTER ROLE {name} SET synchronous_commit = {setting}")
    try:
        yield (base.set(drivername="postgresql", username=name).render_as_string(hide_password=False)
               + f"?options=-csearch_path%3D{name}")
    finally:
        with psycopg.connect(postgres_url(), autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {name} CASCADE")
            conn.execute(f"DROP OWNED BY {name}")
            conn.execute(f"DROP ROLE {name}")


def settings_at_insert(repo: SqlRepository) -> list[str]:
    """The synchronous_commit in force in the transaction of each version the repository inserts."""
    seen: list[str] = []

    @sa.event.listens_for(repo.engine, "after_cursor_execute")
    def _seen(_conn: Any, cursor: Any, statement: str, *_: Any) -> None:
        if statement.startswith("INSERT INTO register_versions"):
            seen.append(cursor.connection.execute("SHOW synchronous_commit").fetchone()[0])

    return seen


def test_a_database_with_synchronous_commit_off_is_warned_about_and_valueshares_saves_wait_for_the_disk():
    import psycopg

    with throwaway_role("off") as url:
        with psycopg.connect(url.split("?")[0]) as conn:   # the role's own sessions commit without waiting
            assert conn.execute("SHOW synchronous_commit").fetchone()[0] == "off"
        repo = open_register(url, clock=Clock())
        try:
            seen = settings_at_insert(repo)
            service.save(repo, fee_deal(1000), author="Ana", note="n", base_version=None)
            service.save(repo, fee_deal(2000), author="Ana", note="m", base_version=1)
            assert seen == ["on", "on"]   # was: committed with synchronous_commit off, and lost in a crash
            assert len(repo.notes) == 1
            note = repo.notes[0]
            assert note.startswith("the register database postgresql://") and "has synchronous_commit off" in note
            assert "ALTER DATABASE valueshare_test SET synchronous_commit = on" in note
        finally:
            repo.close()
        code, _, err = run("list", "--register", url)
        assert code == 0 and err.startswith("warning: the register database ") and len(err.splitlines()) == 1


def test_a_database_with_synchronous_commit_on_gives_no_warning():
    with throwaway_role("on") as url:
        repo = open_register(url, clock=Clock())
        try:
            service.save(repo, fee_deal(1000), author="Ana", note="n", base_version=None)
            assert repo.notes == []
        finally:
            repo.close()


def test_a_save_that_would_still_commit_without_waiting_is_refused_naming_the_setting():
    refuse_unsafe_commit("on", "x")
    refuse_unsafe_commit("remote_apply", "x")
    with pytest.raises(RegisterUnavailable, match="its setting synchronous_commit stays off.*nothing was saved: "
                                                  "ask the database's administrator to run ALTER DATABASE"):
        refuse_unsafe_commit("off", "the register database postgresql://db/deals")


def grant_statements() -> list[str]:
    """The GRANT statements docs/register.md gives for a team deployment."""
    text = (ROOT / "docs" / "register.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```sql\n(.*?)```", text, re.S)
    block = next(b for b in blocks if "GRANT" in b)
    lines = [line for line in block.splitlines() if line.strip() and not line.strip().startswith("--")]
    return [s.strip() for s in " ".join(lines).split(";") if s.strip()]


def test_the_documented_grants_let_the_app_role_save_and_read_but_not_rewrite_history():
    import psycopg

    with throwaway_role() as owner_url, throwaway_role() as app_url:
        owner = owner_url.split("@")[0].split("//")[1]
        app = app_url.split("@")[0].split("//")[1]
        open_register(owner_url).close()   # the owner role makes (and later upgrades) the tables
        with psycopg.connect(owner_url.split("?")[0], autocommit=True) as conn:
            conn.execute(f"SET search_path = {owner}")
            for statement in grant_statements():
                conn.execute(re.sub(r"\bregister\b", owner, statement.replace("valueshare_app", app)))
        as_app = postgres_with(app, owner)
        repo = open_register(as_app, clock=Clock())
        try:
            service.save(repo, fee_deal(1000), author="Ana", note="n", base_version=None)
            service.save(repo, fee_deal(2000), author="Bo", note="m", base_version=1)
            service.restore(repo, KEY, 1, author="Cy", note="back")
            service.archive(repo, KEY, author="Di")
            # the deal's life and a team's organisations, with the same role (revisions 0004 and 0005)
            service.set_status(repo, KEY, "offered", author="Ana")
            service.sign_off(repo, KEY, 3, author="Bo")
            service.comment(repo, KEY, 3, author="Cy", text="ok")
            assert [e.kind.value for e in service.life(repo, KEY).events] == ["status", "sign_off", "comment"]
            service.add_organisation(repo, "trust-a", "Trust A", "nhs", author="Ana")
            service.add_member(repo, "trust-a", "ana@a", "admin", author="Ana")
            service.share(repo, KEY, "trust-a", "owner", author="Ana", actor=Actor("ana@a"))
            service.add_member(repo, "trust-a", "ana@a", "approver", author="Ana", actor=Actor("ana@a"))
            assert [v.number for v in service.history(repo, KEY, actor=Actor("ana@a")).versions] == [1, 2, 3]
            assert service.verify(repo).problems == []
            for statement in ("UPDATE register_versions SET note = 'rewritten'",
                              "DELETE FROM register_versions",
                              "UPDATE register_deals SET key = 'renamed'",
                              "ALTER TABLE register_versions DISABLE TRIGGER register_versions_no_change",
                              "DROP TRIGGER register_versions_no_change ON register_versions"):
                with (pytest.raises(sa.exc.DBAPIError, match="permission denied|must be owner"),
                      repo.engine.begin() as conn):
                    conn.execute(sa.text(statement))
        finally:
            repo.close()


def postgres_with(user: str, schema: str) -> str:
    base = database_url(postgres_url()).set(drivername="postgresql", username=user)
    return base.render_as_string(hide_password=False) + f"?options=-csearch_path%3D{schema}"


# == 5. The audit chain ==========================================================================================

@pytest.fixture(params=["memory", "sqlite", "postgresql"])
def repo(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Any]:
    if request.param == "memory":
        yield InMemoryRepository(Clock())
        return
    where = str(tmp_path / "register.sqlite") if request.param == "sqlite" else request.getfixturevalue("pg_location")
    opened = open_register(where, clock=Clock())
    yield opened
    opened.close()


def three_versions(repo: Any) -> None:
    service.save(repo, fee_deal(1000), author="Ana", note="first offer", base_version=None)
    service.save(repo, fee_deal(2000), author="Bo", note="fee up", base_version=1)
    service.save(repo, fee_deal(3000), author="Cy", note="fee up again", base_version=2)


def rewrite(repo: Any, number: int, **columns: Any) -> None:
    """Change version ``number`` of the deal behind the register's back: in the database as someone with table
    access can (lifting the guard against updates first), or in the fake."""
    if isinstance(repo, InMemoryRepository):
        repo.tamper(KEY, number, columns.pop("content", None), **columns)
        return
    with repo.engine.begin() as conn:
        if conn.dialect.name == "sqlite":
            conn.execute(sa.text("DROP TRIGGER IF EXISTS register_versions_no_update"))
        else:
            conn.execute(sa.text("ALTER TABLE register_versions DISABLE TRIGGER register_versions_no_change"))
        sets = ", ".join(f"{name} = :{name}" for name in columns)
        conn.execute(sa.text(f"UPDATE register_versions SET {sets} WHERE number = :number AND deal_id = "
                             f"(SELECT id FROM register_deals WHERE key = :key)"),
                     {**columns, "number": number, "key": KEY})


def forged_text(fee: float) -> str:
    return deal_to_yaml(fee_deal(fee))


def test_every_repository_seals_the_same_versions_into_the_same_chain(repo):
    three_versions(repo)
    fake = InMemoryRepository(Clock())
    three_versions(fake)
    chains = [v.chain for v in repo.versions(KEY)]
    assert chains == [v.chain for v in fake.versions(KEY)] and len(set(chains)) == 3
    # Each is the link of its record to the one before: version 1 links to nothing.
    previous = ""
    for info in repo.versions(KEY):
        assert sealed(previous, info).chain == info.chain
        previous = info.chain
    checked = service.verify(repo)
    assert (checked.ok, checked.deals, checked.versions, checked.counts()) == (True, 1, 3, "1 deal, 3 versions")


def test_a_version_whose_text_and_checksum_were_both_rewritten_is_caught_on_every_read(repo):
    three_versions(repo)
    text = forged_text(9000)
    rewrite(repo, 2, content=text, sha256=checksum(text))   # was: opened as if it had been saved so
    with pytest.raises(DealInvalid, match="register: deal 'test-deal' version 2: its record was changed outside "
                                          "valueshare .it no longer matches the register's audit chain., so this "
                                          "version was not opened"):
        service.open_version(repo, KEY, 2)
    with pytest.raises(DealInvalid, match="register: deal 'test-deal' version 3: version 2 of this deal was changed"):
        service.open_version(repo, KEY, 3)
    assert service.open_version(repo, KEY, 1).deal == fee_deal(1000)   # what came before is still sound
    with pytest.raises(RegisterTampered, match=r"the history of deal 'test-deal' was changed outside valueshare "
                                               r"\(deal 'test-deal' version 2: its record no longer matches"):
        service.history(repo, KEY)
    with pytest.raises(DealInvalid, match="version 2"):
        service.restore(repo, KEY, 2, author="Di", note="n")
    assert service.verify(repo).problems == [
        "deal 'test-deal' version 2: its record no longer matches the register's audit chain (changed outside "
        "valueshare)"]


@pytest.mark.parametrize("columns", [{"note": "rewritten"}, {"author": "Someone else"}, {"nhs_npv_gbp": 99999.0},
                                     {"restored_from": 1}])
def test_any_field_of_a_record_rewritten_is_caught(repo, columns):
    three_versions(repo)
    if isinstance(repo, InMemoryRepository):
        info = repo.versions(KEY)[1]
        field = {"nhs_npv_gbp": "headlines"}.get(next(iter(columns)), next(iter(columns)))
        value = (type(info.headlines)(99999.0, *list(vars(info.headlines).values())[1:]) if field == "headlines"
                 else next(iter(columns.values())))
        repo.tamper(KEY, 2, **{field: value})
    else:
        rewrite(repo, 2, **columns)
    assert [p.split(":")[0] for p in service.verify(repo).problems] == ["deal 'test-deal' version 2"]


def test_a_text_changed_without_its_checksum_is_reported_by_verify(repo):
    three_versions(repo)
    rewrite(repo, 1, content=forged_text(5))
    assert service.verify(repo).problems == [
        "deal 'test-deal' version 1: its text no longer matches its checksum (changed outside valueshare)"]


def test_a_rewrite_that_recomputes_one_link_breaks_the_next(repo):
    three_versions(repo)
    v1, v2 = repo.versions(KEY)[:2]
    text = forged_text(9000)
    from dataclasses import replace

    forged = sealed(v1.chain, replace(v2, sha256=checksum(text)))
    rewrite(repo, 2, content=text, sha256=checksum(text), chain=forged.chain)
    assert service.verify(repo).problems == [
        "deal 'test-deal' version 3: its record no longer matches the register's audit chain (changed outside "
        "valueshare)"]


def test_whoever_recomputes_the_chain_to_the_end_is_not_caught_but_a_chain_value_kept_elsewhere_is(repo):
    """The limit docs/register.md states: the chain has no secret, so someone who recomputes it from the rewritten
    version to the latest is not caught by the register alone; a chain value kept elsewhere (``show`` prints it)
    then no longer matches."""
    from dataclasses import replace

    three_versions(repo)
    kept = repo.versions(KEY)[-1].chain   # e.g. written into the signed minutes
    text = forged_text(9000)
    previous = repo.versions(KEY)[0].chain
    for info in repo.versions(KEY)[1:]:
        changes = {"content": text, "sha256": checksum(text)} if info.number == 2 else {}
        forged = sealed(previous, replace(info, **({"sha256": changes["sha256"]} if changes else {})))
        rewrite(repo, info.number, chain=forged.chain, **changes)
        previous = forged.chain
    assert service.verify(repo).problems == []
    assert repo.versions(KEY)[-1].chain != kept


def test_versions_deleted_outside_valueshare_are_reported(location):
    repo = open_register(location, clock=Clock())
    try:
        three_versions(repo)
        with repo.engine.begin() as conn:
            if conn.dialect.name == "sqlite":
                conn.execute(sa.text("DROP TRIGGER register_versions_no_delete"))
            else:
                conn.execute(sa.text("ALTER TABLE register_versions DISABLE TRIGGER register_versions_no_change"))
            # the version's outline (revision 0006) refers to it, so whoever deletes a version deletes that first
            conn.execute(sa.text("DELETE FROM register_version_outlines WHERE version_id IN "
                                 "(SELECT id FROM register_versions WHERE number = 2)"))
            conn.execute(sa.text("DELETE FROM register_versions WHERE number = 2"))
        assert service.verify(repo).problems == [
            "deal 'test-deal': version 2 is missing (deleted outside valueshare)",
            "deal 'test-deal' version 3: its record no longer matches the register's audit chain (changed outside "
            "valueshare)"]
        with repo.engine.begin() as conn:
            conn.execute(sa.text("DELETE FROM register_version_outlines WHERE version_id IN "
                                 "(SELECT id FROM register_versions WHERE number = 3)"))
            conn.execute(sa.text("DELETE FROM register_versions WHERE number = 3"))
        assert service.verify(repo).problems[-1] == (
            "deal 'test-deal': the register records 3 version(s), but the last one stored is version 1 (changed "
            "outside valueshare)")
    finally:
        repo.close()


def test_threads_saving_at_once_leave_a_chain_that_verifies(location):
    repo = open_register(location, timeout_seconds=30)
    try:
        service.save(repo, fee_deal(1), author="Ana", note="start", base_version=None)

        def writer(name: str) -> None:
            for attempt in range(4):
                while True:
                    try:
                        service.save(repo, fee_deal(attempt + 2), author=name, note=f"{name} {attempt}",
                                     base_version=repo.deal(KEY).latest.number)
                        break
                    except Exception as error:  # noqa: BLE001 - only conflicts are expected
                        assert type(error).__name__ == "VersionConflict", error

        threads = [threading.Thread(target=writer, args=(f"w{i}",)) for i in range(3)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        checked = service.verify(repo)
        assert (checked.problems, checked.versions) == ([], 13)
    finally:
        repo.close()


def test_verify_on_the_command_line_gives_one_line_all_clear_or_one_line_per_problem(tmp_path, monkeypatch):
    monkeypatch.setenv("VALUESHARE_AUTHOR", "Ana")
    path = tmp_path / "register.sqlite"
    repo = open_register(str(path), clock=Clock())
    three_versions(repo)
    code, out, err = run("verify", "--register", str(path))
    assert (code, err) == (0, "")
    assert out == (f"The register {path} is intact: 1 deal, 3 versions, each matching its checksum and the audit "
                   f"chain.\n")
    code, out, _ = run("show", KEY, "--version", "3", "--register", str(path))
    assert f"  audit chain: {repo.versions(KEY)[2].chain}" in out.splitlines()
    text = forged_text(9000)
    rewrite(repo, 2, content=text, sha256=checksum(text))
    rewrite(repo, 1, note="rewritten")
    repo.close()
    done = cli("verify", "--register", str(path))
    assert done.returncode == 1 and done.stderr == ""
    assert done.stdout.splitlines() == [
        "deal 'test-deal' version 1: its record no longer matches the register's audit chain (changed outside "
        "valueshare)",
        "deal 'test-deal' version 2: its record no longer matches the register's audit chain (changed outside "
        "valueshare)"]
    code, out, err = run("history", KEY, "--register", str(path))
    assert (code, out) == (1, "") and len(err.splitlines()) == 1 and "Traceback" not in err
    assert err.startswith("the history of deal 'test-deal' was changed outside valueshare (deal 'test-deal' version "
                          "1: its record no longer matches")
