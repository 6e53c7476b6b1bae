"""The headline figures of a valuation, one record each: what every surface calls a figure and how it writes it.

A figure has a ``key``; a ``label`` in people's words, the one every surface uses for that idea; ``read``, how it is
read from a result (a ``Valuation``, or for the contribution's value a ``ContributionValue``: ``source`` says
which); ``write``, how it is written (``valueshare.format``); ``help``, one sentence on what it holds; and ``note``,
what to say beside it for this result: why it has no answer ("n/a"), or a caveat ("one of several possible rates").
``write_change`` writes the difference between two deals' values, as ``compare`` shows it.

Each surface picks the figures it shows by key and loops over them: the CLI's ``value`` summary
(``valueshare.reports.text``), the app's Valuation page (``ui.results``), the term sheet, the negotiation brief,
the Excel model's Summary sheet (labels and the engine's figures; its formulas are its own), ``compare``, and the
register's records of a version. A new figure, or a better label, is one change here.

>>> from valueshare import load_deal, value_deal
>>> from valueshare.scenario import example_paths
>>> v = value_deal(load_deal(next(p for p in example_paths() if p.stem == "ai-imaging-device")))
>>> [(f.label, f.text(v)) for f in select("nhs_npv", "launch_probability")]
[('NHS NPV', '£1.02m'), ('Chance of launch', '25.2%')]
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from valueshare.contribution import ContributionValue
from valueshare.contribution.text import span
from valueshare.engine.valuation import Valuation
from valueshare.format import money, number, percent, points, ratio

R = TypeVar("R")


def _nothing(result: Any) -> str:
    return ""


def _points(change: float | None) -> str:
    """A change in a share or rate, in percentage points.

    >>> _points(0.025), _points(None)
    ('+2.5 percentage points', '')
    """
    return "" if change is None else points(change)


def _signed(write: Callable[[float | None], str]) -> Callable[[float | None], str]:
    """``write`` with a '+' before a rise: money(-5) is '-£5' already, a rise of 5 becomes '+£5'."""
    def signed(change: float | None) -> str:
        if change is None:
            return ""
        return ("+" if change > 0 else "") + write(change)
    return signed


def _year(value: float | None) -> str:
    """A time in years from signature: 4.5 -> '4.5'; none (no product) as 'n/a'."""
    return "n/a" if value is None else number(value)


def _concluded(value: tuple[float | None, float | None, float | None]) -> str:
    """A concluded value and its range: '£212.4k (£163.8k to £260.9k)'; 'n/a' when there is none.

    >>> _concluded((212_374, 163_802, 260_945)), _concluded((None, None, None))
    ('£212.4k (£163.8k to £260.9k)', 'n/a')
    """
    central, low, high = value
    if central is None:
        return "n/a"
    around = span(low, high)
    return money(central) if around == money(central) else f"{money(central)} ({around})"


@dataclass(frozen=True)
class Figure(Generic[R]):
    """One headline figure: its label, how it is read from a result and written, what it holds."""

    key: str
    label: str
    source: type[R]
    read: Callable[[R], Any]
    write: Callable[[Any], str]
    help: str
    note: Callable[[R], str] = _nothing
    write_change: Callable[[float | None], str] = _nothing

    def value(self, result: R) -> Any:
        """The figure's value in ``result`` (None when it has no answer)."""
        return self.read(result)

    def text(self, result: R) -> str:
        """The figure written for people: '£1.05m', '25.2%', 'n/a'."""
        return self.write(self.read(result))

    def noted(self, result: R) -> str:
        """The text with its note, where there is room for both: 'n/a (no NHS access costs are entered)'."""
        note = self.note(result)
        return f"{self.text(result)} ({note})" if note else self.text(result)

    def of(self, *results: Any) -> R:
        """Of several results, the one this figure is read from."""
        found = next((r for r in results if isinstance(r, self.source)), None)
        if found is None:
            raise TypeError(f"{self.key} is read from a {self.source.__name__}; none was given")
        return found


def _irr_note(v: Valuation) -> str:
    """Why there is no IRR, or what to beware of in it (one of several rates, a very large rate), with the MIRR
    where the note sends the reader to it."""
    return v.partner_irr.caveat()


def _unless(value: Callable[[Valuation], Any], note: Callable[[Valuation], str]) -> Callable[[Valuation], str]:
    """The note only when the figure has no answer (an engine's note is meant for that case)."""
    return lambda v: note(v) if value(v) is None else ""


_money_change = _signed(money)


def _savings_basis(v: Valuation) -> str:
    """Whether the savings are before or after what the NHS pays for the product (when it buys one and saves)."""
    if not v.nhs_savings or not v.nhs_buys_product:
        return ""
    return "gross of the product's price" if v.nhs_savings_basis == "gross_of_price" else \
        "net of the product's price"

_ALL: tuple[Figure[Any], ...] = (
    Figure("nhs_npv", "NHS NPV", Valuation, lambda v: v.nhs_npv, money,
           "Present value, at the NHS rate (HM Treasury Green Book), of what the deal gives the NHS party from "
           "signature (year 0) to the end of the horizon (the valuation assumptions' Horizon, 20 years unless set), "
           "each amount weighted by its chance of happening: what the partner (and any other platform user) pays in "
           "cash or in kind, grants towards its costs, and discounts and rebates on its own purchases of the product, "
           "less its costs of giving access (preparation, hosting and governance, expertise, curation); its spend on "
           "the product and its savings are shown apart, never in it.", write_change=_money_change),
    Figure("nhs_receipts", "NHS receipts", Valuation, lambda v: v.nhs_receipts, money,
           "Present value, at the NHS rate, over the horizon and risk-adjusted, of what the partner (and any other "
           "platform user) pays the NHS party, in cash or in kind, without the rebates on its own purchases.",
           write_change=_money_change),
    Figure("nhs_grants", "Grants towards the NHS's costs", Valuation, lambda v: v.nhs_grants, money,
           "Present value, at the NHS rate, of third-party funding (a research fund, NIHR, a charity, NHS England) "
           "towards the NHS's costs, which lowers the costs the fees must recover.", write_change=_money_change),
    Figure("nhs_price_terms", "Discounts and rebates on the NHS's own purchases", Valuation,
           lambda v: v.nhs_price_terms, money,
           "Present value, at the NHS rate, of the price discount and of royalties or revenue shares on the NHS "
           "party's own purchases of the product: less spend, not income.", write_change=_money_change),
    Figure("nhs_product_spend", "NHS spend on the product", Valuation, lambda v: v.nhs_product_spend, money,
           "Present value, at the NHS rate, of what the NHS party pays for the product it buys, after the deal's "
           "discounts and rebates (negative: money out), not counted in the NHS NPV.", write_change=_money_change),
    Figure("nhs_savings", "NHS savings", Valuation, lambda v: v.nhs_savings, money,
           "Present value, at the NHS rate, of the NHS party's costs saved by using the product (cost offsets per "
           "patient, gross or net of its price as entered) and by outcomes that release cash, not counted in the NHS "
           "NPV.", note=_savings_basis,
           write_change=_money_change),
    Figure("nhs_npv_with_product", "NHS NPV with the product", Valuation, lambda v: v.nhs_npv_with_product, money,
           "The NHS NPV plus the NHS savings, less the list-price spend on the product (unless the savings are "
           "entered net of its price): the NHS party's whole position if it buys and uses the product.",
           write_change=_money_change),
    Figure("other_nhs_bodies", "Value to other NHS bodies", Valuation, lambda v: v.other_nhs_bodies, money,
           "Present value, at the NHS rate, of the discounts and rebates on other NHS bodies' purchases of the "
           "product: theirs, not credited to the deal's NHS party.", write_change=_money_change),
    Figure("value_to_nhs", "Value to the NHS", Valuation, lambda v: v.payments_to_nhs_partner_pv, money,
           "Present value, at the partner's rate, of everything the partner gives the NHS: payments, price "
           "discounts and benefits in kind.", write_change=_money_change),
    Figure("partner_npv", "Partner NPV", Valuation, lambda v: v.partner_npv, money,
           "Present value, at the partner's hurdle rate, from signature to the end of the horizon, of the partner's "
           "operating profit from the product less its development costs and everything it gives the NHS, each "
           "amount weighted by its chance of happening.", write_change=_money_change),
    Figure("partner_irr", "Partner IRR", Valuation, lambda v: v.partner_irr.value, percent,
           "The yearly return on the partner's cash flows: the discount rate at which the partner's NPV turns from "
           "positive to negative (none where money comes in first), with the MIRR at the partner's rate beside a "
           "rate that says little.",
           note=_irr_note, write_change=_points),
    Figure("cost_recovery", "Cost recovery", Valuation, lambda v: v.cost_recovery_ratio, ratio,
           "Present value, at the NHS rate and risk-adjusted, of the charges for access (access fees, subscriptions, "
           "secure-environment charges, service income), from every user of the data, over that of the NHS's costs "
           "of giving access less grants towards them; 1.00× means the costs are just recovered.",
           note=_unless(lambda v: v.cost_recovery_ratio, lambda v: v.cost_recovery_note), write_change=_signed(ratio)),
    Figure("nhs_share", "NHS share of value", Valuation, lambda v: v.nhs_share, percent,
           "Share of the partner's value (before any payment to the NHS) that goes to the NHS through the terms.",
           note=_unless(lambda v: v.nhs_share, lambda v: v.nhs_share_note), write_change=_points),
    Figure("nhs_access_costs", "NHS costs of access", Valuation, lambda v: v.nhs_access_costs, money,
           "Present value, at the NHS rate, of the NHS's costs of giving access (preparation, hosting and "
           "governance, expertise, shared curation, delivering services) less grants towards them, and on a "
           "platform the partner's equal share of them: what the terms recover first (principle 2).",
           write_change=_money_change),
    Figure("value_share_gbp", "Value share beyond cost recovery", Valuation, lambda v: v.value_share_gbp, money,
           "The value to the NHS less its costs of access: what the partner shares beyond cost recovery, which the "
           "framework asks of commercial use (principle 3); negative when the terms fall short of cost recovery.",
           write_change=_money_change),
    Figure("value_share", "Value share", Valuation, lambda v: v.value_share, percent,
           "The value share beyond cost recovery, as a share of the partner's value before any payment to the NHS: "
           "what the fair band measures (principle 4).",
           note=_unless(lambda v: v.value_share, lambda v: v.nhs_share_note), write_change=_points),
    Figure("launch_probability", "Chance of launch", Valuation, lambda v: v.launch_probability, percent,
           "The chance that the product reaches the market: that every development stage succeeds (and, under a "
           "consent-to-commercialise clause, that the work becomes commercial).",
           note=_unless(lambda v: v.launch_probability, lambda v: "the deal has no route to market"),
           write_change=_points),
    Figure("partner_value_before_payments", "Partner's value before payments to the NHS", Valuation,
           lambda v: v.partner_value_before_payments, money,
           "Present value, at the partner's rate, over the horizon and risk-adjusted, of its operating profit less its "
           "development costs: the value the NHS's share is a share of.", write_change=_money_change),
    Figure("nhs_receipts_undiscounted", "NHS receipts, not discounted", Valuation,
           lambda v: v.nhs_receipts_undiscounted, money,
           "Everything the NHS is expected to receive over the horizon, added up without discounting.",
           write_change=_money_change),
    Figure("launch_year", "Launch, years from signature", Valuation, lambda v: v.launch_year, _year,
           "When the product reaches the market if every development stage succeeds: the end of the last stage.",
           note=_unless(lambda v: v.launch_year, lambda v: "the deal has no route to market")),
    Figure("contribution_value", "Value of the NHS's contribution", ContributionValue,
           lambda cv: (cv.reconciled.value, cv.reconciled.low, cv.reconciled.high), _concluded,
           "The cost, market and income approaches reconciled into one concluded value with weights, and in "
           "brackets the range for negotiation (docs/method.md section 11)."),
)

#: Every headline figure, by key, in the order surfaces show them.
FIGURES: dict[str, Figure[Any]] = {f.key: f for f in _ALL}


def select(*keys: str) -> list[Figure[Any]]:
    """The figures with these keys, in the order given; an unknown key is a mistake in the caller.

    >>> [f.label for f in select("partner_irr", "cost_recovery")]
    ['Partner IRR', 'Cost recovery']
    """
    unknown = [k for k in keys if k not in FIGURES]
    if unknown:
        raise KeyError(f"no headline figure is called {', '.join(map(repr, unknown))}; the figures are: "
                       f"{', '.join(FIGURES)}")
    return [FIGURES[k] for k in keys]


#: Where the NHS party's money comes from and goes (issue 16), in the order surfaces show them beside the NHS NPV.
NHS_MONEY = ("nhs_receipts", "nhs_grants", "nhs_price_terms", "nhs_product_spend", "nhs_savings",
             "nhs_npv_with_product", "other_nhs_bodies")


def nhs_money(v: Valuation) -> list[Figure[Any]]:
    """The figures of ``NHS_MONEY`` that say something for this valuation: the receipts always; grants, discounts
    and rebates, and other NHS bodies' part when there are any; spend, savings and the NPV with the product when the
    NHS party buys the product or saves money.

    >>> from valueshare import load_deal, value_deal
    >>> from valueshare.scenario import example_paths
    >>> v = value_deal(load_deal(next(p for p in example_paths() if p.stem == "ai-imaging-device")))
    >>> [f.key for f in nhs_money(v)]
    ['nhs_receipts', 'nhs_price_terms', 'nhs_product_spend', 'nhs_savings', 'nhs_npv_with_product']
    """
    def some(x: float) -> bool:
        return abs(x) > 0.005

    shown = {"nhs_receipts": True, "nhs_grants": some(v.nhs_grants), "nhs_price_terms": some(v.nhs_price_terms),
             "other_nhs_bodies": some(v.other_nhs_bodies)}
    adopting = v.nhs_buys_product or some(v.nhs_savings)
    shown |= {"nhs_product_spend": adopting, "nhs_savings": adopting, "nhs_npv_with_product": adopting}
    return select(*(k for k in NHS_MONEY if shown[k]))
