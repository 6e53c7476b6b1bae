"""The project's docs inside the app, read from ``docs/`` (the same files as in the repository).

The Method page shows docs/method.md; the Guide page shows the user guide and, picked with ``?doc=NAME``, the other
docs a user may need (``GUIDE_DOCS``). Each ``## `` and ``### `` heading gets an anchor: ``sN`` for a numbered
section of the method notes (so help texts link to ``method#s5``), otherwise the heading as GitHub writes its
anchor, so that a link works the same in the repository and in the app. A link between docs is turned into the
address the app serves (``app_link``): ``method.md#x`` is the Method page's ``method#x``, ``register.md#x`` the
Guide page's ``guide?doc=register#x``. A passage between ``<!-- file only -->`` and ``<!-- /file only -->`` is for
readers of the file (installing, the tests) and is left out in the app. Pictures (``![...](images/x.png)``) are
drawn with ``st.image``. These files are the project's own: they are rendered as markdown, never user text.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import streamlit as st

DOCS = Path(__file__).resolve().parent.parent / "docs"
#: The Guide page's documents, by file, with the name its selector shows; the first is the page's default.
GUIDE_DOCS = {"user-guide.md": "User guide", "scenario-format.md": "Deal file format",
              "register.md": "The deal register", "excel-model.md": "The Excel model",
              "brief.md": "The negotiation brief", "deal.schema.json": "Deal file JSON Schema"}
#: The app page (its url path) that shows each doc.
PAGE_OF = {"method.md": "method", **dict.fromkeys(GUIDE_DOCS, "guide")}
FILE_ONLY, END_FILE_ONLY = "<!-- file only -->", "<!-- /file only -->"
_SECTION = re.compile(r"^## (\d+)\. (.+)$")
_IMAGE = re.compile(r"^!\[([^\]]*)\]\(([^)]+)\)\s*$")
_LINK = re.compile(r"(?<!!)\[([^\]]*)\]\(([^)\s]+)\)")


def for_app(text: str) -> str:
    """``text`` without its passages for readers of the file.

    >>> for_app("a\\n<!-- file only -->\\nRun pip.\\n<!-- /file only -->\\nb")
    'a\\nb'
    """
    out, skipping = [], False
    for line in text.splitlines():
        if line.strip() == FILE_ONLY:
            skipping = True
        elif line.strip() == END_FILE_ONLY:
            skipping = False
        elif not skipping:
            out.append(line)
    return "\n".join(out)


def slug(heading: str) -> str:
    """A heading's anchor as GitHub writes it: lower case, punctuation dropped, spaces as hyphens.

    >>> slug("Consortia, the NHS as buyer, grants, platforms and outcomes (format 3)")
    'consortia-the-nhs-as-buyer-grants-platforms-and-outcomes-format-3'
    >>> slug("The audit chain and `verify`"), slug("terms[]: kind: access_fee (Access fee)")
    ('the-audit-chain-and-verify', 'terms-kind-access_fee-access-fee')
    """
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def _anchor(name: str, heading: str) -> str:
    numbered = _SECTION.match(f"## {heading}")
    return f"s{numbered.group(1)}" if numbered and name == "method.md" else slug(heading)


@cache
def sections(name: str) -> list[tuple[str, str, str]]:
    """(anchor, heading, body) for each ``## `` section of a doc as the app shows it; the text before the first is
    ('', title, body). A ``### `` heading stays in its section's body.

    >>> [anchor for anchor, _, _ in sections("method.md")][:3]
    ['', 's1', 's2']
    """
    text = for_app((DOCS / name).read_text(encoding="utf-8"))
    out: list[tuple[str, str, str]] = []
    anchor, heading, fenced = "", "", False
    body: list[str] = []
    for line in text.splitlines():
        fenced ^= line.startswith("```")
        if not fenced and line.startswith("# ") and not out and not heading:
            heading = line[2:]
            continue
        if not fenced and line.startswith("## "):
            out.append((anchor, heading, "\n".join(body)))
            anchor, heading, body = _anchor(name, line[3:]), line[3:], []
            continue
        body.append(line)
    out.append((anchor, heading, "\n".join(body)))
    return out


@cache
def anchors(name: str) -> frozenset[str]:
    """Every anchor the app gives a doc's headings (its ``## `` and ``### `` ones)."""
    found = {anchor for anchor, _, _ in sections(name) if anchor}
    for _, _, body in sections(name):
        found |= {slug(heading) for heading, _ in _subsections(body)[1:]}
    return frozenset(found)


def _subsections(body: str) -> list[tuple[str, str]]:
    """A section's body cut at its ``### `` headings: (heading, text), the text before the first with heading ''."""
    out: list[tuple[str, str]] = []
    heading, fenced = "", False
    lines: list[str] = []
    for line in body.splitlines():
        fenced ^= line.startswith("```")
        if not fenced and line.startswith("### "):
            out.append((heading, "\n".join(lines)))
            heading, lines = line[4:], []
        else:
            lines.append(line)
    out.append((heading, "\n".join(lines)))
    return out


def stem(name: str) -> str:
    """The name ``?doc=`` gives a doc: its file name without the extension ('register' for register.md)."""
    return name.rsplit(".", 1)[0]


def guide_doc(asked: str | None) -> str:
    """The doc the Guide page shows for ``?doc=asked``: the user guide when none, or none by that name, is asked.

    >>> guide_doc("register"), guide_doc(None), guide_doc("setup")
    ('register.md', 'user-guide.md', 'user-guide.md')
    """
    return next((name for name in GUIDE_DOCS if stem(name) == asked), next(iter(GUIDE_DOCS)))


def doc_at(address: str) -> str | None:
    """The doc an address of the app shows (before any ``#``), or None for another page.

    >>> doc_at("method"), doc_at("guide"), doc_at("guide?doc=scenario-format"), doc_at("deal")
    ('method.md', 'user-guide.md', 'scenario-format.md', None)
    """
    page, _, query = address.partition("?")
    if page == "method":
        return "method.md"
    if page != "guide":
        return None
    asked = query[len("doc="):] if query.startswith("doc=") else None
    return guide_doc(asked)


def app_link(target: str) -> str | None:
    """The address in the app of a link in a doc: another doc the app shows becomes its page (and anchor), an
    anchor or a web address stays as it is; None for a file the app does not show.

    >>> app_link("method.md#s4"), app_link("register.md"), app_link("scenario-format.md#format-versions")
    ('method#s4', 'guide?doc=register', 'guide?doc=scenario-format#format-versions')
    >>> app_link("#the-partnerships-the-nhs-signs"), app_link("https://alembic.sqlalchemy.org"), app_link("setup.md")
    ('#the-partnerships-the-nhs-signs', 'https://alembic.sqlalchemy.org', None)
    """
    if target.startswith(("#", "https://", "http://")):
        return target
    name, _, anchor = target.partition("#")
    page = PAGE_OF.get(name)
    if page is None:
        return None
    address = page if page == "method" else (
        "guide" if name == next(iter(GUIDE_DOCS)) else f"guide?doc={stem(name)}")
    return address + (f"#{anchor}" if anchor else "")


def links(text: str) -> list[str]:
    """The targets of the markdown links in ``text`` (not pictures, not inside code).

    >>> links("See [a](method.md#s1), ![p](images/x.png) and `[b](c.md)`.")
    ['method.md#s1']
    """
    prose = re.sub(r"```.*?```|`[^`\n]*`", "", text, flags=re.S)
    return [target for _, target in _LINK.findall(prose)]


def _in_app(text: str) -> str:
    """Markdown with each link between docs pointing at the page that shows the doc (a link the app cannot serve
    becomes its words)."""
    def swap(match: re.Match[str]) -> str:
        words, target = match.group(1), match.group(2)
        address = app_link(target)
        return words if address is None else f"[{words}]({address})"
    parts = re.split(r"(```.*?```|`[^`\n]*`)", text, flags=re.S)  # code is left as written
    return "".join(part if k % 2 else _LINK.sub(swap, part) for k, part in enumerate(parts))


def _prose(text: str) -> None:
    """Markdown with its pictures drawn as images."""
    chunk: list[str] = []
    for line in text.splitlines():
        image = _IMAGE.match(line)
        if image:
            st.markdown(_in_app("\n".join(chunk)))
            chunk = []
            path = DOCS / image.group(2)
            if path.exists():
                st.image(str(path), caption=image.group(1) or None, alt=image.group(1) or path.stem)
        else:
            chunk.append(line)
    st.markdown(_in_app("\n".join(chunk)))


def show(name: str) -> None:
    """Draw a doc: its title, then each section under a heading with its anchor; pictures as images. The JSON
    Schema is shown as code, with a download."""
    if name.endswith(".json"):
        st.title(GUIDE_DOCS.get(name, name), anchor=False)
        text = (DOCS / name).read_text(encoding="utf-8")
        st.download_button("Download the JSON Schema", text, file_name=name, mime="application/json",
                           icon=":material/download:")
        st.code(text, language="json", height=600)
        return
    for k, (anchor, heading, body) in enumerate(sections(name)):
        if k == 0:
            st.title(heading, anchor=False)
        else:
            st.header(heading, anchor=anchor, divider="gray")
        for sub, text in _subsections(body):
            if sub:
                st.subheader(sub, anchor=slug(sub))
            _prose(text)
