"""The documents layer works on files and plain values only: importing it loads no database library."""

import json
import subprocess
import sys

_SCRIPT = """
import importlib, json, pkgutil, sys
import counterdesk.documents as package
for info in pkgutil.walk_packages(package.__path__, prefix="counterdesk.documents."):
    importlib.import_module(info.name)
top_level = {module.split(".")[0] for module in sys.modules}
print(json.dumps(sorted(top_level & {"sqlmodel", "sqlalchemy", "alembic", "psycopg", "textual", "typer"})))
"""


def test_documents_import_no_database_or_interface_library() -> None:
    result = subprocess.run([sys.executable, "-c", _SCRIPT], capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == []
