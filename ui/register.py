"""The Register page's parts: the register itself (opened once per process), saving the session's deal, the list of
deals, a deal's history, two versions side by side, opening and restoring a version.

The session remembers which register version its draft started from (its *base*): opening a version sets it, and
a save sends it, so a save on top of someone else's newer version is refused (``VersionConflict``) and the draft is
left exactly as it was. The base holds only while the draft is the one that was opened or saved: loading an
example or a file changes the draft's source, and the base no longer applies.
"""

from __future__ import annotations

import logging
import traceback
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from ui import identity, state
from ui.compare import figures_frame, highlighted, inputs_frame
from ui.text import md
from valueshare.compare import compare
from valueshare.errors import DealInvalid, ValueshareError, sentence
from valueshare.figures import select
from valueshare.model import Deal
from valueshare.register import service
from valueshare.register.errors import RegisterFileGone, VersionConflict
from valueshare.register.location import chosen, masked
from valueshare.register.records import (
    HEADLINE_KEYS,
    NEXT_STATUSES,
    Access,
    DealInfo,
    EventKind,
    VersionInfo,
    deal_key,
    when,
)
from valueshare.register.repository import Repository
from valueshare.scenario import deal_to_data

_LOG = logging.getLogger(__name__)

BASE = "register:base"          # Base of the session's draft, or absent
CONFLICT = "register:conflict"  # (message, key, latest number, draft JSON) of the last refused save
AUTHOR = "register:author"
NOTE = "register:note"
NOTE_SAVED = "register:note_saved"
FLASH = "register:flash"        # a message for the next run: (kind, text)
SEARCH = "register:search"
ARCHIVED = "register:archived"
CHOSEN = "register:deal"


@dataclass(frozen=True)
class Base:
    """The register version the session's draft started from."""

    location: str
    key: str
    number: int
    source: str                 # the draft's source when this base was set


@st.cache_resource(show_spinner=False)
def _open(location: str, default: bool) -> Repository:
    from valueshare.register.sql import open_register  # SQLAlchemy is loaded when the page first needs it

    # The default file is opened as the default (None), so that its folder is created on a machine without one.
    # Messages name an SQLite file as "the register file": the app's users need not see the server's folders.
    return open_register(None if default else location, show_path=False)


def _open_again() -> None:
    """Button callback: forget the open register, so that the next run opens the file as it is now (a file put
    back from a backup, or else a new, empty register)."""
    _open.clear()


def _opened() -> Repository:
    """The register VALUESHARE_REGISTER_URL names, else the default file; one engine per location (cached)."""
    return _open(*chosen(None))


def repository(*, offer_reopen: bool = False) -> Repository | None:
    """The register named by ``VALUESHARE_REGISTER_URL`` (else the default file), or None after showing why it
    cannot be opened or used. A register file deleted or moved since it was opened is reported as such (never its
    stale deals); ``offer_reopen`` adds a button that opens the file as it is now."""
    try:
        repo = _opened()
        repo.check()
        return repo
    except RegisterFileGone as error:
        st.error(f"**The register cannot be used.** {md(error)}", icon=":material/error:")
        if offer_reopen:
            st.button("Open the register again", key="register:reopen", icon=":material/refresh:",
                      on_click=_open_again,
                      help="Opens the register file as it is now: the file put back from a backup if it has been, "
                           "otherwise a new, empty register.")
    except ValueshareError as error:
        st.error(f"**The register cannot be opened.** {md(error)}", icon=":material/error:")
    except Exception as error:  # noqa: BLE001 - a page shows an error, never a traceback
        trace = "".join(traceback.format_exception(type(error), error, error.__traceback__))
        _LOG.error("opening the register failed: %s", masked(trace))  # a URL in it may hold a password
        st.error("The register cannot be opened: see the server log.", icon=":material/error:")
    return None


def notes(repo: Repository) -> None:
    """Warnings about the register's database that do not stop it being used (PostgreSQL's synchronous_commit)."""
    for note in getattr(repo, "notes", []):
        st.warning(md(note), icon=":material/warning:")


def flash(kind: str, text: str) -> None:
    st.session_state[FLASH] = (kind, text)


def show_flash() -> None:
    message = st.session_state.pop(FLASH, None)
    if message:
        kind, text = message
        (st.success if kind == "success" else st.error)(text, icon=":material/check_circle:" if kind == "success"
                                                        else ":material/error:")


# -- the session's base ---------------------------------------------------------------------------------------

def base(repo: Repository) -> Base | None:
    """The base of the current draft in this register, if the draft is still the one opened or saved."""
    found = st.session_state.get(BASE)
    if found is None or found.location != repo.location or found.source != st.session_state.get(state.SOURCE):
        return None
    return found


def set_base(repo: Repository, info: VersionInfo) -> None:
    source = f"{info.deal_name} (register: version {info.number})"
    st.session_state[state.SOURCE] = source
    st.session_state[BASE] = Base(repo.location, info.deal_key, info.number, source)
    # The address names the version, so a reload of the page (which starts a new session) opens it again.
    st.query_params["deal"] = info.deal_key
    st.query_params["version"] = str(info.number)


def saved_reference(deal: Deal) -> tuple[str, int, bool, str] | None:
    """For the term sheet: the register's key and version of the draft, whether the draft has changed since that
    version, and the version's standing in the deal's life ("offered; version 2 approved by ... on ..."); None
    while the draft was neither opened from nor saved to the register, or it cannot be read."""
    found = st.session_state.get(BASE)
    if found is None or found.source != st.session_state.get(state.SOURCE):
        return None
    try:
        repo = _opened()
        saved = service.open_version(repo, found.key, found.number, actor=identity.actor()).deal
        standing = service.life(repo, found.key, actor=identity.actor()).standing(found.number)
    except Exception:  # noqa: BLE001 - without the register, the term sheet has a blank to fill instead
        _LOG.info("the draft's register version could not be read for its reference")
        return None
    return found.key, found.number, saved != deal, standing


def keep_address() -> None:
    """On every run: while the draft is still the register version it was opened or saved as, the address names
    that version (moving to another page clears the address, so it is set again); otherwise it names nothing."""
    found = st.session_state.get(BASE)
    if found is not None and found.source == st.session_state.get(state.SOURCE):
        if st.query_params.get("deal") != found.key or st.query_params.get("version") != str(found.number):
            st.query_params["deal"], st.query_params["version"] = found.key, str(found.number)
    elif "deal" in st.query_params:
        st.query_params.clear()


def reopen_from_address() -> bool:
    """For a new session whose address names a register version (``?deal=KEY&version=N``): open that version as the
    draft, with its base. False (and the address cleared) when there is none or it cannot be opened."""
    key, number = st.query_params.get("deal"), st.query_params.get("version")
    if not key:
        return False
    try:
        repo = _opened()
        number_ = int(number) if number and number.isdigit() else None
        opened = service.open_version(repo, key, number_, actor=identity.actor())
    except Exception:  # noqa: BLE001 - a stale or foreign address simply opens the opening example
        _LOG.info("the address names no version that can be opened: %s %s", key, number)
        st.query_params.clear()
        return False
    state.load(deal_to_data(opened.deal), opened.info.deal_name)
    set_base(repo, opened.info)
    return True


def open_in_editor(repo: Repository, key: str, number: int) -> None:
    """Button callback: replace the draft with a version, which becomes the draft's base."""
    try:
        opened = service.open_version(repo, key, number, actor=identity.actor())
    except DealInvalid as error:
        flash("error", f"**Version {number} could not be opened**; your deal is unchanged.\n\n"
              + "\n".join(f"- {md(p.line())}" for p in error.problems))
        return
    except ValueshareError as error:
        flash("error", md(error))
        return
    state.load(deal_to_data(opened.deal), opened.info.deal_name)
    set_base(repo, opened.info)
    st.session_state.pop(CONFLICT, None)
    read_as = f"\n\n{md(opened.note)}: the stored version is unchanged." if opened.note else ""
    flash("success", f"Opened version {number} of {md(opened.info.deal_name)}: edit it on the Deal page, then save "
                     f"it here as a new version.{read_as}")


# -- saving -------------------------------------------------------------------------------------------------------

def target(repo: Repository, deal: Deal) -> tuple[str, int | None]:
    """Where a save of the draft goes: the deal key, and the version it is based on (None: a new deal)."""
    found = base(repo)
    if found is not None:
        return found.key, found.number
    return deal_key(deal.name), None


def save_draft(repo: Repository, deal: Deal, *, author: str, note: str, base_version: int | None,
               key: str) -> tuple[bool, str]:
    """Save the valid draft: (saved, problem). A refusal because someone saved a newer version leaves the draft
    untouched and is remembered (``CONFLICT``) for ``conflict_box`` to show; any other problem is returned."""
    try:
        info = service.save(repo, deal, author=author, note=note, base_version=base_version, key=key,
                            actor=identity.actor())
    except VersionConflict as conflict:
        st.session_state[CONFLICT] = (str(conflict), key, conflict.latest.number, deal.model_dump_json())
        return False, ""
    except ValueshareError as error:
        return False, str(error)
    st.session_state.pop(CONFLICT, None)
    set_base(repo, info)
    flash("success", f"Saved {md(info.deal_name)} as version {info.number}.")
    return True, ""


def _after_save(saved: bool, problem: str) -> None:
    if saved:
        # The note is emptied on the next run, before its box is drawn: only a value set then reaches the browser
        # (removing the key would leave the saved note in the box, ready to be saved again).
        st.session_state[NOTE_SAVED] = True
        st.rerun()
    if problem:
        st.error(f"**Not saved.** {md(sentence(str(problem)))}", icon=":material/error:")


def save_form(repo: Repository, check: state.Check) -> None:
    """The current valid deal, saved with an author and a note; a refusal is shown with what the newer version
    changed, and the draft stays as it is."""
    if check.shown is None or not check.current:
        from ui.results import go_to_fix, problem_text  # ui.results draws the deal pages, which use this module

        # Listed here as what to do, not shown as errors: the Deal page keeps its checklist until the user touches a
        # field or asks for a document (a visit to the register is not yet a save).
        st.info("Fix the deal's problems before saving it: only a valid deal is saved.\n\n"
                + "\n".join(f"- {problem_text(p)}" for p in check.problems), icon=":material/info:")
        go_to_fix(check.problems, None)
        return
    deal = check.shown.deal
    key, base_version = target(repo, deal)
    try:
        latest = repo.deal(key).latest
    except ValueshareError:
        latest = None
    if base_version is not None:
        st.caption(f"Your deal started from version {base_version} of “{md(key)}”"
                   + (f"; the latest is version {latest.number} by {md(latest.author)}." if latest and
                      latest.number != base_version else "."))
    elif latest is not None:
        st.caption(f"“{md(key)}” is already in the register (version {latest.number} by {md(latest.author)}); "
                   "open a version from the register to edit it.")
    else:
        st.caption(f"“{md(deal.name)}” is not in the register yet: saving it makes version 1.")
    if st.session_state.pop(NOTE_SAVED, False):
        st.session_state[NOTE] = ""
    with st.form("register:save", clear_on_submit=False, border=True):
        author = st.text_input("Your name", key=AUTHOR, max_chars=service.AUTHOR_MAX,
                               help="Who is saving: shown in the deal's history.")
        note = st.text_area("What changed", key=NOTE, max_chars=service.NOTE_MAX, height=80,
                            help="A few words for the history, e.g. 'royalty cut to 4% after the partner's reply'.")
        submitted = st.form_submit_button("Save as a new version", icon=":material/save:", type="primary")
    if submitted:
        _after_save(*save_draft(repo, deal, author=author, note=note, base_version=base_version, key=key))
    conflict_box(repo, deal)


def conflict_box(repo: Repository, deal: Deal) -> None:
    refused = st.session_state.get(CONFLICT)
    if refused is None:
        return
    message, key, latest_number, draft_json = refused
    if draft_json != deal.model_dump_json():
        return  # the draft changed since: the refusal was about an earlier draft
    st.error(f"**Not saved.** {md(sentence(str(message)))}", icon=":material/sync_problem:")
    try:
        newer = service.open_version(repo, key, latest_number, actor=identity.actor())
    except ValueshareError as error:
        st.caption(md(error))
        return
    comparison = compare([("Your deal", deal), (f"Version {latest_number}", newer.deal)])
    st.markdown(f"**Your deal beside version {latest_number}** (by {md(newer.info.author)}, {newer.info.when()})")
    differs = [row.differs for row in comparison.figures]
    st.dataframe(highlighted(figures_frame(comparison), differs), hide_index=True, width="stretch")
    inputs = inputs_frame(comparison)
    if inputs.empty:
        st.caption("Your deal has the same inputs as that version.")
    else:
        st.dataframe(inputs, hide_index=True, width="stretch")
    if st.button(f"Save my deal on top of version {latest_number}", key="register:override",
                 help="Keep your deal as it is and save it as the next version; the other version stays in the "
                      "history and can be restored."):
        author = st.session_state.get(AUTHOR, "")
        note = st.session_state.get(NOTE, "")
        saved, problem = save_draft(repo, deal, author=author, note=note, base_version=latest_number, key=key)
        _after_save(saved, problem)
        if not problem:
            st.rerun()  # refused again, by a still newer version: show that one


# -- finding and showing deals ------------------------------------------------------------------------------------

def deals_frame(found: list[DealInfo]) -> pd.DataFrame:
    """One row per deal: its key, name, parties and latest version (plain text: user text is never markup)."""
    rows = [[d.key, d.name, d.latest.nhs_name, d.latest.partner_name, d.latest.number, when(d.latest.saved_at),
             d.latest.author, "Yes" if d.archived else ""] for d in found]
    return pd.DataFrame(rows, columns=["Deal", "Name", "NHS", "Partner", "Latest version", "Saved", "By",
                                       "Archived"])


def history_frame(history: service.History) -> pd.DataFrame:
    """One row per version, oldest first, with the headline figures as they were when it was saved."""
    rows = []
    for v in history.versions:
        note = v.note + (f" (restores version {v.restored_from})" if v.restored_from else "")
        rows.append([v.number, v.when(), v.author, note, *v.headlines.texts().values()])
    return pd.DataFrame(rows, columns=["Version", "Saved", "Author", "Note",
                                       *(figure.label for figure in select(*HEADLINE_KEYS))])


def choose_deal(found: list[DealInfo], preferred: str | None) -> str | None:
    keys = [d.key for d in found]
    if not keys:
        return None
    if st.session_state.get(CHOSEN) not in keys:
        st.session_state[CHOSEN] = preferred if preferred in keys else keys[0]
    names = {d.key: d.name + (" (archived)" if d.archived else "") for d in found}
    return st.selectbox("Deal", keys, key=CHOSEN, format_func=lambda k: f"{names[k]} — {k}")


def history_panel(repo: Repository, key: str) -> None:
    try:
        history = service.history(repo, key, actor=identity.actor())
    except ValueshareError as error:
        st.error(md(error), icon=":material/error:")
        return
    numbers = [v.number for v in history.versions]
    latest = numbers[-1]
    st.markdown("**History**", help="Every version, oldest first, with its figures as valued when it was saved.")
    st.dataframe(history_frame(history), hide_index=True, width="stretch")
    for event in history.events:
        what = "Archived" if event.archived else "Put back in the list"
        st.caption(f"{what} by {md(event.author)} on {event.when()}" + (f": {md(event.note)}" if event.note else ""))

    left, right = st.columns(2, gap="medium")
    with left:
        st.markdown("**Open a version in the editor**")
        number = st.selectbox("Version to open", numbers[::-1], key=f"register:open:{key}")
        st.button(f"Open version {number}", key="register:open", icon=":material/edit_note:",
                  on_click=open_in_editor, args=(repo, key, number),
                  help="Replaces the deal you are editing (save it first if you want to keep it).")
    with right:
        st.markdown("**Restore a version**", help="Saves an old version again as the newest version; nothing is "
                                                  "overwritten.")
        with st.form(f"register:restore:{key}", border=False):
            older = [n for n in numbers if n != latest][::-1]
            pick = st.selectbox("Version to restore", older, key=f"register:restore-pick:{key}",
                                placeholder="No earlier version")
            author = st.text_input("Your name", key=f"register:restore-author:{key}",
                                   value=st.session_state.get(AUTHOR, ""))
            note = st.text_input("Why", key=f"register:restore-note:{key}")
            restore = st.form_submit_button("Restore", icon=":material/history:", disabled=not older)
        if restore and pick is not None:
            try:
                info = service.restore(repo, key, pick, author=author, note=note, base_version=latest,
                                       actor=identity.actor())
            except ValueshareError as error:
                st.error(f"**Not restored.** {md(sentence(str(error)))}", icon=":material/error:")
            else:
                flash("success", f"Restored version {pick} as version {info.number}.")
                st.rerun()

    life_panel(repo, key, numbers)
    share_panel(repo, key)
    if len(numbers) > 1:
        diff_panel(repo, key, numbers)
    archive_panel(repo, key, history.deal.archived)


def share_panel(repo: Repository, key: str) -> None:
    """Share the deal with another organisation of the register: as adviser (it reads the deal whole) or as partner
    (it reads only the deal as shared with the partner). Only in a register with organisations."""
    try:
        organisations = repo.organisations()
    except ValueshareError:
        return
    if not organisations:
        return
    with st.expander("Share this deal with another organisation", icon=":material/share:"):
        with st.form(f"register:share:{key}", border=False):
            names = {o.key: o.name for o in organisations}
            to = st.selectbox("Organisation", list(names), format_func=lambda k: names[k],
                              key=f"register:share-to:{key}", help="An organisation in this register.")
            how = st.radio("Access", [Access.ADVISER, Access.PARTNER], format_func=lambda a: {
                Access.ADVISER: "Adviser: reads the whole deal and comments",
                Access.PARTNER: "Partner: reads only the deal as shared with the partner"}[a],
                key=f"register:share-access:{key}", help="A partner never sees the NHS's positions, notes or costs.")
            shared = st.form_submit_button("Share", icon=":material/share:")
        if shared and to is not None:
            try:
                service.share(repo, key, to, how, author=st.session_state.get(AUTHOR, "") or "app",
                              actor=identity.actor())
            except ValueshareError as error:
                st.error(f"**Not shared.** {md(sentence(str(error)))}", icon=":material/error:")
            else:
                flash("success", f"Shared with {md(names[to])}.")
                st.rerun()


def life_frame(life: service.Life) -> pd.DataFrame:
    """The deal's events, oldest first: when, who, what, and the note or comment as typed."""
    what = {EventKind.STATUS: lambda e: f"Status: {e.status.label.lower() if e.status else ''}",
            EventKind.SIGN_OFF: lambda e: f"Signed off version {e.version}",
            EventKind.COMMENT: lambda e: f"Comment on version {e.version}"}
    rows = [{"When": e.when(), "Who": e.author, "What": what[e.kind](e), "Note or comment": e.text}
            for e in life.events]
    return pd.DataFrame(rows, columns=["When", "Who", "What", "Note or comment"])


def life_panel(repo: Repository, key: str, numbers: list[int]) -> None:
    """Where the deal stands, its events, and the forms that move it on: a status, a sign-off, a comment."""
    try:
        life = service.life(repo, key, actor=identity.actor())
    except ValueshareError as error:
        st.error(md(error), icon=":material/error:")
        return
    st.markdown(f"**Status: {life.status.label}**", help="A deal moves from draft to offered, counter-offered, agreed, "
                "signed and closed (or withdrawn). It may be marked agreed only once an approver has signed off its "
                "latest version. Every change is recorded with who made it and when.")
    st.caption(md(life.standing()[:1].upper() + life.standing()[1:]) + ".")
    if life.events:
        st.dataframe(life_frame(life), hide_index=True, width="stretch")
    with st.expander("Change the status, sign off or comment", icon=":material/flag:"):
        author = st.text_input("Your name", key=f"register:life-author:{key}", value=st.session_state.get(AUTHOR, ""),
                               help="Who is making the change: it is recorded with the time.")
        status, off, remark = st.columns(3, gap="medium")
        with status, st.form(f"register:status:{key}", border=False):
            nexts = list(NEXT_STATUSES[life.status])
            wanted = st.selectbox("New status", nexts, format_func=lambda x: x.label, key=f"register:status-to:{key}",
                                  placeholder="None: the deal has ended", help="Only the next steps of its life.")
            note = st.text_input("Why", key=f"register:status-note:{key}", help="Recorded with the change.")
            moved = st.form_submit_button("Change status", disabled=not nexts)
        with off, st.form(f"register:sign-off:{key}", border=False):
            number = st.selectbox("Version to sign off", numbers[::-1], key=f"register:sign-off-version:{key}",
                                  help="An approver's sign-off of this version, recorded with who and when.")
            off_note = st.text_input("Approver's note", key=f"register:sign-off-note:{key}",
                                     help="Recorded with the sign-off.")
            signed = st.form_submit_button("Sign off")
        with remark, st.form(f"register:comment:{key}", border=False):
            on = st.selectbox("Version", numbers[::-1], key=f"register:comment-version:{key}",
                              help="The version the comment is about.")
            text = st.text_area("Comment", key=f"register:comment-text:{key}", help="Kept exactly as typed.")
            commented = st.form_submit_button("Add comment")
    try:
        if moved and wanted is not None:
            service.set_status(repo, key, wanted, author=author, note=note, actor=identity.actor())
            flash("success", f"{md(key)} is now {wanted.label.lower()}.")
        elif signed:
            service.sign_off(repo, key, number, author=author, note=off_note, actor=identity.actor())
            flash("success", f"Version {number} signed off.")
        elif commented:
            service.comment(repo, key, on, author=author, text=text, actor=identity.actor())
            flash("success", f"Comment on version {on} recorded.")
        else:
            return
    except ValueshareError as error:
        st.error(f"**Not recorded.** {md(sentence(str(error)))}", icon=":material/error:")
        return
    st.rerun()


def diff_panel(repo: Repository, key: str, numbers: list[int]) -> None:
    st.markdown("**What changed between two versions**",
                help="Both versions valued by today's engine, so their figures compare; and every input that "
                     "differs.")
    first_col, second_col = st.columns(2)
    first = first_col.selectbox("From version", numbers, index=len(numbers) - 2, key=f"register:from:{key}")
    second = second_col.selectbox("To version", numbers, index=len(numbers) - 1, key=f"register:to:{key}")
    try:
        found = service.diff(repo, key, first, second, actor=identity.actor())
    except ValueshareError as error:
        st.error(md(error), icon=":material/error:")
        return
    differs = [row.differs for row in found.comparison.figures]
    st.dataframe(highlighted(figures_frame(found.comparison), differs), hide_index=True, width="stretch")
    inputs = inputs_frame(found.comparison)
    if inputs.empty:
        st.caption("The two versions have the same inputs.")
    else:
        st.dataframe(inputs, hide_index=True, width="stretch")


def archive_panel(repo: Repository, key: str, archived: bool) -> None:
    label = "Put back in the list" if archived else "Archive this deal"
    with st.expander(label, icon=":material/archive:"):
        st.caption("Archiving hides the deal from the list; nothing is deleted, and the archive is recorded." if
                   not archived else "The deal returns to the default list.")
        with st.form(f"register:archive:{key}", border=False):
            author = st.text_input("Your name", key=f"register:archive-author:{key}",
                                   value=st.session_state.get(AUTHOR, ""))
            note = st.text_input("Why", key=f"register:archive-note:{key}")
            done = st.form_submit_button(label)
        if done:
            try:
                service.archive(repo, key, author=author, note=note, archived=not archived, actor=identity.actor())
            except ValueshareError as error:
                st.error(md(error), icon=":material/error:")
            else:
                flash("success", f"{'Archived' if not archived else 'Put back'}: {md(key)}.")
                st.rerun()


def browse(repo: Repository) -> None:
    """Search, the list of deals, and the chosen deal's history."""
    search_col, archived_col = st.columns([3, 1], vertical_alignment="bottom")
    search = search_col.text_input("Search", key=SEARCH, placeholder="Deal, NHS body or partner",
                                   help="Any part of a deal's name, its NHS body or its partner, in any case.")
    include = archived_col.toggle("Show archived", key=ARCHIVED,
                                  help="Also list the deals archived from the register (their history is kept).")
    try:
        found = service.find(repo, search, include_archived=include, actor=identity.actor())
    except ValueshareError as error:
        st.error(md(error), icon=":material/error:")
        return
    if not found:
        st.info("No deals found." if search or include else empty_text(repo), icon=":material/info:")
        return
    st.dataframe(deals_frame(found), hide_index=True, width="stretch")
    current = base(repo)
    draft = state.draft()
    preferred = current.key if current else deal_key(str(draft.get("name", ""))) if isinstance(draft, dict) else None
    key = choose_deal(found, preferred)
    if key is not None:
        history_panel(repo, key)


def empty_text(repo: Repository) -> str:
    """What an empty register says; when this app has just started it, also why, and what to do if deals were
    expected."""
    text = "No deals in the register yet: save this one above."
    if repo.created:
        text += (" This register is new: there was no register file, so the app started a new, empty one. If you "
                 "expected to see saved deals, the register file has been moved or deleted: ask whoever looks after "
                 "the server to restore it from a backup.")
    return text


def location_caption(repo: Repository) -> str:
    """The register, named without the server's folders: 'the register file', or the database's URL without any
    credential."""
    return f"Register: {md(getattr(repo, 'where', repo.location))}"

