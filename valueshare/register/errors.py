"""What can go wrong with the register, in words a commercial lead can act on.

Every class here is a ``ValueshareError``: the CLI prints its message on one line and exits 1, the app shows it with
``st.error``; neither shows a traceback.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from valueshare.errors import ValueshareError

if TYPE_CHECKING:
    from valueshare.register.records import VersionInfo


class RegisterError(ValueshareError):
    """Base of every register error."""


class VersionConflict(RegisterError):
    """A save (or restore) started from a version that is no longer the latest: someone saved a newer one.

    Nothing was written; the caller still has its edits. ``latest`` is the version that is now the newest, so the
    message can say who saved it and when.
    """

    def __init__(self, deal_key: str, base_version: int | None, latest: VersionInfo):
        self.deal_key = deal_key
        self.base_version = base_version
        self.latest = latest
        who = f"version {latest.number} was saved by {latest.author} on {latest.when()}"
        if base_version is None:
            text = (f"'{latest.deal_name}' is already in the register ({who}), so your copy was not saved as a new "
                    f"deal. Your edits are kept: compare them with version {latest.number}, then save them on top "
                    f"of it (base version {latest.number}).")
        else:
            text = (f"Your changes to '{latest.deal_name}' were not saved: you started from version {base_version}, "
                    f"but {who}. Your edits are kept: compare them with version {latest.number}, then save them on "
                    f"top of it (base version {latest.number}).")
        super().__init__(text)


class DealNotFound(RegisterError):
    """No deal has this key in the register."""

    def __init__(self, deal_key: str, where: str = ""):
        self.deal_key = deal_key
        at = f" at {where}" if where else ""
        super().__init__(f"no deal '{deal_key}' in the register{at} (list the deals to see their names)")


class VersionNotFound(RegisterError):
    """The deal exists but has no version with this number."""

    def __init__(self, deal_key: str, number: int, latest: int):
        self.deal_key = deal_key
        self.number = number
        super().__init__(f"deal '{deal_key}' has no version {number} (its versions are 1 to {latest})")


class SaveRefused(RegisterError):
    """A save that is missing something it needs (a note, an author) or asks for something impossible."""


class _Masked(RegisterError):
    """A message that may quote a location or a database's own words: any credential in it is hidden."""

    def __init__(self, message: str):
        from valueshare.register.location import masked

        super().__init__(masked(message))


class RegisterUnavailable(_Masked):
    """The register cannot be opened or used: locked, unreachable, damaged, not a register, or from a newer
    release. Nothing was written."""


class RegisterLocationInvalid(_Masked):
    """The register's location (a path or a database URL) cannot be used as written, or not safely (a database on
    another machine reached without TLS)."""


class RegisterNotFound(_Masked):
    """There is no register at the location yet (a command that only reads, or edits an existing deal, does not
    start one)."""


class RegisterFileGone(RegisterUnavailable):
    """The register's file was deleted, moved or replaced while valueshare had it open. Nothing was saved.

    ``where`` names it: the file with its path on the command line, just "the register file" in the app.
    """

    def __init__(self, where: str):
        self.where = where
        super().__init__(f"{where} was deleted or moved while valueshare was running, so nothing was saved: "
                         f"restore the file from a backup, or start a new register")


class RegisterTampered(RegisterError):
    """A version's stored record no longer matches the register's audit chain: it was changed outside valueshare.
    ``problems`` lists each version that does not match."""

    def __init__(self, deal_key: str, problems: list[str]):
        self.deal_key = deal_key
        self.problems = problems
        super().__init__(f"the history of deal '{deal_key}' was changed outside valueshare ({problems[0]}), so it "
                         f"is not shown: ask whoever looks after the register to restore it from a backup "
                         f"(python -m valueshare verify lists every change)")


class StatusConflict(RegisterError):
    """A status change made on a status that someone else has changed in the meantime."""

    def __init__(self, key: str, expected: Any, found: Any):
        super().__init__(f"deal '{key}' is now {found.label.lower()}, not {expected.label.lower()}: someone changed "
                         "its status meanwhile; look at its events and try again")
        self.key, self.expected, self.found = key, expected, found
