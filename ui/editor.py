"""The deal editor: every part of the draft, in the order a commercial lead would describe the deal."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

from ui.fields import specs
from ui.form import Form
from ui.partnership import consortium_editor, curation_editor, funding_editor, platform_users_editor
from ui.terms import terms_editor
from valueshare.model import (
    AccessCosts,
    Assumptions,
    Contribution,
    DataAsset,
    Deal,
    Expertise,
    NhsParty,
    Partner,
    RouteToMarket,
    Sales,
    Stage,
)


def deal_editor(form: Form, draft: dict[str, Any]) -> None:
    """Draw every section of the deal; each writes its widgets' values back into ``draft``."""
    for draw in SECTIONS.values():
        draw(form, draft)


def _section(title: str, help: str) -> Any:
    box = st.container(border=True)
    box.header(title, help=help, anchor=False)
    return box


def _parties(form: Form, draft: dict[str, Any]) -> None:
    with _section("The deal and its parties", Deal.__doc__ or ""):
        form.field(draft, Deal, "name", "name")
        form.field(draft, Deal, "description", "description", long=True)
        nhs_col, partner_col = st.columns(2)
        nhs = draft.setdefault("nhs", {})
        partner = draft.setdefault("partner", {})
        with nhs_col:
            st.markdown("**NHS**", help=specs(Deal)["nhs"].help)
            form.field(nhs, NhsParty, "name", "nhs.name")
            form.field(nhs, NhsParty, "kind", "nhs.kind")
        with partner_col:
            st.markdown("**Partner**", help=specs(Deal)["partner"].help)
            form.field(partner, Partner, "name", "partner.name")
            form.field(partner, Partner, "kind", "partner.kind")
        consortium_editor(form, nhs)
        form.fields(draft, Deal, "", ["use", "access_route"], per_row=2)
        form.field(draft, Deal, "purpose", "purpose", long=True)
        left, right = st.columns(2)
        with left:
            form.field(draft, Deal, "exclusive_raw_data_access", "exclusive_raw_data_access")
        with right:
            form.field(draft, Deal, "illustrative", "illustrative")
        form.slot("nhs")
        form.slot("partner")


def _contribution(form: Form, draft: dict[str, Any]) -> None:
    with _section("What the NHS contributes", Contribution.__doc__ or ""):
        contribution = draft.setdefault("contribution", {})
        fields = specs(Contribution)
        form.table(contribution, "data_assets", "contribution.data_assets", DataAsset, label="Data assets",
                   help=fields["data_assets"].help, item="Asset")
        form.table(contribution, "expertise", "contribution.expertise", Expertise, label="Expertise",
                   help=fields["expertise"].help)
        st.markdown("**Access costs**", help=fields["access_costs"].help)
        costs = contribution.setdefault("access_costs", {})
        form.fields(costs, AccessCosts, "contribution.access_costs", list(specs(AccessCosts)))
        curation_editor(form, contribution)
        funding_editor(form, draft)
        form.slot("contribution")


def _route(form: Form, draft: dict[str, Any]) -> None:
    with _section("Route to market", RouteToMarket.__doc__ or ""):
        route = form.toggle(draft, "route_to_market", "route_to_market", "The partnership aims at a product",
                            specs(Deal)["route_to_market"].help, make=lambda: {"stages": []})
        if route is not None:
            form.table(route, "stages", "route_to_market.stages", Stage, label="Development stages",
                       help=specs(RouteToMarket)["stages"].help, item="Stage")
            sales = form.toggle(route, "sales", "route_to_market.sales", "Model its sales",
                                specs(RouteToMarket)["sales"].help, make=lambda: _new_sales(draft))
            if sales is not None:
                form.fields(sales, Sales, "route_to_market.sales", list(specs(Sales)), per_row=3)
        form.slot("route_to_market")


def _new_sales(draft: dict[str, Any]) -> dict[str, Any]:
    """Sales with the model's defaults; volume, price, uptake and last year are left for the user."""
    return {s.name: s.default for s in specs(Sales).values() if s.default is not None}


def _terms(form: Form, draft: dict[str, Any]) -> None:
    with _section("Value-sharing terms", specs(Deal)["terms"].help):
        terms_editor(form, draft, "terms")


def _platform(form: Form, draft: dict[str, Any]) -> None:
    with _section(specs(Deal)["platform_users"].label, specs(Deal)["platform_users"].help):
        platform_users_editor(form, draft)


def _assumptions(form: Form, draft: dict[str, Any]) -> None:
    with _section("Assumptions", Assumptions.__doc__ or ""):
        assumptions = draft.setdefault("assumptions", {})
        names = [s.name for s in specs(Assumptions).values() if s.kind != "fixed"]
        form.fields(assumptions, Assumptions, "assumptions", names, per_row=3)
        st.caption("Every money figure is in pounds (GBP) at the prices of the price base year.")
        form.slot("assumptions")


#: The editor's sections in order, by the short name the Deal page's tabs give them; each draws its widgets.
SECTIONS: dict[str, Callable[[Form, dict[str, Any]], None]] = {
    "Parties": _parties, "Contribution": _contribution, "Route to market": _route, "Terms": _terms,
    "Platform users": _platform, "Assumptions": _assumptions,
}

#: The section that edits each part of the deal, by the first part of a field's path.
SECTION_OF = {
    **dict.fromkeys(("name", "description", "nhs", "partner", "use", "access_route", "purpose",
                     "exclusive_raw_data_access", "illustrative"), "Parties"),
    "contribution": "Contribution", "funding": "Contribution", "route_to_market": "Route to market",
    "terms": "Terms", "platform_users": "Platform users", "assumptions": "Assumptions",
}


def section_of(path: str) -> str | None:
    """The section that edits the field at ``path`` (None: another page, or the deal as a whole).

    >>> section_of("terms[2].tiers[0].rate"), section_of("nhs.members"), section_of("fair_share.ratio")
    ('Terms', 'Parties', None)
    """
    return SECTION_OF.get(path.split(".", 1)[0].split("[", 1)[0]) if path else None
