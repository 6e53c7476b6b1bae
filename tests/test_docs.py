"""The docs that are generated from the model are up to date, and the method docs name every mechanism."""

from pathlib import Path

from valueshare.docgen import DOCS, json_schema_text, spliced
from valueshare.model import TERM_LABELS


def test_scenario_format_reference_matches_the_model():
    text = (DOCS / "scenario-format.md").read_text(encoding="utf-8")
    assert spliced(text) == text, "run: python -m valueshare.docgen"


def test_published_json_schema_matches_the_model():
    assert (DOCS / "deal.schema.json").read_text(encoding="utf-8") == json_schema_text(), \
        "run: python -m valueshare.docgen"


def test_method_doc_explains_every_mechanism_by_its_label():
    method = (DOCS / "method.md").read_text(encoding="utf-8")
    for label in TERM_LABELS.values():
        assert label in method, label


def test_each_format_3_example_of_the_scenario_docs_is_a_valid_deal_once_pasted_into_one():
    """Each YAML example of the scenario docs' format-3 section, pasted under the lines of a small deal that it does
    not hold itself (a deal needs a name, the two parties and a use), validates."""
    import re

    from valueshare.scenario import deal_from_yaml

    text = (DOCS / "scenario-format.md").read_text(encoding="utf-8")
    section = text.split("\n## Consortia, the NHS as buyer")[1].split("\n## ")[0]
    examples = re.findall(r"```yaml\n(.*?)```", section, re.S)
    assert len(examples) == 8  # members, fixed shares, sales, funding, platform, outcomes, two mechanisms
    small = {"format_version": "format_version: 3", "name": "name: Example deal",
             "nhs": "nhs: {name: Example Trust, kind: trust}", "partner": "partner: {name: Example Ltd, kind: sme}",
             "use": "use: commercial_product_development"}
    for example in examples:
        own = {line.split(":")[0] for line in example.splitlines() if line and not line.startswith((" ", "#"))}
        deal_from_yaml("\n".join(line for key, line in small.items() if key not in own) + "\n" + example,
                       "a format-3 example")  # raises DealInvalid, naming each problem, if it is not valid


def test_readme_opens_with_the_two_commands():
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    head = "\n".join(readme.splitlines()[:20])
    assert "pip install -r requirements.txt && streamlit run app.py" in head
    assert "pip install -r requirements.txt && python -m pytest" in head


def test_method_doc_lists_every_published_comparable_and_ceiling_at_its_price():
    from valueshare.contribution.table import published_table
    from valueshare.format import money

    method = (DOCS / "method.md").read_text(encoding="utf-8")
    table = published_table()
    for c in table.comparables:
        assert money(c.price_gbp, exact=True) in method, c.name
        if c.setup_gbp:
            assert money(c.setup_gbp, exact=True) in method, c.name
    for ceiling in table.ceilings:
        assert money(ceiling.per_record_gbp, exact=True) in method, ceiling.data_type


def test_every_picture_in_the_user_guide_exists_and_is_taken_by_the_browser_tests():
    import re

    guide = (DOCS / "user-guide.md").read_text(encoding="utf-8")
    shots = (DOCS.parent / "tests" / "test_e2e_browser.py").read_text(encoding="utf-8")
    pictures = re.findall(r"!\[[^\]]*\]\(images/([^)]+)\.png\)", guide)
    assert len(pictures) >= 8
    for name in pictures:
        assert (DOCS / "images" / f"{name}.png").exists(), name
        assert f'shot(page, "{name}", guide=True)' in shots, name


def test_the_readmes_app_command_opens_on_a_first_run_at_a_desktop_without_stopping_at_a_prompt(tmp_path):
    """A first run of ``streamlit run app.py`` in a terminal on a desktop (a display, no ~/.streamlit) must reach
    "You can now view" on its own: by default Streamlit first waits at a prompt for an e-mail address."""
    import os
    import pty
    import select
    import subprocess
    import sys
    import time

    from app_server import free_port

    port = free_port()
    fake = tmp_path / "bin"
    fake.mkdir()
    (fake / "xdg-open").write_text("#!/bin/sh\nexit 0\n")  # the browser it opens: none here
    (fake / "xdg-open").chmod(0o755)
    env = {**os.environ, "HOME": str(tmp_path), "DISPLAY": ":0", "BROWSER": "true",
           "PATH": f"{fake}{os.pathsep}{os.environ['PATH']}"}
    main, child = pty.openpty()
    app = subprocess.Popen([sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
                            "--server.address", "127.0.0.1", "--server.fileWatcherType", "none"],
                           cwd=DOCS.parent, env=env, stdin=child, stdout=child, stderr=child, close_fds=True)
    os.close(child)
    said = b""
    try:
        deadline = time.monotonic() + 60
        while b"You can now view" not in said and b"Email" not in said and time.monotonic() < deadline:
            if select.select([main], [], [], 1)[0]:
                try:
                    said += os.read(main, 4096)
                except OSError:  # the app ended
                    break
    finally:
        app.terminate()
        app.wait(timeout=20)
        os.close(main)
    text = said.decode(errors="replace")
    assert "Email" not in text, text
    assert "You can now view" in text, text


# -- the docs the app shows: every link opens a page and section the app serves ---------------------------------

def _served_pages() -> set[str]:
    """The url path of each page of app.py's navigation (its url_path, else its file's name)."""
    import re

    app = (DOCS.parent / "app.py").read_text(encoding="utf-8")
    pages = re.findall(r'st\.Page\("app_pages/(\w+)\.py"([^)]*)\)', app)
    return {(re.search(r'url_path="([^"]+)"', rest) or re.search(r"(.+)", name)).group(1) for name, rest in pages}


def _in_app_docs() -> list[str]:
    from ui import docs

    return ["method.md", *[name for name in docs.GUIDE_DOCS if name.endswith(".md")]]


def test_the_guide_and_method_pages_are_served_at_the_addresses_doc_links_use():
    from ui import docs

    assert {"guide", "method"} <= _served_pages()
    assert set(docs.PAGE_OF.values()) <= _served_pages()
    assert all((DOCS / name).exists() for name in docs.PAGE_OF)


def test_every_link_in_every_doc_the_app_shows_opens_a_page_and_section_the_app_serves():
    """Each link in a doc, as the app rewrites it (ui.docs.app_link), is a web address over https, or an app page
    that shows a doc (the Method page, or the Guide page with ``?doc=``), with an anchor that doc's headings have."""
    from ui import docs

    checked = 0
    for name in _in_app_docs():
        text = docs.for_app((DOCS / name).read_text(encoding="utf-8"))
        for target in docs.links(text):
            address = docs.app_link(target)
            assert address is not None, f"{name}: the link to {target} opens nothing in the app"
            checked += 1
            if address.startswith("http"):
                assert address.startswith("https://"), (name, target)
                continue
            page, _, anchor = address.partition("#")
            shown = name if not page else docs.doc_at(page)
            assert shown is not None, (name, target, address)
            if page:
                assert page.partition("?")[0] in _served_pages(), (name, target)
                assert docs.stem(shown) == target.partition("#")[0].rsplit(".", 1)[0], (name, target, shown)
            assert not anchor or anchor in docs.anchors(shown), f"{name}: {target}: no section #{anchor} in {shown}"
    assert checked >= 20  # the user guide's links to four docs, the scenario format's and the register's own


def test_a_link_the_app_cannot_serve_is_caught():
    from ui import docs

    assert docs.app_link("setup.md") is None and docs.app_link("performance.md#x") is None
    assert "nowhere" not in docs.anchors("register.md")


def test_every_help_link_to_the_method_notes_opens_one_of_its_sections():
    import re

    from ui import docs
    from ui.fields import METHOD_SECTIONS

    numbers = {n for n, _ in METHOD_SECTIONS.values()}
    for path in [*(DOCS.parent / "ui").glob("*.py"), *(DOCS.parent / "app_pages").glob("*.py")]:
        numbers |= {int(n) for n in re.findall(r"section_link\((\d+)", path.read_text(encoding="utf-8"))}
        numbers |= {int(n) for n in re.findall(r"\]\(method#s(\d+)\)", path.read_text(encoding="utf-8"))}
    assert numbers and all(f"s{n}" in docs.anchors("method.md") for n in numbers), numbers


def test_passages_for_readers_of_the_file_open_and_close_in_every_doc():
    from ui import docs

    for path in DOCS.glob("*.md"):
        marks = [line.strip() for line in path.read_text(encoding="utf-8").splitlines()
                 if line.strip() in (docs.FILE_ONLY, docs.END_FILE_ONLY)]
        assert marks == [docs.FILE_ONLY, docs.END_FILE_ONLY] * (len(marks) // 2), path.name


def test_the_user_guide_in_the_app_is_for_users_and_the_file_still_says_how_to_start():
    from ui import docs

    shown = docs.for_app((DOCS / "user-guide.md").read_text(encoding="utf-8"))
    for developer in ("pip install", "localhost", "pytest", "tests/", "test_", "setup.md"):
        assert developer not in shown, developer
    assert "setup.md" in (DOCS / "user-guide.md").read_text(encoding="utf-8")
    setup = (DOCS / "setup.md").read_text(encoding="utf-8")
    assert "pip install -r requirements.txt && streamlit run app.py" in setup and "localhost:8501" in setup
    readme = (DOCS.parent / "README.md").read_text(encoding="utf-8")
    assert "(docs/setup.md)" in readme
