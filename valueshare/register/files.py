"""The register's SQLite file on disk: created readable by its user only, and watched while it is open.

- A register file valueshare creates is mode 0600, and the default register's folder (and any of its parents that
  valueshare creates) 0700. SQLite gives its side files (``-journal``, ``-wal``, ``-shm``) the mode of the database
  file, so they are 0600 too. The default register's folder and file are tightened to those modes whenever they
  are opened, so a register made by an earlier release (0755 and 0644) stops being readable by other users.
- ``FileIdentity`` is the device and inode of the file when it was opened. Before each use the register checks that
  its path still names that file: a file deleted, moved or replaced while valueshare runs would otherwise read as
  "read-only" (SQLite cannot write a file that is no longer in its folder), go on showing the deleted deals, or, in
  the next connection, quietly become a new, empty register.

Plain ``os`` work: no SQLAlchemy here.
"""

from __future__ import annotations

import logging
import os
import stat
from dataclasses import dataclass
from pathlib import Path

FILE_MODE = 0o600
FOLDER_MODE = 0o700
SIDE_FILES = ("-journal", "-wal", "-shm")

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class FileIdentity:
    """Which file a path named when the register opened it."""

    device: int
    inode: int

    @classmethod
    def of(cls, path: Path) -> FileIdentity:
        found = os.stat(path)
        return cls(found.st_dev, found.st_ino)

    def still_at(self, path: Path) -> bool:
        """Whether ``path`` still names this file (False if it is missing, or names another file now).

        >>> import tempfile
        >>> path = Path(tempfile.mkdtemp()) / "register.sqlite"
        >>> _ = path.write_text("")
        >>> opened = FileIdentity.of(path)
        >>> opened.still_at(path)
        True
        >>> _ = path.rename(path.with_name("moved.sqlite"))
        >>> opened.still_at(path)
        False
        """
        try:
            return FileIdentity.of(path) == self
        except (FileNotFoundError, NotADirectoryError):
            return False


def private_folder(folder: Path) -> None:
    """Make ``folder`` and any missing parents with mode 0700, and tighten ``folder`` itself to 0700 if it is ours
    and open to others."""
    missing = []
    for parent in (folder, *folder.parents):
        if parent.exists():
            break
        missing.append(parent)
    for parent in reversed(missing):
        try:
            parent.mkdir(mode=FOLDER_MODE)
        except FileExistsError:  # another process made it meanwhile
            continue
        os.chmod(parent, FOLDER_MODE)  # exactly 0700, whatever the umask
    tighten(folder, FOLDER_MODE)


def create_private_file(path: Path) -> bool:
    """Create an empty file at ``path`` with mode 0600 (SQLite takes an empty file as a new database). False if
    another process created it first."""
    try:
        descriptor = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, FILE_MODE)
    except FileExistsError:
        return False
    try:
        os.fchmod(descriptor, FILE_MODE)
    finally:
        os.close(descriptor)
    return True


def tighten(path: Path, mode: int) -> None:
    """Remove other users' access to ``path`` (to ``mode``) if it is ours and open to them; never fails."""
    try:
        found = os.stat(path)
        if found.st_uid == os.getuid() and stat.S_IMODE(found.st_mode) & 0o077:
            os.chmod(path, mode)
            log.info("made %s readable by its user only", path)
    except OSError:
        pass


def tighten_register(path: Path) -> None:
    """The register file and any side files SQLite has left beside it, readable by their user only."""
    for name in ("", *SIDE_FILES):
        side = path.with_name(path.name + name)
        if side.exists():
            tighten(side, FILE_MODE)
