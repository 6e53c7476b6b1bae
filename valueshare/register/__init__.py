"""The deal register: every save of a deal is a new, immutable version with its author, time, note and headline
figures; nothing is overwritten or deleted.

- ``records``: the register's records (versions, deals, archive events) and deal keys.
- ``repository``: the storage Protocol and an in-memory fake with the same rules.
- ``service``: the use cases (save, history, open, diff, restore, find, archive).
- ``sql``: the repository in SQLite or PostgreSQL through SQLAlchemy, with Alembic migrations in ``migrations/``.
- ``location``: where the register lives (``VALUESHARE_REGISTER_URL``), and ``masked``, which hides credentials.
- ``files``: the SQLite file, readable by its user only, and the check that it is still the file opened.
- ``postgres``: TLS to a server on another machine, and saves that wait for the server's disk.

Importing this package does not load SQLAlchemy; ``valueshare.register.sql`` does.

>>> from valueshare.register import InMemoryRepository, service
>>> from valueshare.scenario import example_paths, load_deal
>>> repo = InMemoryRepository()
>>> deal = load_deal(example_paths()[0])
>>> first = service.save(repo, deal, author="Ana", note="First draft", base_version=None)
>>> first.number, service.history(repo, first.deal_key).versions[0].note
(1, 'First draft')
"""

from valueshare.register.errors import (
    DealNotFound,
    RegisterError,
    RegisterFileGone,
    RegisterLocationInvalid,
    RegisterNotFound,
    RegisterTampered,
    RegisterUnavailable,
    SaveRefused,
    VersionConflict,
    VersionNotFound,
)
from valueshare.register.location import ENV
from valueshare.register.records import ArchiveEvent, DealInfo, Headlines, VersionInfo, deal_key
from valueshare.register.repository import InMemoryRepository, Repository

__all__ = ["ENV", "ArchiveEvent", "DealInfo", "DealNotFound", "Headlines", "InMemoryRepository", "RegisterError",
           "RegisterFileGone", "RegisterLocationInvalid", "RegisterNotFound", "RegisterTampered",
           "RegisterUnavailable", "Repository", "SaveRefused", "VersionConflict", "VersionInfo", "VersionNotFound",
           "deal_key"]
