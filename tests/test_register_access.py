"""Who may do what in a register with organisations (issue 18), enforced in the service layer: every role against
every operation, on the in-memory fake, an SQLite file and PostgreSQL. A member of one organisation cannot list,
read, diff, export, restore or save another's deal by any route; an adviser reads what is shared with it; a partner
reads only the deal as shared with the partner."""

from __future__ import annotations

import pytest
from register_support import Clock, fee_deal, location, pg_location, repo  # noqa: F401 - fixtures

from valueshare.register import InMemoryRepository, service
from valueshare.register.access import LOCAL, AccessDenied, Actor
from valueshare.scenario import deal_from_data, deal_to_data
from valueshare.sharing import for_partner

KEY = "test-deal"
ANA, BO, CY = Actor("ana@trust-a.nhs.uk"), Actor("bo@trust-a.nhs.uk"), Actor("cy@trust-a.nhs.uk")
DEE, EVE, PAT, ZED = (Actor("dee@trust-b.nhs.uk"), Actor("eve@england.nhs.uk"), Actor("pat@partner.example"),
                      Actor("zed@nowhere.example"))


def private_deal(fee: float = 1000):
    data = deal_to_data(fee_deal(fee))
    data["negotiation"] = {"nhs_walk_away_gbp": 123_457.0, "notes": "we would settle at 12"}
    return deal_from_data(data)


@pytest.fixture
def team(repo):
    """Two trusts, NHS England's advisers and a partner; trust A's deal shared with the advisers and the partner."""
    service.add_organisation(repo, "trust-a", "Trust A", "nhs", author="setup")  # the first: anyone with the register
    service.add_member(repo, "trust-a", ANA.person, "admin", author="setup")     # its first admin likewise
    service.add_member(repo, "trust-a", BO.person, "member", author="Ana", actor=ANA)
    service.add_member(repo, "trust-a", CY.person, "approver", author="Ana", actor=ANA)
    for key, name, kind, person in (("trust-b", "Trust B", "nhs", DEE), ("nhse", "NHS England", "adviser", EVE),
                                    ("partner-co", "Partner Co", "partner", PAT)):
        service.add_organisation(repo, key, name, kind, author="Ana", actor=ANA)
        service.add_member(repo, key, person.person, "admin" if key == "trust-b" else "member", author="Ana",
                           actor=ANA)
    service.save(repo, private_deal(1000), author="Bo", note="first", base_version=None, actor=BO)
    service.save(repo, private_deal(2000), author="Bo", note="second", base_version=1, actor=BO)
    service.share(repo, KEY, "nhse", "adviser", author="Bo", actor=BO)
    service.share(repo, KEY, "partner-co", "partner", author="Bo", actor=BO)
    return repo


def listed(repo, actor) -> None:
    """Listing is never refused: a deal the actor may not read is simply not in its list."""
    if [d.key for d in service.find(repo, actor=actor)] != [KEY]:
        raise AccessDenied("not listed")


OPERATIONS = {
    "list": listed,
    "history": lambda r, a: service.history(r, KEY, actor=a),
    "read": lambda r, a: service.open_version(r, KEY, 1, actor=a),
    "diff": lambda r, a: service.diff(r, KEY, 1, 2, actor=a),
    "life": lambda r, a: service.life(r, KEY, actor=a),
    "comment": lambda r, a: service.comment(r, KEY, 1, author="x", text="a comment", actor=a),
    "partner view": lambda r, a: service.partner_view(r, KEY, actor=a),
    "save": lambda r, a: service.save(r, private_deal(3000), author="x", note="n", base_version=2, actor=a),
    "restore": lambda r, a: service.restore(r, KEY, 1, author="x", note="n", actor=a),
    "archive": lambda r, a: service.archive(r, KEY, author="x", actor=a),
    "status": lambda r, a: service.set_status(r, KEY, "offered", author="x", actor=a),
    "sign off": lambda r, a: service.sign_off(r, KEY, 2, author="x", actor=a),
    "share": lambda r, a: service.share(r, KEY, "trust-b", "adviser", author="x", actor=a),
    # the partner's file for version 2 with the fee lowered, kept as the next version
    "counter-offer": lambda r, a: service.import_counter_offer(r, KEY, for_partner(private_deal(1500)), author="x",
                                                               actor=a),
}
READ = {"list", "history", "read", "diff", "life", "comment", "partner view"}
WRITE = {"save", "restore", "archive", "status", "share", "counter-offer"}
ALLOWED = {
    "member": READ | WRITE,
    "approver": READ | WRITE | {"sign off"},
    "admin of another trust": set(),
    "adviser": READ,
    "partner": {"partner view"},
    "no organisation": set(),
    "not signed in": set(),
}
WHO = {"member": BO, "approver": CY, "admin of another trust": DEE, "adviser": EVE, "partner": PAT,
       "no organisation": ZED, "not signed in": LOCAL}


@pytest.mark.parametrize("role", list(ALLOWED))
@pytest.mark.parametrize("operation", list(OPERATIONS))
def test_each_role_may_do_exactly_what_its_access_allows(team, role, operation):
    actor = WHO[role]
    if operation in ALLOWED[role]:
        OPERATIONS[operation](team, actor)
    else:
        with pytest.raises(AccessDenied):
            OPERATIONS[operation](team, actor)


def test_a_partner_reads_the_deal_without_the_nhss_position_and_lists_nothing_with_figures(team):
    seen = service.partner_view(team, KEY, actor=PAT)
    assert seen.negotiation.nhs_walk_away_gbp is None and seen.negotiation.notes == ""
    assert service.find(team, actor=PAT) == [] and service.shared_with(team, PAT) == [KEY]
    whole = service.open_version(team, KEY, actor=BO).deal
    assert whole.negotiation.nhs_walk_away_gbp == 123_457.0


def test_another_trust_never_sees_the_deal_until_it_is_shared_and_the_sharing_is_an_event(team):
    assert service.find(team, actor=DEE) == []
    with pytest.raises(AccessDenied):
        service.open_version(team, KEY, actor=DEE)
    event = service.share(team, KEY, "trust-b", "adviser", author="Bo", actor=BO)
    # the author recorded is the signed-in identity, whatever name was typed
    assert event.text == f"deal {KEY} shared with trust-b as adviser" and event.author == BO.person
    assert [d.key for d in service.find(team, actor=DEE)] == [KEY]
    texts = [e.text for e in team.access_events()]
    assert texts[:2] == ["organisation trust-a added (nhs): Trust A", "ana@trust-a.nhs.uk is admin of trust-a"]


def test_a_new_deal_belongs_to_its_authors_trust_and_only_admins_manage_members(team):
    service.save(team, fee_deal(500, name="Trust B deal"), author="Dee", note="n", base_version=None, actor=DEE)
    assert [d.key for d in service.find(team, actor=DEE)] == ["trust-b-deal"]
    assert "trust-b-deal" not in [d.key for d in service.find(team, actor=BO)]
    with pytest.raises(AccessDenied, match="not a member of any NHS organisation"):
        service.save(team, fee_deal(1, name="Adviser deal"), author="Eve", note="n", base_version=None, actor=EVE)
    with pytest.raises(AccessDenied, match="not an administrator of 'trust-a'"):
        service.add_member(team, "trust-a", "mallory@x", "admin", author="Bo", actor=BO)
    with pytest.raises(AccessDenied, match="not an administrator of the register"):
        service.add_organisation(team, "rogue", "Rogue", "nhs", author="Bo", actor=BO)


def test_an_open_register_lets_the_local_user_do_everything_as_before():
    repo = InMemoryRepository(Clock())
    info = service.save(repo, fee_deal(1000), author="Ana", note="n", base_version=None)
    assert service.open_version(repo, info.deal_key).info.number == 1
    assert [d.key for d in service.find(repo)] == [info.deal_key]


def test_the_signed_in_identity_is_the_author_of_every_version_and_event(team):
    info = service.save(team, private_deal(5000), author="Someone Else", note="n", base_version=2, actor=CY)
    assert info.author == CY.person
    assert service.sign_off(team, KEY, 3, author="The Board", actor=CY).author == CY.person


def test_a_new_deal_and_its_owner_grant_are_saved_together_or_not_at_all(location):
    """The first version and the owner's grant are one transaction: a grant to an organisation that is not in the
    register refuses the save whole, so no deal is left that nobody owns."""
    from valueshare.register.errors import RegisterError
    from valueshare.register.sql import open_register

    repo = open_register(location, clock=Clock())
    try:
        new = service.new_version(fee_deal(1000), author="Ana", note="n")
        with pytest.raises(RegisterError, match="no organisation 'nowhere'"):
            repo.add_version("orphan", new, None, owner="nowhere")
        assert "orphan" not in repo.heads() and repo.grants() == [] and repo.access_events() == []
        service.add_organisation(repo, "trust-a", "Trust A", "nhs", author="Ana")
        repo.add_version("owned", new, None, owner="trust-a")
        assert [(g.deal_key, g.organisation, g.access.value) for g in repo.grants()] == [("owned", "trust-a", "owner")]
        assert repo.access_events()[-1].text == "deal owned shared with trust-a as owner"
    finally:
        repo.close()
