"""The register's use cases: save, history, open, diff, restore, list, archive. Each takes a ``Repository``.

The service validates every deal on the way in (and values it, to store its headline figures) and on the way out
(a stored text that no longer parses, or no longer matches its checksum, is reported, never returned).
"""

from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass

from valueshare.compare import Comparison, compare
from valueshare.engine.valuation import value_deal
from valueshare.errors import DealInvalid, Problem
from valueshare.model import Deal
from valueshare.register.errors import SaveRefused
from valueshare.register.records import (
    KEY_MAX,
    KEY_PATTERN,
    ArchiveEvent,
    DealInfo,
    Headlines,
    NewVersion,
    StoredVersion,
    VersionInfo,
    checksum,
    deal_key,
)
from valueshare.register.repository import Repository
from valueshare.scenario import deal_from_data, deal_from_yaml, deal_to_yaml
from valueshare.textio import load_json

AUTHOR_MAX = 100
NOTE_MAX = 2000
FORMATS = ("yaml", "json")


def key_for(text: str) -> str:
    """The deal key a user means by ``text``: a key as it is, or a deal's name turned into its key."""
    text = text.strip()
    return text if KEY_PATTERN.match(text) and len(text) <= KEY_MAX else deal_key(text)


def one_line(text: str | None) -> str:
    r"""``text`` on one line, without control characters (a note must not move a terminal's cursor).

    >>> one_line("Fee up\n to £2m\x1b[2J")
    'Fee up to £2m[2J'
    """
    printable = "".join(c if unicodedata.category(c) != "Cc" or c in "\t\n\r" else "" for c in text or "")
    return " ".join(printable.split())


def _clean(text: str | None, what: str, limit: int, missing: str) -> str:
    value = one_line(text)
    if not value:
        raise SaveRefused(missing)
    if len(value) > limit:
        raise SaveRefused(f"the {what} is too long (at most {limit:,} characters)")
    return value


def check_author(author: str | None) -> str:
    return _clean(author, "author", AUTHOR_MAX, "an author is required: who is saving (a name or initials)")


def check_note(note: str | None) -> str:
    return _clean(note, "note", NOTE_MAX, "a note is required: say in a few words what changed")


def text_of(deal: Deal, content_format: str = "yaml") -> str:
    """The deal's text as the register stores it (YAML by default; JSON on request), which reads back equal."""
    if content_format == "json":
        return json.dumps(deal.model_dump(mode="json", exclude_none=True), indent=2, ensure_ascii=False)
    return deal_to_yaml(deal)


def read_text(content: str, content_format: str, source: str | None = None) -> Deal:
    """A deal from stored or uploaded text, validated. JSON is read as data; YAML with the safe loader."""
    if content_format == "json":
        return deal_from_data(load_json(content, source), source)
    if content_format == "yaml":
        return deal_from_yaml(content, source)
    raise DealInvalid([Problem("", f"unknown text format {content_format!r} (the formats are yaml and json)")],
                      source)


def new_version(deal: Deal, *, author: str, note: str, content_format: str = "yaml",
                restored_from: int | None = None) -> NewVersion:
    """What a save stores: the deal's text (checked to read back equal), who, why, and its headline figures."""
    if content_format not in FORMATS:
        raise SaveRefused(f"unknown text format {content_format!r} (the formats are yaml and json)")
    content = text_of(deal, content_format)
    if read_text(content, content_format, "the text about to be saved") != deal:
        # Belt and braces: never store a text that would open as a different deal.
        raise SaveRefused("this deal does not read back the same from its text, so it was not saved")
    return NewVersion(check_author(author), check_note(note), content, content_format, deal.name, deal.nhs.name,
                      deal.partner.name, Headlines.of(value_deal(deal)), restored_from)


def save(repo: Repository, deal: Deal, *, author: str, note: str, base_version: int | None,
         key: str | None = None, content_format: str = "yaml") -> VersionInfo:
    """Save ``deal`` as a new version. ``base_version`` is the version the edits started from (``None`` for a deal
    that is not in the register yet); if someone has saved since, ``VersionConflict`` says who and when, and nothing
    is written. ``key`` defaults to the key of the deal's name."""
    key = key_for(key) if key else deal_key(deal.name)
    return repo.add_version(key, new_version(deal, author=author, note=note, content_format=content_format),
                            base_version)


@dataclass(frozen=True)
class Opened:
    """A version read back: its record, its text and the deal it holds."""

    info: VersionInfo
    text: str
    content_format: str
    deal: Deal


def open_version(repo: Repository, key: str, number: int | None = None) -> Opened:
    """Read a version (the latest when ``number`` is None), checking its text against its checksum and the rules."""
    key = key_for(key)
    if number is None:
        number = repo.deal(key).latest.number
    stored = repo.version(key, number)
    return Opened(stored.info, stored.content, stored.content_format, _deal_of(stored))


def _deal_of(stored: StoredVersion) -> Deal:
    source = f"register: deal '{stored.info.deal_key}' version {stored.info.number}"
    if stored.sha256 != checksum(stored.content):
        raise DealInvalid([Problem("", "its stored text no longer matches the checksum saved with it (the register "
                                       "was changed outside valueshare); restore another version")], source)
    return read_text(stored.content, stored.content_format, source)


@dataclass(frozen=True)
class History:
    deal: DealInfo
    versions: list[VersionInfo]
    events: list[ArchiveEvent]


def history(repo: Repository, key: str) -> History:
    key = key_for(key)
    return History(repo.deal(key), repo.versions(key), repo.archive_events(key))


@dataclass(frozen=True)
class VersionDiff:
    """Two versions of a deal: their records, and the figures (valued today) and terms that differ."""

    older: VersionInfo
    newer: VersionInfo
    comparison: Comparison


def diff(repo: Repository, key: str, first: int, second: int) -> VersionDiff:
    """What changed from version ``first`` to version ``second``: every headline figure (both valued by today's
    engine, so they are comparable) and every input that differs, via ``valueshare.compare``."""
    a, b = open_version(repo, key, first), open_version(repo, key, second)
    comparison = compare([(f"Version {a.info.number}", a.deal), (f"Version {b.info.number}", b.deal)])
    return VersionDiff(a.info, b.info, comparison)


def restore(repo: Repository, key: str, number: int, *, author: str, note: str,
            base_version: int | None = None) -> VersionInfo:
    """Save version ``number`` again as a new version (nothing is overwritten). ``base_version`` is the latest
    version the caller saw; by default the latest now."""
    key = key_for(key)
    old = open_version(repo, key, number)
    latest = repo.deal(key).latest.number
    if number == latest and base_version in (None, latest):
        raise SaveRefused(f"version {number} is already the latest version of '{old.info.deal_name}'")
    new = new_version(old.deal, author=author, note=note, content_format=old.content_format, restored_from=number)
    return repo.add_version(key, new, latest if base_version is None else base_version)


def find(repo: Repository, search: str = "", include_archived: bool = False) -> list[DealInfo]:
    return repo.deals(search, include_archived)


def archive(repo: Repository, key: str, *, author: str, note: str = "", archived: bool = True) -> ArchiveEvent:
    """Hide a deal from the default list (or, ``archived=False``, put it back). Nothing is deleted, and the change
    itself is recorded with who made it and when."""
    return repo.set_archived(key_for(key), archived, check_author(author), one_line(note)[:NOTE_MAX])

