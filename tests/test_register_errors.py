"""Bad locations, bad files and bad databases: each is a clear message naming the problem, and no version is ever
half-written."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest
from register_support import Clock, fee_deal, location, pg_location  # noqa: F401 - fixtures

from valueshare.register import service
from valueshare.register.errors import RegisterLocationInvalid, RegisterUnavailable, SaveRefused
from valueshare.register.location import ENV, chosen, default_path
from valueshare.register.sql import database_url, open_register


def saved_register(path: Path, versions: int = 3):
    repo = open_register(str(path), clock=Clock())
    for number in range(1, versions + 1):
        service.save(repo, fee_deal(1000 * number), author="Ana", note=f"v{number}",
                     base_version=None if number == 1 else number - 1)
    return repo


# -- where the register is -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, message", [
    ("", "the register location is empty"),
    ("sqlite://", "'sqlite://' names no file"),
    ("sqlite:///:memory:", "names no file: an SQLite register needs a file path"),
    ("http://example.org/register", "works with an SQLite file or a PostgreSQL database, not http"),
    ("mysql://ana:s3cret@db/register", "'mysql://ana:\\*\\*\\*@db/register': the register works with"),
    ("postgresql://ana:s3cret@db:port/register", "'postgresql://ana:\\*\\*\\*@db:port/register' is not a database URL"),
    ("postgresql+nosuch://db/register", "no database driver 'nosuch' for PostgreSQL"),
    ("postgresql://db", "names no database: add /DATABASE after the server"),
])
def test_a_malformed_location_is_named_without_its_password(text, message):
    with pytest.raises(RegisterLocationInvalid, match=message) as error:
        database_url(text)
    assert "s3cret" not in str(error.value)


def test_a_path_or_postgres_url_is_turned_into_the_url_to_use(tmp_path):
    assert database_url(str(tmp_path / "r.sqlite")).database == str(tmp_path / "r.sqlite")
    assert database_url(f"sqlite:///{tmp_path}/r.sqlite").database == str(tmp_path / "r.sqlite")
    assert database_url("postgres://ana@db:5433/register").drivername == "postgresql+psycopg"


def test_the_location_is_the_argument_else_the_environment_else_the_default(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    monkeypatch.delenv(ENV, raising=False)
    assert chosen(None) == (str(tmp_path / "valueshare" / "register.sqlite"), True)
    assert default_path() == tmp_path / "valueshare" / "register.sqlite"
    monkeypatch.setenv(ENV, "postgresql://team@db/register")
    assert chosen("") == ("postgresql://team@db/register", False)
    assert chosen(" mine.sqlite ") == ("mine.sqlite", False)


def test_the_default_register_is_created_with_its_folder_on_first_use(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.delenv(ENV, raising=False)
    repo = open_register()
    try:
        assert repo.location == str(tmp_path / "data" / "valueshare" / "register.sqlite")
        assert service.find(repo) == []
    finally:
        repo.close()


def test_an_unreachable_postgresql_server_is_named_without_the_password():
    with pytest.raises(RegisterUnavailable) as error:
        open_register("postgresql://ana:s3cret@127.0.0.1:1/register", timeout_seconds=2)
    text = str(error.value)
    assert text.startswith("cannot use the register database postgresql://ana:***@127.0.0.1:1/register: ")
    assert "Connection refused" in text and "s3cret" not in text


def test_a_missing_folder_is_named(tmp_path):
    with pytest.raises(RegisterUnavailable, match="cannot open the register file .*: check that its folder exists"):
        open_register(str(tmp_path / "no-such-folder" / "r.sqlite"))


# -- files that are not (or no longer) a register -----------------------------------------------------------------

def test_a_file_that_is_not_a_database_is_named(tmp_path):
    path = tmp_path / "deal.yaml.sqlite"
    path.write_text("name: not a database\n")
    with pytest.raises(RegisterUnavailable, match=r"is not a valueshare register, or it is damaged \(file is not a "
                                                  r"database\)"):
        open_register(str(path))


@pytest.mark.parametrize("keep", [100, 4096, 0.5])
def test_a_truncated_register_is_reported_as_damaged(tmp_path, keep):
    path = tmp_path / "register.sqlite"
    saved_register(path, versions=20).close()
    data = path.read_bytes()
    cut = tmp_path / "cut.sqlite"
    cut.write_bytes(data[:int(len(data) * keep) if isinstance(keep, float) else keep])
    with pytest.raises(RegisterUnavailable, match="is not a valueshare register, or it is damaged"):
        repo = open_register(str(cut))
        service.history(repo, "test-deal")


def test_another_programs_sqlite_database_is_not_taken_over(tmp_path):
    path = tmp_path / "accounts.sqlite"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY)")
    with pytest.raises(RegisterUnavailable, match="is a database but not a valueshare register"):
        open_register(str(path))
    with sqlite3.connect(path) as conn:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    assert tables == ["invoices"]


# -- locked, and nothing half-written ------------------------------------------------------------------------------

def test_a_register_locked_by_another_program_refuses_the_save_and_writes_nothing(tmp_path):
    path = tmp_path / "register.sqlite"
    saved_register(path, versions=1).close()
    repo = open_register(str(path), timeout_seconds=0.2, clock=Clock())
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")   # another program is writing, and takes its time
    try:
        with pytest.raises(RegisterUnavailable, match=r"is locked by another program \(waited 0.2 s\); nothing was "
                                                      r"saved"):
            service.save(repo, fee_deal(2000), author="Bo", note="n", base_version=1)
    finally:
        other.execute("ROLLBACK")
        other.close()
    try:
        assert [v.number for v in repo.versions("test-deal")] == [1]
        assert service.save(repo, fee_deal(2000), author="Bo", note="n", base_version=1).number == 2
    finally:
        repo.close()


def test_a_save_the_database_refuses_half_way_leaves_no_trace(location):
    repo = open_register(location, clock=Clock())
    try:
        service.save(repo, fee_deal(1000), author="Ana", note="n", base_version=None)
        good = service.new_version(fee_deal(2000), author="Bo", note="m")
        # The head moves to 2 first; the version row then breaks a CHECK constraint, so the whole save rolls back.
        with pytest.raises(RegisterUnavailable, match="refused the request"):
            repo.add_version("test-deal", replace(good, content_format="xml"), 1)
        assert repo.deal("test-deal").latest.number == 1
        assert [v.number for v in repo.versions("test-deal")] == [1]
        assert repo.add_version("test-deal", good, 1).number == 2
    finally:
        repo.close()


def test_a_save_with_no_note_writes_nothing_even_to_a_new_register(tmp_path):
    repo = open_register(str(tmp_path / "r.sqlite"))
    try:
        with pytest.raises(SaveRefused, match="a note is required"):
            service.save(repo, fee_deal(), author="Ana", note=" ", base_version=None)
        assert service.find(repo, include_archived=True) == []
    finally:
        repo.close()
