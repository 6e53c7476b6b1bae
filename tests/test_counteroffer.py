"""The partner's round trip (issue 18): the NHS sends the partner's file, the partner changes terms and sends it
back, the NHS reads it as a counter-offer on its deal and keeps it as the next version or as a variant."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from register_support import Clock

from valueshare import value_deal
from valueshare.cli import main
from valueshare.counteroffer import as_variant, read_counter_offer
from valueshare.errors import DealInvalid
from valueshare.model.deal import apply_overrides
from valueshare.register import InMemoryRepository, service
from valueshare.register.errors import SaveRefused, VersionConflict
from valueshare.register.location import ENV
from valueshare.scenario import deal_from_data, deal_from_yaml, deal_to_data, example_paths, load_deal
from valueshare.sharing import for_partner, partner_yaml

EXAMPLES = {p.name: p for p in example_paths()}


def imaging():
    return load_deal(EXAMPLES["ai-imaging-device.yaml"])


def returned(deal, edit, *, with_nhs_costs: bool = False):
    """The partner's file for ``deal``, read as the partner would, changed by ``edit(data)``, and read back."""
    data = deal_to_data(deal_from_yaml(partner_yaml(deal, with_nhs_costs=with_nhs_costs)))
    edit(data)
    return deal_from_data(data, "the partner's file")


@pytest.mark.parametrize("name", sorted(EXAMPLES))
@pytest.mark.parametrize("with_nhs_costs", [False, True])
def test_a_file_returned_unchanged_is_the_nhs_deal_itself(name, with_nhs_costs):
    """Every example, sent with and without the NHS's costs: nothing proposed, nothing ignored, and the deal read
    back is exactly the NHS's own, its positions, costs and internal variants included."""
    deal = load_deal(EXAMPLES[name])
    offer = read_counter_offer(deal, for_partner(deal, with_nhs_costs=with_nhs_costs))
    assert (offer.changes, offer.ignored, offer.to_complete) == ([], [], [])
    assert offer.deal == deal


def test_the_partner_proposals_are_taken_and_the_nhs_parts_kept():
    ours = imaging()
    data = deal_to_data(ours)
    royalty = next(i for i, t in enumerate(data["terms"]) if t["kind"] == "royalty")
    fee = next(i for i, t in enumerate(data["terms"]) if t["kind"] == "access_fee")
    old_rate, old_fee = data["terms"][royalty]["tiers"][0]["rate"], data["terms"][fee]["amount_gbp"]

    def edit(file):
        file["terms"][royalty]["tiers"][0]["rate"] = old_rate / 2
        file["terms"][fee]["amount_gbp"] = old_fee - 10_000
        file["negotiation"] = {"nhs_walk_away_gbp": 1}          # the partner writes in a position: never taken
        file["contribution"]["expertise"][0]["cost_per_hour_gbp"] = 1.0

    offer = read_counter_offer(ours, returned(ours, edit))
    assert [(c.path, c.ours, c.theirs) for c in offer.changes] == sorted([
        (f"terms[{royalty}].tiers[0].rate", old_rate, old_rate / 2),
        (f"terms[{fee}].amount_gbp", old_fee, old_fee - 10_000)])
    assert "contribution.expertise[0].cost_per_hour_gbp" in offer.ignored
    assert any(p.startswith("negotiation") for p in offer.ignored)
    got = deal_to_data(offer.deal)
    assert got["negotiation"] == data["negotiation"]                   # the NHS's position, as it was
    assert got["contribution"] == data["contribution"]                 # its costs and what its hours cost
    assert got["terms"][royalty]["tiers"][0]["rate"] == old_rate / 2
    # the same as the NHS making the partner's two changes to its own deal by hand
    data["terms"][royalty]["tiers"][0]["rate"] = old_rate / 2
    data["terms"][fee]["amount_gbp"] = old_fee - 10_000
    assert offer.deal == deal_from_data(data)


def test_a_counter_offer_kept_as_a_variant_leaves_the_deal_as_it_was():
    ours = imaging()
    fee = next(i for i, t in enumerate(ours.terms) if t.kind == "access_fee")

    def edit(file):
        file["terms"][fee]["amount_gbp"] = ours.terms[fee].amount_gbp - 10_000

    offer = read_counter_offer(ours, returned(ours, edit))
    kept = as_variant(ours, offer, "Their counter")
    assert kept.model_copy(update={"variants": ours.variants}) == ours
    variant = kept.variants[-1]
    assert (variant.name, variant.shared) == ("Their counter", False)      # internal: never in the partner's file
    assert variant.overrides == {f"terms[{fee}].amount_gbp": ours.terms[fee].amount_gbp - 10_000}
    assert deal_from_data(apply_overrides(kept, variant)).model_copy(update={"variants": []}) == \
        offer.deal.model_copy(update={"variants": []})
    assert "Their counter" not in partner_yaml(kept)


def test_expertise_the_partner_adds_is_left_for_the_nhs_to_cost():
    ours = imaging()

    def edit(file):
        file["contribution"]["expertise"].append(dict(file["contribution"]["expertise"][0], hours_per_year=10))

    offer = read_counter_offer(ours, returned(ours, edit))
    k = len(ours.contribution.expertise)
    assert offer.deal.contribution.expertise[k].cost_per_hour_gbp == 0
    assert offer.to_complete and offer.to_complete[0].startswith(f"contribution.expertise[{k}]")


def test_the_register_keeps_a_counter_offer_as_a_version_and_marks_the_deal_counter_offered():
    repo = InMemoryRepository(Clock())
    ours = imaging()
    service.save(repo, ours, author="Ana", note="first", base_version=None, key="imaging")
    service.set_status(repo, "imaging", "offered", author="Ana")
    fee = next(i for i, t in enumerate(ours.terms) if t.kind == "access_fee")

    def edit(file):
        file["terms"][fee]["amount_gbp"] = ours.terms[fee].amount_gbp - 10_000

    back = returned(ours, edit)
    done = service.import_counter_offer(repo, "imaging", back, author="Ana")
    assert done.info.number == 2 and done.status is not None
    assert service.life(repo, "imaging").status.value == "counter_offered"
    assert service.open_version(repo, "imaging").deal == done.offer.deal
    assert done.info.headlines.nhs_npv == pytest.approx(value_deal(ours).nhs_npv - 10_000)
    # the fee is paid at signature, undiscounted: the NHS NPV fell by exactly the £10,000 the NHS would give up
    # as a variant: the deal's figures stay, the variant holds a second counter-offer
    def lower(file):
        file["terms"][fee]["amount_gbp"] = ours.terms[fee].amount_gbp - 20_000

    again = service.import_counter_offer(repo, "imaging", returned(done.offer.deal, lower), author="Ana",
                                         keep_as="variant", base_version=2)
    assert again.info.headlines.nhs_npv == done.info.headlines.nhs_npv
    assert again.variant == "Counter-offer" and again.info.number == 3
    # a stale base, an unchanged file and an unknown way to keep it are refused, and nothing is saved
    with pytest.raises(VersionConflict):
        service.import_counter_offer(repo, "imaging", back, author="Ana", base_version=2)
    with pytest.raises(SaveRefused, match="no change"):
        service.import_counter_offer(repo, "imaging", for_partner(service.open_version(repo, "imaging").deal),
                                     author="Ana")
    with pytest.raises(SaveRefused, match="version or as a variant"):
        service.import_counter_offer(repo, "imaging", back, author="Ana", keep_as="merge")
    assert repo.deal("imaging").latest.number == 3


def test_a_returned_file_that_breaks_the_deal_is_refused_naming_the_field():
    ours = imaging()

    def edit(file):
        file["terms"][0]["amount_gbp"] = -5

    with pytest.raises(DealInvalid, match=r"terms\[0\]\.amount_gbp"):
        read_counter_offer(ours, returned(ours, edit))


def test_the_command_line_imports_a_counter_offer(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv(ENV, raising=False)
    register = tmp_path / "register.sqlite"
    ours = imaging()
    (tmp_path / "ours.yaml").write_text(EXAMPLES["ai-imaging-device.yaml"].read_text(encoding="utf-8"),
                                        encoding="utf-8")
    fee = next(i for i, t in enumerate(ours.terms) if t.kind == "access_fee")
    text = partner_yaml(ours).replace(f"amount_gbp: {ours.terms[fee].amount_gbp:g}",
                                      f"amount_gbp: {ours.terms[fee].amount_gbp - 10_000:g}", 1)
    assert text != partner_yaml(ours)
    (tmp_path / "back.yaml").write_text(text, encoding="utf-8")

    def run(*argv: str) -> tuple[int, str, str]:
        out, err = io.StringIO(), io.StringIO()
        return main(list(argv), out, err), out.getvalue(), err.getvalue()

    where = ["--register", str(register), "--author", "Ana"]
    assert run("save", str(tmp_path / "ours.yaml"), "--note", "first", "--deal", "imaging", *where)[0] == 0
    code, out, err = run("counter-offer", "imaging", str(tmp_path / "back.yaml"), "--keep-as", "variant", *where)
    assert code == 0, err
    assert "Counter-offer saved as the variant 'Counter-offer': version 2 of imaging" in out
    assert f"terms[{fee}].amount_gbp: {ours.terms[fee].amount_gbp:g}" in out.replace(".0 ", " ")
    code, _, err = run("counter-offer", "imaging", str(tmp_path / "missing.yaml"), *where)
    assert code == 1 and "missing.yaml" in err


def test_members_the_partner_adds_or_renames_leave_the_split_to_agree():
    """A consortium deal with fixed shares: a renamed member keeps its share (by its place in the list); a member
    the partner adds has none, so the split becomes not agreed and the NHS is told to complete it."""
    ours = load_deal(EXAMPLES["ai-prognosis-cancer-centre.yaml"])
    members = deal_to_data(ours)["nhs"]["members"]
    assert ours.nhs.split.value == "fixed" and all("share" in m for m in members)

    def rename(file):
        file["nhs"]["members"][0]["name"] = "Renamed Trust"

    offer = read_counter_offer(ours, returned(ours, rename))
    assert offer.deal.nhs.split.value == "fixed" and offer.deal.nhs.members[0].share == members[0]["share"]

    def add(file):
        file["nhs"]["members"].append(dict(file["nhs"]["members"][0], name="New Trust"))

    offer = read_counter_offer(ours, returned(ours, add))
    assert offer.deal.nhs.split.value == "not_agreed"
    assert offer.to_complete[-1].startswith("nhs.members:")
