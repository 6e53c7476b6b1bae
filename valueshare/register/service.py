"""The register's use cases: save, history, open, diff, restore, list, archive, verify. Each takes a
``Repository``.

The service validates every deal on the way in (and values it, to store its headline figures) and on the way out
(a stored text that no longer parses, or no longer matches its checksum, is reported, never returned). A history,
and every version opened, is checked against the deal's audit chain (``records.chain_link``): a record changed
outside valueshare is reported with its deal and version, never shown as if it were true. ``verify`` checks the
whole register.
"""

from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, datetime

from valueshare.compare import Comparison, compare
from valueshare.counteroffer import CounterOffer, as_variant, read_counter_offer
from valueshare.engine.valuation import value_deal
from valueshare.errors import DealInvalid, Problem
from valueshare.formats import Migrated
from valueshare.model import Deal
from valueshare.model.types import NOT_IN_TEXT
from valueshare.register import access
from valueshare.register.access import LOCAL, Actor
from valueshare.register.errors import RegisterTampered, SaveRefused, VersionConflict
from valueshare.register.outline import outline_of
from valueshare.register.records import (
    KEY_MAX,
    KEY_PATTERN,
    NEXT_STATUSES,
    Access,
    AccessEvent,
    ArchiveEvent,
    DealEvent,
    DealInfo,
    DealStatus,
    EventKind,
    Grant,
    Headlines,
    Membership,
    NewVersion,
    Organisation,
    OrgKind,
    Role,
    StoredVersion,
    VersionInfo,
    chain_link,
    checksum,
    deal_key,
)
from valueshare.register.repository import Repository, status_of
from valueshare.scenario import Loaded, deal_to_data, deal_to_yaml, read_deal_data
from valueshare.textio import describe_character, load_json, load_yaml

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


def _clean(text: str | None, what: str, limit: int, missing: str | None) -> str:
    """The author or note on one line (its line breaks and runs of spaces become one space); a control or invisible
    character is refused, named, rather than dropped, so what is kept is what was typed."""
    bad = NOT_IN_TEXT.search(text or "")
    if bad:
        raise SaveRefused(f"the {what} holds the character {describe_character(bad.group())} at character "
                          f"{bad.start() + 1}, which the register cannot keep (a control or invisible character, "
                          f"perhaps pasted in): remove it")
    value = one_line(text)
    if not value and missing is not None:
        raise SaveRefused(missing)
    if len(value) > limit:
        raise SaveRefused(f"the {what} is too long (at most {limit:,} characters)")
    return value


def check_author(author: str | None) -> str:
    return _clean(author, "author", AUTHOR_MAX, "an author is required: who is saving (a name or initials)")


def _who(author: str | None, actor: Actor) -> str:
    """The author recorded: the signed-in identity when there is one (it cannot be typed as someone else), else the
    name given."""
    return check_author(actor.person) if actor.person is not None else check_author(author)


def check_note(note: str | None) -> str:
    return _clean(note, "note", NOTE_MAX, "a note is required: say in a few words what changed")


def text_of(deal: Deal, content_format: str = "yaml") -> str:
    """The deal's text as the register stores it (YAML by default; JSON on request), which reads back equal. Like
    a deal file, it records its ``format_version`` as its first key."""
    if content_format == "json":
        return json.dumps(deal_to_data(deal), indent=2, ensure_ascii=False)
    return deal_to_yaml(deal)


def read_loaded(content: str, content_format: str, source: str | None = None) -> Loaded:
    """A deal from stored or uploaded text, migrated to the current format (``valueshare.formats``) and validated,
    with the format it was written in. JSON is read as data; YAML with the safe loader. The text itself is never
    changed: a version written in an older format is migrated each time it is read."""
    if content_format == "json":
        return read_deal_data(load_json(content, source), source)
    if content_format == "yaml":
        return read_deal_data(load_yaml(content, source), source)
    raise DealInvalid([Problem("", f"unknown text format {content_format!r} (the formats are yaml and json)")],
                      source)


def read_text(content: str, content_format: str, source: str | None = None) -> Deal:
    """A deal from stored or uploaded text, validated (``read_loaded`` without the format it was written in)."""
    return read_loaded(content, content_format, source).deal


def new_version(deal: Deal, *, author: str, note: str, content_format: str = "yaml",
                restored_from: int | None = None) -> NewVersion:
    """What a save stores: the deal's text (checked to read back equal), who, why, and its headline figures."""
    if content_format not in FORMATS:
        raise SaveRefused(f"unknown text format {content_format!r} (the formats are yaml and json)")
    content = text_of(deal, content_format)
    if read_text(content, content_format, "the text about to be saved") != deal:
        # Belt and braces: never store a text that would open as a different deal.
        raise SaveRefused("this deal does not read back the same from its text, so it was not saved")
    valuation = value_deal(deal)
    return NewVersion(check_author(author), check_note(note), content, content_format, deal.name, deal.nhs.name,
                      deal.partner.name, Headlines.of(valuation), restored_from,
                      outline_of(deal, valuation).to_json())


def save(repo: Repository, deal: Deal, *, author: str, note: str, base_version: int | None,
         key: str | None = None, content_format: str = "yaml", actor: Actor = LOCAL,
         organisation: str | None = None) -> VersionInfo:
    """Save ``deal`` as a new version. ``base_version`` is the version the edits started from (``None`` for a deal
    that is not in the register yet); if someone has saved since, ``VersionConflict`` says who and when, and nothing
    is written. ``key`` defaults to the key of the deal's name."""
    key = key_for(key) if key else deal_key(deal.name)
    owner = None
    if base_version is None and key not in repo.heads():
        owner = access.owner_for_new_deal(repo, actor, organisation)
    else:
        access.require(repo, actor, key, f"save a version of deal '{key}'", check="writes")
    version = new_version(deal, author=_who(author, actor), note=note, content_format=content_format)
    return repo.add_version(key, version, base_version, owner)


@dataclass(frozen=True)
class Opened:
    """A version read back: its record, its text (exactly as stored) and the deal it holds; ``migrated`` says which
    format the text was written in, and ``note`` is the line to show when it was an older one."""

    info: VersionInfo
    text: str
    content_format: str
    deal: Deal
    migrated: Migrated | None = None

    @property
    def note(self) -> str | None:
        """``register: deal 'x' version 2: written in format 1, read as format 2 (...)``, or None if it was current."""
        if self.migrated is None:
            return None
        return self.migrated.note(f"register: deal '{self.info.deal_key}' version {self.info.number}")


def open_version(repo: Repository, key: str, number: int | None = None, *, actor: Actor = LOCAL) -> Opened:
    """Read a version (the latest when ``number`` is None), checking its text against its checksum, its record and
    every earlier one against the audit chain, and the deal against the rules. An actor who may read only the
    partner's view is refused: ``partner_view`` is theirs."""
    key = key_for(key)
    access.require(repo, actor, key, f"read deal '{key}'")
    if number is None:
        number = repo.deal(key).latest.number
    stored = repo.version(key, number)
    loaded = _deal_of(stored, [v for v in repo.versions(key) if v.number <= number])
    return Opened(stored.info, stored.content, stored.content_format, loaded.deal, loaded.migrated)


def _deal_of(stored: StoredVersion, upto: list[VersionInfo]) -> Loaded:
    number = stored.info.number
    source = f"register: deal '{stored.info.deal_key}' version {number}"
    if stored.sha256 != checksum(stored.content):
        raise DealInvalid([Problem("", "its stored text no longer matches the checksum saved with it (the register "
                                       "was changed outside valueshare); restore another version")], source)
    broken = broken_links(upto)
    if broken:
        which = "its record was" if broken[0] == number else f"version {broken[0]} of this deal was"
        raise DealInvalid([Problem("", f"{which} changed outside valueshare (it no longer matches the register's "
                                       f"audit chain), so this version was not opened: ask whoever looks after the "
                                       f"register to restore it from a backup")], source)
    return read_loaded(stored.content, stored.content_format, source)


def broken_links(versions: list[VersionInfo]) -> list[int]:
    """The numbers of the versions (oldest first, from version 1) whose stored chain value is not the link of
    their record to the version before: each was changed, or the one before it was rewritten with its chain."""
    broken, previous = [], ""
    for info in versions:
        if chain_link(previous, info) != info.chain:
            broken.append(info.number)
        previous = info.chain
    return broken


def chain_problems(key: str, versions: list[VersionInfo], head: int | None = None) -> list[str]:
    """Each way the deal's stored versions break its audit chain, one line each: a version missing from the
    numbers 1, 2, 3..., a record that no longer matches the chain, a latest version that is not the one recorded."""
    problems = []
    expected = 1
    for info in versions:
        if info.number > expected:
            gap = f"version {expected}" if info.number == expected + 1 else \
                f"versions {expected} to {info.number - 1}"
            problems.append(f"deal '{key}': {gap} {'is' if info.number == expected + 1 else 'are'} missing "
                            f"(deleted outside valueshare)")
        expected = info.number + 1
    for number in broken_links(versions):
        problems.append(f"deal '{key}' version {number}: its record no longer matches the register's audit chain "
                        f"(changed outside valueshare)")
    last = versions[-1].number if versions else 0
    if head is not None and head != last:
        problems.append(f"deal '{key}': the register records {head} version(s), but the last one stored is "
                        f"version {last} (changed outside valueshare)")
    return problems


@dataclass(frozen=True)
class History:
    deal: DealInfo
    versions: list[VersionInfo]
    events: list[ArchiveEvent]


def history(repo: Repository, key: str, *, actor: Actor = LOCAL) -> History:
    """The deal, every version and every archive event; ``RegisterTampered`` if a version's record no longer
    matches the audit chain."""
    key = key_for(key)
    access.require(repo, actor, key, f"read the history of deal '{key}'")
    deal, versions = repo.deal(key), repo.versions(key)
    problems = chain_problems(key, versions, deal.latest.number)
    if problems:
        raise RegisterTampered(key, problems)
    return History(deal, versions, repo.archive_events(key))


@dataclass(frozen=True)
class VersionDiff:
    """Two versions of a deal: their records, and the figures (valued today) and terms that differ."""

    older: VersionInfo
    newer: VersionInfo
    comparison: Comparison


def diff(repo: Repository, key: str, first: int, second: int, *, actor: Actor = LOCAL) -> VersionDiff:
    """What changed from version ``first`` to version ``second``: every headline figure (both valued by today's
    engine, so they are comparable) and every input that differs, via ``valueshare.compare``."""
    a, b = open_version(repo, key, first, actor=actor), open_version(repo, key, second, actor=actor)
    comparison = compare([(f"Version {a.info.number}", a.deal), (f"Version {b.info.number}", b.deal)])
    return VersionDiff(a.info, b.info, comparison)


def restore(repo: Repository, key: str, number: int, *, author: str, note: str,
            base_version: int | None = None, actor: Actor = LOCAL) -> VersionInfo:
    """Save version ``number`` again as a new version (nothing is overwritten). ``base_version`` is the latest
    version the caller saw; by default the latest now."""
    key = key_for(key)
    access.require(repo, actor, key, f"restore a version of deal '{key}'", check="writes")
    old = open_version(repo, key, number, actor=actor)
    latest = repo.deal(key).latest.number
    if number == latest and base_version in (None, latest):
        raise SaveRefused(f"version {number} is already the latest version of '{old.info.deal_name}'")
    new = new_version(old.deal, author=_who(author, actor), note=note, content_format=old.content_format,
                      restored_from=number)
    return repo.add_version(key, new, latest if base_version is None else base_version)


def find(repo: Repository, search: str = "", include_archived: bool = False, *,
         actor: Actor = LOCAL) -> list[DealInfo]:
    """The deals the actor may read whole, matching ``search`` (a partner's shared deals: ``shared_with``)."""
    found = repo.deals(search, include_archived)
    if access.is_open(repo):
        return found
    allowed = access.visible(repo, actor, [d.key for d in found])
    return [d for d in found if d.key in allowed]


def archive(repo: Repository, key: str, *, author: str, note: str = "", archived: bool = True,
            actor: Actor = LOCAL) -> ArchiveEvent:
    """Hide a deal from the default list (or, ``archived=False``, put it back). Nothing is deleted, and the change
    itself is recorded with who made it and when."""
    key = key_for(key)
    access.require(repo, actor, key, f"archive deal '{key}'", check="writes")
    return repo.set_archived(key, archived, _who(author, actor), _clean(note, "note", NOTE_MAX, None))



@dataclass(frozen=True)
class Verification:
    """What ``verify`` found: how many deals and versions it checked, and each problem on one line."""

    deals: int
    versions: int
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def counts(self) -> str:
        """'2 deals, 5 versions'."""
        return (f"{self.deals} deal{'' if self.deals == 1 else 's'}, "
                f"{self.versions} version{'' if self.versions == 1 else 's'}")


def verify(repo: Repository) -> Verification:
    """Check the whole register: for every deal (archived ones too), that its versions are numbered 1, 2, 3... up
    to the latest it records, that each version's text matches its checksum, and that each record matches the
    deal's audit chain. Reads only; every problem is one line naming the deal and the version."""
    heads = repo.heads()
    problems: list[str] = []
    count = 0
    for key in sorted(heads):
        stored = repo.stored_versions(key)
        count += len(stored)
        for version in stored:
            if version.sha256 != checksum(version.content) or version.info.sha256 != version.sha256:
                problems.append(f"deal '{key}' version {version.info.number}: its text no longer matches its "
                                f"checksum (changed outside valueshare)")
        problems += chain_problems(key, [v.info for v in stored], heads[key])
    return Verification(len(heads), count, problems)


# -- the deal's life --------------------------------------------------------------------------------------------

COMMENT_MAX = 4000


@dataclass(frozen=True)
class Life:
    """A deal's standing: its status, the versions signed off, and every event with who and when."""

    key: str
    status: DealStatus
    latest: int
    signed_off: list[int]
    events: list[DealEvent]

    @property
    def approved(self) -> bool:
        """Whether the latest version is signed off."""
        return self.latest in self.signed_off

    def standing(self, number: int | None = None) -> str:
        """What a document of version ``number`` (default: the latest) says of its standing: 'draft', 'offered',
        ... and 'approved by NAME on DATE' when that version is signed off."""
        number = self.latest if number is None else number
        offs = [e for e in self.events if e.kind is EventKind.SIGN_OFF and e.version == number]
        status = self.status.label.lower() if number == self.latest else "an earlier version"
        if offs:
            return f"{status}; version {number} approved by {offs[-1].author} on {offs[-1].when()}"
        return f"{status}; version {number} not yet approved"


def life(repo: Repository, key: str, *, actor: Actor = LOCAL) -> Life:
    key = key_for(key)
    access.require(repo, actor, key, f"read the life of deal '{key}'")
    events = repo.deal_events(key)
    latest = repo.deal(key).latest.number
    offs = sorted({e.version for e in events if e.kind is EventKind.SIGN_OFF and e.version is not None})
    return Life(key, status_of(events), latest, offs, events)


def set_status(repo: Repository, key: str, status: DealStatus | str, *, author: str, note: str = "",
               actor: Actor = LOCAL) -> DealEvent:
    """Move the deal to ``status``, recorded with who, when and why. A deal is agreed only once its latest version
    is signed off by an approver, and only along ``NEXT_STATUSES``."""
    try:
        wanted = status if isinstance(status, DealStatus) else DealStatus(str(status).strip().lower().replace("-", "_"))
    except ValueError:
        names = ", ".join(s.value.replace("_", "-") for s in DealStatus)
        raise SaveRefused(f"'{status}' is not a status: use one of {names}") from None
    access.require(repo, actor, key_for(key), f"change the status of deal '{key_for(key)}'", check="writes")
    now = life(repo, key, actor=actor)
    if wanted not in NEXT_STATUSES[now.status]:
        allowed = ", ".join(s.label.lower() for s in NEXT_STATUSES[now.status]) or "none: it has ended"
        raise SaveRefused(f"deal '{now.key}' is {now.status.label.lower()}: it cannot become "
                          f"{wanted.label.lower()} (next: {allowed})")
    if wanted is DealStatus.AGREED and not now.approved:
        raise SaveRefused(f"deal '{now.key}' cannot be marked agreed: its latest version ({now.latest}) has not been "
                          "signed off by an approver")
    event = DealEvent(now.key, EventKind.STATUS, _who(author, actor), now_placeholder(), _clean(
        note, "note", NOTE_MAX, None), now.latest, wanted)
    return repo.add_event(now.key, event, expected_status=now.status)


def sign_off(repo: Repository, key: str, number: int, *, author: str, note: str = "",
             actor: Actor = LOCAL) -> DealEvent:
    """An approver's sign-off of version ``number``, recorded with who and when."""
    key = key_for(key)
    access.require(repo, actor, key, f"sign off deal '{key}' (an approver of its organisation signs off)",
                   check="signs_off")
    repo.version(key, number)  # the version exists (else VersionNotFound, naming the latest)
    event = DealEvent(key, EventKind.SIGN_OFF, _who(author, actor), now_placeholder(),
                      _clean(note, "note", NOTE_MAX, None), number)
    return repo.add_event(key, event)


@dataclass(frozen=True)
class Imported:
    """A counter-offer taken into the register: the version saved, what the partner proposed and what was kept,
    and the status event (counter-offered) when the deal's status allowed it."""

    info: VersionInfo
    offer: CounterOffer
    kept_as: str                      # "version" or "variant"
    variant: str | None
    status: DealEvent | None


#: How a counter-offer may be kept: as the deal's next version, or as an internal variant beside it.
KEEP_AS = ("version", "variant")


def import_counter_offer(repo: Repository, key: str, returned: Deal, *, author: str, keep_as: str = "version",
                         variant: str | None = None, note: str = "", base_version: int | None = None,
                         actor: Actor = LOCAL) -> Imported:
    """Read ``returned`` (the partner's deal file as it came back) as a counter-offer on deal ``key``'s latest
    version (``valueshare.counteroffer``: the NHS's own parts are kept from its deal) and save it: as the next
    version (``keep_as='version'``) or as an internal variant of the deal (``'variant'``, named ``variant``). A
    deal that was offered becomes counter-offered. ``base_version``, when given, must still be the latest."""
    key = key_for(key)
    if keep_as not in KEEP_AS:
        raise SaveRefused(f"keep a counter-offer as a version or as a variant, not {keep_as!r}")
    access.require(repo, actor, key, f"import a counter-offer into deal '{key}'", check="writes")
    opened = open_version(repo, key, actor=actor)
    if base_version is not None and base_version != opened.info.number:
        raise VersionConflict(key, base_version, opened.info)  # compared with a version that is no longer the latest
    offer = read_counter_offer(opened.deal, returned, "the counter-offer")
    if not offer.changed:
        raise SaveRefused("the counter-offer proposes no change to what the partner may propose: nothing was saved")
    name = None
    if keep_as == "variant":
        taken = {v.name for v in opened.deal.variants}
        name = (variant or "").strip() or next(
            n for k in range(1, len(taken) + 2) if (n := "Counter-offer" + (f" {k}" if k > 1 else "")) not in taken)
        deal = as_variant(opened.deal, offer, name)
    else:
        deal = offer.deal
    partner = returned.partner.name
    info = save(repo, deal, author=author, base_version=opened.info.number if base_version is None else base_version,
                key=key, note=note or (f"counter-offer from {partner}" + (f" kept as the variant '{name}'" if name
                                                                          else " adopted")), actor=actor)
    event = None
    if DealStatus.COUNTER_OFFERED in NEXT_STATUSES[life(repo, key, actor=actor).status]:
        event = set_status(repo, key, DealStatus.COUNTER_OFFERED, author=author,
                           note=f"counter-offer from {partner}, saved as version {info.number}", actor=actor)
    return Imported(info, offer, keep_as, name, event)


def comment(repo: Repository, key: str, number: int, *, author: str, text: str,
            actor: Actor = LOCAL) -> DealEvent:
    """A comment on version ``number``: who, when and the text as typed (line breaks kept)."""
    key = key_for(key)
    access.require(repo, actor, key, f"comment on deal '{key}'")
    repo.version(key, number)
    bad = NOT_IN_TEXT.search((text or "").replace("\n", " ").replace("\t", " "))
    if bad:
        raise SaveRefused(f"the comment holds the character {describe_character(bad.group())} at character "
                          f"{bad.start() + 1}, which the register cannot keep: remove it")
    body = (text or "").strip()
    if not body:
        raise SaveRefused("a comment needs some text")
    if len(body) > COMMENT_MAX:
        raise SaveRefused(f"the comment is too long (at most {COMMENT_MAX:,} characters)")
    return repo.add_event(key, DealEvent(key, EventKind.COMMENT, _who(author, actor), now_placeholder(), body,
                                         number))


def now_placeholder() -> datetime:
    """An event's time before the repository stamps it with its own clock (which it always does)."""
    return datetime.fromtimestamp(0, UTC)


# -- organisations, members and sharing -------------------------------------------------------------------------

def add_organisation(repo: Repository, key: str, name: str, kind: OrgKind | str, *, author: str,
                     actor: Actor = LOCAL) -> AccessEvent:
    """Add an organisation: an NHS body (it owns deals), a partner or an adviser. The first needs no one's leave."""
    access.may_manage(repo, actor, None)
    org_key = key_for(key)
    try:
        chosen = kind if isinstance(kind, OrgKind) else OrgKind(str(kind).strip().lower())
    except ValueError:
        raise SaveRefused(f"'{kind}' is not a kind of organisation: use nhs, partner or adviser") from None
    label = _clean(name, "organisation's name", AUTHOR_MAX * 2, "an organisation needs a name")
    return repo.add_organisation(Organisation(org_key, label, chosen), _who(author, actor))


def add_member(repo: Repository, organisation: str, person: str, role: Role | str, *, author: str,
               actor: Actor = LOCAL) -> AccessEvent:
    """Add ``person`` (their sign-in identity) to ``organisation`` with ``role``; the register's first member
    needs no one's leave, every later one an admin of that organisation."""
    org_key = key_for(organisation)
    if not access.first_admin_allowed(repo):
        empty = not any(m.organisation == org_key for m in repo.memberships())
        # an organisation's first member is added by an admin of the register's organisations; later ones by its own
        access.may_manage(repo, actor, None if empty else org_key)
    try:
        chosen = role if isinstance(role, Role) else Role(str(role).strip().lower())
    except ValueError:
        raise SaveRefused(f"'{role}' is not a role: use member, approver or admin") from None
    who = _clean(person, "person", AUTHOR_MAX * 2, "give the person's sign-in identity (an e-mail address)")
    return repo.set_member(Membership(org_key, who, chosen), _who(author, actor))


def share(repo: Repository, key: str, organisation: str, with_access: Access | str = Access.ADVISER, *,
          author: str, actor: Actor = LOCAL) -> AccessEvent:
    """Share deal ``key`` with ``organisation``: as adviser (it reads the deal whole), as partner (it reads only the
    deal as shared with the partner), or as owner (moving the deal to it). Only the deal's owner may share it."""
    key = key_for(key)
    try:
        chosen = with_access if isinstance(with_access, Access) else Access(str(with_access).strip().lower())
    except ValueError:
        raise SaveRefused(f"'{with_access}' is not a way to share: use adviser, partner or owner") from None
    access.require(repo, actor, key, f"share deal '{key}'", check="writes")
    if chosen is Access.OWNER:  # one owner: the old one keeps nothing unless shared again
        for grant in repo.grants():
            if grant.deal_key == key and grant.access is Access.OWNER and grant.organisation != key_for(organisation):
                repo.set_grant(Grant(key, grant.organisation, Access.ADVISER), _who(author, actor))
    return repo.set_grant(Grant(key, key_for(organisation), chosen), _who(author, actor))


def shared_with(repo: Repository, actor: Actor) -> list[str]:
    """The keys of the deals shared with the actor's organisations as partner (to open with ``partner_view``)."""
    if access.is_open(repo):
        return []
    mine = {m.organisation for m in access.memberships_of(repo, actor)}
    return sorted({g.deal_key for g in repo.grants() if g.organisation in mine and g.access is Access.PARTNER})


def partner_view(repo: Repository, key: str, *, actor: Actor = LOCAL) -> Deal:
    """The latest version of deal ``key`` as shared with the partner (``valueshare.sharing.for_partner``): what a
    partner organisation the deal is shared with may read, and all it may."""
    from valueshare.sharing import for_partner

    key = key_for(key)
    found = access.rights(repo, actor, key)
    if found.access is None:
        raise access.AccessDenied(f"{actor.person or 'you'} may not read deal '{key}': it is not shared with your "
                                  "organisation")
    stored = repo.version(key, repo.deal(key).latest.number)
    loaded = _deal_of(stored, repo.versions(key))
    return for_partner(loaded.deal)
