"""The core stays pure: importing the model and engine loads neither Streamlit, reportlab nor a database."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_core_imports_no_ui_pdf_or_database_library():
    code = ("import sys, json, valueshare, valueshare.cli, valueshare.scenario, valueshare.engine; "
            "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in "
            "('streamlit', 'reportlab', 'sqlalchemy', 'altair', 'pandas'))))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert json.loads(out) == []
