"""Who may do what with a deal in the register: enforced here, in the service layer, for the app, the CLI and the
Python API alike.

A register with no organisation is **open**: the embedded default, one local user on a laptop with no sign-in, who
sees and changes every deal (``LOCAL``). Once an organisation is added, every call names its :class:`Actor` (the
signed-in identity) and is allowed only as follows [ours: the framework sets no access rules; these follow the issue
that asked for them]:

- a **member** of a deal's owning organisation reads and writes it (save, restore, archive, status, comment, share);
  an **approver** also signs off its versions; an **admin** also manages the organisation's members;
- an **adviser** organisation the deal is shared with reads it whole (history, versions, differences, life) and may
  comment, but not change it;
- a **partner** organisation the deal is shared with reads only the deal as shared with the partner
  (``valueshare.sharing.for_partner``: never the NHS's positions, notes, costs or internal variants), and not its
  history, authors, notes or figures;
- a deal saved before the first organisation was added belongs to none: an admin of any organisation may read it
  and give it an owner (``share``);
- the first organisation and its first admin may be added by anyone with the register (there is no one else yet);
  after that, an organisation is added by an admin of any organisation, its first member likewise, and later
  members by an admin of their own organisation.

Anyone denied gets :class:`AccessDenied`, which names neither the deal's content nor who else can see it.
"""

from __future__ import annotations

from dataclasses import dataclass

from valueshare.register.errors import RegisterError
from valueshare.register.records import Access, Grant, Membership, OrgKind, Role
from valueshare.register.repository import Repository


@dataclass(frozen=True)
class Actor:
    """Who is calling: the signed-in identity (an e-mail address, say), or None for the local user of an open
    register."""

    person: str | None = None


LOCAL = Actor(None)


class AccessDenied(RegisterError):
    """The actor may not do this with this deal (or the register)."""


@dataclass(frozen=True)
class Rights:
    """What an actor may do with one deal."""

    access: Access | None      # None: nothing at all
    role: Role | None = None   # within the owning organisation, for an owner

    @property
    def reads_whole(self) -> bool:
        return self.access in (Access.OWNER, Access.ADVISER)

    @property
    def writes(self) -> bool:
        return self.access is Access.OWNER

    @property
    def signs_off(self) -> bool:
        return self.access is Access.OWNER and self.role in (Role.APPROVER, Role.ADMIN)


ALL = Rights(Access.OWNER, Role.ADMIN)


def is_open(repo: Repository) -> bool:
    """Whether the register has no organisation (every actor may do everything)."""
    return not repo.organisations()


def _person(actor: Actor) -> str:
    if actor.person is None:
        raise AccessDenied("this register has organisations: sign in (on the command line, give --as PERSON or set "
                           "VALUESHARE_USER) to use it")
    return actor.person


def memberships_of(repo: Repository, actor: Actor) -> list[Membership]:
    person = _person(actor)
    return [m for m in repo.memberships() if m.person == person]


def rights(repo: Repository, actor: Actor, key: str) -> Rights:
    """What ``actor`` may do with deal ``key``."""
    if is_open(repo):
        return ALL
    return _rights({m.organisation: m.role for m in memberships_of(repo, actor)},
                   [g for g in repo.grants() if g.deal_key == key])


def _rights(mine: dict[str, Role], given: list[Grant]) -> Rights:
    """The rights of someone with the roles ``mine`` (organisation: role) to a deal with the grants ``given``."""
    owner = next((g for g in given if g.access is Access.OWNER), None)
    if owner is None:  # saved before the first organisation: the register's admins look after it
        return ALL if Role.ADMIN in mine.values() else Rights(None)
    if owner.organisation in mine:
        return Rights(Access.OWNER, mine[owner.organisation])
    shared = [g.access for g in given if g.organisation in mine]
    if Access.ADVISER in shared:
        return Rights(Access.ADVISER)
    if Access.PARTNER in shared:
        return Rights(Access.PARTNER)
    return Rights(None)


def require(repo: Repository, actor: Actor, key: str, what: str, allowed: bool | None = None,
            check: str = "reads_whole") -> Rights:
    """The actor's rights to ``key``, or ``AccessDenied`` saying it may not ``what`` (e.g. "read deal 'x'")."""
    found = rights(repo, actor, key)
    ok = getattr(found, check) if allowed is None else allowed
    if not ok:
        raise AccessDenied(f"{actor.person or 'you'} may not {what}: it is not shared with your organisation "
                           "for that")
    return found


def visible(repo: Repository, actor: Actor, keys: list[str]) -> set[str]:
    """Of ``keys``, those the actor may read whole (a partner's shared deals are not listed with figures)."""
    if is_open(repo):
        return set(keys)
    mine = {m.organisation: m.role for m in memberships_of(repo, actor)}
    by_deal: dict[str, list[Grant]] = {}
    for grant in repo.grants():  # read once for the whole list, not once a deal
        by_deal.setdefault(grant.deal_key, []).append(grant)
    return {key for key in keys if _rights(mine, by_deal.get(key, [])).reads_whole}


def owner_for_new_deal(repo: Repository, actor: Actor, organisation: str | None) -> str | None:
    """The organisation a new deal will belong to: ``organisation`` if the actor is a member of it, else the one
    NHS organisation the actor belongs to; None in an open register."""
    if is_open(repo):
        return None
    kinds = {o.key: o.kind for o in repo.organisations()}
    mine = [m.organisation for m in memberships_of(repo, actor) if kinds.get(m.organisation) is OrgKind.NHS]
    if organisation is not None:
        if organisation not in mine:
            raise AccessDenied(f"{actor.person} is not a member of the NHS organisation '{organisation}'")
        return organisation
    if len(mine) != 1:
        raise AccessDenied(f"{actor.person} belongs to {len(mine)} NHS organisations: say which one the new deal "
                           "belongs to" if mine else f"{actor.person} is not a member of any NHS organisation, so "
                                                     "cannot save a new deal")
    return mine[0]


def may_manage(repo: Repository, actor: Actor, organisation: str | None) -> None:
    """Whether the actor may add an organisation (``organisation`` None) or members of ``organisation``."""
    if is_open(repo):
        return
    roles = {m.organisation: m.role for m in memberships_of(repo, actor)}
    if organisation is None and Role.ADMIN in roles.values():
        return
    if organisation is not None and roles.get(organisation) is Role.ADMIN:
        return
    where = "the register" if organisation is None else f"'{organisation}'"
    raise AccessDenied(f"{actor.person} is not an administrator of {where}")


def first_admin_allowed(repo: Repository) -> bool:
    """Whether the register has no member yet (its first admin may be added by whoever has the register)."""
    return not repo.memberships()
