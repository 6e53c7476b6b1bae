"""The contribution's value in words and figures for people: the same rows and sentences in the CLI, the app and
the negotiation brief."""

from __future__ import annotations

from valueshare.contribution import ContributionValue
from valueshare.format import money, number, percent, unit_money

TITLE = "What the NHS's contribution is worth"
INTRO = ("Valuers price an asset three ways and compare: what it cost (cost), what comparable assets sell for "
         "(market) and what it earns (income). The three rarely agree; the range and the reasons they differ are "
         "the answer, and the approach you choose anchors the NHS's ask.")


def span(low: float | None, high: float | None) -> str:
    """'£10.0k to £20.0k', one figure when both ends are the same, 'n/a' when there is none.

    >>> span(10_000, 20_000), span(5.0, 5.0), span(None, None)
    ('£10.0k to £20.0k', '£5', 'n/a')
    """
    if low is None or high is None:
        return "n/a"
    if round(low) == round(high):
        return money(low)
    return f"{money(low)} to {money(high)}"


def approach_rows(cv: ContributionValue) -> list[list[str]]:
    """[approach, central value, range, share of the partner's value, how it is reached] for each approach."""
    return [[a.title, money(a.central) if a.central is not None else "n/a", span(a.low, a.high),
             percent(a.share) if a.share is not None else "n/a", a.note] for a in cv.approaches]


def shares_text(cv: ContributionValue) -> str:
    """The approaches as shares of the partner's value, to read beside the fair-share band."""
    shares = [f"{a.title.split(' (')[0].lower()} {percent(a.share)}" for a in cv.approaches if a.share is not None]
    if not shares:
        return "The contribution's value cannot be set beside the band: the partner's value is not positive."
    return ("As shares of the partner's value before payments, the contribution is worth: " + ", ".join(shares)
            + ".")


def range_text(cv: ContributionValue) -> str:
    return f"Together, the three approaches put the contribution at {span(cv.low, cv.high)}."


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


def comparable_rows(cv: ContributionValue) -> list[list[str]]:
    """[comparable (source, date), asset, price, records, history, data type, exclusivity, value] per row."""
    rows = []
    for x in cv.market.rows:
        c = x.comparable
        price = f"{money(c.price_gbp, exact=True)} {c.unit.label}"
        if c.setup_gbp:
            price += f" + {money(c.setup_gbp, exact=True)} set-up"
        rows.append([f"{c.name} [{c.tag}]", f"{c.source}, {c.published:%B %Y}", x.asset, price, factor(x.records),
                     factor(x.history), factor(x.data_type), factor(x.exclusivity), money(x.value)])
    return rows


def comparables_used(cv: ContributionValue) -> list[list[str]]:
    """[number, comparable [tag], source and date, price, what it covers] for each comparable, once."""
    seen: dict[str, int] = {}
    rows = []
    for x in cv.market.rows:
        c = x.comparable
        if c.name in seen:
            continue
        seen[c.name] = len(seen) + 1
        price = f"{money(c.price_gbp, exact=True)} {c.unit.label}"
        if c.setup_gbp:
            price += f" + {money(c.setup_gbp, exact=True)} set-up"
        covers = "; ".join(part for part in (
            f"{number(c.records)} patients" if c.records else "",
            f"{number(c.history_years)} years" if c.history_years is not None else "",
            c.data_type.label if c.data_type is not None else "",
            "exclusive" if c.exclusive else "") if part) or "a service charge: not scaled"
        rows.append([f"C{seen[c.name]}", f"{c.name} [{c.tag}]", f"{c.source}, {c.published:%B %Y}", price, covers])
    return rows


def scaled_rows(cv: ContributionValue) -> list[list[str]]:
    """[asset, comparable number, records, history, data type, exclusivity factors, value here] per row, and each
    asset's middle value after its comparables."""
    numbers = {row[1].rsplit(" [", 1)[0]: row[0] for row in comparables_used(cv)}
    rows = []
    for asset in cv.market.assets:
        for x in (r for r in cv.market.rows if r.asset == asset.asset):
            rows.append([x.asset, numbers[x.comparable.name], factor(x.records), factor(x.history),
                         factor(x.data_type), factor(x.exclusivity), money(x.value)])
        rows.append([f"{asset.asset}: middle", "", "", "", "", "", money(asset.middle)])
    return rows


def income_lines(cv: ContributionValue) -> list[str]:
    i = cv.income
    out = []
    if i.value is not None:
        out.append(f"Relief from royalty: {percent(i.rate)} × {money(i.sales)} of risk-adjusted sales (present value "
                   f"at the partner's rate) = {money(i.value)}.")
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
    return (f"Per record ({number(round(cv.records))} patients in the largest asset): {values}. Ceiling per record: "
            f"{ceiling}.")

