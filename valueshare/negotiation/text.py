"""The negotiation in words and figures for people: the same rows and sentences in the CLI, the app and the brief."""

from __future__ import annotations

from valueshare import inputs
from valueshare.format import money, money_range, number, percent
from valueshare.model import Deal
from valueshare.negotiation import Negotiation, Offer, TermResult
from valueshare.negotiation.zone import Opener, Zone
from valueshare.sensitivity import TornadoBar

SCALE = ("Value to the NHS: the present value, at the partner's rate, of everything the partner gives the NHS; as "
         "a share, that value over the partner's value before any payment to the NHS (the framework's measure).")


def share_text(share: float | None) -> str:
    return percent(share) if share is not None else "n/a"


def position_rows(z: Zone) -> list[list[str]]:
    """[position, value to the NHS, share of the partner's value, how it was set] for the four positions."""
    return [[p.name, money(p.value) if p.applies else "n/a", share_text(p.share), p.basis]
            for p in (z.nhs_walk_away, z.nhs_target, z.offer, z.partner_walk_away)]


def opener_text(deal: Deal, o: Opener) -> str:
    return f"{o.label}: from {inputs.write(o.path, o.current)} to {inputs.write(o.path, o.needed)}"


def term_result_text(deal: Deal, r: TermResult) -> str:
    if r.solution is None:
        return f"{r.position} ({money(r.target)}): no value of this term alone reaches it: {r.note}."
    s = r.solution
    return (f"{r.position} ({money(r.target)}): {inputs.write(s.path, s.value)} "
            f"(now {inputs.write(s.path, s.current)}).")


def term_heading(deal: Deal, n: Negotiation) -> str:
    if n.term is None:
        return "The deal has no term that could be solved for."
    return f"What {inputs.label(n.term, deal).lower()} would have to be, other terms as they are:"


#: The columns of ``offer_rows``: the first aim (patient benefit) before the money, in the framework's order.
OFFER_COLUMNS = ("Structure", "Patient benefit (QALYs)", "NHS NPV", "NHS P10 / P50 / P90", "Partner NPV",
                 "Partner pays in years 0-2", "Contingent")


def patient_benefit_text(o: Offer) -> str:
    """An offer's QALYs, and 'at risk' when its terms take the partner below its hurdle."""
    qalys = "–" if o.qalys is None else number(round(o.qalys, 1))
    return f"{qalys}, at risk" if o.patient_benefit_at_risk else qalys


def offer_rows(offers: list[Offer]) -> list[list[str]]:
    """One row per offer that can reach the target, in ``OFFER_COLUMNS``."""
    rows = []
    for o in offers:
        if o.deal is None:
            continue
        rows.append([o.name, patient_benefit_text(o), money(o.nhs_npv),
                     f"{money(o.nhs_p10)} / {money(o.nhs_p50)} / {money(o.nhs_p90)}",
                     money(o.partner_npv),
                     money(o.early_payments), percent(o.contingent, 0)])
    return rows


def offers_intro(n: Negotiation) -> str:
    return (f"Each structure keeps the deal's cost-recovery fees and gives the NHS {money(n.offers_target)} of value "
            f"(the target), so each costs the partner the same at its rate before tax (after tax, by when its "
            f"payments fall against taxable profit). They differ in what they are worth to "
            f"the NHS at its own rate, and how surely; in what the partner pays in its first three years; and in who "
            f"carries the risk that the product never reaches the market.")


def offers_summary(n: Negotiation) -> str:
    """One sentence on the equivalent offers: the structure worth most to the NHS and the surest."""
    made = [o for o in n.offers if o.deal is not None]
    if not made:
        return ""
    most = max(made, key=lambda o: o.nhs_npv or 0.0)
    surest = max(made, key=lambda o: o.nhs_p10 or 0.0)
    text = (f"At the target of {money(n.offers_target)}, the structure worth most to the NHS is {most.name.lower()} "
            f"(NHS NPV {money(most.nhs_npv)}; in one trial in ten, {money(most.nhs_p10)} or less)")
    if surest.key != most.key:
        text += f"; the surest is {surest.name.lower()} ({money(surest.nhs_p10)} or more in nine trials in ten)"
    return text + "."


def offer_notes(offers: list[Offer]) -> list[str]:
    """Per structure: what it is, who carries the development risk, how the framework sees it; or why it is
    missing."""
    out = []
    for o in offers:
        if o.deal is None:
            out.append(f"{o.name}: not possible here. {o.note}.")
            continue
        parts = [f"Development risk: {o.risk}."] + [f"Framework: {note}" for note in o.framework]
        if o.note:
            parts.insert(0, o.note[:1].upper() + o.note[1:] + ".")
        out.append(f"{o.name}. " + " ".join(parts))
    return out


def sensitivity_rows(bars: list[TornadoBar]) -> list[list[str]]:
    return [[b.driver.label,
             f"{inputs.write(b.driver.path, b.driver.low)} to {inputs.write(b.driver.path, b.driver.high)}",
             money_range(b.nhs_low, b.nhs_high), money_range(b.partner_low, b.partner_high)]
            for b in bars]
