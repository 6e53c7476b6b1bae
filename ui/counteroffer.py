"""The Compare page's counter-offer: the partner's returned file read against this deal (``valueshare.counteroffer``),
what it proposes and what was kept as the NHS had it, and the ways to keep it: in the register as the deal's next
version or as a variant (when the deal is open from the register), or in the deal being edited.

Every name and value shown is the user's or the partner's text, written as plain text (``ui.text.md``).
"""

from __future__ import annotations

import streamlit as st

from ui import identity, register, state
from ui.text import md
from valueshare.counteroffer import CounterOffer, as_variant, read_counter_offer
from valueshare.errors import DealInvalid, ValueshareError, sentence
from valueshare.model import Deal
from valueshare.register import service
from valueshare.register.repository import Repository
from valueshare.scenario import deal_to_data

KEEP = {"version": "The deal's next version", "variant": "A variant beside the deal"}
COUNTER_NAME = "Counter-offer"


def read(deal: Deal, returned: Deal) -> CounterOffer | None:
    """The counter-offer on ``deal``, or None (with the reason shown) when it does not make a valid deal."""
    try:
        return read_counter_offer(deal, returned, "the counter-offer")
    except DealInvalid as error:
        lines = "\n".join(f"- {md(p.line())}" for p in error.problems)
        st.error(f"**The counter-offer does not make a valid deal with this deal's own figures**.\n\n{lines}",
                 icon=":material/error:")
        return None


def summary(offer: CounterOffer) -> None:
    """What the partner proposes, what was kept as the NHS had it, and what the NHS must fill in."""
    n = len(offer.changes)
    if not n:
        st.info("The counter-offer proposes no change to what the partner may propose: it is this deal.",
                icon=":material/info:")
    else:
        st.markdown(f"**The partner proposes {n} change{'' if n == 1 else 's'}**, listed under *Inputs that "
                    f"differ* below.",
                    help="Everything the partner may propose (terms, product, route to market, sales, the data and "
                         "expertise asked for, assumptions) is taken from its file; the NHS's own parts are kept "
                         "from this deal (docs/register.md, the partner's round trip).")
    if offer.ignored:
        st.warning("**Kept as the NHS had them.** The partner's file changed parts that are the NHS's own (its "
                   "positions and notes, its costs, other users' terms); those changes were not applied:\n\n"
                   + "\n".join(f"- {md(p)}" for p in offer.ignored), icon=":material/shield:")
    for line in offer.to_complete:
        st.warning(f"**To complete.** {md(line)}", icon=":material/edit_note:")


def actions(deal: Deal, returned: Deal, offer: CounterOffer) -> None:
    """Keep the counter-offer: in the register when the deal is open from it, else in the deal being edited."""
    register.show_flash()
    if not offer.changes:
        return
    # the register is opened only for a deal opened from it (never started by a visit to this page)
    repo = register.repository() if st.session_state.get(register.BASE) is not None else None
    found = register.base(repo) if repo is not None else None
    how = st.radio("Keep the counter-offer as", list(KEEP), format_func=KEEP.get, key="compare:counter-keep",
                   horizontal=True,
                   help="The deal's next version takes the partner's terms; a variant keeps this deal as it is and "
                        "the counter-offer beside it to weigh (internal: never in the partner's file).")
    name = COUNTER_NAME
    if how == "variant":
        name = st.text_input("Variant name", value=COUNTER_NAME, max_chars=100, key="compare:counter-name",
                             help="The variant's name on this page and in the deal file.")
    reference = register.saved_reference(deal) if found is not None else None
    if found is not None and repo is not None and reference is not None and not reference[2]:
        _to_register(repo, found, returned, how, name)
        return
    if found is not None:
        st.caption("The deal has changed since it was opened from the register: the counter-offer is kept in the "
                   "deal you are editing; save it on the Register page.")
    if st.button("Keep it in this deal", icon=":material/call_merge:", key="compare:counter-keep-draft",
                 help="Changes the deal you are editing; save it on the Register page to keep it in the register."):
        try:
            new = offer.deal if how == "version" else as_variant(deal, offer, name.strip() or COUNTER_NAME)
        except DealInvalid as error:
            st.error("**Not kept.**\n\n" + "\n".join(f"- {md(p.line())}" for p in error.problems),
                     icon=":material/error:")
            return
        state.load(deal_to_data(new), st.session_state.get(state.SOURCE) or new.name)
        register.flash("success", "The counter-offer is in the deal you are editing"
                       + (" as its terms." if how == "version" else f" as the variant {md(name)}.")
                       + " Save it on the Register page to keep it.")
        st.rerun()


def _to_register(repo: Repository, found: register.Base, returned: Deal, how: str, name: str) -> None:
    author = st.text_input("Your name", key="compare:counter-author",
                           value=st.session_state.get(register.AUTHOR, ""), max_chars=service.AUTHOR_MAX,
                           help="Who is saving: shown in the deal's history (when you are signed in, your "
                                "sign-in is recorded).")
    if not st.button(f"Save it in the register as version {found.number + 1}", type="primary",
                     icon=":material/save:", key="compare:counter-save",
                     help=f"Saves the counter-offer on “{md(found.key)}” version {found.number}; an offered deal "
                          "becomes counter-offered."):
        return
    try:
        done = service.import_counter_offer(repo, found.key, returned, author=author, keep_as=how,
                                            variant=name.strip() or None, base_version=found.number,
                                            actor=identity.actor())
    except ValueshareError as error:
        st.error(f"**Not saved.** {md(sentence(str(error)))}", icon=":material/error:")
        return
    register.open_in_editor(repo, done.info.deal_key, done.info.number)
    register.flash("success", f"Saved the counter-offer as version {done.info.number} of {md(done.info.deal_name)}"
                   + (f", with the variant {md(done.variant)}" if done.variant else "")
                   + (". The deal is now counter-offered." if done.status is not None else "."))
    st.rerun()
