"""The core stays pure: importing the model and engine loads neither Streamlit, reportlab nor a database."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_core_imports_no_ui_pdf_or_database_library():
    code = ("import sys, json, valueshare, valueshare.cli, valueshare.scenario, valueshare.engine, "
            "valueshare.distributions, valueshare.negotiation; "
            "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in "
            "('streamlit', 'reportlab', 'sqlalchemy', 'altair', 'pandas'))))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert json.loads(out) == []


def _imports(path: Path) -> set[str]:
    """The modules a source file imports (``import a.b`` and ``from a.b import c`` both give ``a.b``; a relative
    import is named from its package)."""
    import ast

    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            package = ".".join(path.relative_to(ROOT).with_suffix("").parts[:-node.level]) if node.level else ""
            base = ".".join(part for part in (package, node.module or "") if part)
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


def test_nothing_in_valueshare_imports_the_cli_so_the_cli_only_parses_and_dispatches():
    # The CLI is an entry point: reports, the register's commands and the core never reach back into it (the
    # plain-text reports are valueshare.reports.text). Only __main__, which runs it, may import it.
    offenders = {}
    for path in sorted((ROOT / "valueshare").rglob("*.py")):
        if path.name == "__main__.py" and path.parent.name == "valueshare":
            continue
        cli = {name for name in _imports(path) if name == "valueshare.cli" or name.startswith("valueshare.cli.")}
        if cli:
            offenders[str(path.relative_to(ROOT))] = sorted(cli)
    assert offenders == {}


def test_the_register_commands_do_not_import_the_cli():
    imported = _imports(ROOT / "valueshare" / "cli_register.py")
    assert not {name for name in imported if name == "valueshare.cli" or name.startswith("valueshare.cli.")}
    assert "valueshare.reports.text" in imported  # its tables are the reports layer's


#: The finance of the core: discounting, IRR, the stage tree, the solver. The app only calls what is built on them.
FINANCE = ("numpy_financial", "valueshare.engine.finance", "valueshare.engine.route", "valueshare.engine.timeline",
           "valueshare.engine.sampling", "valueshare.solver")


def test_the_app_computes_no_finance_of_its_own():
    # ui/ and app_pages/ lay out what the core computes: a module that discounted, drew trials or searched for a
    # term's value would be a second engine, out of reach of the core's tests.
    offenders = {}
    for path in sorted([*(ROOT / "ui").rglob("*.py"), *(ROOT / "app_pages").rglob("*.py"), ROOT / "app.py"]):
        found = {name for name in _imports(path) if any(name == f or name.startswith(f + ".") for f in FINANCE)}
        if found:
            offenders[str(path.relative_to(ROOT))] = sorted(found)
    assert offenders == {}
