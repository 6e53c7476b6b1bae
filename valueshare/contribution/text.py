"""The contribution's value in words and figures for people: the same rows and sentences in the CLI, the app and
the negotiation brief."""

from __future__ import annotations

from valueshare.contribution import ContributionValue
from valueshare.contribution.approaches import Adjusted
from valueshare.format import money, money_range, number, percent, unit_money
from valueshare.model import Comparable
from valueshare.model.contribution_value import MarketBasis

TITLE = "What the NHS's contribution is worth"
INTRO = ("Valuers price an asset three ways: what it cost (cost), what comparable assets sell for (market) and what "
         "it earns (income), then reconcile them into one concluded value, weighting each approach by how far it can "
         "be relied on here and saying why. The concluded value and its range are what the contribution is worth; "
         "the approach you choose anchors the NHS's ask.")


def span(low: float | None, high: float | None) -> str:
    """'£10.0k to £20.0k', one figure when both ends are the same, 'n/a' when there is none.

    >>> span(10_000, 20_000), span(5.0, 5.0), span(None, None)
    ('£10.0k to £20.0k', '£5', 'n/a')
    """
    if low is None or high is None:
        return "n/a"
    if round(low) == round(high):
        return money(low)
    return money_range(low, high)


def weight(x: float) -> str:
    """A weight in the reconciliation, as a percentage with no decimals: '71%'."""
    return percent(x, 0)


def concluded_text(cv: ContributionValue) -> str:
    """The concluded value and the range to negotiate in, first, in one sentence."""
    rec = cv.reconciled
    if rec.value is None:
        return "There is no concluded value: no approach has a value to weigh."
    share = f" ({percent(rec.share)} of the partner's value before payments)" if rec.share is not None else ""
    return (f"The NHS's contribution is worth {money(rec.value)}{share}, with a range for negotiation of "
            f"{span(rec.low, rec.high)}: the approaches weighted "
            + ", ".join(f"{w.title.split(' (')[0].lower()} {weight(w.weight)}" for w in rec.weights) + ".")


def weight_rows(cv: ContributionValue) -> list[list[str]]:
    """[approach, central value, weight, why] for each approach, as reconciled."""
    central = {a.key: a.central for a in cv.approaches}
    return [[w.title, money(central[w.key]) if central[w.key] is not None else "n/a", weight(w.weight), w.reason]
            for w in cv.reconciled.weights]


def reconciliation_lines(cv: ContributionValue) -> list[str]:
    """How the concluded value was reached, its floor, and the spread of the approaches (flagged when wide)."""
    rec = cv.reconciled
    out = list(rec.notes)
    if rec.value is not None:
        out.append(f"The concluded value is Σ weight × central value; the range Σ weight × each approach's low and "
                   f"high; neither is below the NHS's costs of giving access ({money(rec.floor)}, principle 2).")
    if rec.spread is not None:
        out.append(f"The approaches' central values are {rec.spread:,.1f}× apart (highest ÷ lowest)"
                   + (", above the threshold: see the flag." if rec.wide else "."))
    return out


def approach_rows(cv: ContributionValue) -> list[list[str]]:
    """[approach, weight, central value, range, share of the partner's value, how it is reached] per approach."""
    return [[a.title, weight(a.weight), money(a.central) if a.central is not None else "n/a", span(a.low, a.high),
             percent(a.share) if a.share is not None else "n/a", a.note] for a in cv.approaches]


def shares_text(cv: ContributionValue) -> str:
    """The approaches as shares of the partner's value, to read beside the fair-share band."""
    shares = [f"{a.title.split(' (')[0].lower()} {percent(a.share)}" for a in cv.approaches if a.share is not None]
    if not shares:
        return "The contribution's value cannot be set beside the band: the partner's value is not positive."
    return ("As shares of the partner's value before payments, the contribution is worth: " + ", ".join(shares)
            + ".")


def range_text(cv: ContributionValue) -> str:
    """The span of the approaches, said for what it is: not the contribution's value."""
    return f"The approaches themselves run from {span(cv.low, cv.high)} (lowest to highest, before weighting)."


def ask_text(cv: ContributionValue) -> str:
    """The NHS's ask on the chosen anchor, in money and as a share of the partner's value."""
    if cv.ask is None:
        return f"Anchored on {cv.anchor.label.lower()}, there is no ask: {cv.ask_note}."
    share = f", {percent(cv.ask_share)} of the partner's value before payments" if cv.ask_share is not None else ""
    return f"Anchored on {cv.anchor.label.lower()}, the NHS's ask is {money(cv.ask)}{share}."


def cost_rows(cv: ContributionValue) -> list[list[str]]:
    """[what, historical, replacement] for each cost, then the access costs and the totals."""
    rows = [[f"{i.activity}{': ' + i.description if i.description else ''}", money(i.historical, exact=True),
             money(i.replacement, exact=True)] for i in cv.cost.items]
    rows += [[f"Giving access: {label.lower()} (present value)", money(pv, exact=True), money(pv, exact=True)]
             for label, pv in cv.cost.access if pv]
    rows.append(["Total", money(cv.cost.historical, exact=True), money(cv.cost.replacement, exact=True)])
    return rows


def factor(x: float) -> str:
    """A scaling factor: '×0.045', '×2'."""
    return f"×{x:.3g}"


def _price(c: Comparable) -> str:
    price = f"{money(c.price_gbp, exact=True)} {c.unit.label}"
    if c.setup_gbp:
        price += f" + {money(c.setup_gbp, exact=True)} set-up"
    return price


def _role(x: Adjusted, cv: ContributionValue) -> str:
    """What a scaled comparable does here: sets the market value, or (a tariff for commercial use) only its floor."""
    return "floor only" if x in cv.market.floor_rows else "market value"


def comparable_rows(cv: ContributionValue) -> list[list[str]]:
    """[comparable [tag], kind, role, source and date, asset, price, records, history, data type, exclusivity,
    value] per scaled comparable: those that set the market value, then the tariffs that are only its floor."""
    return [[f"{x.comparable.name} [{x.comparable.tag}]", x.comparable.kind.label, _role(x, cv),
             f"{x.comparable.source}, {x.comparable.published:%B %Y}", x.asset, _price(x.comparable),
             factor(x.records), factor(x.history), factor(x.data_type), factor(x.exclusivity), money(x.value)]
            for x in [*cv.market.rows, *cv.market.floor_rows]]


def market_lines(cv: ContributionValue) -> list[str]:
    """Which comparables the market approach rests on for this deal's use, and the tariffs' floor."""
    m = cv.market
    out = []
    if m.basis is MarketBasis.EVERY_COMPARABLE:
        out.append("Every comparable, cost-recovery tariffs included, counts in one market range (market basis "
                   "'every comparable', as format-1 files were valued).")
    elif m.commercial:
        out.append("Commercial use is valued on commercial licences; cost-recovery tariffs are only its floor, "
                   "never its market value.")
    else:
        out.append("Non-commercial use is valued on cost-recovery tariffs, its right comparable.")
    if m.floor is not None:
        out.append(f"Floor from the tariffs (their middle, scaled to this data): {money(m.floor)}"
                   + ("; it lifts the commercial licences' middle." if m.lifted else "."))
    if m.rows:
        out.append(f"Closeness of the comparables to the deal's data: {m.closeness:.2f} (1 for the same data type and "
                   f"a size within 10×) [ours].")
    return out


def comparables_used(cv: ContributionValue) -> list[list[str]]:
    """[number, comparable [tag], kind and role, source and date, price, what it covers] per comparable, once."""
    seen: dict[str, int] = {}
    rows = []
    for x in [*cv.market.rows, *cv.market.floor_rows]:
        c = x.comparable
        if c.name in seen:
            continue
        seen[c.name] = len(seen) + 1
        price = _price(c)
        covers = "; ".join(part for part in (
            f"{number(c.records)} patients" if c.records else "",
            f"{number(c.history_years)} years" if c.history_years is not None else "",
            c.data_type.label if c.data_type is not None else "",
            "exclusive" if c.exclusive else "") if part) or "a service charge: not scaled"
        rows.append([f"C{seen[c.name]}", f"{c.name} [{c.tag}]", f"{c.kind.label}, {_role(x, cv)}",
                     f"{c.source}, {c.published:%B %Y}", price, covers])
    return rows


def scaled_rows(cv: ContributionValue) -> list[list[str]]:
    """[asset, comparable number, records, history, data type, exclusivity factors, value here] per row, and each
    asset's middle value after its comparables."""
    numbers = {row[1].rsplit(" [", 1)[0]: row[0] for row in comparables_used(cv)}
    rows = []
    for assets, scaled, label in ((cv.market.assets, cv.market.rows, "middle"),
                                  (cv.market.floor_assets, cv.market.floor_rows, "tariffs' middle (floor)")):
        for asset in assets:
            for x in (r for r in scaled if r.asset == asset.asset):
                rows.append([x.asset, numbers[x.comparable.name], factor(x.records), factor(x.history),
                             factor(x.data_type), factor(x.exclusivity), money(x.value)])
            rows.append([f"{asset.asset}: {label}", "", "", "", "", "", money(asset.middle)])
    return rows


def income_lines(cv: ContributionValue) -> list[str]:
    i = cv.income
    out = []
    if i.value is not None:
        out.append(f"Relief from royalty: {percent(i.rate)} × {money(i.sales)} of risk-adjusted sales (present value "
                   f"at the partner's rate) = {money(i.value)}"
                   + (f"; at {percent(i.low_rate)} to {percent(i.high_rate)}, {span(i.low, i.high)}."
                      if i.low_rate != i.high_rate else "."))
    else:
        out.append(f"Relief from royalty: no value ({i.note}).")
    if i.fair_centre is not None:
        out.append(f"Cross-check: the fair-share band × the partner's value before payments ({money(i.partner_value)})"
                   f" = {span(i.fair_low, i.fair_high)}, centre {money(i.fair_centre)}.")
    else:
        out.append(f"Cross-check from the fair share: none ({i.fair_note}).")
    return out


def per_record_text(cv: ContributionValue) -> str:
    if cv.records <= 0:
        return "No data assets are listed, so there is no value per record to check."
    ceiling = f"{money(cv.ceiling, exact=True)} ({cv.ceiling_note})" if cv.ceiling is not None else "none"
    values = ", ".join(f"{a.title.split(' (')[0].lower()} {unit_money(a.central / cv.records)}"
                       for a in cv.approaches if a.central is not None)
    if cv.reconciled.value is not None:
        values = f"concluded {unit_money(cv.reconciled.value / cv.records)}; {values}"
    return (f"Per record ({number(round(cv.records))} patients in the largest asset): {values}. Ceiling per record: "
            f"{ceiling}.")

