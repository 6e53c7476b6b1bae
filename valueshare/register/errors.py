"""What can go wrong with the register, in words a commercial lead can act on.

Every class here is a ``ValueshareError``: the CLI prints its message on one line and exits 1, the app shows it with
``st.error``; neither shows a traceback.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

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


class RegisterUnavailable(RegisterError):
    """The register cannot be opened or used: locked, unreachable, damaged, not a register, or from a newer
    release. Nothing was written."""


class RegisterLocationInvalid(RegisterError):
    """The register's location (a path or a database URL) cannot be used as written."""
