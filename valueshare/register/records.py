"""The register's records: a deal, its numbered versions with their headline figures, and archive events.

A version is immutable once saved. Its number is one more than the version it was based on; version 1 starts a
deal. Times are UTC.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass, fields, replace
from datetime import UTC, datetime
from enum import Enum

from valueshare.engine.valuation import Valuation
from valueshare.figures import select

KEY_MAX = 80
_NOT_KEY = re.compile(r"[^a-z0-9]+")
KEY_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def deal_key(name: str) -> str:
    """The register's key for a deal name: lower case, words joined by hyphens, accents dropped.

    >>> deal_key("AI imaging device (St Elsewhere's) v2")
    'ai-imaging-device-st-elsewhere-s-v2'
    >>> deal_key("Étude génomique"), deal_key("!!!")
    ('etude-genomique', 'deal')
    """
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    key = _NOT_KEY.sub("-", plain.lower()).strip("-")[:KEY_MAX].strip("-")
    return key or "deal"


def search_text(*parts: str | None) -> str:
    """What a search looks in: the deal's key, name, NHS body and partner, lower-cased here (not by the database,
    whose lower() may know only A-Z), one per line.

    >>> search_text("etude", "Étude génomique", "Hôpital Élan", None)
    'etude\\nétude génomique\\nhôpital élan\\n'
    """
    return "\n".join((part or "").lower() for part in parts)


def utc(moment: datetime) -> datetime:
    """``moment`` as an aware UTC time (SQLite hands back naive times; they were written as UTC)."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def when(moment: datetime) -> str:
    """A time as people read it: '23 Nov 2026 at 10:42 UTC'.

    >>> when(datetime(2026, 11, 23, 10, 42, 7, tzinfo=UTC))
    '23 Nov 2026 at 10:42 UTC'
    """
    moment = utc(moment)
    return f"{moment.day} {moment:%b %Y} at {moment:%H:%M} UTC"


def checksum(text: str) -> str:
    """SHA-256 of the stored deal text: a version whose text no longer matches was changed outside valueshare."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


CHAIN_SCHEME = "valueshare-chain-1"  # never changes: a new formula would get a new name, and a migration


def _figure(value: float | None) -> str | None:
    # repr round-trips a float exactly; + 0.0 turns -0.0 into 0.0, which SQLite may store as the integer 0
    return None if value is None else repr(float(value) + 0.0)


def chain_link(previous: str, info: VersionInfo) -> str:
    """The audit chain's value for version ``info``: SHA-256 over the previous version's value ('' before version
    1) and everything this version records: its deal, number, author, time, note, text format, text checksum,
    names, the version it restores and its headline figures.

    Each value depends on every version before it, so changing any stored record (its text *and* its checksum,
    say) breaks the chain from that version on. It has no secret: it catches a change made without recomputing
    the chain, not someone who recomputes it (see docs/register.md).

    >>> from datetime import datetime, timezone
    >>> info = VersionInfo("deal", 1, "Ana", datetime(2026, 11, 23, 9, 0, tzinfo=UTC), "first", "Deal",
    ...                    "Trust", "Partner", Headlines(1000.0, 59.6, 0.11, None, 0.94, 0.4), None, "yaml",
    ...                    checksum("name: Deal"))
    >>> first = chain_link("", info)
    >>> len(first), first == chain_link("", info), first == chain_link("", replace(info, note="changed"))
    (64, True, False)
    """
    h = info.headlines
    record = [CHAIN_SCHEME, info.deal_key, info.number, info.author,
              utc(info.saved_at).isoformat(timespec="microseconds"), info.note, info.content_format, info.sha256,
              info.deal_name, info.nhs_name, info.partner_name, info.restored_from,
              *(_figure(v) for v in (h.nhs_npv, h.partner_npv, h.partner_irr, h.cost_recovery, h.nhs_share,
                                     h.launch_probability))]
    text = previous + "\n" + json.dumps(record, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def sealed(previous: str, info: VersionInfo) -> VersionInfo:
    """``info`` with its chain value, linked to the previous version's value ``previous``."""
    return replace(info, chain=chain_link(previous, info))


@dataclass(frozen=True)
class Headlines:
    """A version's headline figures as valued when it was saved (money in £; rates and shares as fractions)."""

    nhs_npv: float
    partner_npv: float
    partner_irr: float | None
    cost_recovery: float | None
    nhs_share: float | None
    launch_probability: float | None

    @classmethod
    def of(cls, valuation: Valuation) -> Headlines:
        return cls(*(figure.value(valuation) for figure in select(*HEADLINE_KEYS)))

    def value(self, key: str) -> float | None:
        """The recorded value of the headline figure ``key`` (one of ``HEADLINE_KEYS``)."""
        return getattr(self, key)

    def texts(self) -> dict[str, str]:
        """Each figure written for people, by its label (``valueshare.figures``), as every surface writes it."""
        return {figure.label: figure.write(self.value(figure.key)) for figure in select(*HEADLINE_KEYS)}


#: The headline figures a version records (``valueshare.figures``), in the order of ``Headlines``' fields.
HEADLINE_KEYS = tuple(f.name for f in fields(Headlines))


@dataclass(frozen=True)
class NewVersion:
    """What a save asks the repository to store; the repository gives it its number and time."""

    author: str
    note: str
    content: str              # the deal as text, validated
    content_format: str       # "yaml" or "json"
    deal_name: str
    nhs_name: str
    partner_name: str
    headlines: Headlines
    restored_from: int | None = None
    outline: str | None = None  # the version's outline for the portfolio (``outline.Outline``, JSON): not recorded
                                # in the audit chain, as it is derived from the text

    @property
    def sha256(self) -> str:
        return checksum(self.content)

    def as_version(self, key: str, number: int, saved_at: datetime, previous_chain: str) -> VersionInfo:
        """The version this save becomes once the repository has given it its number and time, sealed into the
        deal's audit chain after the version whose chain value is ``previous_chain`` ('' for version 1). Names are
        as the repositories read them back (a missing deal name is the key)."""
        return sealed(previous_chain, VersionInfo(
            key, number, self.author, utc(saved_at), self.note, self.deal_name or key, self.nhs_name or "",
            self.partner_name or "", self.headlines, self.restored_from, self.content_format, self.sha256))


@dataclass(frozen=True)
class VersionInfo:
    """One saved version, without its text. ``sha256`` is the checksum of its text and ``chain`` its value in the
    deal's audit chain (``chain_link``), both as stored."""

    deal_key: str
    number: int
    author: str
    saved_at: datetime
    note: str
    deal_name: str
    nhs_name: str
    partner_name: str
    headlines: Headlines
    restored_from: int | None = None
    content_format: str = "yaml"
    sha256: str = ""
    chain: str = ""

    def when(self) -> str:
        return when(self.saved_at)


@dataclass(frozen=True)
class StoredVersion:
    """A version with its text, as stored (checked and parsed by the service)."""

    info: VersionInfo
    content: str
    content_format: str
    sha256: str


@dataclass(frozen=True)
class ArchiveEvent:
    """A deal hidden from (``archived``) or put back in (not ``archived``) the default list."""

    deal_key: str
    archived: bool
    author: str
    at: datetime
    note: str

    def when(self) -> str:
        return when(self.at)


@dataclass(frozen=True)
class DealInfo:
    """A deal in the register: its key, its latest version and whether it is archived."""

    key: str
    created_at: datetime
    latest: VersionInfo
    archived: bool

    @property
    def name(self) -> str:
        return self.latest.deal_name


class DealStatus(Enum):
    """Where a deal stands: its life from a draft to a signed agreement (or its end)."""

    DRAFT = "draft"
    OFFERED = "offered"
    COUNTER_OFFERED = "counter_offered"
    AGREED = "agreed"
    SIGNED = "signed"
    CLOSED = "closed"
    WITHDRAWN = "withdrawn"

    @property
    def label(self) -> str:
        return self.value.replace("_", "-").capitalize()


#: The statuses each status may move to. A deal is agreed only once its latest version is signed off, signed only
#: once agreed; closed and withdrawn end it (a withdrawn deal may be reopened as a draft) [ours].
NEXT_STATUSES: dict[DealStatus, tuple[DealStatus, ...]] = {
    DealStatus.DRAFT: (DealStatus.OFFERED, DealStatus.WITHDRAWN),
    DealStatus.OFFERED: (DealStatus.COUNTER_OFFERED, DealStatus.AGREED, DealStatus.DRAFT, DealStatus.WITHDRAWN),
    DealStatus.COUNTER_OFFERED: (DealStatus.OFFERED, DealStatus.AGREED, DealStatus.DRAFT, DealStatus.WITHDRAWN),
    DealStatus.AGREED: (DealStatus.SIGNED, DealStatus.OFFERED, DealStatus.WITHDRAWN),
    DealStatus.SIGNED: (DealStatus.CLOSED,),
    DealStatus.CLOSED: (),
    DealStatus.WITHDRAWN: (DealStatus.DRAFT,),
}


class EventKind(Enum):
    STATUS = "status"
    SIGN_OFF = "sign_off"
    COMMENT = "comment"


@dataclass(frozen=True)
class DealEvent:
    """One step in a deal's life: a change of status, an approver's sign-off of a version, or a comment on a
    version; each with who and when. ``text`` is the note or the comment, exactly as typed."""

    deal_key: str
    kind: EventKind
    author: str
    at: datetime
    text: str
    version: int | None = None
    status: DealStatus | None = None

    def when(self) -> str:
        return when(self.at)


class OrgKind(Enum):
    """What an organisation in the register is: an NHS body (it owns deals), a partner, or an adviser."""

    NHS = "nhs"
    PARTNER = "partner"
    ADVISER = "adviser"


class Role(Enum):
    """A person's role in their organisation: a member reads and writes its deals; an approver also signs off;
    an administrator also manages its members and what it shares."""

    MEMBER = "member"
    APPROVER = "approver"
    ADMIN = "admin"


class Access(Enum):
    """What an organisation may do with a deal: its owner, everything; an adviser (shared with it), read it whole;
    a partner (shared with it), read only the deal as shared with the partner."""

    OWNER = "owner"
    ADVISER = "adviser"
    PARTNER = "partner"


@dataclass(frozen=True)
class Organisation:
    key: str
    name: str
    kind: OrgKind


@dataclass(frozen=True)
class Membership:
    organisation: str      # its key
    person: str            # the signed-in identity (an e-mail address, say)
    role: Role


@dataclass(frozen=True)
class Grant:
    deal_key: str
    organisation: str
    access: Access


@dataclass(frozen=True)
class AccessEvent:
    """A change to who may see what: an organisation added, a member added, a deal shared; who and when."""

    author: str
    at: datetime
    text: str

    def when(self) -> str:
        return when(self.at)
