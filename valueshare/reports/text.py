"""The plain-text reports the command line prints: pure functions from engine results to strings.

Each returns the text and prints nothing; the CLI prints it, through ``valueshare.terminal`` so that no name in it
can reach the terminal as a control sequence. The figures, labels and wording are those of the app and the PDFs
(``valueshare.format``, the framework's, negotiation's and contribution's own text modules).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from valueshare.compare import Comparison, aim_rows
from valueshare.contribution import ContributionValue
from valueshare.contribution import text as contribution_text
from valueshare.engine import Valuation
from valueshare.engine.montecarlo import Simulation
from valueshare.figures import nhs_money, select
from valueshare.format import money, percent, ratio
from valueshare.framework import Assessment
from valueshare.negotiation import Negotiation
from valueshare.negotiation import text as words
from valueshare.register.records import DealInfo, VersionInfo, when

if TYPE_CHECKING:  # the register's service is only a type here
    from valueshare.register.service import History


#: The headline figures (``valueshare.figures``) each report shows, in order.
VALUE_FIGURES = ("nhs_npv", "partner_npv", "partner_irr", "cost_recovery", "nhs_share", "nhs_access_costs",
                 "value_share_gbp", "value_share", "launch_probability")
SIMULATED_FIGURES = ("nhs_npv", "partner_npv")
VERSION_FIGURES = ("nhs_npv", "partner_npv", "partner_irr")  # a version's line, and the history's columns


# -- value -----------------------------------------------------------------------------------------------------

def summary(valuation: Valuation) -> str:
    """The readable summary ``value`` prints: the headline figures, each with its note, then each line's value."""
    v = valuation
    rows = [(figure.label, figure.noted(v)) for figure in select(*VALUE_FIGURES)]
    width = max(len(label) for label, _ in rows)
    lines = [v.deal_name, "=" * len(v.deal_name)]
    lines += [f"{label:<{width}}  {text}" for label, text in rows]
    money_rows = [(figure.label, figure.noted(v)) for figure in nhs_money(v)]
    if money_rows:
        width = max(len(label) for label, _ in money_rows)
        lines += ["", "The NHS party's money (present values at the NHS rate; spend and savings are not in the NHS "
                      "NPV)"]
        lines += [f"  {label:<{width}}  {text}" for label, text in money_rows]
    lines += members_lines(v) + users_lines(v)
    lines += ["", "Present value by line (NHS at its rate; partner at its rate)"]
    for item in v.nhs_lines:
        lines.append(f"  NHS      {money(item.present_value):>10}  {item.label}")
    for item in v.partner_lines:
        lines.append(f"  Partner  {money(item.present_value):>10}  {item.label}")
    return "\n".join(lines)


def members_lines(v: Valuation) -> list[str]:
    """The consortium's members, each with its share and figures (or why there are none)."""
    if v.members_note:
        return ["", f"Consortium members: {v.members_note}"]
    if not v.members:
        return []
    out = ["", "Consortium members (present values at the NHS rate)",
           f"  {'Member':<40} {'Share':>7} {'Receipts':>10} {'Shared costs':>12} {'Own costs':>10} {'NPV':>10} "
           f"{'Cost recovery':>13}"]
    for m in v.members:
        name = m.name if m.is_nhs else f"{m.name} (not NHS)"
        recovery = "n/a" if m.cost_recovery is None else ratio(m.cost_recovery)
        out.append(f"  {name[:40]:<40} {percent(m.share):>7} {money(m.receipts):>10} {money(m.shared_costs):>12} "
                   f"{money(m.own_costs):>10} {money(m.npv):>10} {recovery:>13}")
    return out


def users_lines(v: Valuation) -> list[str]:
    """The platform's users (the partner first), each with what it pays and its share of the NHS's costs."""
    if not v.users:
        return []
    out = ["", "Platform users (present values at the NHS rate; each bears an equal share of the costs of access)",
           f"  {'User':<40} {'Pays':>10} {'Of which fees':>13} {'Cost share':>10} {'Cost recovery':>13}"]
    for u in v.users:
        recovery = "n/a" if u.cost_recovery is None else ratio(u.cost_recovery)
        out.append(f"  {u.name[:40]:<40} {money(u.receipts):>10} {money(u.fees):>13} {money(u.cost_share):>10} "
                   f"{recovery:>13}")
    return out


def framework_summary(a: Assessment) -> str:
    """The framework check as ``value`` prints it: pillars in their own units, principles, fair share."""
    p, f = a.pillars, a.fair_share
    lines = [f"Framework check ({a.rules.short_name})", "",
             "1. Patient benefit: "
             f"{p.patient.total_patients:,.0f} patients expected, {p.patient.qalys_discounted:,.1f} QALYs "
             f"(discounted), worth {money(p.patient.qaly_value_nhs)} (NHS lens) / "
             f"{money(p.patient.qaly_value_societal)} (societal lens); "
             f"NHS cost offsets {money(p.patient.cost_offsets)}",
             *(f"   Beyond QALYs: {o.name}, {o.total:,.0f} {o.unit} ({o.years})"
               + ("" if o.value is None else f", worth {money(o.value)}") for o in p.patient.outcomes),
             f"2. UK growth: {p.growth.fte_years:,.0f} FTE-years, additional GVA {money(p.growth.additional_gva)}, "
             f"UK investment {money(p.growth.uk_investment)}",
             f"3. NHS return: cash {money(p.nhs_return.cash_receipts)}, price-discount savings "
             f"{money(p.nhs_return.price_discount_savings)}, in kind {money(p.nhs_return.in_kind_value)}, "
             f"costs {money(p.nhs_return.nhs_costs)}, NPV {money(p.nhs_return.total)}", ""]
    for check in a.checks:
        lines.append(f"  {check.status.label:<15}{check.title}: {check.reason} (source: {check.source})")
    actual = percent(f.actual) if f.actual is not None else "n/a"
    lines += ["", f"Fair NHS share: {percent(f.low)} to {percent(f.high)} of the partner's value; this deal: "
                  f"{actual} ({f.position})"]
    if a.closing is not None:
        lines.append(f"  To reach the band: {a.closing.path} from {a.closing.current:g} to {a.closing.value:.6g}")
    elif a.closing_note:
        lines.append(f"  No single change closes the gap: {a.closing_note}")
    lines += [f"  Flag: {flag}" for flag in a.patient_first]
    return "\n".join(lines)


def contribution_summary(cv: ContributionValue) -> str:
    """What the NHS's contribution is worth, as ``value`` prints it: the concluded value and its range first, then
    each approach with its weight and the reason for it, the span of the approaches, the ask, the flags."""
    rows = contribution_text.approach_rows(cv)
    width = max(len(r[0]) for r in rows)
    lines = [contribution_text.TITLE, "", contribution_text.concluded_text(cv), ""]
    lines += [f"  {title:<{width}}  weight {weight:>4}  {central:>10}  {share:>6} of the partner's value   range "
              f"{spread}; {note}" for title, weight, central, spread, share, note in rows]
    lines += [f"  Weight of {w.title.split(' (')[0].lower()}: {w.reason}" for w in cv.reconciled.weights]
    lines += ["", *contribution_text.reconciliation_lines(cv), contribution_text.range_text(cv),
              contribution_text.ask_text(cv)]
    lines += [f"  Why they differ: {reason}" for reason in cv.reasons]
    lines += [f"  Flag: {flag.message}" for flag in cv.flags]
    return "\n".join(lines)


# -- negotiate, simulate, compare ------------------------------------------------------------------------------

def negotiation_summary(n: Negotiation) -> str:
    """Walk-aways, the zone, the solved term and the equivalent offers, as ``negotiate`` prints them."""
    z, deal = n.zone, n.deal
    lines = [f"{deal.name}: negotiation (internal: not for the partner)", "", words.SCALE, ""]
    rows = words.position_rows(z)
    width = max(len(r[0]) for r in rows)
    lines += [f"  {name:<{width}}  {value:>10}  {share:>7}  {basis}" for name, value, share, basis in rows]
    lines += ["", z.verdict]
    lines += [f"  Would open a zone: {words.opener_text(deal, o)}" for o in z.openers]
    if n.term_results:
        lines += ["", words.term_heading(deal, n)]
        lines += [f"  {words.term_result_text(deal, r)}" for r in n.term_results]
    if n.offers:
        lines += ["", "Equivalent offers: " + words.offers_intro(n), words.offers_summary(n)]
        head = list(words.OFFER_COLUMNS)
        table = [head, *words.offer_rows(n.offers)]
        widths = [max(len(r[k]) for r in table) for k in range(len(head))]
        lines += ["  " + "  ".join(cell.ljust(w) if k == 0 else cell.rjust(w) for k, (cell, w) in
                                   enumerate(zip(row, widths, strict=True))) for row in table]
        lines += [f"  {note}" for note in words.offer_notes(n.offers)]
    if deal.negotiation.notes:
        lines += ["", f"Internal notes: {deal.negotiation.notes}"]
    return "\n".join(lines)


def simulation_summary(sim: Simulation) -> str:
    """The readable summary ``simulate`` prints."""
    lines = [f"{sim.deal_name}: {sim.trials:,} trials" + (f", seed {sim.seed}" if sim.seed is not None else ""), ""]
    lines.append(f"{'':<12}{'mean':>12}{'P10':>12}{'P50':>12}{'P90':>12}   risk-adjusted (no Monte Carlo)")
    nhs, partner = (figure.label for figure in select(*SIMULATED_FIGURES))
    for name, spread, expected in ((nhs, sim.nhs, sim.expected_nhs_npv),
                                   (partner, sim.partner, sim.expected_partner_npv)):
        lines.append(f"{name:<12}{money(spread.mean):>12}{money(spread.p10):>12}{money(spread.p50):>12}"
                     f"{money(spread.p90):>12}   {money(expected)}")
    lines += ["", "Chance the NHS's NPV is negative: "
                  f"{percent(sim.probability_nhs_loses_money)}",
              f"Chance the partner's NPV is negative: {percent(sim.partner.probability_negative)}"]
    return "\n".join(lines)


def comparison_table(comparison: Comparison) -> str:
    """The readable table ``compare`` (and the register's ``diff``) prints; differing rows are marked with '*'."""
    names = [c.name for c in comparison.columns]
    pair = len(names) == 2  # an offer and a counter-offer: add the difference
    width = min(80, max(24, *(len(r.label) for r in comparison.figures + comparison.inputs)))
    col = max(14, *(min(len(n), 40) for n in names))
    head = names + (["Difference"] if pair else [])
    lines = [" " * (width + 2) + "".join(f"{n[:40]:>{col + 2}}" for n in head)]
    lines += ["", "The three aims (the framework's order: patient benefit first)"]
    for label, texts in aim_rows(comparison.aims):
        lines.append(f"  {label:<{width}}" + "".join(f"{t[:40]:>{col + 2}}" for t in texts))
    lines += [f"  Patient-first flag: {flag}" for flag in comparison.flags]
    for title, rows in (("Figures", comparison.figures), ("Inputs that differ", comparison.inputs)):
        lines += ["", title]
        if not rows and title == "Inputs that differ":
            lines.append("  none: " + ("the deal has no variants (name some in its file's variants section, or "
                                       "give another file to compare it with)" if len(names) == 1 else
                                       "every input is the same in each deal"))
        for row in rows:
            mark = "*" if row.differs else " "
            texts = row.texts + ([row.change_text or (f"{row.change:+g}" if row.change else "")] if pair else [])
            cells = "".join(f"{t[:40]:>{col + 2}}" for t in texts)
            lines.append(f"{mark} {row.label:<{width}}{cells}")  # a label is never cut: it names the input
    return "\n".join(lines)


# -- the register ----------------------------------------------------------------------------------------------

def version_figures(info: VersionInfo) -> str:
    """A saved version's main figures on one line, as ``save`` and ``restore`` print them."""
    h = info.headlines
    return ", ".join(f"{figure.label} {figure.write(h.value(figure.key))}" for figure in select(*VERSION_FIGURES))


def version_summary(info: VersionInfo) -> str:
    """One version as ``show`` prints it: who saved it, when and why, its figures and its audit chain value."""
    lines = [f"{info.deal_name} ({info.deal_key}), version {info.number}",
             f"  saved by {info.author} on {info.when()}: {info.note}"]
    if info.restored_from:
        lines.append(f"  restores version {info.restored_from}")
    lines += [f"  {label}: {value}" for label, value in info.headlines.texts().items()]
    lines.append(f"  audit chain: {info.chain}")
    return "\n".join(lines)


def history_table(history: History) -> str:
    """The history as ``history`` prints it: one line per version and per archive event, oldest first."""
    deal = history.deal
    title = f"{deal.name} ({deal.key})" + (" [archived]" if deal.archived else "")
    shown = select(*VERSION_FIGURES)
    head = ["Version", "Saved", "Author", *(figure.label for figure in shown), "Note"]
    rows = []
    for v in history.versions:
        note = v.note + (f" (restores version {v.restored_from})" if v.restored_from else "")
        texts = [figure.write(v.headlines.value(figure.key)) for figure in shown]
        rows.append((v.saved_at, [str(v.number), v.when(), v.author, *texts, note]))
    for e in history.events:
        text = f"{'archived' if e.archived else 'unarchived'}" + (f": {e.note}" if e.note else "")
        rows.append((e.at, ["-", e.when(), e.author, *([""] * len(shown)), text]))
    rows.sort(key=lambda row: row[0])  # stable: a version and an event at the same instant keep their order
    cells = [head] + [r for _, r in rows]
    widths = [max(len(c[i]) for c in cells) for i in range(len(head) - 1)]
    right = {0, *range(3, 3 + len(shown))}  # the version number and the figures

    def line(cols: list[str]) -> str:
        # widths cover every column but the note, which runs on unpadded
        parts = [f"{c:>{w}}" if i in right else f"{c:<{w}}"
                 for i, (c, w) in enumerate(zip(cols, widths, strict=False))]
        return "  ".join(parts + [cols[-1]]).rstrip()

    return "\n".join([title, "=" * len(title)] + [line(c) for c in cells])


def list_table(found: list[DealInfo]) -> str:
    """The deals as ``list`` prints them: key, name, parties and latest version, one line each."""
    if not found:
        return "No deals found."
    head = ["Deal", "Name", "NHS", "Partner", "Latest", "Saved", "By"]
    cells = [head] + [[d.key, d.name + (" [archived]" if d.archived else ""), d.latest.nhs_name,
                       d.latest.partner_name, str(d.latest.number), when(d.latest.saved_at), d.latest.author]
                      for d in found]
    widths = [max(len(c[i]) for c in cells) for i in range(len(head))]
    return "\n".join("  ".join(f"{c:<{w}}" for c, w in zip(row, widths, strict=True)).rstrip() for row in cells)
