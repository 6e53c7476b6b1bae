"""The term sheet goes to the partner: with its annexes left out (the default), nothing from which the NHS's
walk-away, target, fair band, costs or internal judgement can be read is in it, nor the partner's own projections,
in the PDF or in Word.

Three proofs for every example:

1. Nothing internal can reach it: the term sheet of the deal with every internal input changed (negotiating
   positions and notes, fair-share judgements, the case for the contribution's value, every NHS cost, the NHS's
   discount rate, the partner's projections and rates) says exactly what the term sheet of the deal as it is says,
   in the PDF's text and in Word's (the partner file's digest aside: it is of the partner's own file, projections
   included, which the partner checks it against).
2. Its text holds none of the internal figures in any of the ways a user might write them: the walk-away, the
   target and the partner walk-away the NHS assumes, the band's ends and centre, the NHS's costs, the partner's NPV,
   IRR, margin and stage costs, and no verdict word or [ours] tag.
3. The brief, which is internal, does print the positions.
"""

from __future__ import annotations

import copy
import datetime
import io
import re
from functools import cache
from pathlib import Path

import docx
import pytest
from pypdf import PdfReader

from valueshare import load_deal, value_deal
from valueshare.figures import select
from valueshare.format import money, percent
from valueshare.framework import assess
from valueshare.framework.text import STATUS_COLOURS
from valueshare.model import Deal
from valueshare.negotiation import negotiate
from valueshare.reports.brief import brief_pdf
from valueshare.reports.termsheet import term_sheet_pdf
from valueshare.reports.termsheet_docx import term_sheet_docx
from valueshare.scenario import deal_from_data, deal_to_data, example_paths

ISSUED = datetime.date(2026, 11, 23)
WALK_AWAY = 123_457.0
TARGET_SHARE = 0.2789
MIN_IRR = 0.1789
NOTES = "Private <b>ZQX-7</b>: we would settle at 12 & walk at R&D </para>"
EXAMPLES = example_paths()
_HEX = re.compile(r"(sha256:)?[0-9a-f]{16,}")


def pdf_text(pdf: bytes) -> str:
    return re.sub(r"\s+", " ", " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages))


def docx_text(data: bytes) -> str:
    """Every paragraph and table cell of the Word document, header and footer included, as one line."""
    document = docx.Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    parts += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    for section in document.sections:
        parts += [p.text for p in section.header.paragraphs + section.footer.paragraphs]
    return re.sub(r"\s+", " ", " ".join(parts))


def documents(deal: Deal) -> tuple[str, str]:
    """The term sheet's text with its defaults, as PDF and as Word."""
    return _documents(deal.model_dump_json())


@cache
def _documents(content: str) -> tuple[str, str]:
    deal = Deal.model_validate_json(content)
    v = value_deal(deal)
    return pdf_text(term_sheet_pdf(deal, v, issued=ISSUED)), docx_text(term_sheet_docx(deal, v, issued=ISSUED))


def ways_to_write(amount: float) -> list[str]:
    """An amount as people write it: £123,457, 123457, 123,457, £123.5k, 123.5k, £0.12m. Amounts under £1,000 (a
    target of £0 when the partner's value is not positive) are everywhere in a term sheet and tell nothing."""
    if abs(amount) < 1000:
        return []
    whole = round(amount)
    return [money(amount), money(amount, exact=True), f"{whole}", f"{whole:,}", f"{amount / 1000:.1f}k",
            f"£{amount / 1e6:.2f}m" if abs(amount) >= 1e5 else f"£{amount / 1000:.0f}k"]


def ways_to_write_share(share: float) -> list[str]:
    return [percent(share, 2), percent(share, 1), f"{share * 100:.1f}%"]


def scaled(data: dict, path: tuple, factor: float = 1.37, plus: float = 1.0) -> None:
    """Multiply the number at ``path`` in ``data`` (if it is there) by ``factor`` and add ``plus``."""
    *parents, last = path
    node = data
    for key in parents:
        if (isinstance(node, dict) and key in node) or (isinstance(node, list) and isinstance(key, int)
                                                          and key < len(node)):
            node = node[key]
        else:
            return
    if isinstance(node, dict) and isinstance(node.get(last), (int, float)) and not isinstance(node.get(last), bool):
        node[last] = node[last] * factor + plus


def everything_internal_changed(deal: Deal) -> Deal:
    """The deal with every input that is the NHS's own (position, judgement, cost, rate) or the partner's own
    projection changed, and its terms, parties, data and purpose as they were."""
    data = copy.deepcopy(deal_to_data(deal))
    data["negotiation"] = {"nhs_walk_away_gbp": WALK_AWAY, "nhs_target_share": TARGET_SHARE,
                           "partner_min_irr": MIN_IRR, "notes": NOTES}
    data["fair_share"] = {"overrides": [{"factor": "data_depth", "score": 5, "note": NOTES}]}
    contribution = data["contribution"]
    for key in ("preparation_gbp", "yearly_gbp"):
        scaled(contribution, ("access_costs", key))
    for k, _ in enumerate(contribution.get("expertise", [])):
        scaled(contribution, ("expertise", k, "cost_per_hour_gbp"))
    for key in ("already_spent_gbp", "yearly_gbp"):
        scaled(contribution, ("curation", key))
    for k, member in enumerate(data["nhs"].get("members", [])):
        for key in [k for k in (member.get("own_costs") or {}) if k.endswith("_gbp")]:
            scaled(data["nhs"], ("members", k, "own_costs", key))
    for k, grant in enumerate(data.get("funding", [])):
        if grant.get("towards") == "nhs":
            scaled(data, ("funding", k, "amount_gbp"), 0.5, 0.0)
    for k, _ in enumerate(data["terms"]):
        scaled(data, ("terms", k, "nhs_cost_per_unit_gbp"), 0.9, 0.0)
    assumptions = data.setdefault("assumptions", {})
    assumptions["nhs_discount_rate"] = 0.0437
    assumptions["partner_discount_rate"] = 0.1337
    assumptions["partner_tax_rate"] = 0.19
    route = data.get("route_to_market")
    if route:
        for k, _ in enumerate(route.get("stages", [])):
            scaled(route, ("stages", k, "partner_cost_gbp"))
            scaled(route, ("stages", k, "probability_of_success"), 0.9, 0.0)
        for key in ("volume_per_year", "operating_margin", "peak_uptake"):
            scaled(route, ("sales", key), 0.93, 0.0)
    return deal_from_data(data, "the deal with its internal inputs changed")


def without_digests(text: str) -> str:
    return _HEX.sub("", text)


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_nothing_internal_can_reach_the_term_sheet_in_pdf_or_word(path):
    # (as a real deal: an example as shipped says its figures are illustrative, which an edited copy does not)
    deal = deal_from_data({**deal_to_data(load_deal(path)), "illustrative": False})
    changed = everything_internal_changed(deal)
    assert value_deal(changed).nhs_npv != pytest.approx(value_deal(deal).nhs_npv)  # the change is real
    for before, after in zip(documents(deal), documents(changed), strict=True):
        assert without_digests(after) == without_digests(before)


def internal_figures(deal: Deal) -> list[str]:
    """Every internal figure of the deal, written every way a reader might look for it."""
    v = value_deal(deal)
    a = assess(deal, v)
    n = negotiate(deal, trials=500)
    secrets = [*ways_to_write(n.zone.nhs_walk_away.value), *ways_to_write(n.zone.nhs_target.value),
               *ways_to_write(v.nhs_access_costs), *ways_to_write(v.partner_npv), *ways_to_write(v.nhs_npv)]
    if n.zone.partner_walk_away.applies:
        secrets += ways_to_write(n.zone.partner_walk_away.value)
    secrets += [*ways_to_write_share(a.fair_share.low), *ways_to_write_share(a.fair_share.centre),
                *ways_to_write_share(a.fair_share.high)]
    for line in v.nhs_lines:
        if line.present_value < 0:  # every NHS cost line, at its present value and as entered
            secrets += ways_to_write(-line.present_value)
    costs = deal.contribution.access_costs
    secrets += [*ways_to_write(costs.preparation_gbp), *ways_to_write(costs.yearly_gbp)]
    irr = select("partner_irr")[0]
    if irr.value(v) is not None:
        secrets += [irr.text(v)]
    route = deal.route_to_market
    if route is not None:
        secrets += [*[money(s.partner_cost_gbp, exact=True) for s in route.stages if s.partner_cost_gbp >= 1000]]
        if route.sales is not None:
            secrets += [f"operating margin of {percent(route.sales.operating_margin, 0)}"]
    return [s for s in secrets if s]


#: A verdict's status word as the framework check prints it, and valueshare's own tag.
VERDICTS = re.compile(r"\b(Pass|Fail|Warning|Not applicable)\b|\[ours\]")


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_no_internal_figure_verdict_or_tag_is_in_the_term_sheet_in_pdf_or_word(path):
    deal = load_deal(path)
    assert set(STATUS_COLOURS)  # the statuses whose words VERDICTS looks for
    secrets = internal_figures(deal)
    public = public_text(deal)
    for text in documents(deal):
        # a figure found as often in the deal's public parts (a term's amount, a data asset's size, a grant to the
        # partner) as in the whole document is that public figure, which happens to equal an internal one
        leaked = [s for s in secrets if occurrences(s, text) > occurrences(s, public)]
        assert not leaked, leaked
        assert not VERDICTS.search(text), VERDICTS.search(text)


def occurrences(figure: str, text: str) -> int:
    """How often ``figure`` is written in ``text`` as a figure of its own (20,000 is not in 120,000)."""
    return len(re.findall(rf"(?<![\d,.£]){re.escape(figure)}(?![\d]|,\d)", text))


def public_text(deal: Deal) -> str:
    """What the term sheet says of the deal's public parts: its data and its terms, as the partner is sent them."""
    from valueshare.reports.blocks import strings
    from valueshare.reports.termsheet_content import _data, _terms

    return " ".join(strings([*_data(deal), *_terms(deal)]))


@pytest.mark.parametrize("path", EXAMPLES[:3], ids=lambda p: p.stem)
def test_the_brief_prints_the_positions_the_term_sheet_never_shows(path: Path):
    private = everything_internal_changed(load_deal(path))
    v = value_deal(private)
    brief = pdf_text(brief_pdf(private, v, issued=ISSUED, negotiation=negotiate(private, trials=500)))
    assert money(WALK_AWAY) in brief and NOTES in brief
    sheet = " ".join(documents(private))
    assert money(WALK_AWAY) not in sheet and "ZQX-7" not in sheet and "we would settle" not in sheet


def test_a_chosen_annex_is_where_the_internal_figures_go():
    from valueshare.reports.termsheet_content import TermSheetOptions

    deal = load_deal(EXAMPLES[1])
    v = value_deal(deal)
    costs = pdf_text(term_sheet_pdf(deal, v, issued=ISSUED, options=TermSheetOptions(with_nhs_costs=True)))
    assert "Annex A. The NHS's costs of giving access" in costs and money(v.nhs_access_costs) in costs
    framework = docx_text(term_sheet_docx(deal, v, issued=ISSUED, options=TermSheetOptions(with_framework=True)))
    assert "Annex C. How the deal meets the NHS Value Sharing Framework" in framework
    assert percent(assess(deal, v).fair_share.centre) in framework and "[ours]" in framework
