"""Deal files carry the format version they were written in; an older one is migrated, in memory, when it is read.

Every deal file (YAML or JSON) and every register version that this valueshare writes holds ``format_version`` as
its first key. A file without it is **format 1**: everything written before the key existed. Reading a file:

1. ``migrate`` reads the key (refusing a version that is not a whole number of 1 or more, or one newer than this
   valueshare reads, as a ``DealInvalid`` problem at ``format_version``), removes it, and applies the migration
   steps ``MIGRATIONS[n]`` (format n to n + 1) one after another up to ``CURRENT_FORMAT``;
2. the loader (``valueshare.scenario``) validates what is left into a ``Deal``, which has no ``format_version``
   field: the version is a property of the file, not of the deal.

A migration keeps the deal's meaning: the migrated deal values to the same figures as the old file did with the
valueshare that wrote it (``tests/corpus/format1`` holds such files with their figures). Nothing is rewritten on
reading: a file is rewritten only by ``upgrade_file`` (``python -m valueshare validate --upgrade FILE``), and a
register version never. ``Migrated.note`` is the one line a command or page shows when a file was migrated.

Format 3 is the current format: ``MIGRATIONS[1]`` (``valueshare.format2``) writes out what a format-1 file assumed
without saying, and ``MIGRATIONS[2]`` (``valueshare.format3``) moves the names issue 16 changed (see each module).
Tests exercise the machinery with steps of their own inside ``migration_steps``, which every loader sees until the
``with`` block ends (and no other thread or test).

>>> migrate({"format_version": 3, "name": "Deal"})
Migrated(data={'name': 'Deal'}, from_version=3, to_version=3, steps_applied=())
>>> upgrade = Step("renames 'title' to 'name'", lambda data: {"name": data["title"]})
>>> with migration_steps({3: upgrade}):
...     moved = migrate({"format_version": 3, "title": "Deal"})
>>> moved.data, moved.note("deal.yaml")
({'name': 'Deal'}, "deal.yaml: written in format 3, read as format 4 (3 to 4: renames 'title' to 'name')")
"""

from __future__ import annotations

import contextlib
import copy
import json
import os
import tempfile
from collections.abc import Callable, Iterator, Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from valueshare import format2, format3
from valueshare.errors import DealInvalid, Problem
from valueshare.textio import MAX_FILE_BYTES, load_json, load_yaml, read_file, too_large

#: The format this valueshare writes, and the newest it reads.
CURRENT_FORMAT = 3
#: The top-level key of a deal file that holds its format version.
FORMAT_KEY = "format_version"
#: The format of a file that has no ``FORMAT_KEY``: every file written before the key existed.
UNVERSIONED_FORMAT = 1


@dataclass(frozen=True)
class Step:
    """One migration: ``apply`` takes a deal's plain data in format n (without ``FORMAT_KEY``) and returns it in
    format n + 1, with the same meaning. ``description`` says in a few words what it changes, for the note."""

    description: str
    apply: Callable[[dict[str, Any]], dict[str, Any]]


#: ``MIGRATIONS[n]`` migrates format n to n + 1; the keys are 1 to ``CURRENT_FORMAT - 1``. Add a step here (and
#: raise ``CURRENT_FORMAT``) whenever a change to the model would change what an existing file means or refuse it.
MIGRATIONS: dict[int, Step] = {
    1: Step("format 1's implicit settings written out", format2.to_format_2),
    2: Step("uk_share named nhs_share_of_sales; consortium members listed as members", format3.to_format_3),
}

#: The steps the loaders use: ``MIGRATIONS``, or those a ``migration_steps`` block sets for its own context.
_ACTIVE: ContextVar[Mapping[int, Step] | None] = ContextVar("valueshare_migration_steps", default=None)


def _check_steps(steps: Mapping[int, Step]) -> None:
    if sorted(steps) != list(range(1, len(steps) + 1)):
        raise ValueError(f"migration steps must be numbered 1, 2, 3... with no gap; these are {sorted(steps)}")


_check_steps(MIGRATIONS)
assert len(MIGRATIONS) + 1 == CURRENT_FORMAT, "CURRENT_FORMAT is one more than the last migration step"


def active_steps() -> Mapping[int, Step]:
    """The migration steps in use here: ``MIGRATIONS`` unless a ``migration_steps`` block says otherwise."""
    found = _ACTIVE.get()
    return MIGRATIONS if found is None else found


def current_format() -> int:
    """The format the writers write and the newest the loaders read: ``CURRENT_FORMAT``, or one more than the
    last step of an enclosing ``migration_steps`` block."""
    return len(active_steps()) + 1


@contextlib.contextmanager
def migration_steps(extra: Mapping[int, Step]) -> Iterator[Mapping[int, Step]]:
    """Within the block, migrate with ``MIGRATIONS`` plus ``extra`` (which may replace a step), for tests of a
    step, or of the machinery before any real step exists. It holds for this context only (a ``ContextVar``): other
    threads, and everything after the block, see ``MIGRATIONS`` alone."""
    steps = {**active_steps(), **extra}
    _check_steps(steps)
    token = _ACTIVE.set(steps)
    try:
        yield steps
    finally:
        _ACTIVE.reset(token)


@dataclass(frozen=True)
class Migrated:
    """A deal's plain data in the current format (without ``FORMAT_KEY``), the format it was written in, the one
    it is now, and the steps that took it there (empty when it was already current)."""

    data: dict[str, Any]
    from_version: int
    to_version: int
    steps_applied: tuple[Step, ...] = ()

    @property
    def changed(self) -> bool:
        """Whether the data was migrated (it was written in an older format)."""
        return self.from_version != self.to_version

    def note(self, source: str | None = None) -> str | None:
        """The one line to show for a migrated file (``migration_note``), or None when nothing was migrated."""
        return migration_note(self, source) if self.changed else None


def migration_note(migrated: Migrated, source: str | None = None) -> str:
    """What a command or page says, once, when it read a file written in an older format.

    >>> step = Step("royalty rates as fractions", lambda data: data)
    >>> migration_note(Migrated({}, 1, 2, (step,)), "deal.yaml")
    'deal.yaml: written in format 1, read as format 2 (1 to 2: royalty rates as fractions)'
    >>> migration_note(Migrated({}, 2, 2))
    'written in format 2, the current format'
    """
    prefix = f"{source}: " if source else ""
    if not migrated.changed:
        return f"{prefix}written in format {migrated.to_version}, the current format"
    steps = "; ".join(f"{migrated.from_version + i} to {migrated.from_version + i + 1}: {step.description}"
                      for i, step in enumerate(migrated.steps_applied))
    return (f"{prefix}written in format {migrated.from_version}, read as format {migrated.to_version}"
            + (f" ({steps})" if steps else ""))


def _what(value: Any) -> str:
    if value is None:
        return "it is empty"
    if isinstance(value, bool):
        return f"this is {str(value).lower()} (true/false)"
    if isinstance(value, str):
        return "this is text" + (f" ({value!r})" if len(value) <= 20 and value.isprintable() else "")
    if isinstance(value, float):
        return f"this is {value!r}"
    if isinstance(value, (list, dict)):
        return "this is a list" if isinstance(value, list) else "this is a section"
    return f"this is a {type(value).__name__}"


def format_of(data: Mapping[str, Any], source: str | None = None, *, newest: int | None = None) -> int:
    """The format ``data`` is written in: its ``FORMAT_KEY``, or ``UNVERSIONED_FORMAT`` without one.

    Raises ``DealInvalid`` at ``format_version`` for a value that is not a whole number of 1 or more, or a format
    newer than ``newest`` (by default ``current_format()``, the newest this valueshare reads).

    >>> format_of({"name": "Deal"}), format_of({"format_version": 1})
    (1, 1)
    >>> format_of({"format_version": 7})
    Traceback (most recent call last):
    valueshare.errors.DealInvalid: format_version: this file is format 7, written by a newer valueshare; this \
valueshare reads formats 1 to 3: upgrade valueshare
    """
    if FORMAT_KEY not in data:
        return UNVERSIONED_FORMAT
    version = data[FORMAT_KEY]
    newest = current_format() if newest is None else newest
    if isinstance(version, bool) or not isinstance(version, int):
        message = (f"must be a whole number, the format the file is written in (this valueshare writes "
                   f"format_version: {newest}); {_what(version)}")
    elif version < 1:
        message = f"must be 1 or more (formats are numbered from 1); this is {version}"
    elif version > newest:
        message = (f"this file is format {version}, written by a newer valueshare; this valueshare reads formats "
                   f"1 to {newest}: upgrade valueshare")
    else:
        return version
    raise DealInvalid([Problem(FORMAT_KEY, message)], source)


def migrate(data: Mapping[str, Any], source: str | None = None, *,
            steps: Mapping[int, Step] | None = None) -> Migrated:
    """``data`` (a deal's plain data, as read from a file) in the current format, without ``FORMAT_KEY``.

    ``steps`` defaults to the active ones (``active_steps``); pass others to try a step on its own. ``data`` is
    never changed: the steps work on a copy. Raises ``DealInvalid`` for a bad or newer ``format_version``
    (``format_of``).
    """
    if steps is None:
        steps = active_steps()
    else:
        _check_steps(steps)
    newest = len(steps) + 1
    version = format_of(data, source, newest=newest)
    plain = {key: value for key, value in data.items() if key != FORMAT_KEY}
    applied: list[Step] = []
    if version < newest:
        plain = copy.deepcopy(plain)
    for number in range(version, newest):
        step = steps[number]
        plain = step.apply(plain)
        if not isinstance(plain, dict) or FORMAT_KEY in plain:
            raise RuntimeError(f"migration step {number} to {number + 1} must return a deal's data without "
                               f"{FORMAT_KEY}")
        applied.append(step)
    return Migrated(plain, version, newest, tuple(applied))


def stamped(data: Mapping[str, Any]) -> dict[str, Any]:
    """``data`` with ``FORMAT_KEY`` set to the current format, as its first key: what every writer writes.

    >>> stamped({"name": "Deal", "format_version": 0})
    {'format_version': 3, 'name': 'Deal'}
    """
    return {FORMAT_KEY: current_format(), **{k: v for k, v in data.items() if k != FORMAT_KEY}}


# -- rewriting a file in the current format --------------------------------------------------------------------------

@dataclass(frozen=True)
class UpgradeResult:
    """What ``upgrade_file`` did: the file, the format it was in, the one it is in now, and whether it was
    rewritten (``False`` when it already recorded the current format)."""

    path: Path
    from_version: int
    to_version: int
    changed: bool

    def line(self) -> str:
        """One line for the command to print.

        >>> UpgradeResult(Path("deal.yaml"), 1, 2, True).line()
        'deal.yaml: upgraded from format 1 to format 2'
        >>> UpgradeResult(Path("deal.yaml"), 2, 2, False).line()
        'deal.yaml: already format 2, the current format; not changed'
        """
        if not self.changed:
            return f"{self.path}: already format {self.to_version}, the current format; not changed"
        return f"{self.path}: upgraded from format {self.from_version} to format {self.to_version}"


def _is_json(path: Path) -> bool:
    return path.suffix.lower() == ".json"


def _dump(data: dict[str, Any], as_json: bool) -> str:
    if as_json:
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


def _upgraded_text(migrated: Migrated, as_json: bool) -> str:
    """The file's new text: the migrated data, ``format_version`` first, as YAML or JSON."""
    return _dump(stamped(migrated.data), as_json)


def _write_atomically(path: Path, text: str) -> None:
    """Replace the file at ``path`` with ``text`` in one step (a temporary file in the same folder, then
    ``os.replace``), keeping its permissions: a reader sees the old file or the new one, never half of one."""
    mode = os.stat(path).st_mode & 0o7777
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as file:
            file.write(text)
            file.flush()
            os.fsync(file.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise


def upgrade_file(path: str | Path) -> UpgradeResult:
    """Rewrite the deal file at ``path`` in the current format, recording ``format_version`` as its first key.

    The file is read as the loaders read it (YAML, or JSON when its name ends ``.json``; ``valueshare.textio``'s
    limits), migrated, and validated into a deal; only then is it written, atomically, as the same kind of file.
    An invalid file raises ``DealInvalid`` and is left exactly as it was. A file that already records the current
    format is not touched (``changed`` is False). A file that a step migrates is written out from its migrated data,
    without its comments (every older format has a step: format 1 gains the settings it assumed). A link
    is followed: the file it points to is rewritten.
    """
    from valueshare.scenario import read_deal_data  # scenario imports this module

    given = Path(path)
    source = str(given)
    target = Path(os.path.realpath(given))
    raw = read_file(given)
    as_json = _is_json(given)
    data = load_json(raw, source) if as_json else load_yaml(raw, source)
    loaded = read_deal_data(data, source)  # migrates, then validates: raises DealInvalid before anything is written
    migrated = loaded.migrated
    assert isinstance(data, dict)  # read_deal_data refused anything else
    if not migrated.changed and data.get(FORMAT_KEY) == migrated.to_version:
        return UpgradeResult(given, migrated.from_version, migrated.to_version, changed=False)
    text = _upgraded_text(migrated, as_json)
    if len(text.encode("utf-8")) > MAX_FILE_BYTES:
        raise DealInvalid([Problem("", f"the upgraded file would be too large: {too_large()}")], source)
    # Belt and braces: never write a file that would open as another deal.
    again = load_json(text, source) if as_json else load_yaml(text, source)
    if read_deal_data(again, source).deal != loaded.deal:
        raise DealInvalid([Problem("", "the upgraded file would not read back as the same deal, so it was not "
                                       "written")], source)
    _write_atomically(target, text)
    return UpgradeResult(given, migrated.from_version, migrated.to_version, changed=True)
