"""The register's storage behind a Protocol, and an in-memory fake with the same behaviour for unit tests.

Each method is one transaction: it happens whole or not at all. ``add_version`` is the only way to write a deal's
content, and it refuses (``VersionConflict``) a save whose base is not the latest version, so two people editing the
same deal cannot overwrite each other. The SQL repository (``valueshare.register.sql``) has the database enforce the
same rules; this fake enforces them with a lock, and the contract tests run against both.

Each version is sealed into its deal's audit chain when it is stored (``records.chain_link``): the repository gives
a save its number and time, so it is the repository that links it to the version before.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any, Protocol

from valueshare.register.errors import (
    DealNotFound,
    RegisterError,
    StatusConflict,
    VersionConflict,
    VersionNotFound,
)
from valueshare.register.records import (
    Access,
    AccessEvent,
    ArchiveEvent,
    DealEvent,
    DealInfo,
    DealStatus,
    EventKind,
    Grant,
    Membership,
    NewVersion,
    Organisation,
    StoredVersion,
    VersionInfo,
    search_text,
    utc,
)

Clock = Callable[[], datetime]


def status_of(events: list[DealEvent]) -> DealStatus:
    """The status the last status event set; a deal with none is a draft."""
    for event in reversed(events):
        if event.kind is EventKind.STATUS and event.status is not None:
            return event.status
    return DealStatus.DRAFT


def now() -> datetime:
    return datetime.now(UTC)


class Repository(Protocol):
    """Where deals and their versions are kept. ``location`` says where, for messages (no credential); ``created``
    is whether this repository started the register, new and empty, when it was opened."""

    location: str
    created: bool

    def check(self) -> None:
        """Raise ``RegisterUnavailable`` if the register can no longer be used as opened (its file was deleted or
        moved); every other method checks this first."""
        ...

    def add_version(self, key: str, new: NewVersion, base_version: int | None,
                    owner: str | None = None) -> VersionInfo:
        """Store ``new`` as the next version of deal ``key``; ``base_version`` is the version the edits started
        from (``None`` for a new deal). Raises ``VersionConflict`` when that is no longer the latest. ``owner``: for
        a new deal, the organisation that owns it, granted in the same transaction (recorded as an access event by
        ``new.author``), so a deal never exists without its owner."""
        ...

    def deal(self, key: str) -> DealInfo:
        """The deal and its latest version; ``DealNotFound`` if there is none."""
        ...

    def versions(self, key: str) -> list[VersionInfo]:
        """Every version of the deal, oldest first."""
        ...

    def version(self, key: str, number: int) -> StoredVersion:
        """One version with its text; ``VersionNotFound`` if the deal has no such version."""
        ...

    def deals(self, search: str = "", include_archived: bool = False) -> list[DealInfo]:
        """Deals whose latest version's name, key, NHS body or partner contains ``search`` (any case), by name."""
        ...

    def set_archived(self, key: str, archived: bool, author: str, note: str) -> ArchiveEvent:
        """Record that the deal is archived (hidden from the default list) or back in the list."""
        ...

    def archive_events(self, key: str) -> list[ArchiveEvent]:
        """Every archive and unarchive of the deal, oldest first."""
        ...

    def add_organisation(self, organisation: Organisation, author: str) -> AccessEvent:
        """Add an organisation (its key unique), recorded as an access event."""
        ...

    def organisations(self) -> list[Organisation]:
        ...

    def set_member(self, membership: Membership, author: str) -> AccessEvent:
        """Add a person to an organisation with a role, or change their role there."""
        ...

    def memberships(self) -> list[Membership]:
        ...

    def set_grant(self, grant: Grant, author: str) -> AccessEvent:
        """Give an organisation access to a deal (or change what access it has)."""
        ...

    def grants(self) -> list[Grant]:
        ...

    def access_events(self) -> list[AccessEvent]:
        ...

    def add_event(self, key: str, event: DealEvent, expected_status: DealStatus | None = None) -> DealEvent:
        """Record ``event`` (its time is the register's clock); with ``expected_status``, only while the deal's
        status is still that one (else ``StatusConflict``), in the same transaction."""
        ...

    def deal_events(self, key: str) -> list[DealEvent]:
        """The deal's events, oldest first."""
        ...

    def outlines(self, keys: list[str]) -> dict[str, str | None]:
        """The stored outline (``outline.Outline`` as JSON) of each deal's latest version, None where that
        version has none (saved before revision 0006), in one read; keys not in the register are left out."""
        ...

    def statuses(self) -> dict[str, DealStatus]:
        """Every deal's status (``status_of`` its events), in one read."""
        ...

    def heads(self) -> dict[str, int]:
        """Every deal's key (archived or not) and the number its latest version should have, as recorded."""
        ...

    def stored_versions(self, key: str) -> list[StoredVersion]:
        """Every version of the deal with its text, oldest first, as stored (for ``service.verify``)."""
        ...

    def close(self) -> None:
        ...


def matches(info: DealInfo, search: str) -> bool:
    """Whether ``search`` (any case) is in the deal's key, name, NHS body or partner."""
    latest = info.latest
    return search.strip().lower() in search_text(info.key, latest.deal_name, latest.nhs_name, latest.partner_name)


@dataclass
class _Deal:
    key: str
    created_at: datetime
    versions: list[StoredVersion] = field(default_factory=list)
    events: list[ArchiveEvent] = field(default_factory=list)
    life: list[DealEvent] = field(default_factory=list)
    outlines: dict[int, str] = field(default_factory=dict)


class InMemoryRepository:
    """A repository in a dict: the same rules as the database, enforced under one lock."""

    def __init__(self, clock: Clock = now, location: str = "memory"):
        self.location = location
        self.created = False
        self._clock = clock
        self._deals: dict[str, _Deal] = {}
        self._orgs: list[Organisation] = []
        self._members: list[Membership] = []
        self._grants: list[Grant] = []
        self._access: list[AccessEvent] = []
        self._lock = threading.Lock()

    def add_version(self, key: str, new: NewVersion, base_version: int | None,
                    owner: str | None = None) -> VersionInfo:
        with self._lock:
            if owner is not None:
                self._org(owner)
            deal = self._deals.get(key)
            latest = deal.versions[-1].info.number if deal else None
            if base_version != latest:
                if deal is None:
                    raise DealNotFound(key, self.location)
                raise VersionConflict(key, base_version, deal.versions[-1].info)
            moment = utc(self._clock())
            if deal is None:
                deal = self._deals[key] = _Deal(key, moment)
            previous = deal.versions[-1].info.chain if deal.versions else ""
            info = new.as_version(key, (latest or 0) + 1, moment, previous)
            deal.versions.append(StoredVersion(info, new.content, new.content_format, new.sha256))
            if new.outline is not None:
                deal.outlines[info.number] = new.outline
            if owner is not None and info.number == 1:
                self._grants.append(Grant(key, owner, Access.OWNER))
                self._access_event(new.author, f"deal {key} shared with {owner} as {Access.OWNER.value}")
            return info

    def check(self) -> None:
        pass

    def _get(self, key: str) -> _Deal:
        deal = self._deals.get(key)
        if deal is None:
            raise DealNotFound(key, self.location)
        return deal

    def _info(self, deal: _Deal) -> DealInfo:
        archived = bool(deal.events) and deal.events[-1].archived
        return DealInfo(deal.key, deal.created_at, deal.versions[-1].info, archived)

    def deal(self, key: str) -> DealInfo:
        with self._lock:
            return self._info(self._get(key))

    def versions(self, key: str) -> list[VersionInfo]:
        with self._lock:
            return [v.info for v in self._get(key).versions]

    def version(self, key: str, number: int) -> StoredVersion:
        with self._lock:
            versions = self._get(key).versions
            if not 1 <= number <= len(versions):
                raise VersionNotFound(key, number, len(versions))
            return versions[number - 1]

    def deals(self, search: str = "", include_archived: bool = False) -> list[DealInfo]:
        with self._lock:
            found = [self._info(d) for d in self._deals.values()]
        return sorted((d for d in found if (include_archived or not d.archived) and matches(d, search)),
                      key=lambda d: (d.name.lower(), d.key))

    def set_archived(self, key: str, archived: bool, author: str, note: str) -> ArchiveEvent:
        with self._lock:
            deal = self._get(key)
            if (bool(deal.events) and deal.events[-1].archived) == archived:
                raise RegisterError(f"deal '{key}' is {'already' if archived else 'not'} archived")
            event = ArchiveEvent(key, archived, author, self._clock(), note)
            deal.events.append(event)
            return event

    def archive_events(self, key: str) -> list[ArchiveEvent]:
        with self._lock:
            return list(self._get(key).events)

    def _access_event(self, author: str, text: str) -> AccessEvent:
        event = AccessEvent(author, utc(self._clock()), text)
        self._access.append(event)
        return event

    def add_organisation(self, organisation: Organisation, author: str) -> AccessEvent:
        with self._lock:
            if any(o.key == organisation.key for o in self._orgs):
                raise RegisterError(f"the organisation '{organisation.key}' is already in the register")
            self._orgs.append(organisation)
            return self._access_event(author, f"organisation {organisation.key} added ({organisation.kind.value}): "
                                              f"{organisation.name}")

    def organisations(self) -> list[Organisation]:
        with self._lock:
            return sorted(self._orgs, key=lambda o: o.key)

    def set_member(self, membership: Membership, author: str) -> AccessEvent:
        with self._lock:
            self._org(membership.organisation)
            self._members = [m for m in self._members if (m.organisation, m.person) != (membership.organisation,
                                                                                          membership.person)]
            self._members.append(membership)
            return self._access_event(author, f"{membership.person} is {membership.role.value} of "
                                              f"{membership.organisation}")

    def memberships(self) -> list[Membership]:
        with self._lock:
            return sorted(self._members, key=lambda m: (m.organisation, m.person))

    def set_grant(self, grant: Grant, author: str) -> AccessEvent:
        with self._lock:
            self._get(grant.deal_key)
            self._org(grant.organisation)
            self._grants = [g for g in self._grants if (g.deal_key, g.organisation) != (grant.deal_key,
                                                                                         grant.organisation)]
            self._grants.append(grant)
            return self._access_event(author, f"deal {grant.deal_key} shared with {grant.organisation} as "
                                              f"{grant.access.value}")

    def grants(self) -> list[Grant]:
        with self._lock:
            return sorted(self._grants, key=lambda g: (g.deal_key, g.organisation))

    def access_events(self) -> list[AccessEvent]:
        with self._lock:
            return list(self._access)

    def _org(self, key: str) -> Organisation:
        found = next((o for o in self._orgs if o.key == key), None)
        if found is None:
            raise RegisterError(f"there is no organisation '{key}' in the register")
        return found

    def add_event(self, key: str, event: DealEvent, expected_status: DealStatus | None = None) -> DealEvent:
        with self._lock:
            deal = self._get(key)
            if expected_status is not None and status_of(deal.life) is not expected_status:
                raise StatusConflict(key, expected_status, status_of(deal.life))
            stamped = replace(event, deal_key=key, at=utc(self._clock()))
            deal.life.append(stamped)
            return stamped

    def deal_events(self, key: str) -> list[DealEvent]:
        with self._lock:
            return list(self._get(key).life)

    def outlines(self, keys: list[str]) -> dict[str, str | None]:
        with self._lock:
            return {key: deal.outlines.get(deal.versions[-1].info.number) for key in keys
                    if (deal := self._deals.get(key)) is not None}

    def statuses(self) -> dict[str, DealStatus]:
        with self._lock:
            return {key: status_of(deal.life) for key, deal in self._deals.items()}

    def heads(self) -> dict[str, int]:
        with self._lock:
            return {key: deal.versions[-1].info.number for key, deal in self._deals.items()}

    def stored_versions(self, key: str) -> list[StoredVersion]:
        with self._lock:
            return list(self._get(key).versions)

    def close(self) -> None:
        pass

    def tamper(self, key: str, number: int, content: str | None = None, **record: Any) -> None:
        """Test helper: change a stored version behind the register's back, as a hand edit of the database would:
        its text, and any field of its record (``sha256=``, ``chain=``, ``note=``...)."""
        versions = self._get(key).versions
        stored = versions[number - 1]
        if content is not None:
            stored = replace(stored, content=content)
        if "sha256" in record:
            stored = replace(stored, sha256=record["sha256"])
        versions[number - 1] = replace(stored, info=replace(stored.info, **record))
