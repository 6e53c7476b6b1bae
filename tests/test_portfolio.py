"""The portfolio across the deals a person may see (issue 18), from a small register made by hand."""

from __future__ import annotations

import json

from register_support import Clock, fee_deal

from valueshare.register import InMemoryRepository, service
from valueshare.register.access import Actor
from valueshare.register.portfolio import portfolio
from valueshare.scenario import deal_from_data, deal_to_data


def costly(fee: float, preparation: float, name: str):
    """A fee deal whose NHS spends ``preparation`` at signature to give access."""
    data = deal_to_data(fee_deal(fee, name=name))
    data["contribution"]["access_costs"] = {"preparation_gbp": preparation, "yearly_gbp": 0, "years": 1}
    return deal_from_data(data)


def test_a_hand_made_portfolio_adds_up_by_hand():
    repo = InMemoryRepository(Clock())
    service.save(repo, fee_deal(1000, name="Alpha"), author="Ana", note="n", base_version=None)
    service.save(repo, fee_deal(2000, name="Beta"), author="Ana", note="n", base_version=None)
    service.save(repo, costly(1000, 2000, "Gamma"), author="Ana", note="n", base_version=None)
    service.set_status(repo, "beta", "offered", author="Ana")
    found = portfolio(repo)
    # by hand: each fee is paid at signature, undiscounted, so NHS NPV = fee less costs at signature:
    # 1,000 + 2,000 + (1,000 - 2,000) = £2,000; Gamma's charges recover 1,000 / 2,000 = 0.5x of its costs
    assert found.total_nhs_npv_gbp == 2000
    assert found.below_cost_recovery == ["gamma"]
    assert found.pipeline["draft"] == 2 and found.pipeline["offered"] == 1 and sum(found.pipeline.values()) == 3
    assert [d.key for d in found.deals] == ["alpha", "beta", "gamma"]
    assert found.terms_by_use == {"commercial_product_development": {"access_fee": 3}}
    assert found.terms_by_data_type == {}  # the builders' deal lists no data assets
    json.dumps(found.to_dict())  # plain data, for `portfolio --json`


def test_the_portfolio_holds_only_the_deals_the_person_may_read():
    repo = InMemoryRepository(Clock())
    service.add_organisation(repo, "trust-a", "Trust A", "nhs", author="x")
    service.add_member(repo, "trust-a", "ana@a", "admin", author="x")
    service.add_organisation(repo, "trust-b", "Trust B", "nhs", author="x", actor=Actor("ana@a"))
    service.add_member(repo, "trust-b", "dee@b", "member", author="x", actor=Actor("ana@a"))
    service.save(repo, fee_deal(1000, name="Alpha"), author="x", note="n", base_version=None, actor=Actor("ana@a"))
    service.save(repo, fee_deal(5000, name="Delta"), author="x", note="n", base_version=None, actor=Actor("dee@b"))
    assert [d.key for d in portfolio(repo, actor=Actor("ana@a")).deals] == ["alpha"]
    assert portfolio(repo, actor=Actor("dee@b")).total_nhs_npv_gbp == 5000
