"""Who is using the app: the identity signed in through Streamlit's own ``st.login`` (OpenID Connect, against the
organisation's identity provider), or the local user of an app with no sign-in configured (the embedded default).

Sign-in is configured by an ``[auth]`` section in ``.streamlit/secrets.toml`` (docs/register.md says how). Then the
sidebar offers "Sign in", and the signed-in identity (the token's e-mail address, else its subject) is the
``Actor`` of every register call: the register's service layer decides what it may see and do, and records it as
the author of every version and event.
"""

from __future__ import annotations

import streamlit as st

from valueshare.register.access import LOCAL, Actor


def configured() -> bool:
    """Whether sign-in is set up (an ``[auth]`` section in the app's secrets)."""
    try:
        return "auth" in st.secrets
    except Exception:  # noqa: BLE001 - no secrets file at all: no sign-in, the embedded default
        return False


def actor() -> Actor:
    """The signed-in identity, or the local user when sign-in is not configured or nobody has signed in."""
    if not configured() or not st.user.is_logged_in:
        return LOCAL
    person = st.user.get("email") or st.user.get("sub")
    return Actor(str(person)) if person else LOCAL


def sign_in_box() -> None:
    """In the sidebar, when sign-in is configured: who is signed in and a way out, or the way in."""
    if not configured():
        return
    if st.user.is_logged_in:
        st.caption(f"Signed in as {actor().person}")
        st.button("Sign out", key="identity:sign-out", on_click=st.logout, icon=":material/logout:",
                  help="Ends your session in this browser.")
    else:
        st.button("Sign in", key="identity:sign-in", on_click=st.login, icon=":material/login:", type="primary",
                  help="Through your organisation's identity provider: the register then shows the deals your "
                       "organisation may see.")
